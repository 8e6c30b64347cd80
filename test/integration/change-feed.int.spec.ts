import fc from 'fast-check';
import type { MongoClient } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import {
  applyEvents,
  ChangeFeedWriter,
  connectMongo,
  FEED_PAGE_ENTRIES,
  feedEntriesOf,
  walkFeed,
  type FeedPageDoc,
  type FeedPosition,
  type Projection,
  type ReadModelDoc,
} from '@acd/persistence';
import { getTestEnv, randomId, withDatabase } from '@acd/testing';

jest.setTimeout(300_000);

interface Ev {
  type: 'Set';
  data: { colour: string; at: number };
}
interface ItemDoc extends ReadModelDoc {
  colour: string;
  changedAt: number;
}

const items: Projection<Ev, ItemDoc> = {
  name: 'test-items',
  collection: 'items',
  topic: 'indicatorEvents',
  evolve: (_doc, { event, metadata }) => ({
    _id: metadata.aggregateId,
    version: metadata.aggregateVersion,
    colour: event.data.colour,
    changedAt: event.data.at,
  }),
  createIndexes: async () => undefined,
  feed: { changedAt: (d) => d.changedAt, fields: (d) => ({ colour: d.colour }) },
};

/** One partition's log: events with their offsets. */
class Partition {
  readonly log: { offset: string; envelope: EventEnvelope<Ev> }[] = [];
  private readonly versions = new Map<string, number>();
  constructor(readonly id: number) {}
  set(item: string, colour: string, at: number): void {
    const version = (this.versions.get(item) ?? 0) + 1;
    this.versions.set(item, version);
    this.log.push({
      offset: String(this.log.length),
      envelope: {
        metadata: {
          eventId: `${item}-${version}`,
          eventType: 'Set',
          aggregateId: item,
          aggregateVersion: version,
          orgId: 'o',
          occurredAt: new Date(at),
          correlationId: 'c',
          causationId: 'c',
        },
        event: { type: 'Set', data: { colour, at } },
      },
    });
  }
}

/** Applies a partition's log from `from` in slices of `size`, as the projection runner does. */
async function project(
  docs: Collection<ItemDoc>,
  writer: ChangeFeedWriter,
  p: Partition,
  from: number,
  size: number,
): Promise<void> {
  for (let i = from; i < p.log.length; i += size) {
    const slice = p.log.slice(i, i + size);
    const envelopes = slice.map((x) => x.envelope);
    const { documents } = await applyEvents(items, docs, envelopes);
    await writer.append(
      p.id,
      feedEntriesOf(
        items,
        envelopes,
        slice.map((x) => x.offset),
        documents,
      ),
    );
  }
}

/** Pages through the whole list; returns ids in order and the number of calls. */
async function listAll(
  db: Db,
  feed: string,
  docs: Collection<ItemDoc>,
  opts: { limit: number; colour?: string; since?: number; budget?: number },
): Promise<{ ids: string[]; calls: number }> {
  const ids: string[] = [];
  let from: FeedPosition | undefined;
  for (let calls = 1; calls < 10_000; calls += 1) {
    const page = await walkFeed<ItemDoc>(db, feed, docs, {
      limit: opts.limit,
      ...(from ? { from } : {}),
      ...(opts.since !== undefined ? { since: opts.since } : {}),
      ...(opts.budget ? { budget: opts.budget } : {}),
      prefilter: (e) => !opts.colour || e.f.colour === opts.colour,
      accept: (d) => !opts.colour || d.colour === opts.colour,
    });
    expect(page.items.length).toBeLessThanOrEqual(opts.limit);
    ids.push(...page.items.map((d) => d._id));
    if (!page.next) return { ids, calls };
    from = page.next;
  }
  throw new Error('the walk did not end');
}

/** A model's change feed on the real server: each current document once, in change order. */
describe('change feed', () => {
  let conn: MongoClient;
  let db: Db;
  let n = 0;
  const fresh = () => {
    n += 1;
    return {
      docs: db.collection<ItemDoc>(`items${n}`),
      feedName: `items${n}-feed`,
      writer: new ChangeFeedWriter(db.collection<FeedPageDoc>(`items${n}-feed`)),
    };
  };

  beforeAll(async () => {
    const env = getTestEnv();
    conn = await connectMongo(withDatabase(env.mongoUri, `${env.mongoDbName}_cf${randomId(6)}`));
    db = conn.db();
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('lists every document once at its latest change, across partitions and pages, in change order', async () => {
    const { docs, feedName, writer } = fresh();
    const parts = [new Partition(0), new Partition(1), new Partition(2)];
    // 1,500 items spread over three partitions (more than one feed page each), then a third
    // of them changed again later.
    for (let i = 0; i < 1_500; i += 1)
      parts[i % 3]!.set(`it-${i}`, i % 2 ? 'red' : 'blue', 1_000 + i);
    for (let i = 0; i < 1_500; i += 3) parts[i % 3]!.set(`it-${i}`, 'green', 5_000 + i);
    for (const p of parts) await project(docs, writer, p, 0, 97);
    expect(FEED_PAGE_ENTRIES).toBeLessThan(1_000);

    const { ids } = await listAll(db, feedName, docs, { limit: 100 });
    expect(ids).toHaveLength(1_500);
    expect(new Set(ids).size).toBe(1_500);
    const all = new Map((await docs.find({}).toArray()).map((d) => [d._id, d]));
    const times = ids.map((id) => all.get(id)!.changedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const green = await listAll(db, feedName, docs, { limit: 7, colour: 'green' });
    expect(green.ids).toHaveLength(500);
    const since = await listAll(db, feedName, docs, { limit: 50, since: 5_600 });
    expect(since.ids.every((id) => all.get(id)!.changedAt >= 5_600)).toBe(true);
    expect(since.ids).toHaveLength([...all.values()].filter((d) => d.changedAt >= 5_600).length);
  });

  it('a slice applied twice (a crash before the checkpoint) adds nothing to the feed', async () => {
    const { docs, feedName, writer } = fresh();
    const p = new Partition(0);
    for (let i = 0; i < 30; i += 1) p.set(`it-${i % 10}`, `c${i}`, 1_000 + i);
    await project(docs, writer, p, 0, 8);
    const before = await db.collection(feedName).find({}).sort({ _id: 1 }).toArray();
    // The same slices again, by a writer that had to find its place from the store.
    const again = new ChangeFeedWriter(db.collection<FeedPageDoc>(feedName));
    await project(docs, again, p, 8, 8);
    await project(docs, writer, p, 16, 8);
    expect(await db.collection(feedName).find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    expect((await listAll(db, feedName, docs, { limit: 3 })).ids).toHaveLength(10);
  });

  it('live traffic (one event a slice) fills pages instead of leaving one page per event, and a hint left ahead by a crash is harmless', async () => {
    const { docs, feedName, writer } = fresh();
    const p = new Partition(1);
    for (let i = 0; i < 250; i += 1) p.set(`it-${i}`, 'c', i);
    await project(docs, writer, p, 0, 1);
    const pages = await db.collection<FeedPageDoc>(feedName).find({ partition: 1 }).toArray();
    expect(pages.length).toBeLessThanOrEqual(3);
    // A crash after the hint moved to a page that was never written.
    await db
      .collection(feedName)
      .updateOne({ _id: 'meta' as never }, { $set: { 'heads.1': pages.length + 5 } });
    for (let i = 250; i < 260; i += 1) p.set(`it-${i}`, 'c', i);
    const restarted = new ChangeFeedWriter(db.collection<FeedPageDoc>(feedName));
    await project(docs, restarted, p, 245, 1);
    const { ids } = await listAll(db, feedName, docs, { limit: 40 });
    expect(ids).toHaveLength(260);
    expect(new Set(ids).size).toBe(260);
    const entries = (
      await db.collection<FeedPageDoc>(feedName).find({ partition: 1 }).toArray()
    ).flatMap((pg) => pg.entries);
    expect(entries).toHaveLength(260);
  });

  it('a filter that matches little comes back in short pages of bounded work, and still ends', async () => {
    const { docs, feedName, writer } = fresh();
    const p = new Partition(4);
    for (let i = 0; i < 2_000; i += 1) p.set(`it-${i}`, i === 1_777 ? 'rare' : 'common', i);
    await project(docs, writer, p, 0, 500);
    const walk = await listAll(db, feedName, docs, { limit: 10, colour: 'rare', budget: 300 });
    expect(walk.ids).toEqual(['it-1777']);
    // Each call looks at no more than its budget: 2,000 entries take at least 7 calls.
    expect(walk.calls).toBeGreaterThanOrEqual(7);
  });

  it('any order of changes over any partitions lists each current document exactly once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(2), fc.nat(15), fc.constantFrom('a', 'b')), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        async (changes, slice, limit) => {
          const { docs, feedName, writer } = fresh();
          const parts = [new Partition(0), new Partition(1), new Partition(2)];
          // An item lives on one partition (its key decides), as in Kafka.
          changes.forEach(([, item, colour], k) => parts[item % 3]!.set(`i${item}`, colour, k));
          for (const p of parts) await project(docs, writer, p, 0, slice);
          const { ids } = await listAll(db, feedName, docs, { limit });
          const expected = [...new Set(changes.map(([, item]) => `i${item}`))];
          expect([...ids].sort()).toEqual(expected.sort());
          const onlyA = await listAll(db, feedName, docs, { limit, colour: 'a' });
          const lastColour = new Map(changes.map(([, item, colour]) => [`i${item}`, colour]));
          expect(onlyA.ids.sort()).toEqual(
            [...lastColour]
              .filter(([, c]) => c === 'a')
              .map(([id]) => id)
              .sort(),
          );
        },
      ),
      { numRuns: 20 },
    );
  });

  it('a walk at the end of a page that fills while it walks goes on in that page, skipping nothing', async () => {
    const { docs, feedName, writer } = fresh();
    const p = new Partition(0);
    for (let i = 0; i < 50; i += 1) p.set(`a-${i}`, 'c', i);
    await project(docs, writer, p, 0, 50);
    for (let i = 0; i < 600; i += 1) p.set(`b-${i}`, 'c', 1_000 + i);
    // The walk has taken page 0 (50 entries) and asks for page 1: in that instant one slice
    // fills page 0 to 500 and starts page 1.
    let filled = false;
    const racing = new Proxy(db, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (prop !== 'collection') {
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        }
        return (name: string) =>
          new Proxy(target.collection(name), {
            get(c, q) {
              const f = Reflect.get(c, q) as unknown;
              if (q !== 'findOne' || name !== feedName) {
                return typeof f === 'function' ? (f as (...a: unknown[]) => unknown).bind(c) : f;
              }
              return async (filter: { _id?: string }, ...rest: unknown[]) => {
                if (filter?._id === 'p0:1' && !filled) {
                  filled = true;
                  await project(docs, writer, p, 50, 600);
                }
                return (c.findOne as (...a: unknown[]) => unknown)(filter, ...rest);
              };
            },
          });
      },
    });
    const walk = await walkFeed<ItemDoc>(racing, feedName, docs, {
      limit: 1_000,
      prefilter: () => true,
      accept: () => true,
    });
    expect(filled).toBe(true);
    expect(walk.items).toHaveLength(650);
  });
});
