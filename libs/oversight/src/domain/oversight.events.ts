/**
 * Events of one authorisation request to the Cyber Communications Information Supervisory
 * Commission, the aggregate keyed by request id. A collection request (the cabinet cyber office
 * asks to receive a telecom operator's cross-border metadata) ends with the commission's
 * decision. An operation request (the police or the SDF ask to access and neutralise a server)
 * goes on with the operation it governs, in the same aggregate, so that one pure decider checks
 * "a live approval covering this target and measure" against consistent state:
 * requested → approved → executed → reported, or, in an emergency, executed first, then the
 * commission notified and the request ratified (or not) by vote.
 */

import { AGREEMENT_EVENT_TYPES, type AgreementEvent } from './agreement.events';
import { COUNCIL_EVENT_TYPES, type CouncilEvent } from './council.events';
import { SUPERVISION_EVENT_TYPES, type SupervisionEvent } from './supervision.events';

/** Epoch milliseconds, UTC: what Avro's timestamp-millis carries. */
export type Millis = number;

/**
 * Machine data a telecom operator may supply under a collection authorisation. Never contents:
 * the law allows addresses, ports, protocols, volumes, timings and attack commands only.
 */
export const METADATA_CATEGORIES = [
  'addresses',
  'ports',
  'protocols',
  'volumes',
  'timings',
  'attack-commands',
] as const;
export type MetadataCategory = (typeof METADATA_CATEGORIES)[number];

/** What an access-and-neutralisation operation may do to a server, least intrusive first. */
export const OPERATION_MEASURES = [
  'access',
  'collect-evidence',
  'disable-malware',
  'block-c2-communication',
  'take-down',
] as const;
export type OperationMeasure = (typeof OPERATION_MEASURES)[number];

/** The agencies the law lets act on an attacker's server. */
export const OPERATING_AGENCY_KINDS = ['police', 'sdf'] as const;

/**
 * The agency that acts only on an order of the Prime Minister: the SDF take on the particularly
 * sophisticated, organised attacks from abroad, when the Prime Minister orders them to.
 */
export const ORDERED_AGENCY_KIND = 'sdf';

/** The target's country that is "at home": any other country makes the target foreign. */
export const HOME_COUNTRY = 'JP';

export const TARGET_TYPES = ['ip', 'cidr', 'domain'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const EVIDENCE_TYPES = ['indicator', 'incident', 'flow-match'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const EXECUTION_OUTCOMES = [
  'succeeded',
  'partially-succeeded',
  'failed',
  'aborted',
] as const;
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[number];

export const VOTES = ['approve', 'deny'] as const;
export type VoteChoice = (typeof VOTES)[number];

export type RequestKind = 'collection' | 'operation';
export type Decision = 'pending' | 'approved' | 'denied';

/** The server an operation acts on: an address, a network or a domain, and where it is. */
export interface OperationTarget {
  type: TargetType;
  /** Normalised: lower case, addresses in canonical form, a CIDR's network address. */
  value: string;
  /** ISO 3166-1 alpha-2, upper case; for addresses as the IP-to-country dataset says. */
  country: string;
}

/** A link to what justifies an operation: an indicator, an incident or a metadata match. */
export interface EvidenceLink {
  type: EvidenceType;
  id: string;
}

/** The Prime Minister's order an SDF operation rests on: when it was given, why, and its number. */
export interface PrimeMinisterOrder {
  givenAt: Millis;
  grounds: string;
  /** The order's reference (its number or file), when the agency has one. */
  reference: string | null;
}

/**
 * The requesting agency's attestation that the operation stays below the threshold of an armed
 * attack: the Act's powers end there. Null only on requests recorded before it was required.
 */
export interface ThresholdAttestation {
  belowArmedAttackThreshold: boolean;
  justification: string | null;
}

/** The voting rule in force for one request, fixed when the request was made. */
export interface VotingRule {
  /** Member ids of the commission at the time of the request. */
  roster: string[];
  /** Votes that must be cast before the request is decided. */
  quorum: number;
}

export type CollectionAuthorisationRequested = {
  type: 'CollectionAuthorisationRequested';
  data: VotingRule & {
    requestId: string;
    requestedBy: string;
    requesterKind: string;
    telecomId: string;
    categories: MetadataCategory[];
    validFrom: Millis;
    validUntil: Millis;
    justification: string;
    requestedAt: Millis;
  };
};

export type OperationAuthorisationRequested = {
  type: 'OperationAuthorisationRequested';
  data: VotingRule & {
    requestId: string;
    /** The requesting agency: the only one that may execute and report. */
    agencyId: string;
    agencyKind: string;
    target: OperationTarget;
    justification: string;
    evidence: EvidenceLink[];
    measures: OperationMeasure[];
    validFrom: Millis;
    validUntil: Millis;
    /** Set when the agency acted first: the request then asks for ratification. */
    emergencyReason: string | null;
    /** The SDF's order (required of them, never carried by the police); null on legacy events. */
    primeMinisterOrder: PrimeMinisterOrder | null;
    /** Always present and true since v2; null on events recorded before (legacy). */
    attestation: ThresholdAttestation | null;
    requestedAt: Millis;
  };
};

export type ForeignMinisterConsulted = {
  type: 'ForeignMinisterConsulted';
  data: {
    requestId: string;
    agencyId: string;
    consultedAt: Millis;
    summary: string;
    recordedAt: Millis;
  };
};

export type VoteCast = {
  type: 'VoteCast';
  data: {
    requestId: string;
    memberId: string;
    vote: VoteChoice;
    reason: string | null;
    castAt: Millis;
  };
};

export type RequestApproved = {
  type: 'RequestApproved';
  data: {
    requestId: string;
    approvals: number;
    denials: number;
    validFrom: Millis;
    validUntil: Millis;
    decidedAt: Millis;
  };
};

export type RequestDenied = {
  type: 'RequestDenied';
  data: {
    requestId: string;
    approvals: number;
    denials: number;
    decidedAt: Millis;
  };
};

export type OperationExecuted = {
  type: 'OperationExecuted';
  data: {
    requestId: string;
    agencyId: string;
    /** The host or network actually acted on: the approved target or inside it. */
    target: string;
    startedAt: Millis;
    endedAt: Millis;
    outcome: ExecutionOutcome;
    summary: string;
    measuresTaken: OperationMeasure[];
    /** True when executed without approval, on the emergency path. */
    emergency: boolean;
    /** Why the agency could not wait (emergency only). */
    emergencyReason: string | null;
    /** When the commission must have been notified (emergency only). */
    notifyBy: Millis | null;
    executedAt: Millis;
  };
};

export type CommissionNotified = {
  type: 'CommissionNotified';
  data: {
    requestId: string;
    agencyId: string;
    summary: string;
    notifyBy: Millis;
    notifiedAt: Millis;
    /** After notifyBy: recorded all the same, as late. */
    late: boolean;
  };
};

export type EmergencyNotificationMissed = {
  type: 'EmergencyNotificationMissed';
  data: {
    requestId: string;
    agencyId: string;
    notifyBy: Millis;
    recordedAt: Millis;
  };
};

export type OperationReported = {
  type: 'OperationReported';
  data: {
    requestId: string;
    agencyId: string;
    summary: string;
    reportedAt: Millis;
  };
};

/** The events of one authorisation request and the operation it governs. */
export type RequestEvent =
  | CollectionAuthorisationRequested
  | OperationAuthorisationRequested
  | ForeignMinisterConsulted
  | VoteCast
  | RequestApproved
  | RequestDenied
  | OperationExecuted
  | CommissionNotified
  | EmergencyNotificationMissed
  | OperationReported;

/**
 * Every event of the oversight context: requests and operations, supervision files, agreements,
 * the council.
 */
export type OversightEvent = RequestEvent | SupervisionEvent | AgreementEvent | CouncilEvent;

export const OVERSIGHT_EVENT_TYPES = [
  'CollectionAuthorisationRequested',
  'OperationAuthorisationRequested',
  'ForeignMinisterConsulted',
  'VoteCast',
  'RequestApproved',
  'RequestDenied',
  'OperationExecuted',
  'CommissionNotified',
  'EmergencyNotificationMissed',
  'OperationReported',
  ...SUPERVISION_EVENT_TYPES,
  ...AGREEMENT_EVENT_TYPES,
  ...COUNCIL_EVENT_TYPES,
] as const satisfies readonly OversightEvent['type'][];
