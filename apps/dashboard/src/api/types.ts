/** The API's answers, as docs/api.md and the gateway's presenters give them. */
import type { OrgKind, Tlp } from '../domain/vocabulary';

export interface Organisation {
  id: string;
  name: string;
  kind: OrgKind;
  sector?: string;
}

export interface WhoAmI {
  organisation: Organisation;
  member: string | null;
}

export interface DemoOrganisation extends Organisation {
  token: string;
  members?: { id: string; token: string }[];
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Indicator {
  id: string;
  type: string;
  value: string;
  tlp: Tlp;
  audience: { orgs: string[]; sectors: string[]; council?: boolean };
  publisher: {
    orgId: string | null;
    pseudonym: string | null;
    sector: string | null;
    named: boolean;
  };
  confidence: number;
  validFrom: string | null;
  validUntil: string | null;
  description: string | null;
  status: string;
  publishedAt: string | null;
  updatedAt: string | null;
  version: number;
}

export interface Advisory {
  id: string;
  title: string;
  summary: string;
  severity: string;
  tlp: Tlp;
  issuer: { orgId: string; kind: string };
  expiresAt: string | null;
  status: 'active' | 'expired' | 'withdrawn';
  acknowledgedByYou: boolean;
  acknowledgementCount?: number;
  issuedAt: string | null;
  recommendedActions?: string[];
  audience?: { everyone: boolean; council?: boolean };
}

export interface AdvisoryAggregateItem {
  advisoryId: string;
  title: string;
  tlp: Tlp;
  severity: string;
  status: string;
  expiresAt: string | null;
  expected: number;
  acknowledged: number;
  rate: number | null;
}

export interface AcknowledgementEntry {
  orgId: string;
  name: string | null;
  kind: string | null;
  sector: string | null;
}

export interface Acknowledgements {
  advisoryId: string;
  status: string;
  expected: number;
  acknowledgedCount: number;
  acknowledged: (AcknowledgementEntry & { at: string | null; expected: boolean })[];
  notAcknowledged: AcknowledgementEntry[];
}

export interface Deadline {
  deadlineId: string;
  regime: string;
  obligation: string;
  stage: string;
  dueAt: string;
  dueAtJst: string | null;
  status: 'pending' | 'met' | 'missed';
  filedAt: string | null;
  filedLate: boolean;
  caseId: string | null;
}

export interface Incident {
  id: string;
  operatorId: string;
  sector: string;
  title: string;
  awareAt: string;
  impact: string;
  status: string;
  regimes: string[];
  closed: boolean;
  nextDeadlineAt: string | null;
  deadlines: Deadline[];
  reports: { reportId: string; stage: string; summary: string; filedAt: string }[];
  sharedWithPolice: boolean;
  affectedAssets: string[];
  openCaseId: string | null;
  orderId: string | null;
}

export interface Asset {
  operatorId: string;
  assetId: string;
  name: string;
  function: string;
  location: string;
  vendor: string;
  product: string;
  exposure: string;
  status: string;
  notifiedAt: string | null;
}

export interface BoardDeadline {
  incidentId: string;
  deadlineId: string;
  regime: string;
  dueAt: string;
  dueAtJst: string | null;
}

export interface BoardTotals {
  openIncidents: number;
  overdueDeadlines: number;
  missedDeadlines: number;
  /** Per regime: only jp-acd's misses lead to Japanese cases and orders. */
  missedByRegime: Record<string, number>;
  openOrders: number;
  overdueOrders: number;
  /** Cases referred to the public prosecutors, and how the concluded ones ended. */
  referrals: {
    count: number;
    awaitingOutcome: number;
    prosecutionDeclined: number;
    acquitted: number;
    fined: number;
    finedYen: number;
  };
  /** Penalties "assessed" on the bus in old logs: not a court's fine. */
  legacyPenalties: { count: number; totalYen: number };
}

export interface ComplianceBoard {
  asOf: string;
  operators: (BoardTotals & {
    operatorId: string;
    sector: string | null;
    nextDeadline: BoardDeadline | null;
  })[];
  sectors: (BoardTotals & {
    sector: string | null;
    operators: number;
    nextDeadline: (BoardDeadline & { operatorId: string }) | null;
  })[];
}

/**
 * Why a metadata query is made: every read of submissions, matches and their counts states one,
 * and the bus records it with the query (the API's `purpose`, 400 without it).
 */
export type MetadataQueryPurpose =
  | 'threat-analysis'
  | 'incident-response'
  | 'operation-preparation'
  | 'oversight-audit'
  | 'submission-check';

export interface FlowMatch {
  id: string;
  batchId: string;
  telecomOrgId: string;
  indicator: { id: string; type: string; value: string; tlp: Tlp } | null;
  matchedOn: string;
  endpoint: string;
  flow: {
    srcAddress: string;
    srcPort: number | null;
    srcCountry: string | null;
    dstAddress: string;
    dstPort: number | null;
    dstCountry: string | null;
    protocol: string;
    domain: string | null;
  };
  matchedAt: string;
}

export interface FlowBatch {
  batchId: string;
  telecomOrgId: string;
  authorisationId: string;
  received: number;
  accepted: number;
  refusedDomestic: number;
  refusedUnlocated: number;
  invalid: number | unknown[];
  receivedAt: string;
}

export interface TrafficCounts {
  batches: number;
  received: number;
  accepted: number;
  refusedDomestic: number;
  refusedUnlocated: number;
  invalid: number;
}

export interface TrafficAggregate {
  byTelecom: (TrafficCounts & { telecomId: string })[];
  byDay: (TrafficCounts & { day: string })[];
}

export interface IndicatorAggregate {
  from: string;
  to: string;
  timeZone: string;
  total: number;
  byDay: { day: string; count: number }[];
  bySector: { sector: string | null; count: number }[];
  byType: { type: string; count: number }[];
  byTlp: { tlp: Tlp; count: number }[];
  series: { day: string; sector: string | null; type: string; tlp: Tlp; count: number }[];
}

export interface OversightTarget {
  type: string;
  value: string;
  country?: string | null;
}

/**
 * What an operation request rests on: the SDF's order of the Prime Minister (null for the
 * police) and the attestation that it stays below an armed attack (null on a legacy request).
 */
export interface OperationGrounds {
  requesterKind?: string;
  primeMinisterOrder?: { givenAt: string | null; grounds: string; reference: string | null } | null;
  attestation?: { belowArmedAttackThreshold: boolean; justification: string | null } | null;
  legacy?: boolean;
}

export interface OversightRequest extends OperationGrounds {
  id: string;
  requestId: string;
  kind: 'collection' | 'operation';
  status: string;
  live: boolean;
  expired: boolean;
  expiresAt: string | null;
  validFrom: string | null;
  validUntil: string | null;
  requestedBy: string;
  requestedAt: string | null;
  decidedAt: string | null;
  decision?: {
    quorum: number;
    rosterSize: number;
    votesCast: number;
    approvals: number;
    denials: number;
  };
  target?: OversightTarget;
  measures?: string[];
  stage?: string | null;
  telecomId?: string;
  categories?: string[];
  emergency?: {
    reason: string;
    notifyBy: string | null;
    notifiedAt: string | null;
    missed: boolean;
  } | null;
}

export interface SignedHead {
  treeSize: number;
  timestamp: number;
  rootHash: string;
  signature: string;
  keyId?: string | null;
}

export interface OversightBoard {
  generatedAt: string;
  auditHead: SignedHead | null;
  pending: (OperationGrounds & {
    requestId: string;
    kind: string;
    requestedBy: string;
    requestedAt: string | null;
    target?: OversightTarget;
    measures?: string[];
    emergency?: boolean;
    telecomId?: string;
    categories?: string[];
    quorum: number;
    rosterSize: number;
    votesCast: number;
    approvals: number;
    denials: number;
    votes: { memberId: string; vote: string; reason?: string | null; at: string | null }[];
    awaiting: string[];
  })[];
  approvals: {
    requestId: string;
    kind: string;
    requestedBy: string;
    target?: OversightTarget;
    telecomId?: string;
    validFrom: string | null;
    expiresAt: string | null;
    live: boolean;
    expired: boolean;
  }[];
  operations: {
    requestId: string;
    kind: string;
    requestedBy: string;
    target?: OversightTarget;
    status: string;
    stage: string | null;
    executedAt: string | null;
    outcome: string | null;
    reportedAt: string | null;
    notificationMissed: boolean;
  }[];
  missedNotifications: {
    requestId: string;
    agencyId: string;
    target?: OversightTarget;
    notifyBy: string | null;
    missedAt: string | null;
    notifiedAt: string | null;
    late: boolean;
  }[];
  counts: {
    pending: number;
    approvalsLive: number;
    operations: number;
    missedNotifications: number;
  };
}

export interface BatchResult {
  index: number;
  status: number;
  id?: string;
  version?: number;
  duplicate?: boolean;
  error?: { message: string; field?: string };
}

export interface TaxiiStatus {
  id: string;
  status: string;
  total_count: number;
  success_count: number;
  successes: { id: string; version?: string; message?: string }[];
  failure_count: number;
  failures: { id: string; version?: string; message: string }[];
  pending_count: number;
}
