import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { loadConfig, trafficSchema } from '@acd/config';
import type { TrafficEvent } from '@acd/traffic-domain';
import type { Projection } from '../projection';
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

/**
 * Both read models expire: a TTL index on MongoDB, and the retention sweeper everywhere
 * (FerretDB v1.24 refuses `expireAfterSeconds`: "Index option is not implemented yet").
 */
export const flowSubmissionProjection: Projection<TrafficEvent, FlowSubmissionDoc> = {
  name: 'flow-submissions',
  collection: 'flow-submissions',
  topic: 'trafficEvents',
  evolve: evolveFlowSubmission,
  documentIdOf: ({ event }) => (event.type === 'FlowBatchReceived' ? event.data.batchId : null),
  async createIndexes(collection: Collection<FlowSubmissionDoc>) {
    const days = loadConfig(trafficSchema).ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS;
    await collection.createIndex({ receivedAt: 1 }, { expireAfterSeconds: days * DAY_SECONDS });
    await collection.createIndex({ telecomOrgId: 1, receivedAt: 1, _id: 1 });
  },
};

export const flowMatchProjection: Projection<TrafficEvent, FlowMatchDoc> = {
  name: 'flow-matches',
  collection: 'flow-matches',
  topic: 'trafficEvents',
  evolve: evolveFlowMatch,
  documentIdOf: ({ event }) => (event.type === 'FlowMatched' ? event.data.matchId : null),
  async createIndexes(collection: Collection<FlowMatchDoc>) {
    const days = loadConfig(trafficSchema).ACD_TRAFFIC_MATCHES_RETENTION_DAYS;
    await collection.createIndex({ matchedAt: 1 }, { expireAfterSeconds: days * DAY_SECONDS });
    await collection.createIndex({ indicatorId: 1, matchedAt: 1, _id: 1 });
  },
};
