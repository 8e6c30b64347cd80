import {
  AGREEMENT_COMMAND_TYPES,
  isAgreementCommand,
  type AgreementCommand,
} from './agreement.commands';
import { COUNCIL_COMMAND_TYPES, isCouncilCommand, type CouncilCommand } from './council.commands';
import {
  isSupervisionCommand,
  SUPERVISION_COMMAND_TYPES,
  type SupervisionCommand,
} from './supervision.commands';
import type {
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

/** Every command names the request it addresses: that is the aggregate id. */
interface OnRequest {
  requestId: string;
}

/** The request id is derived at the edge from the command id, so a retry names the same one. */
export type RequestCollectionAuthorisation = {
  type: 'RequestCollectionAuthorisation';
  data: OnRequest & {
    telecomId: string;
    categories: MetadataCategory[];
    validFrom: Millis;
    validUntil: Millis;
    justification: string;
  };
};

interface OperationRequestFields {
  target: OperationTarget;
  justification: string;
  evidence: EvidenceLink[];
  measures: OperationMeasure[];
  validFrom: Millis;
  validUntil: Millis;
  /** Required of the SDF, refused from the police; null when absent. */
  primeMinisterOrder: PrimeMinisterOrder | null;
  /** Required and true; null when absent (a command written before v2), which is refused. */
  attestation: ThresholdAttestation | null;
}

export type RequestOperationAuthorisation = {
  type: 'RequestOperationAuthorisation';
  data: OnRequest & OperationRequestFields;
};

/** What the agency did: recorded after the fact, by the agency that did it. */
export interface ExecutionRecord {
  /** The host or network acted on; must lie within the approved target. */
  target: string;
  startedAt: Millis;
  endedAt: Millis;
  outcome: ExecutionOutcome;
  summary: string;
  measuresTaken: OperationMeasure[];
}

export interface ConsultationRecord {
  consultedAt: Millis;
  summary: string;
}

/**
 * The emergency path in one step: the agency acted before the commission could decide, so the
 * request (for ratification), a consultation of the Foreign Minister it already held, and the
 * execution are recorded together.
 */
export type RecordEmergencyOperation = {
  type: 'RecordEmergencyOperation';
  data: OnRequest &
    OperationRequestFields & {
      emergencyReason: string;
      consultation: ConsultationRecord | null;
      execution: ExecutionRecord;
    };
};

export type RecordForeignMinisterConsultation = {
  type: 'RecordForeignMinisterConsultation';
  data: OnRequest & ConsultationRecord;
};

/** A commission member's vote; `memberId` is the subject of the member's personal token. */
export type CastVote = {
  type: 'CastVote';
  data: OnRequest & { memberId: string | null; vote: VoteChoice; reason: string | null };
};

/** `emergencyReason` lets a pending request be acted on before the decision (emergency path). */
export type ExecuteOperation = {
  type: 'ExecuteOperation';
  data: OnRequest & ExecutionRecord & { emergencyReason: string | null };
};

export type NotifyCommission = {
  type: 'NotifyCommission';
  data: OnRequest & { summary: string };
};

/** Sent by the bus's scheduler once an emergency notification's deadline has passed. */
export type MarkEmergencyNotificationMissed = {
  type: 'MarkEmergencyNotificationMissed';
  data: OnRequest;
};

export type ReportOperation = {
  type: 'ReportOperation';
  data: OnRequest & { summary: string };
};

/** The commands of one authorisation request and the operation it governs. */
export type RequestCommand =
  | RequestCollectionAuthorisation
  | RequestOperationAuthorisation
  | RecordEmergencyOperation
  | RecordForeignMinisterConsultation
  | CastVote
  | ExecuteOperation
  | NotifyCommission
  | MarkEmergencyNotificationMissed
  | ReportOperation;

export type OversightCommand =
  RequestCommand | SupervisionCommand | AgreementCommand | CouncilCommand;

export const OVERSIGHT_COMMAND_TYPES = [
  'RequestCollectionAuthorisation',
  'RequestOperationAuthorisation',
  'RecordEmergencyOperation',
  'RecordForeignMinisterConsultation',
  'CastVote',
  'ExecuteOperation',
  'NotifyCommission',
  'MarkEmergencyNotificationMissed',
  'ReportOperation',
  ...SUPERVISION_COMMAND_TYPES,
  ...AGREEMENT_COMMAND_TYPES,
  ...COUNCIL_COMMAND_TYPES,
] as const satisfies readonly OversightCommand['type'][];

/** The identity the bus's own deadline scheduler issues its commands under. */
export const OVERSIGHT_SCHEDULER_ISSUER = {
  orgId: 'acd-deadline-scheduler',
  kind: 'system',
  sector: null,
} as const;

/**
 * The aggregate a command addresses: its request, its agency's supervision file, its agreement,
 * or the council.
 */
export const oversightAggregateIdOf = (command: OversightCommand): string =>
  isSupervisionCommand(command)
    ? command.data.agencyId
    : isAgreementCommand(command)
      ? command.data.agreementId
      : isCouncilCommand(command)
        ? command.data.councilId
        : command.data.requestId;
