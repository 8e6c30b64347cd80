import fc from 'fast-check';
import type { Collection, Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import {
  applyEvents,
  connectMongo,
  readCounters,
  writeCounters,
  type CounterDayDoc,
  type Projection,
  type ReadModelDoc,
} from '@acd/persistence';
import { getTestEnv, randomId, withDatabase } from '@acd/testing';

jest.setTimeout(600_000);

interface Ev {
  type: 'Set';
  data: { colour: string; day: string };
}
interface ItemDoc extends ReadModelDoc {
  colour: string;
  day: string;
}

/** Items that change colour; each counts on its first day, in its current colour. */
const items: Projection<Ev, ItemDoc> = {
  name: 'test-counted',
  collection: 'counted',
  topic: 'indicatorEvents',
  evolve: (doc, { event, metadata }) => ({
    _id: metadata.aggregateId,
    version: metadata.aggregateVersion,
    colour: event.data.colour,
    day: doc?.day ?? event.data.day,
  }),
  documentPerAggregate: true,
  createIndexes: async () => undefined,
  counters: { of: (d) => [{ day: d.day, key: d.colour, values: { n: 1 } }] },
};

function envelope(item: string, version: number, colour: string, day: string): EventEnvelope<Ev> {
  return {
    metadata: {
      eventId: `${item}-${version}`,
      eventType: 'Set',
      aggregateId: item,
      aggregateVersion: version,
      orgId: 'o',
      occurredAt: new Date(0),
      correlationId: 'c',
      causationId: 'c',
    },
    event: { type: 'Set', data: { colour, day } },
  };
}

const DAYS = ['2026-12-01', '2026-12-02', '2026-12-03'];
const COLOURS = ['red', 'amber', 'green'];

/** A partition's log: random items set to random colours, each item's versions in order. */
const logArb = fc
  .array(
    fc.record({
      item: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      colour: fc.constantFrom(...COLOURS),
      day: fc.constantFrom(...DAYS),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((sets) => {
    const versions = new Map<string, number>();
    return sets.map((s) => {
      const v = (versions.get(s.item) ?? 0) + 1;
      versions.set(s.item, v);
      return envelope(s.item, v, s.colour, s.day);
    });
  });

/** Applies slices of the log as the runner does: counters, then documents, then the checkpoint. */
async function project(
  docs: Collection<ItemDoc>,
  counts: Collection<CounterDayDoc>,
  log: EventEnvelope<Ev>[],
  from: number,
  size: number,
  crashAt?: { slice: number; afterCounters: boolean },
): Promise<number> {
  let checkpoint = from;
  let slice = 0;
  for (let i = from; i < log.length; i += size, slice += 1) {
    const envelopes = log.slice(i, i + size);
    const offsets = envelopes.map((_, k) => String(i + k));
    const crashing = crashAt?.slice === slice;
    try {
      await applyEvents(items, docs, envelopes, {
        beforeWrite: async (_documents, transitions) => {
          await writeCounters(items.counters!, counts, 0, envelopes, offsets, transitions);
          if (crashing && crashAt.afterCounters) throw new Error('crash');
        },
      });
    } catch (err) {
      if (crashing) return checkpoint;
      throw err;
    }
    // A crash after the documents but before the checkpoint replays the slice too.
    if (crashing) return checkpoint;
    checkpoint = i + envelopes.length;
  }
  return checkpoint;
}

/** What the counters must say: each final document, once, on its day in its colour. */
async function truth(docs: Collection<ItemDoc>): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  for (const d of await docs.find({}).toArray()) {
    const day = out.get(d.day) ?? new Map<string, number>();
    day.set(d.colour, (day.get(d.colour) ?? 0) + 1);
    out.set(d.day, day);
  }
  return out;
}

async function counted(db: Db, name: string, accept = (_key: string) => true) {
  const read = await readCounters(db, name, DAYS, accept);
  const out = new Map<string, Map<string, number>>();
  for (const [day, buckets] of read) {
    const m = new Map<string, number>();
    for (const [key, values] of buckets) if ((values.n ?? 0) !== 0) m.set(key, values.n!);
    if (m.size > 0) out.set(day, m);
  }
  return out;
}

describe('counters kept beside a read model (real store)', () => {
  let conn: Awaited<ReturnType<typeof connectMongo>>;
  let db: Db;
  let n = 0;
  const fresh = () => {
    n += 1;
    return {
      docs: db.collection<ItemDoc>(`c${n}`),
      counts: db.collection<CounterDayDoc>(`c${n}-counts`),
    };
  };
  beforeAll(async () => {
    const env = getTestEnv();
    conn = await connectMongo(withDatabase(env.mongoUri, `${env.mongoDbName}_ct${randomId(6)}`));
    db = conn.db();
  });
  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('count every document once, in its current bucket, whatever the slices and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(
        logArb,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.record({ slice: fc.nat(8), afterCounters: fc.boolean() })),
        async (log, size, replaySize, crash) => {
          {
            const { docs, counts } = fresh();
            const checkpoint = await project(docs, counts, log, 0, size, crash ?? undefined);
            // The replay after a crash starts from the checkpoint with other slice boundaries.
            await project(docs, counts, log, checkpoint, replaySize);
            // And a second, complete replay of the whole log changes nothing.
            await project(docs, counts, log, 0, replaySize);
            expect(await counted(db, counts.collectionName)).toEqual(await truth(docs));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a reader sums only the buckets it may read', async () => {
    {
      const { docs, counts } = fresh();
      const log = [
        envelope('a', 1, 'green', DAYS[0]!),
        envelope('b', 1, 'red', DAYS[0]!),
        envelope('c', 1, 'green', DAYS[1]!),
        // a is narrowed: it leaves green, on the day it was first published.
        envelope('a', 2, 'red', DAYS[2]!),
      ];
      await project(docs, counts, log, 0, 2);
      expect(await counted(db, counts.collectionName, (k) => k === 'green')).toEqual(
        new Map([[DAYS[1], new Map([['green', 1]])]]),
      );
      expect(await counted(db, counts.collectionName)).toEqual(
        new Map([
          [DAYS[0], new Map([['red', 2]])],
          [DAYS[1], new Map([['green', 1]])],
        ]),
      );
    }
  });
});
