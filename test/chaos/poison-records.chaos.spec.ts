import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { SchemaSet, TopicNames, TOPICS, type TopicKey } from '@acd/messaging';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import {
  auditLog,
  busDb,
  recordFigures,
  runLoad,
  scenarioTimeout,
  size,
  type LoadResult,
  waitProjected,
} from './support/chaos';
import {
  auditStoreOffset,
  COMMITTING_CONSUMERS,
  countLogLines,
  largestAccepted,
  plausibleHeaders,
  readDeadLetters,
  smallPoisons,
  waitPastPoison,
  writeOne,
  type DeadLetterSeen,
  type WrittenPoison,
  busAndRawWriter,
  type BusAndRawWriter,
} from './support/poison';

/**
 * Issue 16, scenario 6: poison on every topic of the registry while real commands flow. Each
 * partition of each topic gets random bytes, a known schema's header with a cut body and an
 * unknown fingerprint; partition 0 of each also gets the largest record the brokers take, a run
 * of three 400 KB records (their dead letters together exceed a request) and a 10 MB record
 * (which the brokers must refuse). Every consumer that commits must move past all of it, every
 * poison record of a topic with a DLQ must be there with its reason, no acknowledged command may
 * be lost, and no service may die.
 */
const COMMANDS = size('POISON_COMMANDS', 120, 1_000, 2_000);
const CONCURRENCY = size('CONCURRENCY', 8, 24);

jest.setTimeout(scenarioTimeout(30));

describe('scenario 6: poison records on every topic', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let topics: TopicNames;
  let codec: SchemaSet;
  let prefix: string;
  let kanto: DemoOrg;
  let tokai: DemoOrg;
  let police: DemoOrg;

  let raw: BusAndRawWriter;
  beforeAll(async () => {
    // A plain producer: a refused record must come back refused, not be retried for minutes.
    raw = await busAndRawWriter('pz', { allowAutoTopicCreation: false, retry: { retries: 2 } });
    ({ bus, kafka, admin, producer, topics, codec, prefix } = raw);
    kanto = bus.byId('op-kanto-electric');
    tokai = bus.byId('op-tokai-rail');
    police = bus.byId('gov-npa');
  });
  afterAll(async () => {
    await raw?.stop();
  });

  const indicatorLoad = (run: string, from: number, count: number): Promise<LoadResult> =>
    runLoad({
      bus,
      who: kanto,
      count,
      concurrency: CONCURRENCY,
      key: (i) => `pz-${run}-${from + i}`,
      command: (i) => ({
        path: '/v1/indicators',
        body: { type: 'domain', value: `p${from + i}.${run}.poison.example`, tlp: 'GREEN' },
      }),
    });

  it('every consumer moves past the poison, every poison record is dead-lettered, nothing acknowledged is lost', async () => {
    const run = randomBytes(3).toString('hex');
    const keys = Object.keys(TOPICS) as TopicKey[];
    const poison: WrittenPoison[] = [];
    const refused: { topic: TopicKey; bytes: number; error: string }[] = [];
    let nearMax = 0;

    // Real commands before, during and after the poison.
    const before = indicatorLoad(run, 0, Math.ceil(COMMANDS / 2));
    const tPoison = Date.now();
    for (const k of keys) {
      const topic = topics.of(k);
      for (let partition = 0; partition < TOPICS[k].partitions; partition += 1) {
        for (const p of smallPoisons(codec, k)) {
          const r = await writeOne(producer, topic, partition, p.value, p.headers);
          if ('refused' in r) throw new Error(`${topic}: small poison refused: ${r.refused}`);
          poison.push({
            kind: p.kind,
            topicKey: k,
            topic,
            partition,
            offset: r.offset,
            bytes: p.value.length,
          });
        }
      }
      const type = String(TOPICS[k].values[0]).replace(/^.*\./, '');
      // The largest record the brokers take: its dead letter, with the DLQ headers, is larger.
      const max = await largestAccepted(producer, topic, 0, plausibleHeaders(k, type));
      nearMax = max.bytes;
      poison.push({
        kind: 'near-max',
        topicKey: k,
        topic,
        partition: 0,
        offset: max.offset,
        bytes: max.bytes,
      });
      // Three in a row on one partition: dead letters of one slice go to the DLQ's one partition.
      for (let i = 0; i < 3; i += 1) {
        const r = await writeOne(
          producer,
          topic,
          0,
          randomBytes(400_000),
          plausibleHeaders(k, type),
        );
        if ('refused' in r) throw new Error(`${topic}: 400 KB refused: ${r.refused}`);
        poison.push({
          kind: 'large-run',
          topicKey: k,
          topic,
          partition: 0,
          offset: r.offset,
          bytes: 400_000,
        });
      }
      const huge = await writeOne(producer, topic, 0, randomBytes(10 * 1024 * 1024), {});
      if ('offset' in huge) {
        poison.push({
          kind: 'near-max',
          topicKey: k,
          topic,
          partition: 0,
          offset: huge.offset,
          bytes: 10 * 1024 * 1024,
        });
      } else refused.push({ topic: k, bytes: 10 * 1024 * 1024, error: huge.refused });
    }
    const poisonWrittenMs = Date.now() - tPoison;
    const first = await before;
    // After the poison: commands on every context's topics, and an audited read.
    const after = await indicatorLoad(run, Math.ceil(COMMANDS / 2), Math.floor(COMMANDS / 2));
    const advisory = await bus.post('/v1/advisories', police, {
      title: `After the poison ${run}`,
      summary: 'Written after poison records reached every topic.',
      severity: 'high',
      tlp: 'GREEN',
      audience: { everyone: true },
      recommendedActions: ['Nothing'],
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    const asset = await bus.post('/v1/assets', kanto, {
      assetId: `pz-${run}`,
      name: `pz-${run} HMI`,
      function: 'substation control',
      location: 'control centre',
      vendor: 'Example Systems',
      product: 'GridView 7',
      exposure: 'partner-network',
    });
    const red = await bus.publish(kanto, {
      type: 'ipv4',
      value: '203.0.113.66',
      tlp: 'RED',
      audience: { orgs: ['op-tokai-rail'] },
    });
    const { db, close } = await busDb(bus);
    try {
      const storeBefore = await auditStoreOffset(db);
      const redRead = await bus.get(`/v1/indicators/${red}`, tokai);

      // Every committing consumer of every topic past its poison.
      const expected = new Map<string, TopicKey[]>(
        Object.entries(COMMITTING_CONSUMERS).map(([g, ks]) => [topics.group(g), ks]),
      );
      const past = await waitPastPoison(
        admin,
        prefix,
        poison,
        new Map([...expected].map(([g, ks]) => [g, ks.map((k) => topics.of(k))])),
        tPoison,
        6 * 60_000,
      );
      // The audit store has no Kafka group: its position is in the store.
      const auditLogEnd = Math.max(
        -1,
        ...poison.filter((p) => p.topicKey === 'auditLog').map((p) => Number(p.offset)),
      );
      const storeMoved = await waitFor(
        'the audit store past the poison and the RED read',
        async () => {
          const at = await auditStoreOffset(db);
          return at > BigInt(auditLogEnd) && at > storeBefore ? at : undefined;
        },
        3 * 60_000,
        1_000,
      ).catch(() => undefined);

      // The real commands: answered, in the log exactly once, projected.
      const acked = [...first.acked, ...after.acked];
      const audit = await auditLog(kafka, topics.of('indicatorEvents'), acked);
      const projectedMs = await waitProjected(
        db,
        'indicators',
        topics.of('indicatorEvents'),
        audit.ends,
        5 * 60_000,
      ).catch(() => -1);

      // Every poison record of a topic with a DLQ in its DLQ, with its reasons.
      const letters = new Map<TopicKey, DeadLetterSeen[]>();
      for (const k of keys)
        if (TOPICS[k].dlq) letters.set(k, await readDeadLetters(kafka, topics.dlqOf(k)));
      const missing: string[] = [];
      const noReason: string[] = [];
      for (const p of poison) {
        if (!TOPICS[p.topicKey].dlq) continue;
        const found = (letters.get(p.topicKey) ?? []).filter(
          (l) => l.sourceTopic === p.topic && l.partition === p.partition && l.offset === p.offset,
        );
        if (found.length === 0) missing.push(`${p.topicKey}/${p.partition}@${p.offset} ${p.kind}`);
        for (const l of found)
          if (!l.reason || !l.error) noReason.push(`${p.topicKey}@${p.offset}`);
      }

      const logs = readdirSync(bus.logDir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => ({
          name: f.replace(/\.log$/, ''),
          text: readFileSync(join(bus.logDir, f), 'utf8'),
        }));
      const workerRestarts = countLogLines(logs, /transaction failed; restarting/);
      const batchRetries = countLogLines(logs, /batch failed; it will be retried|consumer crashed/);
      const crashes = bus.exits.filter((e) => e.signal !== 'SIGTERM');
      const passed = [...past.passedMs.values()];
      const perTopic = Object.fromEntries(
        [...letters].map(([k, ls]) => [`dead letters ${k}`, ls.length]),
      );
      recordFigures('6 poison records', {
        'topics poisoned': keys.length,
        'poison records written': poison.length,
        'largest record the brokers took (bytes)': nearMax,
        '10 MB records refused by the brokers': `${refused.length}/${keys.length}${refused[0] ? ` (${refused[0].error})` : ''}`,
        'poison write (ms)': poisonWrittenMs,
        'poison records not in their DLQ': missing.length,
        ...perTopic,
        'consumers past the poison': `${past.passedMs.size}/${[...expected.values()].flat().length}`,
        'slowest consumer past its poison (ms)': Math.max(0, ...passed),
        'consumers stuck': past.stuck.length,
        'audit store past its poison': storeMoved !== undefined,
        commands: first.sent + after.sent,
        acknowledged: acked.length,
        'real commands lost': audit.lost,
        duplicated: audit.duplicated,
        'projector catch-up (ms)': projectedMs,
        'service restarts': crashes.length,
        'in-process worker restarts':
          Object.entries(workerRestarts)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ') || 0,
        'failed batches':
          Object.entries(batchRetries)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ') || 0,
      });

      expect(past.stuck).toEqual([]);
      expect(missing).toEqual([]);
      expect(noReason).toEqual([]);
      expect(storeMoved).toBeDefined();
      expect(redRead.status).toBe(200);
      expect([advisory.status, asset.status]).toEqual([201, 201]);
      expect(first.refused.concat(after.refused)).toEqual([]);
      expect(first.gaveUp.concat(after.gaveUp)).toEqual([]);
      expect({ lost: audit.lost, duplicated: audit.duplicated }).toEqual({
        lost: 0,
        duplicated: 0,
      });
      expect(projectedMs).toBeGreaterThanOrEqual(0);
      // The brokers refuse 10 MB: the bus's records stay below their 1 MiB default.
      expect(refused.length).toBe(keys.length);
      expect(crashes.map((c) => `${c.name} ${c.code ?? c.signal}`)).toEqual([]);
      expect(workerRestarts).toEqual({});
    } finally {
      await close();
    }
  });
});
