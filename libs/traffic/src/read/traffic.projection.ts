import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { TrafficConfig } from '../traffic.config';
import type { TrafficEvent } from '../domain/traffic.events';
import { jstDayOf, type Projection } from '@acd/persistence';
import type { FlowMatchDoc, FlowSubmissionDoc } from './traffic.read-model';

const DAY_SECONDS = 86_400;

export function evolveFlowSubmission(
  doc: FlowSubmissionDoc | null,
  { metadata, event }: EventEnvelope<TrafficEvent>,
): FlowSubmissionDoc | null {
  if (event.type !== 'FlowBatchReceived' || doc) return null;
  const d = event.data;
  return {
    _id: d.batchId,
    version: metadata.aggregateVersion,
    kind: 'submission',
    telecomOrgId: d.telecomOrgId,
    authorisationId: d.authorisationId,
    received: d.received,
    accepted: d.accepted,
    refusedDomestic: d.refusedDomestic,
    refusedUnlocated: d.refusedUnlocated,
    invalid: d.invalid,
    chunks: d.chunks,
    receivedAt: new Date(d.receivedAt),
    fingerprint: metadata.commandFingerprint ?? null,
  };
}

export function evolveFlowMatch(
  doc: FlowMatchDoc | null,
  { metadata, event }: EventEnvelope<TrafficEvent>,
): FlowMatchDoc | null {
  // A match is written once: the same match found again (a replay) changes nothing.
  if (event.type !== 'FlowMatched' || doc) return null;
  const d = event.data;
  return {
    _id: d.matchId,
    version: metadata.aggregateVersion,
    kind: 'match',
    telecomOrgId: d.telecomOrgId,
    authorisationId: d.authorisationId,
    batchId: d.batchId,
    flowIndex: d.flowIndex,
    flow: {
      ...d.flow,
      startedAt: new Date(d.flow.startedAt),
      endedAt: new Date(d.flow.endedAt),
    },
    indicatorId: d.indicatorId,
    indicatorType: d.indicatorType,
    indicatorValue: d.indicatorValue,
    matchedOn: d.matchedOn,
    endpoint: d.endpoint,
    tlp: d.tlp,
    matchedAt: new Date(d.matchedAt),
  };
}

export const flowSubmissionProjection: Projection<TrafficEvent, FlowSubmissionDoc> = {
  name: 'flow-submissions',
  collection: 'flow-submissions',
  topic: 'trafficEvents',
  evolve: evolveFlowSubmission,
  documentIdOf: ({ event }) => (event.type === 'FlowBatchReceived' ? event.data.batchId : null),
  async createIndexes(collection: Collection<FlowSubmissionDoc>) {
    await collection.createIndex({ telecomOrgId: 1, receivedAt: 1, _id: 1 });
  },
  // Submissions per Japanese day and telecom operator, for the dashboards (kept when retention
  // deletes the submissions themselves).
  counters: {
    of: (doc) => [
      {
        day: jstDayOf(doc.receivedAt),
        key: doc.telecomOrgId,
        values: {
          batches: 1,
          received: doc.received,
          accepted: doc.accepted,
          refusedDomestic: doc.refusedDomestic,
          refusedUnlocated: doc.refusedUnlocated,
          invalid: doc.invalid,
        },
      },
    ],
  },
};

export const flowMatchProjection: Projection<TrafficEvent, FlowMatchDoc> = {
  name: 'flow-matches',
  collection: 'flow-matches',
  topic: 'trafficEvents',
  evolve: evolveFlowMatch,
  documentIdOf: ({ event }) => (event.type === 'FlowMatched' ? event.data.matchId : null),
  async createIndexes(collection: Collection<FlowMatchDoc>) {
    await collection.createIndex({ indicatorId: 1, matchedAt: 1, _id: 1 });
  },
};

export type TrafficRetention = Pick<
  TrafficConfig,
  'ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS' | 'ACD_TRAFFIC_MATCHES_RETENTION_DAYS'
>;

/**
 * Both read models with their expiry: a TTL index on MongoDB, and the retention sweeper
 * everywhere (FerretDB v1.24 refuses `expireAfterSeconds`: "Index option is not implemented
 * yet"). The retention comes from the caller's configuration; the projection reads none itself.
 */
export function expiringTrafficProjections(
  retention: TrafficRetention,
): [Projection<TrafficEvent, FlowSubmissionDoc>, Projection<TrafficEvent, FlowMatchDoc>] {
  const submissionDays = retention.ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS;
  const matchDays = retention.ACD_TRAFFIC_MATCHES_RETENTION_DAYS;
  return [
    {
      ...flowSubmissionProjection,
      async createIndexes(collection) {
        const ttl = { expireAfterSeconds: submissionDays * DAY_SECONDS };
        await collection.createIndex({ receivedAt: 1 }, ttl);
        await flowSubmissionProjection.createIndexes?.(collection);
      },
    },
    {
      ...flowMatchProjection,
      async createIndexes(collection) {
        await collection.createIndex(
          { matchedAt: 1 },
          { expireAfterSeconds: matchDays * DAY_SECONDS },
        );
        await flowMatchProjection.createIndexes?.(collection);
      },
    },
  ];
}
