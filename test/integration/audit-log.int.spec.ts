import { randomUUID } from 'node:crypto';
import type { KafkaMessage, Producer } from 'kafkajs';
import {
  AuditSigningKey,
  entryLeafHash,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
  auditSchema,
  AuditAppender,
  AuditStore,
  AuditStoreProjector,
  decodeLogRecord,
  verifyLogTopic,
  verifyStore,
  type AuditEntryDoc,
} from '@acd/audit';
import { loadConfig } from '@acd/config';
import {
  consoleLogger,
  createTopics,
  eventHeaders,
  readLogToEnd,
  TOPICS,
  withAdmin,
  type BusLogger,
} from '@acd/messaging';
import { openRuntime, type Runtime } from '@acd/runtime';
import { isolatedEnv, waitFor } from '../support/bus';

jest.setTimeout(180_000);

const quiet: BusLogger = { ...consoleLogger, info: () => undefined, warn: () => undefined };

/**
 * The audit log on the real servers: the appender appends every audited fact exactly once across
 * a takeover by a second appender and a restart; the store serves proofs that verify; and
 * altering, removing or reordering one entry, in MongoDB or on a copy of the topic, makes
 * verification fail naming that entry.
 */
describe('audit log on real Kafka and MongoDB', () => {
  let env: NodeJS.ProcessEnv;
  let rt: Runtime;
  let key: AuditSigningKey;
  let producer: Producer;
  let store: AuditStore;
  let projector: AuditStoreProjector;
  const audited = new Set<string>();
  let produced = 0;

  const appenderOf = (fatal: (err: unknown) => void = () => undefined) =>
    new AuditAppender(rt.kafka, rt.topics, rt.codec, key, {
      logger: quiet,
      maxTransaction: 7,
      onFatal: fatal,
    });

  /** Audited facts of three contexts, an undecodable oversight event, and noise that is not audited. */
  async function produce(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const n = produced++;
      const at = new Date(Date.UTC(2026, 10, 22, 1, 0, 0, n));
      const meta = (eventType: string, aggregateId: string, orgId: string) =>
        eventHeaders({
          eventType,
          eventId: randomUUID(),
          aggregateId,
          aggregateVersion: 1,
          orgId,
          occurredAt: at,
          correlationId: 'c',
          causationId: 'c',
        });
      const kind = n % 4;
      let topic: string;
      let message: { key: string; value: Buffer; headers: Record<string, string> };
      if (kind === 0) {
        topic = rt.topics.of('auditReads');
        message = {
          key: 'op-a',
          value: rt.codec.encode('jp.acd.audit.ReadRecorded', {
            readId: randomUUID(),
            orgId: 'op-a',
            subject: null,
            route: 'GET /v1/indicators/:id',
            query: `{"id":"i-${n}"}`,
            items: [{ kind: 'indicator', id: `i-${n}`, tlp: 'RED' }],
            readAt: at.getTime(),
          }),
          headers: meta('ReadRecorded', 'op-a', 'op-a'),
        };
      } else if (kind === 1) {
        topic = rt.topics.of('indicatorEvents');
        message = {
          key: `ind-${n}`,
          value: rt.codec.encode('jp.acd.indicator.PublisherReidentified', {
            indicatorId: `ind-${n}`,
            pseudonym: 'anon-x',
            publisherOrgId: 'op-a',
            reidentifiedByOrgId: 'gov-nco',
            reason: 'court order 2026-11',
            reidentifiedAt: at.getTime(),
          }),
          headers: meta('PublisherReidentified', `ind-${n}`, 'gov-nco'),
        };
      } else if (kind === 2) {
        topic = rt.topics.of('reportingEvents');
        message = {
          key: 'op-b',
          value: rt.codec.encode('jp.acd.reporting.PenaltyAssessed', {
            operatorId: 'op-b',
            caseId: `case-${n}`,
            orderId: `order-${n}`,
            amountYen: 1_000_000,
            reason: 'ignored the order',
            assessedByOrgId: 'gov-nco',
            assessedAt: at.getTime(),
          }),
          headers: meta('PenaltyAssessed', 'op-b', 'gov-nco'),
        };
      } else {
        // Whatever the oversight context writes is audited, even what nobody can decode.
        topic = rt.topics.of('oversightEvents');
        message = {
          key: `req-${n}`,
          value: Buffer.from(`not avro ${n}`),
          headers: meta('VoteCast', `req-${n}`, 'gov-cyber-oversight-commission'),
        };
      }
      const [meta0] = await producer.send({ topic, messages: [message], acks: -1 });
      audited.add(`${topic}/${meta0?.partition}/${meta0?.baseOffset}`);
      // Not audited: other event types of the same topics.
      await producer.send({
        topic: rt.topics.of('indicatorEvents'),
        messages: [
          { key: 'x', value: Buffer.from('x'), headers: meta('IndicatorRevoked', 'x', 'op-a') },
        ],
        acks: -1,
      });
    }
  }

  async function logMessages(topic = rt.topics.of('auditLog')): Promise<KafkaMessage[]> {
    const out: KafkaMessage[] = [];
    await readLogToEnd(rt.kafka, topic, rt.topics.group('test-reader'), (b) => {
      out.push(...b.messages);
    });
    // The reader may be handed a batch twice after a rebalance; one record per offset.
    const byOffset = new Map(out.map((m) => [m.offset, m]));
    return [...byOffset.values()].sort((x, y) => Number(BigInt(x.offset) - BigInt(y.offset)));
  }

  beforeAll(async () => {
    env = isolatedEnv('aud');
    rt = await openRuntime('audit-int', env);
    key = loadConfig(auditSchema, env).ACD_AUDIT_SIGNING_KEY;
    producer = rt.kafka.producer({ idempotent: true });
    await producer.connect();
    store = new AuditStore(rt.db);
  });

  afterAll(async () => {
    await projector?.stop();
    await producer?.disconnect();
    await rt?.close();
  });

  it('appends every audited fact exactly once across a takeover and a restart', async () => {
    await produce(24);
    let fencedA = false;
    const a = appenderOf(() => (fencedA = true));
    await a.start();
    await waitFor('first entries', async () => (await logMessages()).length >= 10, 60_000, 500);

    // A second appender fences the first mid-stream and carries on from the log's end.
    await produce(24);
    const b = appenderOf();
    await b.start();
    await produce(12);
    await waitFor(
      'all 60 entries after the takeover',
      async () => (await logMessages()).length >= 60,
      90_000,
      500,
    );
    await a.stop().catch(() => undefined);
    await b.stop();
    expect(fencedA || a.size <= 60).toBe(true);

    // A restarted appender rebuilds the frontier from the log and continues the numbering.
    await produce(8);
    const c = appenderOf();
    await c.start();
    expect(c.size).toBeGreaterThanOrEqual(60);
    await waitFor('68 entries', async () => (await logMessages()).length >= 68, 60_000, 500);
    await new Promise((r) => setTimeout(r, 2_000)); // anything extra would show now
    await c.stop();

    const records = (await logMessages()).map((m) => decodeLogRecord(rt.codec, m));
    expect(records.map((r) => r.entry.index)).toEqual(records.map((_, i) => i));
    const sources = records.map(
      (r) => `${r.entry.source.topic}/${r.entry.source.partition}/${r.entry.source.offset}`,
    );
    expect(new Set(sources).size).toBe(sources.length); // nothing twice
    expect(new Set(sources)).toEqual(audited); // nothing missing, nothing unaudited
    const types = new Set(records.map((r) => r.entry.eventType));
    expect([...types].sort()).toEqual(
      ['PenaltyAssessed', 'PublisherReidentified', 'ReadRecorded', 'VoteCast'].sort(),
    );
    const vote = records.find((r) => r.entry.eventType === 'VoteCast');
    expect(vote?.entry.payload).toMatchObject({ undecodable: expect.any(String) });
    const read = records.find((r) => r.entry.eventType === 'ReadRecorded');
    expect(read?.entry.payload).toMatchObject({ items: [{ kind: 'indicator', tlp: 'RED' }] });

    const result = await verifyLogTopic(
      rt.kafka,
      rt.codec,
      rt.topics.of('auditLog'),
      key.publicKey,
      {
        groupPrefix: rt.topics.group('verify'),
      },
    );
    expect(result).toMatchObject({ ok: true, size: 68 });
  });

  it('stores the log in MongoDB and serves proofs that verify against signed heads', async () => {
    projector = new AuditStoreProjector(rt.kafka, rt.topics, rt.codec, store, {
      logger: quiet,
      publicKeyPem: key.publicKeyPem(),
      onFatal: (err) => {
        throw err;
      },
    });
    await projector.start();
    await waitFor(
      'store holds 68 entries',
      async () => (await store.state()).size === 68,
      60_000,
      300,
    );
    expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: true, size: 68 });

    for (const [index, size] of [
      [0, 1],
      [5, 68],
      [67, 68],
      [31, 40],
    ] as const) {
      const record = await store.entry(index);
      const head = await store.headAt(size);
      const proof = await store.inclusionProof(index, size);
      expect(head && verifyTreeHead(key.publicKey, head)).toBe(true);
      expect(
        verifyInclusion(
          entryLeafHash(record!.entry),
          index,
          size,
          proof,
          Buffer.from(head!.rootHash, 'hex'),
        ),
      ).toBe(true);
    }
    // A page of who-read answers takes its entries and proofs together: the same as one by one.
    const several = [0, 5, 31, 66, 67];
    const [records, proofs] = await Promise.all([
      store.entriesAt([...several, 1_000]),
      store.inclusionProofs(several, 68),
    ]);
    expect([...records.keys()].sort((a, b) => a - b)).toEqual(several);
    for (const index of several) {
      expect(records.get(index)).toEqual(await store.entry(index));
      expect(proofs.get(index)).toEqual(await store.inclusionProof(index, 68));
    }
    for (const [first, second] of [
      [1, 68],
      [13, 64],
      [64, 68],
      [68, 68],
    ] as const) {
      const [h1, h2] = [await store.headAt(first), await store.headAt(second)];
      const proof = await store.consistencyProof(first, second);
      expect(
        verifyConsistency(
          first,
          second,
          proof,
          Buffer.from(h1!.rootHash, 'hex'),
          Buffer.from(h2!.rootHash, 'hex'),
        ),
      ).toBe(true);
    }
  });

  describe('tampering with one entry in MongoDB is named', () => {
    const entries = () => rt.db.collection<AuditEntryDoc>('audit_entries');

    it('an altered field', async () => {
      const before = await entries().findOne({ _id: 17 });
      await entries().updateOne({ _id: 17 }, { $set: { orgId: 'mallory' } });
      expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: false, index: 17 });
      await entries().updateOne({ _id: 17 }, { $set: { orgId: before!.orgId } });
      const payload = JSON.parse(before!.payloadJson) as Record<string, unknown>;
      await entries().updateOne(
        { _id: 17 },
        { $set: { payloadJson: JSON.stringify({ ...payload, extra: 1 }) } },
      );
      expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: false, index: 17 });
      await entries().replaceOne({ _id: 17 }, before!);
      expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: true, size: 68 });
    });

    it('a removed entry, and a removed tail', async () => {
      for (const index of [23, 67]) {
        const doc = await entries().findOne({ _id: index });
        await entries().deleteOne({ _id: index });
        const result = await verifyStore(store, key.publicKey);
        expect(result).toMatchObject({ ok: false, index });
        expect((result as { reason: string }).reason).toMatch(
          new RegExp(`entry ${index} is missing`),
        );
        await entries().insertOne(doc!);
      }
      expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: true });
    });

    it('two entries swapped', async () => {
      const [five, six] = [
        await entries().findOne({ _id: 5 }),
        await entries().findOne({ _id: 6 }),
      ];
      const { _id: _5, ...fiveBody } = five!;
      const { _id: _6, ...sixBody } = six!;
      await entries().replaceOne({ _id: 5 }, sixBody);
      await entries().replaceOne({ _id: 6 }, fiveBody);
      expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: false, index: 5 });
      await entries().replaceOne({ _id: 5 }, fiveBody);
      await entries().replaceOne({ _id: 6 }, sixBody);
      expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: true, size: 68 });
    });
  });

  it('rebuilds the store from the topic (what `audit rebuild` starts)', async () => {
    await projector.stop();
    await store.drop();
    expect((await store.state()).size).toBe(0);
    projector = new AuditStoreProjector(rt.kafka, rt.topics, rt.codec, store, {
      logger: quiet,
      publicKeyPem: key.publicKeyPem(),
      onFatal: (err) => {
        throw err;
      },
    });
    await projector.start();
    await waitFor('store rebuilt', async () => (await store.state()).size === 68, 60_000, 300);
    expect(await verifyStore(store, key.publicKey)).toMatchObject({ ok: true, size: 68 });
  });

  it('Given the rebuilt store, when asked who read an item, then the read index names exactly the entries that recorded it', async () => {
    const size = (await store.state()).size;
    const reads = (await store.page(0, size, size)).filter(
      (r) => r.entry.eventType === 'ReadRecorded',
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) {
      const item = (r.entry.payload as { items: { id: string }[] }).items[0]!.id;
      const hits = await store.readsOf(item, 0, 10, size);
      expect(hits.map((h) => h.index)).toEqual([r.entry.index]);
      expect(hits[0]).toMatchObject({ orgId: 'op-a', route: 'GET /v1/indicators/:id' });
      // Nothing beyond the size the store vouches for.
      expect(await store.readsOf(item, 0, 10, r.entry.index)).toEqual([]);
    }
    expect(await store.readsOf('no-such-item', 0, 10, size)).toEqual([]);
  });

  describe('tampering with one record on a copy of the topic is named', () => {
    async function copy(
      name: string,
      edit: (ms: KafkaMessage[]) => KafkaMessage[],
    ): Promise<string> {
      const topic = rt.topics.group(`copy.${name}`);
      await withAdmin(rt.kafka, (admin) =>
        createTopics(admin, [{ name: topic, spec: TOPICS.auditLog }], 1),
      );
      const messages = edit(await logMessages());
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          headers: m.headers as Record<string, Buffer>,
        })),
      });
      return topic;
    }
    const verifyCopy = (topic: string) =>
      verifyLogTopic(rt.kafka, rt.codec, topic, key.publicKey, {
        groupPrefix: rt.topics.group('verify'),
      });

    it('an intact copy verifies', async () => {
      expect(await verifyCopy(await copy('intact', (ms) => ms))).toMatchObject({
        ok: true,
        size: 68,
      });
    });

    it('an altered record', async () => {
      const topic = await copy('altered', (ms) =>
        ms.map((m, i) => {
          if (i !== 12) return m;
          const v = rt.codec.decode(m.value!).value as { entryJson: string };
          const value = rt.codec.encode('jp.acd.audit.AuditEntryAppended', {
            ...(v as object),
            entryJson: v.entryJson.replace('"orgId":"', '"orgId":"x'),
          });
          return { ...m, value };
        }),
      );
      expect(await verifyCopy(topic)).toMatchObject({ ok: false, index: 12 });
    });

    it('a dropped record', async () => {
      const topic = await copy('dropped', (ms) => ms.filter((_, i) => i !== 12));
      expect(await verifyCopy(topic)).toMatchObject({ ok: false, index: 12 });
    });

    it('two records swapped', async () => {
      const topic = await copy('swapped', (ms) => {
        const out = [...ms];
        [out[12], out[13]] = [out[13]!, out[12]!];
        return out;
      });
      expect(await verifyCopy(topic)).toMatchObject({ ok: false, index: 12 });
    });

    it('a copy re-signed with another key', async () => {
      const forger = AuditSigningKey.parse(Buffer.alloc(32, 1).toString('base64'));
      const result = await verifyLogTopic(
        rt.kafka,
        rt.codec,
        rt.topics.of('auditLog'),
        forger.publicKey,
        {
          groupPrefix: rt.topics.group('verify'),
        },
      );
      expect(result).toMatchObject({
        ok: false,
        index: 0,
        reason: expect.stringMatching(/signature/),
      });
    });
  });
});
