import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { eventHeaders, header, H } from '@acd/messaging';
import { openRuntime, type Runtime } from '@acd/runtime';
import {
  chunkFlows,
  flowChunkIdFor,
  IndicatorIndex,
  matchFlowChunk,
  TRAFFIC_NAMESPACE,
  type FlowRecord,
  type FlowsAccepted,
} from '@acd/traffic';
import { buildFlowCorpus } from '../../libs/traffic/src/domain/testing/flow-corpus';
import { isolatedEnv, provisionBusAccess, waitFor } from '../support/bus';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Service } = require('../../scripts/lib/services.cjs') as {
  Service: new (
    name: string,
    env: NodeJS.ProcessEnv,
    logDir: string,
    opts: { restart: boolean },
  ) => { start(): { kill(signal?: string): void; stop(): Promise<void> } };
};

jest.setTimeout(180_000);

const T0 = Date.UTC(2026, 10, 22, 8, 0);
const TELECOM = 'tel-int-backbone';

/**
 * The matcher app (compiled, as a child process) on the real Kafka: indicators and flow chunks
 * are on their topics before it starts, so it must catch up with the indicator log before
 * matching. It is SIGKILLed while matching one chunk per transaction and started again; the
 * committed FlowMatched events must be exactly the expected set, each once.
 */
describe('flow matcher on real Kafka', () => {
  const env = isolatedEnv('trf', {
    ACD_INSTANCE_ID: 'trf-int',
    ACD_FLOW_MATCH_MAX_TRANSACTION: '1',
    LOG_LEVEL: 'warn',
  });
  const logDir = mkdtempSync(join(tmpdir(), 'acd-traffic-int-'));
  const corpus = buildFlowCorpus({ seed: 7, indicators: 2_000, flows: 30_000 });
  let rt: Runtime;
  let producer: Producer;
  let consumer: Consumer;
  const seen: { eventId: string; matchId: string; type: string }[] = [];

  const chunks: FlowsAccepted['data'][] = [];
  const batchIds = ['batch-a', 'batch-b', 'batch-c'];

  beforeAll(async () => {
    rt = await openRuntime('trf-int', env);
    // the traffic service runs as its own Kafka user: its ACLs for this prefix
    await provisionBusAccess(env);
    producer = rt.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    // Indicators first, with their updates and revocations.
    await producer.send({
      topic: rt.topics.of('indicatorEvents'),
      acks: -1,
      messages: corpus.events.map(({ event, version }, i) => ({
        key: event.data.indicatorId,
        value: rt.codec.encode(`jp.acd.indicator.${event.type}`, event.data),
        headers: eventHeaders({
          eventType: event.type,
          eventId: `ind-event-${i}`,
          aggregateId: event.data.indicatorId,
          aggregateVersion: version,
          orgId: 'op-corpus',
          occurredAt: new Date(T0),
          correlationId: 'corpus',
          causationId: 'corpus',
        }),
      })),
    });

    // Then the accepted flows: 3 batches, chunks of 250.
    const records: FlowRecord[] = corpus.flows.map((f, i) => ({
      index: i % 10_000,
      srcAddress: f.srcAddress,
      srcPort: 40_000 + (i % 1000),
      dstAddress: f.dstAddress,
      dstPort: 443,
      protocol: 6,
      bytes: 1_000 + i,
      packets: 10,
      startedAt: T0,
      endedAt: T0 + 1_000,
      observationPoint: 'int-tap',
      domain: f.domain,
      srcCountry: 'US',
      dstCountry: 'JP',
    }));
    batchIds.forEach((batchId, b) => {
      const ofBatch = records.slice(b * 10_000, (b + 1) * 10_000);
      const parts = chunkFlows(ofBatch, 250);
      parts.forEach((flows, chunkIndex) =>
        chunks.push({
          batchId,
          telecomOrgId: TELECOM,
          authorisationId: 'req-int',
          chunkIndex,
          chunkCount: parts.length,
          flows,
          acceptedAt: T0,
        }),
      );
    });
    await producer.send({
      topic: rt.topics.of('trafficFlows'),
      acks: -1,
      messages: chunks.map((c) => ({
        key: c.batchId,
        value: rt.codec.encode(`${TRAFFIC_NAMESPACE}.FlowsAccepted`, c),
        headers: eventHeaders({
          eventType: 'FlowsAccepted',
          eventId: flowChunkIdFor(c.batchId, c.chunkIndex),
          aggregateId: c.batchId,
          aggregateVersion: c.chunkIndex + 1,
          orgId: TELECOM,
          occurredAt: new Date(T0),
          correlationId: c.batchId,
          causationId: c.batchId,
        }),
      })),
    });

    consumer = rt.kafka.consumer({ groupId: rt.topics.group('int.watch'), readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic: rt.topics.of('trafficEvents'), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const decoded = rt.codec.decode(message.value);
        seen.push({
          eventId: header(message.headers, H.eventId) ?? '',
          type: header(message.headers, H.eventType) ?? '',
          matchId: (decoded.value as { matchId: string }).matchId,
        });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await rt?.close();
  });

  it('emits every expected FlowMatched exactly once across a SIGKILL and a restart', async () => {
    const index = new IndicatorIndex();
    for (const { event, version } of corpus.events) index.apply(event, version);
    const expected = new Set(
      chunks.flatMap((c) => matchFlowChunk(c, index, T0).map((m) => m.data.matchId)),
    );
    expect(expected.size).toBeGreaterThan(1_000);

    const first = new Service('traffic', env, logDir, { restart: false }).start();
    await waitFor('first matches committed', async () => seen.length > 0, 90_000, 50);
    first.kill('SIGKILL');
    const beforeRestart = seen.length;
    expect(beforeRestart).toBeLessThan(expected.size);

    const second = new Service('traffic', env, logDir, { restart: false }).start();
    try {
      await waitFor(
        'all matches committed',
        async () => seen.length >= expected.size,
        120_000,
        200,
      );
      // Anything duplicated would arrive shortly after; give it the time to.
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      await second.stop();
    }

    expect(seen.every((s) => s.type === 'FlowMatched')).toBe(true);
    expect(seen.every((s) => s.eventId === s.matchId)).toBe(true);
    const ids = seen.map((s) => s.matchId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(expected);
  });
});
