import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { kafkaSchema, loadConfig } from '@acd/config';
import { commandIdFor } from '@acd/event-sourcing';
import { indicatorIdFor, indicatorProjection, indicatorStixProjection } from '@acd/indicators';
import {
  createKafka,
  H,
  header,
  readLogToEnd,
  SchemaSet,
  schemasDir,
  TopicNames,
} from '@acd/messaging';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

/** Commands written straight to Kafka, as the gateway would write them under its ACD_ID_KEY. */
const TEST_ID_KEY = 'test-id-key-'.padEnd(32, '0');

jest.setTimeout(480_000);

const INDICATORS = 1_000;
const SIGHTINGS_EACH = 4; // 1,000 published + 4,000 sighted = 5,000 events

describe('projector resilience', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let producer: Producer;
  let topics: TopicNames;
  let codec: SchemaSet;
  let mongo: MongoClient;

  beforeAll(async () => {
    // Small batches make the projector take many writes, so a kill lands mid-way.
    bus = await BusUnderTest.start('proj', { ACD_PROJECTOR_MAX_BATCH: '500' });
    const cfg = loadConfig(kafkaSchema, bus.env);
    kafka = createKafka(cfg, 'e2e');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    codec = await SchemaSet.load(schemasDir());
    producer = kafka.producer();
    await producer.connect();
    mongo = new MongoClient(String(bus.env.MONGODB_URI));
    await mongo.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await mongo?.close();
    await bus?.stop();
  });

  const indicators = () =>
    mongo.db().collection<{ _id: string; version: number; sightingCount: number }>('indicators');

  it('a garbage record on the events topic goes to the DLQ with reasons, and later events still project', async () => {
    const op = bus.org((o) => o.kind === 'operator');
    await producer.send({
      topic: topics.of('indicatorEvents'),
      messages: [
        {
          key: 'garbage',
          value: Buffer.from('this is not avro'),
          headers: { 'event-type': 'IndicatorPublished' },
        },
        {
          key: 'garbage-2',
          value: Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
          headers: {},
        },
      ],
    });
    const id = await bus.publish(op, {
      type: 'domain',
      value: 'after-garbage.example',
      tlp: 'GREEN',
    });
    expect(id).toBeTruthy();
    const letters: {
      reason?: string;
      topic?: string;
      offset?: string;
      group?: string;
      key?: string;
    }[] = [];
    // Every read model kept from the indicator events (the indicators and their STIX view) sets
    // each poison record aside once, under its own consumer group.
    const groups = [indicatorProjection, indicatorStixProjection].map((p) =>
      topics.group(`acd.projector.${p.name}`),
    );
    await waitFor(
      'two dead letters from each projection',
      async () => {
        letters.length = 0;
        await readLogToEnd(
          kafka,
          topics.dlqOf('indicatorEvents'),
          topics.group('e2e-dlq'),
          (batch) => {
            for (const m of batch.messages) {
              letters.push({
                reason: header(m.headers, H.dlqReason),
                topic: header(m.headers, H.dlqTopic),
                offset: header(m.headers, H.dlqOffset),
                group: header(m.headers, H.dlqConsumer),
                key: m.key?.toString(),
              });
            }
          },
        );
        return letters.length >= 2 * groups.length;
      },
      30_000,
      500,
    );
    for (const group of groups) {
      expect(
        letters
          .filter((l) => l.group === group)
          .map((l) => l.key)
          .sort(),
      ).toEqual(['garbage', 'garbage-2']);
    }
    expect(letters).toHaveLength(2 * groups.length);
    for (const l of letters) {
      expect(l.topic).toBe(topics.of('indicatorEvents'));
      expect(l.offset).toMatch(/^\d+$/);
      expect(l.reason).toBeTruthy();
    }
  });

  it('SIGKILLed in the middle of 5,000 events and restarted, it applies every event exactly once', async () => {
    const op = bus.org((o) => o.kind === 'operator');
    await bus.services.get('projector')?.stop();

    const ids = await produceCommands(op);
    // Wait until the processor has written all 5,000 events, with the projector still down.
    const expected = await waitFor(
      '5,000 events in the log',
      async () => {
        const truth = await logTruth(ids);
        return truth.events >= INDICATORS * (1 + SIGHTINGS_EACH) ? truth : null;
      },
      120_000,
      1_000,
    );
    expect(expected.events).toBe(INDICATORS * (1 + SIGHTINGS_EACH));
    for (const t of expected.byId.values())
      expect(t).toEqual({ version: 1 + SIGHTINGS_EACH, sightings: SIGHTINGS_EACH });

    const kills: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const projector = bus.startService('projector');
      const before = await checkpointed();
      // Kill once it has made some progress in this round, unless it is already done. Polling
      // the checkpoints is cheap; polling the read model would slow the projector down.
      const progressed = await waitFor(
        'some progress',
        async () => ((await checkpointed()) > before + 200 ? 'progress' : null),
        90_000,
        50,
      );
      const atKill = await appliedSoFar(expected.byId);
      projector.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      kills.push(atKill);
      if (progressed && atKill >= expected.events) break;
    }
    // At least one kill landed with work left to do.
    expect(kills.some((k) => k < expected.events)).toBe(true);

    bus.startService('projector');
    try {
      await waitFor(
        'all events projected',
        async () => (await appliedSoFar(expected.byId)) === expected.events,
        240_000,
        1_000,
      );
    } catch (err) {
      const cps = await mongo.db().collection('checkpoints').find({}).toArray();
      const docs = await indicators()
        .find({ _id: { $in: [...expected.byId.keys()] } }, { projection: { version: 1 } })
        .toArray();
      const hist: Record<number, number> = {};
      for (const d of docs) hist[d.version] = (hist[d.version] ?? 0) + 1;
      console.error(
        'DIAG',
        JSON.stringify({ cps, hist, n: docs.length, kills, logDir: bus.logDir }),
      );
      throw err;
    }

    const docs = await indicators()
      .find({ _id: { $in: [...expected.byId.keys()] } })
      .toArray();
    expect(docs).toHaveLength(INDICATORS);
    for (const d of docs) {
      const truth = expected.byId.get(d._id);
      expect({ id: d._id, version: d.version, sightings: d.sightingCount }).toEqual({
        id: d._id,
        version: truth?.version,
        sightings: truth?.sightings,
      });
    }
  });

  async function produceCommands(op: DemoOrg): Promise<Set<string>> {
    const publishes = [];
    const ids: string[] = [];
    for (let i = 0; i < INDICATORS; i += 1) {
      const value = `10.${Math.floor(i / 250)}.${i % 250}.7`;
      const indicatorId = indicatorIdFor(TEST_ID_KEY, op.id, 'ipv4', value);
      ids.push(indicatorId);
      publishes.push(
        command(op, 'PublishIndicator', indicatorId, {
          indicatorId,
          indicatorType: 'ipv4',
          value,
          tlp: 'GREEN',
          audience: { orgs: [], sectors: [] },
          confidence: 50,
          validFrom: null,
          validUntil: null,
          description: null,
          cves: [],
          killChainPhases: [],
        }),
      );
    }
    await producer.send({ topic: topics.of('indicatorCommands'), acks: -1, messages: publishes });
    for (let s = 0; s < SIGHTINGS_EACH; s += 1) {
      const sightings = ids.map((indicatorId) =>
        command(op, 'RecordSighting', indicatorId, {
          indicatorId,
          observedAt: Date.now() - 60_000,
          count: 1,
          note: null,
        }),
      );
      await producer.send({ topic: topics.of('indicatorCommands'), acks: -1, messages: sightings });
    }
    return new Set(ids);
  }

  function command(op: DemoOrg, type: string, aggregateId: string, data: object) {
    const commandId = commandIdFor(TEST_ID_KEY, { orgId: op.id }, randomUUID());
    return {
      key: aggregateId,
      value: codec.encode(`jp.acd.indicator.${type}`, data),
      headers: {
        [H.commandId]: commandId,
        [H.commandType]: type,
        [H.aggregateId]: aggregateId,
        [H.orgId]: op.id,
        [H.orgKind]: op.kind,
        ...(op.sector ? { [H.orgSector]: op.sector } : {}),
      },
    };
  }

  /** What the log says each indicator should look like: its last version and its sightings. */
  async function logTruth(ids: Set<string>) {
    const byId = new Map<string, { version: number; sightings: number }>();
    let events = 0;
    await readLogToEnd(
      kafka,
      topics.of('indicatorEvents'),
      topics.group(`e2e-truth-${randomUUID()}`),
      (batch) => {
        for (const m of batch.messages) {
          const type = header(m.headers, H.eventType);
          const id = header(m.headers, H.aggregateId);
          const version = Number(header(m.headers, H.aggregateVersion));
          if (!id || !type || !m.value || !ids.has(id)) continue;
          const t = byId.get(id) ?? { version: 0, sightings: 0 };
          if (version > t.version) {
            t.version = version;
            if (type === 'IndicatorSighted') {
              const { value } = codec.decode(m.value) as { value: { count: number } };
              t.sightings += value.count;
            }
          }
          byId.set(id, t);
          events += 1;
        }
      },
    );
    return { byId, events };
  }

  /** Sum of the indicator checkpoints' offsets: a cheap progress gauge. */
  async function checkpointed(): Promise<number> {
    const cps = await mongo
      .db()
      .collection<{ offset: string; projection: string }>('checkpoints')
      .find({ projection: 'indicators' })
      .toArray();
    return cps.reduce((n, c) => n + Number(c.offset), 0);
  }

  /** Sum of stored versions = number of events applied, if each is applied exactly once. */
  async function appliedSoFar(ids: Map<string, unknown>): Promise<number> {
    const docs = await indicators()
      .find({ _id: { $in: [...ids.keys()] } }, { projection: { version: 1 } })
      .toArray();
    return docs.reduce((n, d) => n + d.version, 0);
  }
});
