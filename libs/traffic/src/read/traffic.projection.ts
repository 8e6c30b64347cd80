import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { TrafficEvent } from '../domain/traffic.events';
import { jstDayOf, type Projection } from '@acd/persistence';
import type { FlowMatchDoc, FlowSubmissionDoc } from './traffic.read-model';

const NAMESPACE_NOT_FOUND = 26;

/**
 * The index the retention sweeper queries by (`time: 1`), replacing the TTL index earlier versions
 * created: MongoDB would delete through a TTL index without any record, and every deletion of
 * acquired communications information is recorded first (`traffic-retention.ts`).
 */
async function sweepIndex(collection: Collection, field: 'receivedAt' | 'matchedAt') {
  // A collection not yet created has no index (and listIndexes fails: "ns does not exist").
  const indexes = await collection
    .listIndexes()
    .toArray()
    .catch((err: { code?: number }) => {
      if (err.code === NAMESPACE_NOT_FOUND) return [];
      throw err;
    });
  const ttl = indexes.find(
    (i) => i.expireAfterSeconds !== undefined && Object.keys(i.key as object)[0] === field,
  );
  if (ttl) await collection.dropIndex(String(ttl.name));
  await collection.createIndex({ [field]: 1 });
}

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
    await sweepIndex(collection as unknown as Collection, 'receivedAt');
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
    await sweepIndex(collection as unknown as Collection, 'matchedAt');
    await collection.createIndex({ indicatorId: 1, matchedAt: 1, _id: 1 });
  },
};
