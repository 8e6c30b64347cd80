import { randomUUID } from 'node:crypto';
import { commandIdFor } from '@acd/event-sourcing';
import type { Organisation } from '@acd/identity';
import { indicatorIdFor, indicatorProjection, IndicatorQueries } from '@acd/indicators';
import type { Consumer } from 'kafkajs';
import {
  CommandBus,
  CommandProcessor,
  consoleLogger,
  H,
  withAdmin,
  type BusLogger,
} from '@acd/messaging';
import { IdentityAdmin } from '@acd/identity';
import {
  CheckpointStore,
  rebuildProjection,
  feedCollectionOf,
  type Projection,
  type ReadModelDoc,
} from '@acd/persistence';
import { openRuntime, type Runtime } from '@acd/runtime';
import { startProjectors } from '../../apps/projector/src/projectors';
import { indicatorContext } from '../../apps/indicators/src/indicator.context';
import { isolatedEnv, waitFor } from '../support/bus';

/** Commands written straight to Kafka, as the gateway would write them under its ACD_ID_KEY. */
const TEST_ID_KEY = 'test-id-key-'.padEnd(32, '0');

jest.setTimeout(120_000);

const quiet: BusLogger = { ...consoleLogger, info: () => undefined };
const publisher: Organisation = {
  id: 'op-int-electric',
  name: 'Int Electric',
  kind: 'operator',
  sector: 'electricity',
} as Organisation;
const nco: Organisation = { id: 'nco-int', name: 'NCO', kind: 'cabinet-office' } as Organisation;
const outsider: Organisation = {
  id: 'op-int-rail',
  name: 'Int Rail',
  kind: 'operator',
  sector: 'railways',
} as Organisation;

/** The whole write and read path in one process, on the real servers: command → Kafka → decider → events → MongoDB. */
describe('indicator flow on real Kafka and MongoDB', () => {
  let rt: Runtime;
  let processor: CommandProcessor<never, never, never>;
  let bus: CommandBus;
  let projectors: Awaited<ReturnType<typeof startProjectors>>;
  let queries: IndicatorQueries;

  beforeAll(async () => {
    rt = await openRuntime('int', isolatedEnv('int'));
    const admin = new IdentityAdmin(rt.kafka, rt.topics, rt.codec);
    await admin.open();
    for (const org of [publisher, nco, outsider]) await admin.register(org);
    await admin.close();
    processor = new CommandProcessor(rt.kafka, rt.topics, rt.codec, indicatorContext() as never, {
      instanceId: 'int',
      logger: quiet,
    });
    await processor.start();
    projectors = await startProjectors(rt, quiet);
    bus = new CommandBus(rt.kafka, rt.topics, rt.codec, quiet, 20_000);
    await bus.start();
    queries = new IndicatorQueries(rt.db);
  });

  afterAll(async () => {
    await bus?.stop();
    await projectors?.stop();
    await processor?.stop();
    await rt?.close();
  });

  const publish = (
    value: string,
    tlp = 'GREEN',
    audience = { orgs: [] as string[], sectors: [] as string[] },
  ) => {
    const indicatorId = indicatorIdFor(TEST_ID_KEY, publisher.id, 'domain', value);
    return bus.send({
      topic: 'indicatorCommands',
      schema: 'jp.acd.indicator.PublishIndicator',
      aggregateId: indicatorId,
      commandId: commandIdFor(TEST_ID_KEY, { orgId: publisher.id }, randomUUID()),
      data: {
        indicatorId,
        indicatorType: 'domain',
        value,
        tlp,
        audience,
        confidence: 75,
        validFrom: null,
        validUntil: null,
        description: 'integration',
        cves: ['CVE-2024-3400'],
        killChainPhases: [
          { killChainName: 'lockheed-martin-cyber-kill-chain', phaseName: 'command-and-control' },
        ],
      },
      issuer: { orgId: publisher.id, kind: 'operator', sector: 'electricity' },
      correlationId: randomUUID(),
    });
  };

  it('publishes, projects and reads back with the entitlement filter', async () => {
    const reply = await publish('c2.int.example', 'AMBER', { orgs: [], sectors: ['electricity'] });
    expect(reply).toMatchObject({ outcome: 'ACCEPTED', version: 1, duplicate: false });
    const doc = await waitFor(
      'projection',
      () => queries.findVisible(publisher, reply.aggregateId),
      20_000,
      100,
    );
    expect(doc).toMatchObject({
      _id: reply.aggregateId,
      version: 1,
      value: 'c2.int.example',
      tlp: 'AMBER',
      publisherSector: 'electricity',
      cves: ['CVE-2024-3400'],
      status: 'active',
    });
    expect(await queries.findVisible(nco, reply.aggregateId)).not.toBeNull();
    expect(await queries.findVisible(outsider, reply.aggregateId)).toBeNull();
    expect((await queries.list(outsider, { limit: 100 })).items.map((d) => d._id)).not.toContain(
      reply.aggregateId,
    );
  });

  it('refuses through the decider without writing an event', async () => {
    const reply = await publish('no-audience.int.example', 'RED');
    expect(reply).toMatchObject({
      outcome: 'REFUSED',
      code: 'invalid',
      field: 'audience.orgs',
      version: 0,
      eventIds: [],
    });
  });

  it('a projector whose consumer jumps past unapplied records goes back to its checkpoint and skips none', async () => {
    // The client's position is not the projector's to trust: after a broker kill, a crashed and
    // restarted consumer, or a rebalance, kafkajs has handed over batches that did not begin at
    // the stored checkpoint. Here the jump is made on purpose: each partition holding at least
    // two new transactions is sought two offsets past its checkpoint (past a record or a
    // marker and a record) while the new events wait there; a later record is still to come,
    // so the projector sees where its next batch begins.
    const runner = projectors.runners.find((r) => r.groupId.endsWith('acd.projector.indicators'));
    const consumer = (runner as unknown as { consumer: Consumer }).consumer;
    const topic = rt.topics.of('indicatorEvents');
    const checkpoints = new CheckpointStore(rt.db);
    consumer.pause([{ topic }]);
    const replies = [];
    // Twelve commands, one transaction each, on six partitions: some partition gets two.
    for (let i = 0; i < 12; i += 1) replies.push(await publish(`jump-${i}.int.example`));
    expect(replies.every((r) => r.outcome === 'ACCEPTED')).toBe(true);
    const ends = await withAdmin(rt.kafka, (admin) => admin.fetchTopicOffsets(topic));
    let jumped = 0;
    for (const { partition, high, low } of ends) {
      const at = (await checkpoints.offset('indicators', topic, partition)) ?? low;
      if (BigInt(high) - BigInt(at) < 4n) continue;
      consumer.seek({ topic, partition, offset: String(BigInt(at) + 2n) });
      jumped += 1;
    }
    expect(jumped).toBeGreaterThan(0);
    consumer.resume([{ topic }]);
    for (const r of replies) {
      await waitFor('projected', () => queries.findVisible(publisher, r.aggregateId), 30_000, 100);
    }
  });

  it('an indicator with an event this version cannot read takes no command until it can; the others do', async () => {
    // An upgrade under way: a newer processor has written a version this one cannot decode.
    // Deciding on the versions it could read would write a version 2 beside the unread one.
    const published = await publish('unreadable.int.example');
    expect(published).toMatchObject({ outcome: 'ACCEPTED', version: 1 });
    const id = published.aggregateId;
    const producer = rt.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: rt.topics.of('indicatorEvents'),
      acks: -1,
      messages: [
        {
          key: id,
          // Avro single-object marker, then a fingerprint no schema of this version has.
          value: Buffer.concat([
            Buffer.from([0xc3, 0x01]),
            Buffer.alloc(8, 0x5a),
            Buffer.from('x'),
          ]),
          headers: {
            [H.eventType]: 'IndicatorUpdated',
            [H.eventId]: randomUUID(),
            [H.aggregateId]: id,
            [H.aggregateVersion]: '2',
            [H.orgId]: publisher.id,
            [H.occurredAt]: new Date().toISOString(),
          },
        },
      ],
    });
    await producer.disconnect();
    // A processor that starts now reads it, as a restarted or upgraded-beside one would.
    await processor.stop();
    processor = new CommandProcessor(rt.kafka, rt.topics, rt.codec, indicatorContext() as never, {
      instanceId: 'int',
      logger: quiet,
    });
    await processor.start();
    const revoke = await bus.send({
      topic: 'indicatorCommands',
      schema: 'jp.acd.indicator.RevokeIndicator',
      aggregateId: id,
      commandId: commandIdFor(TEST_ID_KEY, { orgId: publisher.id }, randomUUID()),
      data: { indicatorId: id, reason: 'integration' },
      issuer: { orgId: publisher.id, kind: 'operator', sector: 'electricity' },
      correlationId: randomUUID(),
    });
    expect(revoke).toMatchObject({ outcome: 'REFUSED', code: 'unavailable', eventIds: [] });
    const readable = await publish('readable.int.example');
    expect(readable).toMatchObject({ outcome: 'ACCEPTED' });
    await waitFor('projected', () => queries.findVisible(publisher, readable.aggregateId), 20_000);
  });

  it('rebuild replays into a fresh collection, swaps it in, and the live projector carries on', async () => {
    const before = await waitFor(
      'indicators projected',
      async () => {
        const all = await rt.db.collection('indicators').find({}).sort({ _id: 1 }).toArray();
        return all.length >= 1 ? all : null;
      },
      20_000,
    );
    const progress: number[] = [];
    const result = await rebuildProjection({
      kafka: rt.kafka,
      topics: rt.topics,
      codec: rt.codec,
      db: rt.db,
      checkpoints: new CheckpointStore(rt.db),
      projection: indicatorProjection as unknown as Projection<unknown, ReadModelDoc>,
      onProgress: (p) => progress.push(p.read),
    });
    expect(result.generation).toBe(1);
    expect(result.documents).toBe(before.length);
    expect(progress.length).toBeGreaterThan(0);
    const after = await rt.db.collection('indicators').find({}).sort({ _id: 1 }).toArray();
    expect(after).toEqual(before);
    const names = (await rt.db.listCollections().toArray()).map((c) => c.name);
    expect(names.filter((n) => n.startsWith('indicators_rebuild'))).toEqual([]);

    const later = await publish('after-rebuild.int.example');
    await waitFor(
      'projected after rebuild',
      () => queries.findVisible(publisher, later.aggregateId),
      20_000,
      100,
    );
  });

  it('a read model without a change feed (built before lists walked one) is listed again once the projector restarts', async () => {
    const id = (await publish('before-the-feed.int.example')).aggregateId;
    await waitFor('projected', () => queries.findVisible(publisher, id), 20_000, 100);
    const listed = async () =>
      (await queries.list(publisher, { limit: 1_000 })).items.map((d) => d._id);
    expect(await listed()).toContain(id);
    // What an older projector left behind: documents, checkpoints, and no feed.
    await projectors.stop();
    const generation = await new CheckpointStore(rt.db).generation('indicators');
    await rt.db.collection(feedCollectionOf(indicatorProjection, generation)).drop();
    expect(await listed()).toEqual([]);
    projectors = await startProjectors(rt, quiet);
    expect(await listed()).toContain(id);
  });
});
