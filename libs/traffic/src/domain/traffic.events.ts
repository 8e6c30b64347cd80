import type { FlowRecord, Millis } from './flow';
import type { MatchableType, MatchedEndpoint, MatchedOn } from './indicator-index';

/**
 * Accepted flows of one submission, one record per chunk on `acd.traffic.flows.v1` (keyed by
 * batch id). Only cross-border flows are in it: refused and invalid ones never leave the edge.
 */
export type FlowsAccepted = {
  type: 'FlowsAccepted';
  data: {
    batchId: string;
    telecomOrgId: string;
    authorisationId: string;
    chunkIndex: number;
    chunkCount: number;
    flows: FlowRecord[];
    acceptedAt: Millis;
  };
};

/** A telecom operator's submission, with its counts (on `acd.traffic.events.v1`). */
export type FlowBatchReceived = {
  type: 'FlowBatchReceived';
  data: {
    batchId: string;
    telecomOrgId: string;
    authorisationId: string;
    received: number;
    accepted: number;
    refusedDomestic: number;
    refusedUnlocated: number;
    invalid: number;
    chunks: number;
    receivedAt: Millis;
  };
};

/** The metadata of a flow matched a threat indicator in force (on `acd.traffic.events.v1`). */
export type FlowMatched = {
  type: 'FlowMatched';
  data: {
    matchId: string;
    batchId: string;
    flowIndex: number;
    telecomOrgId: string;
    authorisationId: string;
    flow: Omit<FlowRecord, 'index'>;
    indicatorId: string;
    indicatorType: MatchableType;
    indicatorValue: string;
    matchedOn: MatchedOn;
    endpoint: MatchedEndpoint;
    tlp: string;
    matchedAt: Millis;
  };
};

export type TrafficEvent = FlowBatchReceived | FlowMatched;

export const TRAFFIC_EVENT_TYPES = [
  'FlowBatchReceived',
  'FlowMatched',
] as const satisfies readonly TrafficEvent['type'][];

export const TRAFFIC_NAMESPACE = 'jp.acd.traffic';

/**
 * The categories of acquired communications information the bus holds, each with its own
 * retention setting (`traffic.config.ts`):
 * - `flows`: raw flow metadata batches (`FlowsAccepted` on `acd.traffic.flows.v1`, its DLQ);
 * - `events`: submissions and matches as events (`acd.traffic.events.v1`, its DLQ), from which
 *   the read models are rebuilt;
 * - `submissions`: the flow-submissions read model (what each telecom submitted, its counts);
 * - `matches`: the flow-matches read model (the analysis results: the matched flows).
 */
export const TRAFFIC_DATA_CATEGORIES = ['flows', 'events', 'submissions', 'matches'] as const;
export type TrafficDataCategory = (typeof TRAFFIC_DATA_CATEGORIES)[number];

/**
 * Items of one category reached their retention and are deleted from one store (on
 * `acd.traffic.retention.v1`, kept for good and copied to the audit log). Written before the
 * deletion: a crash never deletes without this record.
 */
export type TrafficDataDeleted = {
  type: 'TrafficDataDeleted';
  data: {
    deletionId: string;
    category: TrafficDataCategory;
    store: string;
    retentionDays: number;
    cutoff: Millis;
    count: number;
    deletedAt: Millis;
  };
};
