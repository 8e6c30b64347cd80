import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Db } from 'mongodb';
import {
  AuditSigningKey,
  AuditStore,
  CompactRange,
  decodeLogRecord,
  encodeLogRecord,
  entryLeafHash,
  signTreeHead,
  verifyLog,
  verifyLogTopic,
  verifyStore,
  verifyTreeHead,
  type AuditEntry,
  type AuditEntryDoc,
  type AuditStateDoc,
  type LogRecord,
} from '@acd/audit';
import { kafkaSchema, loadConfig } from '@acd/config';
import {
  createKafka,
  createTopics,
  readLogToEnd,
  SchemaSet,
  schemasDir,
  TopicNames,
  TOPICS,
  withAdmin,
  type WireCodec,
} from '@acd/messaging';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { runCli, type CliRun } from '../support/cli';
import { busDb, recordFigures, scenarioTimeout, size } from './support/chaos';

/**
 * Issue 16, scenario 11: audited activity through the API, then the audit log is tampered with,
 * one way at a time, in the store (MongoDB) and on the topic (Kafka), and `acd audit verify`
 * must fail naming the first entry that is not what the bus signed. A topic is append-only:
 * "changed on the topic" is a rewritten copy of it (what an administrator who recreates the
 * topic leaves), records appended by a process with producer access (a forged record, a
 * replacement for an earlier one under its key), or records deleted from its start (the only
 * deletion Kafka offers on a `delete` topic). A truncated tail is caught against a head pinned
 * earlier (`--save-head`, then `--trusted-head`).
 */
const READS = size('AUDIT_READS', 300, 2_000, 10_000);
const CONCURRENCY = 8;

jest.setTimeout(scenarioTimeout(30));

interface Case {
  name: string;
  where: 'store' | 'topic';
  expected: number;
  run: CliRun;
  index: number | null;
  detected: boolean;
  named: boolean;
}

const failedAt = (run: CliRun): number | null => {
  const m = /FAILED at entry (\d+)/.exec(run.out);
  return m ? Number(m[1]) : null;
};

describe('scenario 11: audit tampering', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let topics: TopicNames;
  let codec: WireCodec;
  let db: Db;
  let closeDb: () => Promise<void>;
  let commission: DemoOrg;
  let key: AuditSigningKey;
  let keyFile: string;
  let headFile: string;
  let replication: number;
  const cases: Case[] = [];

  const verify = (args: string[]) =>
    runCli(['audit', 'verify', '--public-key', keyFile, ...args], {
      ...bus.env,
      ACD_URL: bus.base,
      ACD_TOKEN: commission.token,
    });

  const entries = () => db.collection<AuditEntryDoc>('audit_entries');
  const state = () => db.collection<AuditStateDoc>('audit_state');

  async function logMessages(topic = topics.of('auditLog')): Promise<KafkaMessage[]> {
    const out = new Map<string, KafkaMessage>();
    await readLogToEnd(
      kafka,
      topic,
      topics.group(`chaos-at-${randomBytes(2).toString('hex')}`),
      (b) => {
        for (const m of b.messages) out.set(m.offset, m);
      },
    );
    return [...out.values()].sort((x, y) => Number(BigInt(x.offset) - BigInt(y.offset)));
  }

  async function treeSize(): Promise<number> {
    const head = await bus.get('/v1/audit/head', commission);
    return head.status === 200 ? Number(head.body.treeSize) : 0;
  }

  /** Until the store holds every record of the topic and neither grows for 3 s. */
  async function settled(atLeast: number): Promise<number> {
    let last = -1;
    let still = 0;
    return waitFor(
      `the audit log to settle at ${atLeast}+ entries`,
      async () => {
        const n = await treeSize();
        still = n === last ? still + 1 : 0;
        last = n;
        if (n < atLeast || still < 3) return null;
        return (await logMessages()).length === n ? n : null;
      },
      10 * 60_000,
      1_000,
    );
  }

  function record(c: Omit<Case, 'index' | 'detected' | 'named'>): Case {
    const index = failedAt(c.run);
    const done: Case = { ...c, index, detected: c.run.code === 1, named: index === c.expected };
    cases.push(done);
    return done;
  }

  /** Tampers with the store, verifies through the API, puts everything back and checks that. */
  async function storeCase(
    name: string,
    expected: number,
    tamper: () => Promise<() => Promise<void>>,
    args: string[] = [],
  ): Promise<Case> {
    const restore = await tamper();
    let c: Case;
    try {
      c = record({ name, where: 'store', expected, run: await verify(args) });
    } finally {
      await restore();
    }
    expect(await verify([])).toMatchObject({ code: 0 });
    return c;
  }

  /** A copy of the log topic, edited: what verification of a rewritten topic meets. */
  async function copyOf(
    name: string,
    edit: (ms: KafkaMessage[]) => KafkaMessage[],
  ): Promise<string> {
    const topic = topics.of('auditLog').replace(/\.v1$/, `.copy-${name}.v1`);
    await withAdmin(kafka, (admin) =>
      createTopics(admin, [{ name: topic, spec: TOPICS.auditLog }], replication),
    );
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      const messages = edit(await logMessages());
      for (let i = 0; i < messages.length; i += 500)
        await producer.send({
          topic,
          acks: -1,
          messages: messages.slice(i, i + 500).map((m) => ({
            key: m.key,
            value: m.value,
            headers: m.headers as Record<string, Buffer>,
          })),
        });
    } finally {
      await producer.disconnect();
    }
    return topic;
  }

  const topicCase = async (name: string, expected: number, topic: string, args: string[] = []) =>
    record({
      name,
      where: 'topic',
      expected,
      run: await verify(['--source', 'topic', '--topic', topic, ...args]),
    });

  /** A record as a process with producer access (but not the key) writes one. */
  function forge(genuine: LogRecord[], entry: AuditEntry, forger: AuditSigningKey) {
    const range = CompactRange.empty();
    for (const r of genuine.slice(0, entry.index)) range.append(entryLeafHash(r.entry));
    range.append(entryLeafHash(entry));
    const head = signTreeHead(forger, {
      treeSize: entry.index + 1,
      timestamp: Date.now(),
      rootHash: range.root().toString('hex'),
    });
    // It claims the bus's key id: the id is a label, only the signature counts.
    return encodeLogRecord(codec, { entry, head }, key.keyId);
  }

  beforeAll(async () => {
    bus = await BusUnderTest.start('at', {}, { supervised: true });
    const cfg = loadConfig(kafkaSchema, bus.env);
    replication = cfg.ACD_REPLICATION_FACTOR;
    kafka = createKafka(cfg, 'chaos-audit');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    codec = await SchemaSet.load(schemasDir());
    commission = bus.org((o) => o.kind === 'oversight-commission');
    key = AuditSigningKey.parse(bus.env.ACD_AUDIT_SIGNING_KEY!);
    keyFile = join(bus.logDir, 'audit-public.pem');
    headFile = join(bus.logDir, 'pinned-head.json');
    writeFileSync(keyFile, key.publicKeyPem());
    ({ db, close: closeDb } = await busDb(bus));
  });
  afterAll(async () => {
    await closeDb?.();
    await bus?.stop();
  });

  it('every tampering is detected and names the first entry that is not what the bus signed', async () => {
    // ---------------------------------------------------------------- audited activity
    const kanto = bus.byId('op-kanto-electric');
    const tokai = bus.byId('op-tokai-rail');
    const nco = bus.byId('gov-nco');
    const run = randomBytes(3).toString('hex');
    const red: string[] = [];
    for (let i = 0; i < 4; i++)
      red.push(
        await bus.publish(kanto, {
          type: 'domain',
          value: `r${i}.${run}.tamper.example`,
          tlp: i % 2 ? 'AMBER' : 'RED',
          audience: { orgs: ['op-tokai-rail', 'gov-nco'] },
        }),
      );
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < READS) {
          const i = next++;
          const who = i % 5 === 0 ? nco : tokai;
          const res = await bus.get(`/v1/indicators/${red[i % red.length]}?n=${i}`, who);
          if (res.status !== 200) throw new Error(`read ${i}: ${res.status}`);
        }
      }),
    );
    const readMs = Date.now() - t0;
    const reid = await bus.post(`/v1/indicators/${red[0]}/reidentify`, nco, {
      reason: `chaos scenario 11 ${run}`,
    });
    expect(reid.status).toBe(200);
    const n = await settled(READS + 1);

    // ---------------------------------------------------------------- the intact log
    const intact = await verify(['--save-head', headFile]);
    expect(intact).toMatchObject({ code: 0, out: expect.stringMatching(/audit log verified/) });
    const intactTopic = await verify(['--source', 'topic']);
    expect(intactTopic).toMatchObject({ code: 0 });
    const store = new AuditStore(db);
    let t = Date.now();
    expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: true, size: n });
    const storeMs = Date.now() - t;
    t = Date.now();
    expect(
      await verifyLogTopic(kafka, codec, topics.of('auditLog'), key.publicKey, {
        groupPrefix: topics.group('chaos-at-verify'),
      }),
    ).toMatchObject({ ok: true, size: n });
    const topicMs = Date.now() - t;
    expect(await treeSize()).toBe(n); // verifying reads nothing that is itself audited

    const at = (f: number) => Math.min(n - 2, Math.max(1, Math.floor(n * f)));

    // ---------------------------------------------------------------- in the store
    const k1 = at(0.37);
    await storeCase('an entry changed', k1, async () => {
      const before = (await entries().findOne({ _id: k1 }))!;
      await entries().updateOne(
        { _id: k1 },
        before.actor !== undefined
          ? { $set: { actor: 'someone-else' } }
          : { $set: { orgId: 'someone-else' } },
      );
      return async () => void (await entries().replaceOne({ _id: k1 }, before));
    });

    const k2 = at(0.52);
    await storeCase('an entry deleted', k2, async () => {
      const before = (await entries().findOne({ _id: k2 }))!;
      await entries().deleteOne({ _id: k2 });
      return async () => void (await entries().insertOne(before));
    });

    const k3 = at(0.61);
    await storeCase('two entries reordered', k3, async () => {
      const a = (await entries().findOne({ _id: k3 }))!;
      const b = (await entries().findOne({ _id: k3 + 1 }))!;
      const { _id: _a, ...aBody } = a;
      const { _id: _b, ...bBody } = b;
      await entries().replaceOne({ _id: k3 }, bBody);
      await entries().replaceOne({ _id: k3 + 1 }, aBody);
      return async () => {
        await entries().replaceOne({ _id: k3 }, aBody);
        await entries().replaceOne({ _id: k3 + 1 }, bBody);
      };
    });

    // The tail cut off and the state rewritten to match: the store then agrees with itself, and
    // only a head seen earlier shows what is missing.
    const cut = n - Math.max(3, Math.floor(n / 10));
    const truncate = async () => {
      const tail = await entries()
        .find({ _id: { $gte: cut } })
        .toArray();
      const st = (await state().findOne({ _id: 'log' }))!;
      const last = (await entries().findOne({ _id: cut - 1 }))!;
      await entries().deleteMany({ _id: { $gte: cut } });
      await state().updateOne({ _id: 'log' }, { $set: { size: cut, head: last.head } });
      return async () => {
        await entries().insertMany(tail);
        await state().replaceOne({ _id: 'log' }, st);
      };
    };
    const restoreCut = await truncate();
    const unpinned = await verify([]);
    await restoreCut();
    await storeCase('tail truncated, pinned head', cut, truncate, ['--trusted-head', headFile]);

    // ---------------------------------------------------------------- on the topic
    const messages = await logMessages();
    const genuine = messages.map((m) => decodeLogRecord(codec, m));
    expect(genuine.map((r) => r.entry.index)).toEqual(genuine.map((_, i) => i));
    const forger = AuditSigningKey.parse(randomBytes(32).toString('base64'));
    const value = (m: KafkaMessage) =>
      codec.decode(m.value!).value as Record<string, unknown> & { entryJson: string };

    await topicCase('an intact copy (control)', -1, await copyOf('intact', (ms) => ms));
    expect(cases.pop()).toMatchObject({ run: { code: 0 } });

    const j1 = at(0.29);
    await topicCase(
      'rewritten copy: a record changed',
      j1,
      await copyOf('changed', (ms) =>
        ms.map((m, i) => {
          if (i !== j1) return m;
          const v = value(m);
          const entryJson = v.entryJson.replace(/"orgId":"/, '"orgId":"x');
          return {
            ...m,
            value: codec.encode('jp.acd.audit.AuditEntryAppended', { ...v, entryJson }),
          };
        }),
      ),
    );
    const j2 = at(0.44);
    await topicCase(
      'rewritten copy: a record deleted',
      j2,
      await copyOf('deleted', (ms) => ms.filter((_, i) => i !== j2)),
    );
    const j3 = at(0.58);
    await topicCase(
      'rewritten copy: two records reordered',
      j3,
      await copyOf('reordered', (ms) => {
        const out = [...ms];
        [out[j3], out[j3 + 1]] = [out[j3 + 1]!, out[j3]!];
        return out;
      }),
    );
    const j4 = at(0.71);
    await topicCase(
      'rewritten copy: a record re-signed by another key',
      j4,
      await copyOf('resigned', (ms) =>
        ms.map((m, i) =>
          i === j4
            ? {
                ...m,
                value: forge(genuine, { ...genuine[j4]!.entry, orgId: 'someone-else' }, forger)
                  .value as Buffer,
              }
            : m,
        ),
      ),
    );
    await topicCase(
      'rewritten copy: tail truncated, pinned head',
      cut,
      await copyOf('truncated', (ms) => ms.slice(0, cut)),
      ['--trusted-head', headFile],
    );
    // Appended by a process with producer access: a replacement for entry j5 under its key (the
    // topic is not compacted, so it is appended, never substituted), and a forged next entry.
    const j5 = at(0.33);
    const replaced = await copyOf('replacement', (ms) => {
      const v = value(ms[j5]!);
      const entryJson = v.entryJson.replace(/"orgId":"/, '"orgId":"x');
      return [
        ...ms,
        { ...ms[j5]!, value: codec.encode('jp.acd.audit.AuditEntryAppended', { ...v, entryJson }) },
      ];
    });
    const replacement = await topicCase(
      'appended: a replacement for an earlier record',
      n,
      replaced,
    );
    expect(replacement.run.out).toContain(`entry ${j5}`);
    await topicCase(
      'appended: a forged next record',
      n,
      await copyOf('forged', (ms) => [
        ...ms,
        {
          ...ms[0]!,
          value: forge(genuine, { ...genuine[n - 1]!.entry, index: n, eventId: 'forged' }, forger)
            .value as Buffer,
        },
      ]),
    );
    // Records deleted from the start (kafka-delete-records).
    const headless = await copyOf('head-deleted', (ms) => ms);
    await withAdmin(kafka, async (admin) => {
      await admin.fetchTopicMetadata({ topics: [headless] });
      await admin.deleteTopicRecords({
        topic: headless,
        partitions: [{ partition: 0, offset: '3' }],
      });
    });
    await topicCase('records deleted from the start', 0, headless);

    // ------------------------------------------------ the live topic: a forged record injected
    // The log is idle; a process with producer access (not the appender, without the key)
    // appends entry n, its root recomputed, signed with its own key. Then the audit service
    // restarts (reading the log to learn its frontier) and more reads are audited.
    const forged = forge(
      genuine,
      {
        ...genuine[n - 1]!.entry,
        index: n,
        eventId: `forged-${run}`,
        actor: 'nobody',
        payload: { forged: true },
      },
      forger,
    );
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const [sent] = await producer.send({
      topic: topics.of('auditLog'),
      acks: -1,
      messages: [forged],
    });
    await producer.disconnect();
    const forgedOffset = String(sent?.baseOffset);
    const exitsBefore = bus.exits.filter((e) => e.name === 'audit').length;
    bus.services.get('audit')!.kill('SIGKILL');
    await waitFor(
      'the audit service to be restarted',
      async () => bus.exits.filter((e) => e.name === 'audit').length > exitsBefore,
      30_000,
      200,
    );
    for (let i = 0; i < 3; i++)
      expect((await bus.get(`/v1/indicators/${red[1]}?after=${i}`, tokai)).status).toBe(200);
    const after = await waitFor(
      'the reads after the injection on the log',
      async () => {
        const ms = await logMessages();
        return ms.length >= n + 1 + 3 ? ms : null;
      },
      120_000,
      1_000,
    ).catch(() => logMessages());
    const liveTopic = record({
      name: 'live topic: a forged record injected',
      where: 'topic',
      expected: n,
      run: await verify(['--source', 'topic']),
    });
    // What the key signed must be a log by itself: no head the bus signed covers the forgery.
    const signed = after
      .map((m) => decodeLogRecord(codec, m))
      .filter((r) => verifyTreeHead(key.publicKey, r.head));
    const signedOnly = verifyLog(signed, key.publicKey);
    const storeHasForged = (await entries().findOne({ _id: n }))?.eventId === `forged-${run}`;
    const apiAfter = await verify([]);

    const detected = cases.filter((c) => c.detected).length;
    const named = cases.filter((c) => c.named).length;
    recordFigures('11 audit tampering', {
      'audit entries': n,
      'reads/s': Math.round(READS / (readMs / 1000)),
      'tampering cases': cases.length,
      detected,
      'named correctly': named,
      'not detected or misnamed':
        cases
          .filter((c) => !c.detected || !c.named)
          .map((c) => `${c.where}: ${c.name} (${c.index ?? 'passed'})`)
          .join('; ') || 'none',
      'truncation without a pin': unpinned.code === 0 ? 'passes (as it must)' : 'fails',
      'forgery taken into the signed tree': signedOnly.ok ? 'no' : `yes (${signedOnly.reason})`,
      'store holds the forgery': storeHasForged,
      'API verify after the injection': apiAfter.code === 0 ? 'verified' : 'failed',
      'verify per 1,000 entries, store (ms)': Math.round((storeMs * 1000) / n),
      'verify per 1,000 entries, topic (ms)': Math.round((topicMs * 1000) / n),
      'acd audit verify, API (ms)': intact.ms,
      'acd audit verify, topic (ms)': intactTopic.ms,
    });
    for (const c of cases)
      expect({ case: c.name, code: c.run.code, index: c.index }).toEqual({
        case: c.name,
        code: 1,
        index: c.expected,
      });
    expect(liveTopic.run.out).toMatch(new RegExp(`offset ${forgedOffset}\\b`));
    expect(unpinned.code).toBe(0);
    expect(signedOnly).toMatchObject({ ok: true });
    expect(storeHasForged).toBe(false);
    expect(apiAfter.code).toBe(0);
  });
});
