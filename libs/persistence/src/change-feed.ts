import type { Collection, Db, Document, Filter } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { documentIdOf } from './apply-events';
import type { Projection, ReadModelDoc } from './projection';

/**
 * A read model's changes in log order, stored as pages that are only ever read by `_id`.
 *
 * Why: FerretDB v1 answers a filter from an index only when it is exactly `{_id}`; a list query
 * (filters, sort, limit) reads and sorts the whole collection in Go, so a page of a list cost
 * 1.2 s at 2,000 indicators and minutes at 1,000,000. A list is a walk along this feed instead:
 * each partition of the events topic has its own sequence of pages (`p<partition>:<n>`), written
 * by the one projector that owns the partition; a reader merges the partitions' pages by change
 * time and fetches the current documents by `_id`. Every step is a primary-key lookup, so what a
 * page of a list costs does not depend on how much is stored.
 *
 * An entry names a document at a version. The document has moved on when its current version is
 * higher; then a later entry names it, and a reader skips this one. Each page records the last
 * offset it holds, so a slice applied twice (a crash before the checkpoint) adds nothing twice.
 */
export interface FeedEntry {
  /** Offset of the last event of the slice that touched the document (positions the entry). */
  o: string;
  /** Document id. */
  id: string;
  /** The document's version after this change. */
  v: number;
  /** Change time, epoch ms: the merge order across partitions. */
  t: number;
  /** Fields a reader may filter on before fetching the document. */
  f: Record<string, unknown>;
}

export interface FeedPageDoc {
  _id: string;
  partition: number;
  page: number;
  entries: FeedEntry[];
  /** Change time of the first and last entry. */
  firstT: number;
  lastT: number;
  lastOffset: string;
}

export interface FeedMetaDoc {
  _id: string;
  partitions: number[];
  /** Highest page number written per partition (a hint: pages after it may exist). */
  heads: Record<string, number>;
}

/** Most entries in one page. */
export const FEED_PAGE_ENTRIES = 500;
/** A head page with fewer entries is rewritten by the next append rather than followed by a new one. */
export const FEED_SMALL_PAGE = 100;
/** How often (in pages) the meta document's hint of a partition's last page is moved on. */
const HINT_EVERY = 16;
const META_ID = 'meta';

export const feedPageId = (partition: number, page: number) => `p${partition}:${page}`;

/** The feed's meta document (its partitions and a hint of each one's last page), if any. */
export async function readFeedMeta<T extends Document>(
  feed: Collection<T>,
): Promise<FeedMetaDoc | null> {
  return (await (feed as unknown as Collection<FeedMetaDoc>).findOne({
    _id: META_ID,
  })) as FeedMetaDoc | null;
}

/**
 * Appends to the feed of the partitions this projector owns. Keeps the current page of each in
 * memory; `forget` drops that knowledge (a rebalance or a rebuild), and the next append finds
 * the current page again from the store.
 */
export class ChangeFeedWriter {
  private readonly heads = new Map<number, FeedPageDoc>();

  constructor(private readonly collection: Collection<FeedPageDoc>) {}

  forget(partition?: number): void {
    if (partition === undefined) this.heads.clear();
    else this.heads.delete(partition);
  }

  /**
   * Appends a slice's entries. Each entry is written once, except that a small head page (fewer
   * than FEED_SMALL_PAGE entries, as live traffic leaves it) is rewritten with what follows it,
   * so pages stay large enough for readers without rewriting large pages.
   */
  async append(partition: number, entries: FeedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    let head = this.heads.get(partition) ?? (await this.findHead(partition));
    const after = BigInt(head.lastOffset);
    const fresh = entries.filter((e) => BigInt(e.o) > after);
    if (fresh.length === 0) return;
    if (head.entries.length >= FEED_SMALL_PAGE) head = await this.next(head);
    let dirty = false;
    for (const entry of fresh) {
      if (head.entries.length >= FEED_PAGE_ENTRIES) {
        await this.write(head);
        head = await this.next(head);
      }
      head.entries.push(entry);
      if (head.entries.length === 1) head.firstT = entry.t;
      head.lastT = entry.t;
      head.lastOffset = entry.o;
      dirty = true;
    }
    if (dirty) await this.write(head);
    this.heads.set(partition, head);
  }

  /** A new, empty page after `head`; the meta hint moves on every few pages. */
  private async next(head: FeedPageDoc): Promise<FeedPageDoc> {
    const page = emptyPage(head.partition, head.page + 1);
    page.lastOffset = head.lastOffset;
    if (page.page % HINT_EVERY === 0) await this.setHead(head.partition, page.page);
    return page;
  }

  private async write(page: FeedPageDoc): Promise<void> {
    await this.collection.replaceOne({ _id: page._id } as Filter<FeedPageDoc>, page, {
      upsert: true,
    });
  }

  /** The last page of a partition: from the meta hint, then forward while pages exist. */
  private async findHead(partition: number): Promise<FeedPageDoc> {
    const meta = await readFeedMeta(this.collection);
    let n = meta?.heads[String(partition)] ?? 0;
    let current = await this.collection.findOne({ _id: feedPageId(partition, n) });
    // The hint moves on when a page is started, before it is written: a crash in between leaves
    // it one page ahead.
    while (!current && n > 0) {
      n -= 1;
      current = await this.collection.findOne({ _id: feedPageId(partition, n) });
    }
    for (;;) {
      const next = await this.collection.findOne({ _id: feedPageId(partition, n + 1) });
      if (!next) break;
      current = next;
      n += 1;
    }
    if (!meta?.partitions.includes(partition)) await this.setHead(partition, n);
    return current ?? emptyPage(partition, n);
  }

  private async setHead(partition: number, page: number): Promise<void> {
    // One writer per partition, but several partitions share the meta document: read, merge,
    // write. A lost update only makes a hint stale; readers and writers probe past it.
    const meta = await readFeedMeta(this.collection);
    const partitions = [...new Set([...(meta?.partitions ?? []), partition])].sort((a, b) => a - b);
    const heads = { ...(meta?.heads ?? {}), [String(partition)]: page };
    await (this.collection as unknown as Collection<FeedMetaDoc>).replaceOne(
      { _id: META_ID },
      { partitions, heads },
      { upsert: true },
    );
  }
}

/**
 * The feed entries of one applied slice: one per touched document, positioned at the offset of
 * the last event that touched it, in offset order.
 */
export function feedEntriesOf<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  envelopes: EventEnvelope<E>[],
  offsets: string[],
  documents: Map<string, D>,
): FeedEntry[] {
  const feed = projection.feed;
  if (!feed) return [];
  const last = new Map<string, string>();
  envelopes.forEach((e, k) => {
    const id = documentIdOf(projection, e);
    const offset = offsets[k];
    if (id !== null && offset !== undefined) last.set(id, offset);
  });
  const out: FeedEntry[] = [];
  for (const [id, o] of last) {
    const doc = documents.get(id);
    if (doc) out.push({ o, id, v: doc.version, t: feed.changedAt(doc), f: feed.fields(doc) });
  }
  return out.sort((a, b) => (BigInt(a.o) < BigInt(b.o) ? -1 : BigInt(a.o) > BigInt(b.o) ? 1 : 0));
}

function emptyPage(partition: number, page: number): FeedPageDoc {
  return {
    _id: feedPageId(partition, page),
    partition,
    page,
    entries: [],
    firstT: 0,
    lastT: 0,
    lastOffset: '-1',
  };
}

/** A reader's place in the feed: per partition, the next entry to look at. */
export type FeedPosition = Record<string, { n: number; i: number }>;

export interface FeedWalk<D> {
  /** Documents in change order, current, passing `accept`. */
  items: D[];
  /** Where to continue; null when every partition's feed was read to its end. */
  next: FeedPosition | null;
}

export interface FeedWalkOptions<D> {
  limit: number;
  /** Start here; otherwise at `since` (change time, epoch ms) or at the beginning. */
  from?: FeedPosition;
  since?: number;
  /** Skips entries at or before this change (time, then id): an older cursor's meaning. */
  after?: { t: number; id: string };
  /** Cheap test on the entry's own fields, before the document is fetched. */
  prefilter(entry: FeedEntry): boolean;
  /** The final test on the current document. */
  accept(doc: D): boolean;
  /** Upper bound on the entries looked at in one walk: a page may come back short. */
  budget?: number;
  /** Upper bound on the time one walk spends looking (ms); the page comes back short after it. */
  timeBudgetMs?: number;
}

/**
 * Walks a read model's feed for one page of a list. Work per call is bounded by `budget`
 * entries and by `timeBudgetMs`, whatever the size of the model: when the filters match little
 * of a large feed, the page comes back short, with a position to continue from.
 */
export async function walkFeed<D extends { _id: string; version: number }>(
  db: Db,
  feedCollection: string,
  documents: Collection<D>,
  o: FeedWalkOptions<D>,
): Promise<FeedWalk<D>> {
  const feed = db.collection<FeedPageDoc>(feedCollection);
  const meta = await readFeedMeta(feed);
  if (!meta) return { items: [], next: null };
  const budget = o.budget ?? Number.POSITIVE_INFINITY;
  const deadline = performance.now() + (o.timeBudgetMs ?? 1_000);

  interface Cursor {
    partition: number;
    page: FeedPageDoc | null;
    n: number;
    i: number;
    done: boolean;
    /** The next page, asked for as soon as this one is taken (partitions load in parallel). */
    ahead?: Promise<FeedPageDoc | null>;
  }
  const fetchPage = (partition: number, n: number) =>
    feed.findOne({ _id: feedPageId(partition, n) }).catch(() => null);
  const cursors: Cursor[] = await Promise.all(
    meta.partitions.map(async (partition) => {
      const start =
        o.from?.[String(partition)] ??
        (o.since !== undefined || o.after
          ? {
              n: await firstPageAtOrAfter(
                feed,
                partition,
                meta.heads[String(partition)] ?? 0,
                o.after ? Math.min(o.after.t, o.since ?? Infinity) : (o.since as number),
              ),
              i: 0,
            }
          : { n: 0, i: 0 });
      const page = await feed.findOne({ _id: feedPageId(partition, start.n) });
      const c: Cursor = { partition, page, n: start.n, i: start.i, done: false };
      if (page && page.entries.length >= FEED_PAGE_ENTRIES) c.ahead = fetchPage(partition, c.n + 1);
      return c;
    }),
  );

  /** The cursor's current entry, moving to the next page when one is used up. */
  const peek = async (c: Cursor): Promise<FeedEntry | null> => {
    for (;;) {
      if (c.done || !c.page) {
        c.done = true;
        return null;
      }
      const e = c.page.entries[c.i];
      if (e) return e;
      // Used up: the next page, if there is one yet (a later walk continues from here). A full
      // page's successor was asked for when the page was taken; a head page's is asked now.
      const next = await (c.ahead ?? feed.findOne({ _id: feedPageId(c.partition, c.n + 1) }));
      c.ahead = undefined;
      if (!next) {
        c.done = true;
        return null;
      }
      if (c.page.entries.length < FEED_PAGE_ENTRIES) {
        // Read before it was full, and the writer may have filled it since: it writes a page
        // before starting the next, so now that the next exists this one is final. Read it
        // again before moving on, or what it gained would be skipped.
        const again = await feed.findOne({ _id: feedPageId(c.partition, c.n) }).catch(() => null);
        if (again && again.entries.length > c.i) {
          c.page = again;
          continue;
        }
      }
      c.page = next;
      c.n += 1;
      c.i = 0;
      if (next.entries.length >= FEED_PAGE_ENTRIES) c.ahead = fetchPage(c.partition, c.n + 1);
    }
  };

  const items: D[] = [];
  const seen = new Set<string>();
  let looked = 0;
  let candidates: FeedEntry[] = [];
  const flush = async () => {
    const docs = await Promise.all(
      candidates.map((entry) => documents.findOne({ _id: entry.id } as Filter<D>)),
    );
    candidates.forEach((entry, k) => {
      const doc = docs[k];
      if (doc && doc.version === entry.v && !seen.has(doc._id) && o.accept(doc as D)) {
        seen.add(doc._id);
        items.push(doc as D);
      }
    });
    candidates = [];
  };

  while (items.length < o.limit && looked < budget) {
    if (looked % 256 === 0 && looked > 0 && performance.now() > deadline) break;
    let best: { c: Cursor; e: FeedEntry } | null = null;
    for (const c of cursors) {
      const e = await peek(c);
      if (e && (!best || e.t < best.e.t || (e.t === best.e.t && e.id < best.e.id))) best = { c, e };
    }
    if (!best) break;
    best.c.i += 1;
    looked += 1;
    const { e } = best;
    if (o.since !== undefined && e.t < o.since) continue;
    if (o.after && (e.t < o.after.t || (e.t === o.after.t && e.id <= o.after.id))) continue;
    if (!o.prefilter(e)) continue;
    candidates.push(e);
    // Fetch in rounds of what the page still needs, so a page stops where it is full.
    if (candidates.length >= o.limit - items.length) await flush();
  }
  if (items.length < o.limit) await flush();

  // Is anything left? (Only what has not been looked at; entries already passed are done.)
  let more = false;
  for (const c of cursors) if ((await peek(c)) !== null) more = true;
  const next: FeedPosition = {};
  for (const c of cursors) next[String(c.partition)] = { n: c.n, i: c.i };
  return { items, next: more ? next : null };
}

/** Binary search over a partition's pages for the first page that may hold changes at `t` or later. */
async function firstPageAtOrAfter(
  feed: Collection<FeedPageDoc>,
  partition: number,
  headHint: number,
  t: number,
): Promise<number> {
  let lo = 0;
  let hi = headHint;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const page = await feed.findOne({ _id: feedPageId(partition, mid) });
    if (page && page.lastT < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
