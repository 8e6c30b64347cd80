import fc from 'fast-check';
import type { MongoClient } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { applyEvents, connectMongo, type Projection, type ReadModelDoc } from '@acd/persistence';
import { getTestEnv, randomId, withDatabase } from '@acd/testing';

jest.setTimeout(300_000);

/** A counter per aggregate; `note` events also touch a per-owner tally (another document). */
type Ev = { type: 'Added'; data: { by: number } } | { type: 'Noted'; data: { owner: string } };

interface CounterDoc extends ReadModelDoc {
  total: number;
  history: number[];
}

const counters: Projection<Ev, CounterDoc> = {
  name: 'test-counters',
  collection: 'counters',
  topic: 'indicatorEvents',
  evolve(doc, { event, metadata }) {
    if (event.type !== 'Added') return null;
    return {
      _id: metadata.aggregateId,
      version: metadata.aggregateVersion,
      total: (doc?.total ?? 0) + event.data.by,
      history: [...(doc?.history ?? []), metadata.aggregateVersion],
    };
  },
  createIndexes: async () => undefined,
};

function envelope(aggregateId: string, version: number, event: Ev): EventEnvelope<Ev> {
  return {
    metadata: {
      eventId: `${aggregateId}-${version}`,
      eventType: event.type,
      aggregateId,
      aggregateVersion: version,
      orgId: 'org',
      occurredAt: new Date(1_700_000_000_000 + version),
      correlationId: 'c',
      causationId: 'c',
    },
    event,
  };
}

/** The events of several aggregates, interleaved round-robin as one partition would hold them. */
function log(streams: number[][]): EventEnvelope<Ev>[] {
  const out: EventEnvelope<Ev>[] = [];
  const longest = Math.max(0, ...streams.map((s) => s.length));
  for (let i = 0; i < longest; i += 1) {
    streams.forEach((adds, a) => {
      const by = adds[i];
      if (by !== undefined) out.push(envelope(`agg-${a}`, i + 1, { type: 'Added', data: { by } }));
    });
  }
  return out;
}

/** What the read model must hold: every event applied exactly once, in order. */
function expected(streams: number[][]): CounterDoc[] {
  return streams
    .map((adds, a) => ({
      _id: `agg-${a}`,
      version: adds.length,
      total: adds.reduce((s, x) => s + x, 0),
      history: adds.map((_, i) => i + 1),
    }))
    .filter((d) => d.version > 0)
    .sort((x, y) => x._id.localeCompare(y._id));
}

/** Projection writes on the real MongoDB-compatible server: once per batch, replay-safe. */
describe('projection writes', () => {
  let conn: MongoClient;
  let db: Db;
  let n = 0;
  const fresh = (): Collection<CounterDoc> => db.collection<CounterDoc>(`c${(n += 1)}`);
  const all = async (c: Collection<CounterDoc>) => c.find({}).sort({ _id: 1 }).toArray();

  beforeAll(async () => {
    const env = getTestEnv();
    conn = await connectMongo(withDatabase(env.mongoUri, `${env.mongoDbName}_pw${randomId(6)}`));
    db = conn.db();
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('writes each touched document once per batch, and reads none that a version 1 starts', async () => {
    const c = fresh();
    const batch = [0, 1, 2].flatMap((a) =>
      [1, 2, 3].map((v) => envelope(`agg-${a}`, v, { type: 'Added', data: { by: v } })),
    );
    const first = await applyEvents(counters, c, batch);
    expect(first).toMatchObject({ applied: 9, skipped: 0, written: 3, inserted: 3, read: 0 });
    const more = [0, 1].map((a) => envelope(`agg-${a}`, 4, { type: 'Added', data: { by: 10 } }));
    const second = await applyEvents(counters, c, more);
    expect(second).toMatchObject({ applied: 2, written: 2, replaced: 2, inserted: 0, read: 2 });
    expect((await all(c)).map((d) => [d._id, d.version, d.total])).toEqual([
      ['agg-0', 4, 16],
      ['agg-1', 4, 16],
      ['agg-2', 3, 6],
    ]);
  });

  it('a replayed batch (a crash after the data, before the checkpoint) changes nothing', async () => {
    const c = fresh();
    const batch = log([[1, 2], [3], [4, 5, 6]]);
    await applyEvents(counters, c, batch);
    const before = await all(c);
    const replay = await applyEvents(counters, c, batch);
    expect(replay).toMatchObject({ applied: 0, skipped: batch.length, written: 0 });
    expect(await all(c)).toEqual(before);
  });

  it('a batch that overlaps what is stored applies only the versions after it', async () => {
    const c = fresh();
    const events = log([[1, 2, 3, 4]]);
    await applyEvents(counters, c, events.slice(0, 2));
    const overlap = await applyEvents(counters, c, events);
    expect(overlap).toMatchObject({ applied: 2, skipped: 2, written: 1 });
    expect(await all(c)).toEqual(expected([[1, 2, 3, 4]]));
  });

  it('an event for no document of this model writes nothing', async () => {
    const c = fresh();
    const r = await applyEvents(counters, c, [
      envelope('agg-x', 1, { type: 'Noted', data: { owner: 'o' } }),
    ]);
    expect(r).toMatchObject({ applied: 0, skipped: 1, written: 0 });
    expect(await c.countDocuments()).toBe(0);
  });

  it('any split into batches, with any batches replayed, ends in the state of applying each event once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 6 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { maxLength: 8 }),
        async (streams, sizes, replays) => {
          const c = fresh();
          const events = log(streams);
          let at = 0;
          for (let b = 0; at < events.length; b += 1) {
            const size = sizes[b % sizes.length] ?? 1;
            const batch = events.slice(at, at + size);
            await applyEvents(counters, c, batch);
            // A crash before the checkpoint: the same batch, or the batch and its predecessor,
            // arrives again.
            if (replays[b])
              await applyEvents(counters, c, events.slice(Math.max(0, at - size), at + size));
            at += size;
          }
          expect(await all(c)).toEqual(expected(streams));
          await c.drop().catch(() => undefined);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a rebuild (all events in large batches) equals the live model (small batches)', async () => {
    const streams = Array.from({ length: 40 }, (_, a) =>
      Array.from({ length: a % 5 }, (_, i) => i + a),
    );
    const events = log(streams);
    const live = fresh();
    for (let i = 0; i < events.length; i += 3)
      await applyEvents(counters, live, events.slice(i, i + 3));
    const rebuilt = fresh();
    await applyEvents(counters, rebuilt, events);
    expect(await all(rebuilt)).toEqual(await all(live));
    expect(await all(live)).toEqual(expected(streams));
  });
});
