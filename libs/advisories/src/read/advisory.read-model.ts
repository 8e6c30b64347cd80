import type { AdvisoryAudience } from '@acd/identity/domain';

/** One acknowledgement of an advisory. */
export interface AdvisoryAcknowledgement {
  orgId: string;
  at: Date;
}

/** One advisory as its readers, its issuer and the cabinet cyber office read it. */
export interface AdvisoryDoc {
  /** The advisory id. */
  _id: string;
  /** Aggregate version of the last event applied here. */
  version: number;
  issuerOrgId: string;
  issuerKind: string;
  title: string;
  summary: string;
  severity: string;
  /** Entitlement fields: `advisoryReadFilter` queries `issuerOrgId`, `tlp` and `audience`. */
  tlp: string;
  /** `council` is absent on documents written before the council existed. */
  audience: AdvisoryAudience;
  indicatorIds: string[];
  incidentIds: string[];
  recommendedActions: string[];
  expiresAt: Date;
  status: 'active' | 'withdrawn';
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
  /** In the order they were recorded; each organisation at most once. */
  acknowledgements: AdvisoryAcknowledgement[];
  issuedAt: Date;
  updatedAt: Date;
}
