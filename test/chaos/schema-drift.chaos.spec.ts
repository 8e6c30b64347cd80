import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { SchemaSet, TopicNames, TOPICS, type TopicKey } from '@acd/messaging';
import { BusUnderTest, SERVICES, type DemoOrg } from '../support/bus';
import {
  auditLog,
  busDb,
  recordFigures,
  runLoad,
  scenarioTimeout,
  size,
  waitProjected,
} from './support/chaos';
import {
  COMMITTING_CONSUMERS,
  plausibleHeaders,
  readDeadLetters,
  waitPastPoison,
  writeOne,
  type DeadLetterSeen,
  type WrittenPoison,
  busAndRawWriter,
  type BusAndRawWriter,
} from './support/poison';

/**
 * Issue 16, scenario 7: schema drift. A writer one schema version ahead of every reader (its
 * record type with one more field, with a default, as the schema rules require) writes to every
 * topic of the registry, as the wire format says: `C3 01`, the fingerprint of its schema, the
 * body. The wire format carries the fingerprint only and there is no registry to fetch a schema
 * from, so no reader can resolve it: each record must be dead-lettered with a reason that says
 * so (`unknown-schema-version`), every consumer must move past it, every service must come back
 * after a restart that reads the drifted logs from the start (no crash loop), and later commands
 * must flow. The dead letter must be replayable: a reader that has the newer version reads it.
 */
const COMMANDS = size('DRIFT_COMMANDS', 60, 500, 1_000);

jest.setTimeout(scenarioTimeout(30));

describe('scenario 7: schema drift', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let topics: TopicNames;
  let codec: SchemaSet;
  let prefix: string;
  let kanto: DemoOrg;

  let raw: BusAndRawWriter;
  beforeAll(async () => {
    raw = await busAndRawWriter('sd', { idempotent: true, maxInFlightRequests: 1 });
    ({ bus, kafka, admin, producer, topics, codec, prefix } = raw);
    kanto = bus.byId('op-kanto-electric');
  });
  afterAll(async () => {
    await raw?.stop();
  });

  /** Every schema the bus has, and for each name in `names` one version more. */
  function newerSchemas(names: readonly string[]): SchemaSet {
    const current = codec.all().map((c) => ({ schema: c.schema, version: c.version }));
    const next = names.map((name) => {
      const latest = codec.latest(name);
      const schema = latest.schema as { fields: unknown[] };
      return {
        schema: {
          ...schema,
          fields: [
            ...schema.fields,
            {
              name: 'addedInANewerVersion',
              type: 'string',
              default: '',
              doc: 'A field the bus does not know yet.',
            },
          ],
        },
        version: latest.version + 1,
      };
    });
    return SchemaSet.fromSchemas([...current, ...next]);
  }

  it('a record of a newer schema version is dead-lettered as such on every topic, and nothing stalls or loops', async () => {
    const run = randomBytes(3).toString('hex');
    const keys = Object.keys(TOPICS) as TopicKey[];
    const names = [...new Set(keys.map((k) => String(TOPICS[k].values[0])))];
    const newer = newerSchemas(names);
    const drift: (WrittenPoison & { value: Buffer; fullName: string })[] = [];
    const before = await runLoad({
      bus,
      who: kanto,
      count: Math.ceil(COMMANDS / 2),
      concurrency: 4,
      key: (i) => `sd-${run}-${i}`,
      command: (i) => ({
        path: '/v1/indicators',
        body: { type: 'domain', value: `d${i}.${run}.drift.example`, tlp: 'GREEN' },
      }),
    });

    const t0 = Date.now();
    for (const k of keys) {
      const fullName = String(TOPICS[k].values[0]);
      const type = fullName.slice(fullName.lastIndexOf('.') + 1);
      const latest = codec.latest(fullName);
      for (let partition = 0; partition < TOPICS[k].partitions; partition += 1) {
        const value = newer.encode(fullName, {
          ...(latest.type.random() as object),
          addedInANewerVersion: `drift ${run}`,
        });
        const r = await writeOne(
          producer,
          topics.of(k),
          partition,
          value,
          plausibleHeaders(k, type),
        );
        if ('refused' in r) throw new Error(`${k}: ${r.refused}`);
        drift.push({
          kind: 'newer-schema',
          topicKey: k,
          topic: topics.of(k),
          partition,
          offset: r.offset,
          bytes: value.length,
          value,
          fullName,
        });
      }
    }

    // Every committing consumer past the drifted records.
    const expected = new Map(
      Object.entries(COMMITTING_CONSUMERS).map(([g, ks]) => [
        topics.group(g),
        ks.map((k) => topics.of(k)),
      ]),
    );
    const past = await waitPastPoison(admin, prefix, drift, expected, t0, 5 * 60_000);
    const pastMs = Date.now() - t0;

    // A restart reads every drifted log from its start: every service must come back.
    const tRestart = Date.now();
    for (const name of SERVICES) await bus.services.get(name)?.stop();
    for (const name of SERVICES) bus.startService(name);
    await bus.ready();
    const restartMs = Date.now() - tRestart;

    const after = await runLoad({
      bus,
      who: kanto,
      count: Math.floor(COMMANDS / 2),
      concurrency: 4,
      key: (i) => `sd-${run}-after-${i}`,
      command: (i) => ({
        path: '/v1/indicators',
        body: { type: 'domain', value: `a${i}.${run}.drift.example`, tlp: 'GREEN' },
      }),
    });
    const acked = [...before.acked, ...after.acked];
    const audit = await auditLog(kafka, topics.of('indicatorEvents'), acked);
    const { db, close } = await busDb(bus);
    let projectedMs = -1;
    try {
      projectedMs = await waitProjected(
        db,
        'indicators',
        topics.of('indicatorEvents'),
        audit.ends,
        5 * 60_000,
      ).catch(() => -1);
    } finally {
      await close();
    }

    // Each drifted record of a topic with a DLQ is there, said to be of an unknown version,
    // and a reader with the newer version reads the dead letter back.
    const letters = new Map<TopicKey, DeadLetterSeen[]>();
    for (const k of keys)
      if (TOPICS[k].dlq) letters.set(k, await readDeadLetters(kafka, topics.dlqOf(k)));
    const missing: string[] = [];
    const otherReasons = new Set<string>();
    for (const d of drift) {
      if (!TOPICS[d.topicKey].dlq) continue;
      const found = (letters.get(d.topicKey) ?? []).filter(
        (l) => l.sourceTopic === d.topic && l.partition === d.partition && l.offset === d.offset,
      );
      if (found.length === 0) missing.push(`${d.topicKey}/${d.partition}@${d.offset}`);
      for (const l of found) if (l.reason !== 'unknown-schema-version') otherReasons.add(l.reason);
    }
    const replayable = drift.every((d) => newer.decode(d.value).fullName === d.fullName);
    const crashes = bus.exits.filter((e) => e.signal !== 'SIGTERM' && e.code !== 0);

    recordFigures('7 schema drift', {
      'topics drifted': keys.length,
      'records of a newer version written': drift.length,
      'dead-lettered as unknown-schema-version': [...letters.values()]
        .flat()
        .filter((l) => l.reason === 'unknown-schema-version').length,
      'other reasons': [...otherReasons].join(' ') || 'none',
      'drifted records not in their DLQ': missing.length,
      'consumers past the drift': `${past.passedMs.size}/${[...expected.values()].flat().length}`,
      'every consumer past the drift (ms)': pastMs,
      'restart of every service (ms)': restartMs,
      commands: before.sent + after.sent,
      acknowledged: acked.length,
      'real commands lost': audit.lost,
      duplicated: audit.duplicated,
      'projector catch-up (ms)': projectedMs,
      'service restarts': crashes.length,
    });

    expect(past.stuck).toEqual([]);
    expect(missing).toEqual([]);
    expect([...otherReasons]).toEqual([]);
    expect(replayable).toBe(true);
    expect(before.refused.concat(after.refused)).toEqual([]);
    expect(before.gaveUp.concat(after.gaveUp)).toEqual([]);
    expect({ lost: audit.lost, duplicated: audit.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(projectedMs).toBeGreaterThanOrEqual(0);
    expect(crashes.map((c) => `${c.name} ${c.code ?? c.signal}`)).toEqual([]);
  });
});
