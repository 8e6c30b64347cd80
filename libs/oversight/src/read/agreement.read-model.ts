/** One agreement with an operator, as its parties and the commission read it. */
export interface AgreementDoc {
  _id: string;
  version: number;
  /** The operator party: `agreementReadFilter` and the live lookup query it. */
  operatorId: string;
  operatorKind: string;
  proposedBy: string;
  networks: string[];
  categories: string[];
  validFrom: Date;
  validUntil: Date;
  purpose: string;
  status: 'proposed' | 'accepted' | 'declined' | 'ended';
  proposedAt: Date;
  consent: { by: string; statement: string; at: Date } | null;
  declined: { reason: string; at: Date } | null;
  ended: { byOrgId: string; reason: string; at: Date } | null;
  updatedAt: Date;
}

export const AGREEMENTS_COLLECTION = 'oversight-agreements';
