import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { documentIdOf } from './apply-events';
import type { FeedPosition } from './change-feed';
import type { Projection, ReadModelDoc } from './projection';

/**
 * Every version of every object a read model holds, in log order, each entry whole: a reader
 * serves a list from the log alone, never touching the documents.
 *
 * Why beside the change feed: the feed names documents and a reader fetches each one by `_id`
 * (about 1,500 lookups/s on FerretDB v1 with 64 in flight), and it keeps only the latest state.
 * A TAXII collection is read in bulk and by version. Here a page is one document holding its
 * entries as one JSON string: FerretDB decodes a 300 kB string about six times faster than the
 * same entries as nested documents, so a reader gets tens of thousands of entries a second.
 *
 * Layout, per partition of the events topic (one writer each, the projector owning it):
 * - `p<partition>:<n>`: a page of up to VERSION_LOG_PAGE_ENTRIES entries;
 * - `x<partition>:<n>`: what became of page n's entries later (a later version of the same
 *   object, and that version's gate: what a reader needs to judge the older one), written when
 *   the later version is appended; absent while nothing on the page has been superseded;
 * - `meta`: the partitions, a hint of each one's last page, and the log's own id.
 *
 * The document remembers where its versions' entries are (`_log`), so a later version can mark
 * them. An entry is positioned by the offset of the event that made its version: a slice applied
 * twice (a crash before the checkpoint) appends nothing twice.
 */
export interface VersionLogEntry {
  /** Offset of the event that made this version. */
  o: string;
  /** The object's id (the document's `_id`). */
  id: string;
  /** The aggregate version that made this version. */
  av: number;
  /** When the version was added, epoch ms: the merge order across partitions. */
  t: number;
  /** The version itself, as the projection describes it. */
  f: Record<string, unknown>;
  /** What a reader needs to judge this version when a later one exists (its markings, say). */
  g: Record<string, unknown>;
}

/** A later version's mark on an earlier entry. */
export interface LaterVersion {
  /** The aggregate version of the latest version of the object. */
  av: number;
  /** That version's gate. */
  g: Record<string, unknown>;
}

/** Where a document's versions sit in the log (partition is the document's own). */
export interface LogLocation {
  av: number;
  n: number;
  i: number;
}

/** Documents of a projection with a version log carry their entries' locations. */
export interface VersionLogged {
  _log?: LogLocation[];
}

export interface VersionLogPageDoc {
  _id: string;
  partition: number;
  page: number;
  count: number;
  firstT: number;
  lastT: number;
  lastOffset: string;
  /** JSON of VersionLogEntry[]. */
  data: string;
}

interface LaterDoc {
  _id: string;
  /** JSON of Record<entry index, LaterVersion>. */
  data: string;
}

interface LogMetaDoc {
  _id: 'meta';
  partitions: number[];
  heads: Record<string, number>;
  /**
   * Drawn when the log is started: a log dropped and written anew under the same name has
   * another, so pages a reader keeps (`readVersionLog`) are never taken for the new log's.
   * Absent from logs written before it existed until their writer next records a head.
   */
  log?: string;
}

export const VERSION_LOG_PAGE_ENTRIES = 500;
/** A head page with fewer entries is rewritten by the next append rather than followed. */
const SMALL_PAGE = 100;
const HINT_EVERY = 16;

const pageId = (partition: number, n: number) => `p${partition}:${n}`;
const laterId = (partition: number, n: number) => `x${partition}:${n}`;

/** The collection holding a projection's version log in a given generation. */
export function versionLogCollectionOf(
  projection: { collection: string },
  generation: number,
): string {
  return `${projection.collection}-log-g${generation}`;
}

/** One version a document's events made, as the projection describes it. */
export interface VersionLogInput {
  av: number;
  t: number;
  f: Record<string, unknown>;
  g: Record<string, unknown>;
}

/**
 * The versions one applied slice added: per touched document, the entries its projection gives
 * for the aggregate versions this slice carried, each positioned at its event's offset.
 */
export function versionLogInputsOf<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  envelopes: EventEnvelope<E>[],
  offsets: string[],
  documents: Map<string, D>,
): { doc: D; entries: VersionLogEntry[] }[] {
  const log = projection.versionLog;
  if (!log) return [];
  const byDoc = new Map<string, Map<number, string>>();
  envelopes.forEach((e, k) => {
    const id = documentIdOf(projection, e);
    const offset = offsets[k];
    if (id === null || offset === undefined) return;
    const m = byDoc.get(id) ?? new Map<number, string>();
    m.set(e.metadata.aggregateVersion, offset);
    byDoc.set(id, m);
  });
  const out: { doc: D; entries: VersionLogEntry[] }[] = [];
  for (const [id, offsetOf] of byDoc) {
    const doc = documents.get(id);
    if (!doc) continue;
    const entries: VersionLogEntry[] = [];
    for (const v of log.versionsOf(doc)) {
      const o = offsetOf.get(v.av);
      if (o !== undefined) entries.push({ o, id, av: v.av, t: v.t, f: v.f, g: v.g });
    }
    if (entries.length > 0) out.push({ doc, entries });
  }
  return out.sort((a, b) => cmpOffset(a.entries[0]!.o, b.entries[0]!.o));
}

const cmpOffset = (a: string, b: string) =>
  BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;

interface HeadPage {
  doc: VersionLogPageDoc;
  entries: VersionLogEntry[];
}

/**
 * Appends to the log of the partitions this projector owns. `forget` drops what it knows of a
 * partition's head (a rebalance), and the next append finds it again from the store.
 */
export class VersionLogWriter {
  private readonly heads = new Map<number, HeadPage>();

  constructor(private readonly collection: Collection<VersionLogPageDoc>) {}

  forget(partition?: number): void {
    if (partition === undefined) this.heads.clear();
    else this.heads.delete(partition);
  }

  /**
   * Appends a slice's versions and records their locations on the documents (`_log`), which the
   * caller writes after this returns; marks the earlier versions of the same objects superseded.
   */
  async append(
    partition: number,
    items: { doc: ReadModelDoc & VersionLogged; entries: VersionLogEntry[] }[],
  ): Promise<void> {
    if (items.length === 0) return;
    let head = this.heads.get(partition) ?? (await this.findHead(partition));
    const written: HeadPage[] = [];
    const laters = new Map<number, Map<number, LaterVersion>>();
    const mark = (loc: LogLocation, later: LaterVersion) => {
      const m = laters.get(loc.n) ?? new Map<number, LaterVersion>();
      m.set(loc.i, later);
      laters.set(loc.n, m);
    };
    let startedNew = false;
    // Entries go in in offset order across documents (one document's versions can straddle
    // another's in a slice): an entry at or below the head's last offset was appended before.
    const locationsOf = new Map(items.map((item) => [item, [...(item.doc._log ?? [])]]));
    const inOrder = items
      .flatMap((item) => item.entries.map((entry) => ({ item, entry })))
      .sort((a, b) => cmpOffset(a.entry.o, b.entry.o));
    for (const { item, entry } of inOrder) {
      const locations = locationsOf.get(item)!;
      let loc: LogLocation;
      if (BigInt(entry.o) <= BigInt(head.doc.lastOffset)) {
        // Appended before (a replayed slice): find where, so the document learns it again.
        const found = locations.find((l) => l.av === entry.av) ?? (await this.locate(head, entry));
        if (!found) continue;
        loc = found;
      } else {
        if (!startedNew && head.entries.length >= SMALL_PAGE) {
          head = await this.next(head, written);
        }
        startedNew = true;
        if (head.entries.length >= VERSION_LOG_PAGE_ENTRIES) head = await this.next(head, written);
        head.entries.push(entry);
        if (head.entries.length === 1) head.doc.firstT = entry.t;
        head.doc.lastT = Math.max(head.doc.lastT, entry.t);
        head.doc.lastOffset = entry.o;
        if (!written.includes(head)) written.push(head);
        loc = { av: entry.av, n: head.doc.page, i: head.entries.length - 1 };
      }
      if (!locations.some((l) => l.av === loc.av)) locations.push(loc);
    }
    for (const item of items) {
      const locations = locationsOf.get(item)!;
      locations.sort((a, b) => a.av - b.av);
      const latest = locations[locations.length - 1];
      const latestEntry = item.entries.find((e) => e.av === latest?.av);
      if (latest && latestEntry) {
        for (const l of locations) {
          if (l.av < latest.av) mark(l, { av: latest.av, g: latestEntry.g });
        }
      }
      item.doc._log = locations;
    }
    for (const page of written) {
      page.doc.count = page.entries.length;
      page.doc.data = JSON.stringify(page.entries);
      await this.collection.replaceOne(
        { _id: page.doc._id } as Filter<VersionLogPageDoc>,
        page.doc,
        { upsert: true },
      );
    }
    const laterDocs = this.collection as unknown as Collection<LaterDoc>;
    for (const [n, marks] of laters) {
      const _id = laterId(partition, n);
      const stored = await laterDocs.findOne({ _id });
      const all = stored ? (JSON.parse(stored.data) as Record<string, LaterVersion>) : {};
      let changed = false;
      for (const [i, later] of marks) {
        const before = all[String(i)];
        if (!before || before.av < later.av) {
          all[String(i)] = later;
          changed = true;
        }
      }
      if (changed) {
        await laterDocs.replaceOne({ _id }, { data: JSON.stringify(all) }, { upsert: true });
      }
    }
    this.heads.set(partition, head);
  }

  /** An entry already in the log, looked for from the head backwards (a replay is recent). */
  private async locate(head: HeadPage, entry: VersionLogEntry): Promise<LogLocation | null> {
    let page: HeadPage | null = head;
    for (let steps = 0; page && steps < 8; steps += 1) {
      const i = page.entries.findIndex((e) => e.o === entry.o && e.id === entry.id);
      if (i >= 0) return { av: entry.av, n: page.doc.page, i };
      if (page.doc.page === 0) return null;
      const prev: VersionLogPageDoc | null = await this.collection.findOne({
        _id: pageId(page.doc.partition, page.doc.page - 1),
      } as Filter<VersionLogPageDoc>);
      page = prev ? { doc: prev, entries: JSON.parse(prev.data) as VersionLogEntry[] } : null;
    }
    return null;
  }

  private async next(head: HeadPage, written: HeadPage[]): Promise<HeadPage> {
    if (head.entries.length > 0 && !written.includes(head)) written.push(head);
    const doc = emptyPage(head.doc.partition, head.doc.page + 1);
    doc.lastOffset = head.doc.lastOffset;
    if (doc.page % HINT_EVERY === 0) await this.setHead(doc.partition, doc.page);
    return { doc, entries: [] };
  }

  private async findHead(partition: number): Promise<HeadPage> {
    const meta = await readMeta(this.collection);
    let n = meta?.heads[String(partition)] ?? 0;
    let current = await this.collection.findOne({
      _id: pageId(partition, n),
    } as Filter<VersionLogPageDoc>);
    while (!current && n > 0) {
      n -= 1;
      current = await this.collection.findOne({
        _id: pageId(partition, n),
      } as Filter<VersionLogPageDoc>);
    }
    for (;;) {
      const following = await this.collection.findOne({
        _id: pageId(partition, n + 1),
      } as Filter<VersionLogPageDoc>);
      if (!following) break;
      current = following;
      n += 1;
    }
    if (!meta?.partitions.includes(partition)) await this.setHead(partition, n);
    const doc = current ?? emptyPage(partition, n);
    return { doc, entries: current ? (JSON.parse(current.data) as VersionLogEntry[]) : [] };
  }

  private async setHead(partition: number, page: number): Promise<void> {
    const meta = await readMeta(this.collection);
    const partitions = [...new Set([...(meta?.partitions ?? []), partition])].sort((a, b) => a - b);
    const heads = { ...(meta?.heads ?? {}), [String(partition)]: page };
    await (this.collection as unknown as Collection<LogMetaDoc>).replaceOne(
      { _id: 'meta' },
      { partitions, heads, log: meta?.log ?? randomUUID() },
      { upsert: true },
    );
  }
}

function emptyPage(partition: number, page: number): VersionLogPageDoc {
  return {
    _id: pageId(partition, page),
    partition,
    page,
    count: 0,
    firstT: 0,
    lastT: 0,
    lastOffset: '-1',
    data: '[]',
  };
}

async function readMeta(collection: Collection<VersionLogPageDoc>): Promise<LogMetaDoc | null> {
  return (collection as unknown as Collection<LogMetaDoc>).findOne({ _id: 'meta' });
}

/**
 * Pages readers parsed lately, by the log's id and the page's: only pages that can no longer
 * change. The writer adds nothing to a page once it holds SMALL_PAGE entries or more (its next
 * append starts a new page; only a smaller head page is added to), so such a page stays as it
 * was read. Without them a client paging a collection fetches and parses each page several
 * times: at 1,000 objects a request over six partitions, a page of 500 entries serves about three
 * requests, and the page read ahead of each partition is the next request's first.
 */
const KEPT_PAGES = 64;
const keptPages = new Map<string, VersionLogEntry[]>();

function keptPage(key: string): VersionLogEntry[] | undefined {
  const entries = keptPages.get(key);
  if (entries) {
    keptPages.delete(key);
    keptPages.set(key, entries);
  }
  return entries;
}

function keepPage(key: string, entries: VersionLogEntry[]): void {
  keptPages.delete(key);
  keptPages.set(key, entries);
  for (const oldest of keptPages.keys()) {
    if (keptPages.size <= KEPT_PAGES) break;
    keptPages.delete(oldest);
  }
}

export interface VersionLogReadOptions {
  limit: number;
  /** Start here; otherwise at the first entry added after `after` (epoch ms), or the start. */
  from?: FeedPosition;
  after?: number;
  /** Whether the entry is one to return (given what became of it later, if anything). */
  accept(entry: VersionLogEntry, later: LaterVersion | undefined): boolean;
  /** How long one read may spend looking (ms); it returns what it found, with a position. */
  timeBudgetMs?: number;
}

export interface VersionLogRead {
  entries: VersionLogEntry[];
  /** Just after the last entry returned: where the next read starts. */
  next: FeedPosition;
  /**
   * Whether an accepted entry follows (looked for within the time budget; when the budget runs
   * out first, true if the log goes on).
   */
  more: boolean;
}

/**
 * Reads entries in the order they were added (time, then partition, then place), merging the
 * partitions' pages. Work per call is bounded by the limit and the time budget, whatever is
 * stored; each page costs one lookup by `_id` for it and one for its later-versions record.
 */
export async function readVersionLog(
  db: Db,
  collectionName: string,
  o: VersionLogReadOptions,
): Promise<VersionLogRead> {
  const collection = db.collection<VersionLogPageDoc>(collectionName);
  const laterDocs = db.collection<LaterDoc>(collectionName);
  const meta = await readMeta(collection);
  if (!meta) return { entries: [], next: o.from ?? {}, more: false };
  const deadline = performance.now() + (o.timeBudgetMs ?? 5_000);

  interface Loaded {
    entries: VersionLogEntry[];
    later: Record<string, LaterVersion>;
    full: boolean;
  }
  /** A page (kept from an earlier read if it can no longer change) and its later versions. */
  const load = async (partition: number, n: number): Promise<Loaded | null> => {
    const key = meta.log === undefined ? undefined : `${meta.log}:${pageId(partition, n)}`;
    const kept = key === undefined ? undefined : keptPage(key);
    const [page, later] = await Promise.all([
      kept ? null : collection.findOne({ _id: pageId(partition, n) } as Filter<VersionLogPageDoc>),
      laterDocs.findOne({ _id: laterId(partition, n) } as Filter<LaterDoc>),
    ]);
    let entries = kept;
    if (!entries) {
      if (!page) return null;
      entries = JSON.parse(page.data) as VersionLogEntry[];
      if (key !== undefined && entries.length >= SMALL_PAGE) keepPage(key, entries);
    }
    return {
      entries,
      later: later ? (JSON.parse(later.data) as Record<string, LaterVersion>) : {},
      full: entries.length >= VERSION_LOG_PAGE_ENTRIES,
    };
  };
  interface Cursor {
    partition: number;
    n: number;
    i: number;
    page: Loaded | null;
    ahead?: Promise<Loaded | null>;
    done: boolean;
  }
  const cursors: Cursor[] = await Promise.all(
    meta.partitions.map(async (partition): Promise<Cursor> => {
      const start = o.from?.[String(partition)] ?? {
        n:
          o.after === undefined
            ? 0
            : await firstPageAfter(
                collection,
                partition,
                meta.heads[String(partition)] ?? 0,
                o.after,
              ),
        i: 0,
      };
      const page = await load(partition, start.n);
      const c: Cursor = { partition, n: start.n, i: start.i, page, done: false };
      if (page?.full) c.ahead = load(partition, c.n + 1);
      return c;
    }),
  );
  const peek = async (c: Cursor): Promise<VersionLogEntry | null> => {
    for (;;) {
      if (c.done || !c.page) {
        c.done = true;
        return null;
      }
      const e = c.page.entries[c.i];
      if (e) return e;
      // Used up: the next page, if there is one yet (a later read continues from here). A full
      // page's successor was asked for when the page was taken; another page's is asked now.
      const next = await (c.ahead ?? load(c.partition, c.n + 1));
      c.ahead = undefined;
      if (!next) {
        c.done = true;
        return null;
      }
      if (!c.page.full) {
        // This page was read before it was full, and the writer may have filled it since: it
        // writes a page before starting the next, so now that the next exists, this one as
        // stored is final. Read it again before moving on, or what it gained would be skipped.
        const again = await load(c.partition, c.n);
        if (again && again.entries.length > c.i) {
          c.page = again;
          continue;
        }
      }
      c.page = next;
      c.n += 1;
      c.i = 0;
      if (next.full) c.ahead = load(c.partition, c.n + 1);
    }
  };
  const position = (): FeedPosition => {
    const p: FeedPosition = {};
    for (const c of cursors) p[String(c.partition)] = { n: c.n, i: c.i };
    return p;
  };

  const entries: VersionLogEntry[] = [];
  let next = position();
  let more = false;
  let looked = 0;
  for (;;) {
    if (looked % 256 === 0 && looked > 0 && performance.now() > deadline) {
      // Out of time: say whether the log goes on; the next read continues from here.
      for (const c of cursors) if ((await peek(c)) !== null) more = true;
      next = position();
      break;
    }
    let best: { c: Cursor; e: VersionLogEntry } | null = null;
    for (const c of cursors) {
      const e = await peek(c);
      if (e && (!best || e.t < best.e.t || (e.t === best.e.t && c.partition < best.c.partition))) {
        best = { c, e };
      }
    }
    if (!best) {
      next = position();
      break;
    }
    const { c, e } = best;
    const later = c.page?.later[String(c.i)];
    c.i += 1;
    looked += 1;
    if (o.after !== undefined && e.t <= o.after) continue;
    if (!o.accept(e, later)) continue;
    if (entries.length >= o.limit) {
      // One more than a page: there is more, and the next read starts at it.
      more = true;
      c.i -= 1;
      next = position();
      break;
    }
    entries.push(e);
    next = position();
  }
  return { entries, next, more };
}

/** Binary search for the first page of a partition that may hold entries added after `t`. */
async function firstPageAfter(
  collection: Collection<VersionLogPageDoc>,
  partition: number,
  headHint: number,
  t: number,
): Promise<number> {
  let lo = 0;
  let hi = headHint;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const page = await collection.findOne(
      { _id: pageId(partition, mid) } as Filter<VersionLogPageDoc>,
      { projection: { lastT: 1 } },
    );
    if (page && page.lastT <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
