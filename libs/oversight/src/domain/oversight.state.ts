import type { AgreementState } from './agreement.state';
import type { CouncilState } from './council.state';
import type { SupervisionFile } from './supervision.state';
import type {
  Decision,
  EvidenceLink,
  ExecutionOutcome,
  MetadataCategory,
  Millis,
  OperationMeasure,
  OperationTarget,
  PrimeMinisterOrder,
  ThresholdAttestation,
  VoteChoice,
} from './oversight.events';

export interface CastVoteRecord {
  memberId: string;
  vote: VoteChoice;
  reason: string | null;
  castAt: Millis;
}

interface RequestCommon {
  requestId: string;
  requestedBy: string;
  requesterKind: string;
  justification: string;
  validFrom: Millis;
  validUntil: Millis;
  requestedAt: Millis;
  roster: readonly string[];
  quorum: number;
  /** In the order cast; each member at most once. */
  votes: readonly CastVoteRecord[];
  decision: Decision;
  decidedAt: Millis | null;
}

export interface CollectionRequest extends RequestCommon {
  kind: 'collection';
  telecomId: string;
  categories: readonly MetadataCategory[];
}

export interface Execution {
  target: string;
  startedAt: Millis;
  endedAt: Millis;
  outcome: ExecutionOutcome;
  summary: string;
  measuresTaken: readonly OperationMeasure[];
  emergency: boolean;
  emergencyReason: string | null;
  notifyBy: Millis | null;
  executedAt: Millis;
}

export interface OperationRequest extends RequestCommon {
  kind: 'operation';
  target: OperationTarget;
  evidence: readonly EvidenceLink[];
  measures: readonly OperationMeasure[];
  emergencyReason: string | null;
  primeMinisterOrder: PrimeMinisterOrder | null;
  /** Null on a legacy request (recorded before the attestation was required). */
  attestation: ThresholdAttestation | null;
  consultation: { consultedAt: Millis; summary: string } | null;
  execution: Execution | null;
  notification: { notifiedAt: Millis; late: boolean } | null;
  notificationMissedAt: Millis | null;
  report: { summary: string; reportedAt: Millis } | null;
}

export type OversightRequest = CollectionRequest | OperationRequest;

/** Nothing requested under this id yet, or the request and what followed it. */
export type RequestState = { kind: 'none' } | OversightRequest;

/**
 * An aggregate of the oversight context: a request, an agency's supervision file, an agreement,
 * the council.
 */
export type OversightState = RequestState | SupervisionFile | AgreementState | CouncilState;

export const initialOversightState: RequestState = { kind: 'none' };

/** Where an operation stands: requested → executed → reported. */
export const operationStage = (r: OperationRequest): 'requested' | 'executed' | 'reported' =>
  r.report ? 'reported' : r.execution ? 'executed' : 'requested';
