import type { Admin, KafkaMessage, Producer } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { auditSchema, AuditAppender, AuditSigningKey, decodeLogRecord } from '@acd/audit';
import { loadConfig } from '@acd/config';
import {
  consoleLogger,
  decodeEnvelope,
  eventHeaders,
  readLogToEnd,
  type BusLogger,
} from '@acd/messaging';
import { applyEvents, type Projection, type ReadModelDoc } from '@acd/persistence';
import { openRuntime, type Runtime } from '@acd/runtime';
import {
  alignTopicRetention,
  collectionStore,
  flowMatchProjection,
  flowSubmissionProjection,
  kafkaDeletionRecorder,
  trafficRetentionStores,
  TrafficRetentionSweeper,
  type TrafficDataDeleted,
  type TrafficEvent,
  type TrafficRetention,
} from '@acd/traffic';
import { isolatedEnv, waitFor } from '../support/bus';
import {
  flowBatchReceivedAt,
  flowMatchedAt,
  trafficEnvelope,
} from '../../libs/traffic/src/domain/testing/traffic-events';

jest.setTimeout(180_000);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const quiet: BusLogger = { ...consoleLogger, info: () => undefined, warn: () => undefined };

/** A different setting per category, so each is seen to follow its own. */
const RETENTION: TrafficRetention = {
  ACD_TRAFFIC_FLOWS_RETENTION_DAYS: 3,
  ACD_TRAFFIC_EVENTS_RETENTION_DAYS: 10,
  ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS: 20,
  ACD_TRAFFIC_MATCHES_RETENTION_DAYS: 40,
};

const envelope = trafficEnvelope;
const received = (batchId: string, at: number) => flowBatchReceivedAt(batchId, 'tel-a', at);
const matched = (batchId: string, flowIndex: number, at: number) =>
  flowMatchedAt(batchId, flowIndex, 'ind-1', at, 'tel-a');

/**
 * Retention of acquired communications information on the real servers: every category (raw
 * flows and events on Kafka, submissions and matches in the read models) is deleted at its own
 * setting and not before; each deletion is a `TrafficDataDeleted` event written before the
 * deletion, and an entry of the audit log; a deletion that cannot be recorded does not happen;
 * Kafka never keeps the traffic topics longer than the settings.
 */
describe('traffic retention on real Kafka and MongoDB', () => {
  let rt: Runtime;
  let admin: Admin;
  let producer: Producer;
  let key: AuditSigningKey;
  /** When the items were stored: the sweeps run on a clock offset from it. */
  let t0 = 0;

  const records = async (): Promise<TrafficDataDeleted['data'][]> => {
    const out = new Map<string, KafkaMessage>();
    await readLogToEnd(
      rt.kafka,
      rt.topics.of('trafficRetention'),
      rt.topics.group('test-retention-reader'),
      (b) => b.messages.forEach((m) => out.set(m.offset, m)),
    );
    return [...out.values()].map((m) => decodeEnvelope<TrafficDataDeleted>(rt.codec, m).event.data);
  };

  const sweeperAt = (offsetMs: number) =>
    new TrafficRetentionSweeper(
      trafficRetentionStores(rt.db, admin, rt.topics),
      RETENTION,
      kafkaDeletionRecorder(producer, rt.codec, rt.topics),
      60_000,
      quiet,
      () => new Date(t0 + offsetMs),
    );

  const held = async () => {
    const count = async (topic: string) =>
      (await admin.fetchTopicOffsets(topic)).reduce(
        (n, p) => n + Number(p.high) - Number(p.low),
        0,
      );
    return {
      flows: await count(rt.topics.of('trafficFlows')),
      events: await count(rt.topics.of('trafficEvents')),
      submissions: await rt.db.collection('flow-submissions').countDocuments(),
      matches: await rt.db.collection('flow-matches').countDocuments(),
    };
  };

  beforeAll(async () => {
    const env = isolatedEnv('trr');
    rt = await openRuntime('retention-int', env);
    key = loadConfig(auditSchema, env).ACD_AUDIT_SIGNING_KEY;
    admin = rt.kafka.admin();
    await admin.connect();
    producer = rt.kafka.producer({ idempotent: true });
    await producer.connect();

    t0 = Date.now();
    const events = [
      envelope(received('b-1', t0), t0),
      envelope(matched('b-1', 0, t0), t0),
      envelope(matched('b-1', 1, t0), t0),
    ];
    const headers = (type: string, id: string) =>
      eventHeaders({
        eventType: type,
        eventId: id,
        aggregateId: 'b-1',
        aggregateVersion: 1,
        orgId: 'tel-a',
        occurredAt: new Date(t0),
        correlationId: 'c',
        causationId: 'c',
      });
    await producer.send({
      topic: rt.topics.of('trafficFlows'),
      acks: -1,
      messages: [0, 1].map((i) => ({
        key: 'b-1',
        value: Buffer.from(`flows chunk ${i}`),
        headers: headers('FlowsAccepted', `chunk-${i}`),
      })),
    });
    await producer.send({
      topic: rt.topics.of('trafficEvents'),
      acks: -1,
      messages: events.map((e) => ({
        key: 'b-1',
        value: rt.codec.encode(`jp.acd.traffic.${e.event.type}`, e.event.data),
        headers: headers(e.event.type, e.metadata.eventId),
      })),
    });
    for (const p of [flowSubmissionProjection, flowMatchProjection] as unknown as Projection<
      TrafficEvent,
      ReadModelDoc
    >[]) {
      await p.createIndexes?.(rt.db.collection(p.collection) as never);
      await applyEvents(p, rt.db.collection(p.collection), events);
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await rt?.close();
  });

  it('Given items of every category, When sweeps run just before and just after each setting, Then each category goes at its own setting and not before, each deletion recorded', async () => {
    expect(await held()).toEqual({ flows: 2, events: 3, submissions: 1, matches: 2 });

    const steps: [string, number, Partial<Record<string, number>>][] = [
      ['before any setting', 3 * DAY - HOUR, {}],
      ['flows, at 3 days', 3 * DAY + HOUR, { flows: 0 }],
      ['before events', 10 * DAY - HOUR, { flows: 0 }],
      ['events, at 10 days', 10 * DAY + HOUR, { flows: 0, events: 0 }],
      ['before submissions', 20 * DAY - HOUR, { flows: 0, events: 0 }],
      ['submissions, at 20 days', 20 * DAY + HOUR, { flows: 0, events: 0, submissions: 0 }],
      ['before matches', 40 * DAY - HOUR, { flows: 0, events: 0, submissions: 0 }],
      ['matches, at 40 days', 40 * DAY + HOUR, { flows: 0, events: 0, submissions: 0, matches: 0 }],
    ];
    for (const [step, offset, gone] of steps) {
      await sweeperAt(offset).sweepOnce();
      expect({ step, held: await held() }).toEqual({
        step,
        held: { flows: 2, events: 3, submissions: 1, matches: 2, ...gone },
      });
    }

    const recorded = await records();
    const byStore = Object.fromEntries(recorded.map((r) => [r.store, r]));
    expect(recorded).toHaveLength(4); // the DLQs were empty: nothing to record there
    expect(byStore).toEqual({
      'acd.traffic.flows.v1': expect.objectContaining({
        category: 'flows',
        retentionDays: 3,
        count: 2,
        cutoff: t0 + HOUR,
      }),
      'acd.traffic.events.v1': expect.objectContaining({
        category: 'events',
        retentionDays: 10,
        count: 3,
        cutoff: t0 + HOUR,
      }),
      'flow-submissions': expect.objectContaining({
        category: 'submissions',
        retentionDays: 20,
        count: 1,
      }),
      'flow-matches': expect.objectContaining({ category: 'matches', retentionDays: 40, count: 2 }),
    });
    for (const r of recorded) expect(r.deletedAt).toBeGreaterThanOrEqual(r.cutoff);
  });

  it('Given a deletion that cannot be recorded, When the sweep runs, Then nothing is deleted', async () => {
    const at = Date.now();
    await applyEvents(
      flowSubmissionProjection as unknown as Projection<TrafficEvent, ReadModelDoc>,
      rt.db.collection('flow-submissions'),
      [envelope(received('b-2', at), at)],
    );
    const failing = new TrafficRetentionSweeper(
      [collectionStore(rt.db, 'submissions', 'flow-submissions', 'receivedAt')],
      RETENTION,
      async () => {
        throw new Error('the retention topic is unavailable');
      },
      60_000,
      quiet,
      () => new Date(at + 21 * DAY),
    );
    expect(await failing.sweepOnce()).toEqual({ 'flow-submissions': 0 });
    expect(await rt.db.collection('flow-submissions').countDocuments({ _id: 'b-2' } as never)).toBe(
      1,
    );
  });

  it('When the audit appender runs, Then every recorded deletion is an entry of the audit log', async () => {
    const appender = new AuditAppender(rt.kafka, rt.topics, rt.codec, key, {
      logger: quiet,
      onFatal: () => undefined,
    });
    await appender.start();
    try {
      const entries = await waitFor(
        'the deletions in the audit log',
        async () => {
          const out = new Map<string, KafkaMessage>();
          await readLogToEnd(
            rt.kafka,
            rt.topics.of('auditLog'),
            rt.topics.group('test-audit-reader'),
            (b) => b.messages.forEach((m) => out.set(m.offset, m)),
          );
          const found = [...out.values()]
            .map((m) => decodeLogRecord(rt.codec, m).entry)
            .filter((e) => e.eventType === 'TrafficDataDeleted');
          return found.length >= 4 ? found : null;
        },
        90_000,
        500,
      );
      expect(entries.map((e) => (e.payload as { store: string }).store).sort()).toEqual(
        [
          'acd.traffic.events.v1',
          'acd.traffic.flows.v1',
          'flow-matches',
          'flow-submissions',
        ].sort(),
      );
      expect(entries.every((e) => e.orgId === 'acd-traffic-retention')).toBe(true);
    } finally {
      await appender.stop();
    }
  });

  it('Given lower settings, When the topics are aligned, Then Kafka keeps no traffic topic longer than its setting', async () => {
    await alignTopicRetention(admin, rt.topics, RETENTION);
    const names = [
      rt.topics.of('trafficFlows'),
      rt.topics.dlqOf('trafficFlows'),
      rt.topics.of('trafficEvents'),
      rt.topics.dlqOf('trafficEvents'),
    ];
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    const retentionOf = (name: string) =>
      Number(
        described.resources
          .find((r) => r.resourceName === name)
          ?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue,
      );
    expect(names.map(retentionOf)).toEqual([3 * DAY, 3 * DAY, 10 * DAY, 10 * DAY]);
    const cleanup = described.resources[0]?.configEntries.find(
      (e) => e.configName === 'cleanup.policy',
    );
    expect(cleanup?.configValue).toBe('delete');
  });
});
