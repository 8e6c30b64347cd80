import type { CollectionAuthorisationFields } from './collection-authorisation.lookup';

export interface OversightVoteEntry {
  memberId: string;
  vote: 'approve' | 'deny';
  reason: string | null;
  at: Date;
}

export interface OversightExecutionEntry {
  target: string;
  startedAt: Date;
  endedAt: Date;
  outcome: string;
  summary: string;
  measuresTaken: string[];
  emergency: boolean;
  executedAt: Date;
}

/** The emergency path of an operation: why, and how the notification went. */
export interface OversightEmergencyEntry {
  reason: string;
  /** Set once the agency acted: when the commission must have been notified. */
  notifyBy: Date | null;
  notifiedAt: Date | null;
  notificationSummary: string | null;
  late: boolean;
  /** When the bus recorded the missed notification (once), or null. */
  missedAt: Date | null;
}

/** The Prime Minister's order an SDF request carries. */
export interface OversightOrderEntry {
  givenAt: Date;
  grounds: string;
  reference: string | null;
}

/**
 * One authorisation request (collection or operation) and, for an operation, what followed it.
 * Collection requests carry the fields `CollectionAuthorisationLookup` relies on (`kind`,
 * `status`, `telecomId`, `categories`, `validFrom`, `validUntil` as Dates); the entitlement
 * filter `oversightReadFilter` queries `kind`, `requestedBy`, `telecomId` and `status`.
 */
export interface OversightRequestDoc extends CollectionAuthorisationFields {
  _id: string;
  version: number;
  kind: 'collection' | 'operation';
  status: 'pending' | 'approved' | 'denied';
  requestedBy: string;
  requesterKind: string;
  justification: string;
  validFrom: Date;
  validUntil: Date;
  requestedAt: Date;
  roster: string[];
  quorum: number;
  votes: OversightVoteEntry[];
  approvals: number;
  denials: number;
  decidedAt: Date | null;
  /** Collection requests only. */
  telecomId?: string;
  categories?: string[];
  /** Operation requests only (null on collection requests). */
  target: { type: string; value: string; country: string } | null;
  evidence: { type: string; id: string }[];
  measures: string[];
  stage: 'requested' | 'executed' | 'reported' | null;
  /**
   * Operation requests: the SDF's order (null for the police). Absent on documents written
   * before it existed (read as null); a rebuild writes it.
   */
  primeMinisterOrder?: OversightOrderEntry | null;
  /** Operation requests: the attestation; null on a legacy request (recorded before v2). */
  attestation?: { belowArmedAttackThreshold: boolean; justification: string | null } | null;
  consultation: { consultedAt: Date; summary: string; recordedAt: Date } | null;
  emergency: OversightEmergencyEntry | null;
  execution: OversightExecutionEntry | null;
  report: { summary: string; reportedAt: Date } | null;
  updatedAt: Date;
}
