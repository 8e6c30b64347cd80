import type { MetadataCategory, Millis } from './oversight.events';

export interface AgreementState {
  kind: 'agreement';
  agreementId: string;
  operatorId: string;
  proposedBy: string;
  networks: readonly string[];
  categories: readonly MetadataCategory[];
  validFrom: Millis;
  validUntil: Millis;
  status: 'proposed' | 'accepted' | 'declined' | 'ended';
}
