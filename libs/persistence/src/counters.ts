import type { Collection, Db, Filter } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { ReadModelDoc } from './projection';

/**
 * Counters kept beside a read model, for aggregates (counts per day and per bucket) that must
 * not cost a pass over the documents and must be judged under the reader's entitlement.
 *
 * A projection says where each document counts (`Projection.counters.of`): a day and a bucket
 * key that carries everything the entitlement policy needs, so a reader sums only the buckets
 * it may read, and a count never includes an item the reader cannot see. A change of a document
 * moves its contribution from the old buckets to the new ones.
 *
 * Storage: one document per (day, partition) holding every bucket of that day as one JSON
 * string (cheap to read on FerretDB, as the version log's pages), and the offset of the last
 * event applied to it. Each event's change is applied to a day document only when the event's
 * offset is past the one stored there, and a day document is written whole, so a replayed
 * slice, or one replayed in other slices after a crash, changes nothing it has already counted.
 * Counters are written before the slice's documents: a document that exists has been counted.
 * One writer per partition (the consumer group) is what makes the read-modify-write safe, as
 * for the documents themselves.
 */
export interface CounterContribution {
  /** The day the document counts on, `YYYY-MM-DD`. */
  day: string;
  /** The bucket: whatever readers group and judge by, encoded by the projection. */
  key: string;
  /** Amounts, by name (a plain count is `{ n: 1 }`). */
  values: Record<string, number>;
}

export interface CountersSpec<D> {
  /** Where a document counts; `[]` for nowhere. A pure function of the document. */
  of(doc: D): readonly CounterContribution[];
}

/** A document of a slice as it was before one event and after it. */
export interface Transition<E, D> {
  envelope: EventEnvelope<E>;
  before: D | null;
  after: D;
}

export interface CounterDayDoc {
  _id: string;
  day: string;
  /** The partition whose events this document counts. */
  p: number;
  /** Offset of the last event applied. */
  o: number;
  /** `{ [bucket key]: { [value name]: amount } }` as JSON. */
  b: string;
}

type Buckets = Record<string, Record<string, number>>;

export function countersCollectionOf(projection: { collection: string }, generation: number) {
  return `${projection.collection}-counts-g${generation}`;
}

function dayDocId(day: string, partition: number): string {
  return `${day}|${partition}`;
}

/** The per-event changes of a slice, grouped by day: `[offset, key, deltas]` in offset order. */
export function counterDeltasOf<E, D extends ReadModelDoc>(
  spec: CountersSpec<D>,
  transitions: readonly Transition<E, D>[],
  offsetOf: (envelope: EventEnvelope<E>) => string | undefined,
): Map<string, [number, string, Record<string, number>][]> {
  const byDay = new Map<string, [number, string, Record<string, number>][]>();
  const add = (
    day: string,
    o: number,
    key: string,
    values: Record<string, number>,
    sign: 1 | -1,
  ) => {
    const list = byDay.get(day) ?? [];
    const delta: Record<string, number> = {};
    for (const [k, v] of Object.entries(values)) if (v !== 0) delta[k] = sign * v;
    if (Object.keys(delta).length > 0) list.push([o, key, delta]);
    byDay.set(day, list);
  };
  for (const t of transitions) {
    const offset = offsetOf(t.envelope);
    if (offset === undefined) continue;
    const o = Number(offset);
    const was = t.before ? spec.of(t.before) : [];
    const now = spec.of(t.after);
    if (sameContributions(was, now)) continue;
    for (const c of was) add(c.day, o, c.key, c.values, -1);
    for (const c of now) add(c.day, o, c.key, c.values, 1);
  }
  for (const list of byDay.values()) list.sort((a, b) => a[0] - b[0]);
  return byDay;
}

function sameContributions(a: readonly CounterContribution[], b: readonly CounterContribution[]) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies a slice's changes to one partition's day documents (see the module's comment). */
export async function applyCounterDeltas(
  collection: Collection<CounterDayDoc>,
  partition: number,
  byDay: Map<string, [number, string, Record<string, number>][]>,
): Promise<void> {
  for (const [day, deltas] of byDay) {
    if (deltas.length === 0) continue;
    const _id = dayDocId(day, partition);
    const stored = await collection.findOne({ _id } as Filter<CounterDayDoc>);
    const from = stored?.o ?? -1;
    const buckets: Buckets = stored ? (JSON.parse(stored.b) as Buckets) : {};
    let last = from;
    for (const [o, key, delta] of deltas) {
      if (o <= from) continue;
      const bucket = (buckets[key] ??= {});
      for (const [name, v] of Object.entries(delta)) {
        const next = (bucket[name] ?? 0) + v;
        if (next === 0) delete bucket[name];
        else bucket[name] = next;
      }
      if (Object.keys(bucket).length === 0) delete buckets[key];
      last = Math.max(last, o);
    }
    if (last === from) continue;
    const doc: CounterDayDoc = { _id, day, p: partition, o: last, b: JSON.stringify(buckets) };
    if (stored) await collection.replaceOne({ _id } as Filter<CounterDayDoc>, doc);
    else await collection.insertOne(doc as never);
  }
}

/**
 * What the runner does before a slice's documents are written: every event's change to the
 * counters, judged by its offset. `transitions` come from `applyEvents` (`beforeWrite`).
 */
export async function writeCounters<E, D extends ReadModelDoc>(
  spec: CountersSpec<D>,
  collection: Collection<CounterDayDoc>,
  partition: number,
  envelopes: readonly EventEnvelope<E>[],
  offsets: readonly string[],
  transitions: readonly Transition<E, D>[],
): Promise<void> {
  if (transitions.length === 0) return;
  const offsetOf = new Map(envelopes.map((e, k) => [e, offsets[k]]));
  await applyCounterDeltas(
    collection,
    partition,
    counterDeltasOf(spec, transitions, (e) => offsetOf.get(e)),
  );
}

/** Marks the counters of a generation as kept from its start (a model without it is rebuilt). */
export async function markCounters(collection: Collection<CounterDayDoc>): Promise<void> {
  await collection
    .updateOne(
      { _id: 'meta' } as Filter<CounterDayDoc>,
      { $setOnInsert: { since: new Date() } } as never,
      {
        upsert: true,
      },
    )
    .catch(() => undefined);
}

export async function hasCounters(collection: Collection<CounterDayDoc>): Promise<boolean> {
  return (await collection.findOne({ _id: 'meta' } as Filter<CounterDayDoc>)) !== null;
}

/**
 * The summed buckets of the given days (every partition), for the buckets `accept` lets the
 * reader count. Reads one document per day and partition, by `_id` range: the cost grows with
 * the days asked for, not with the documents counted.
 */
export async function readCounters(
  db: Db,
  collectionName: string,
  days: readonly string[],
  accept: (key: string) => boolean,
): Promise<Map<string, Map<string, Record<string, number>>>> {
  const out = new Map<string, Map<string, Record<string, number>>>();
  if (days.length === 0) return out;
  const sorted = [...days].sort();
  const wanted = new Set(sorted);
  const docs = await db
    .collection<CounterDayDoc>(collectionName)
    .find({
      _id: { $gte: `${sorted[0]}|`, $lt: `${sorted[sorted.length - 1]}}` },
    } as Filter<CounterDayDoc>)
    .toArray();
  const verdicts = new Map<string, boolean>();
  for (const doc of docs) {
    if (!wanted.has(doc.day)) continue;
    const day = out.get(doc.day) ?? new Map<string, Record<string, number>>();
    out.set(doc.day, day);
    for (const [key, values] of Object.entries(JSON.parse(doc.b) as Buckets)) {
      let ok = verdicts.get(key);
      if (ok === undefined) verdicts.set(key, (ok = accept(key)));
      if (!ok) continue;
      const sum = day.get(key) ?? {};
      for (const [name, v] of Object.entries(values)) sum[name] = (sum[name] ?? 0) + v;
      day.set(key, sum);
    }
  }
  return out;
}

const JST_OFFSET_MS = 9 * 3_600_000;

/** The calendar day in Japan (no daylight saving: +09:00 all year) of an instant. */
export function jstDayOf(at: Date | number): string {
  return new Date(new Date(at).getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The `count` Japanese calendar days ending with the one `now` falls on, oldest first. */
export function jstDaysEndingAt(now: Date | number, count: number): string[] {
  const today = Date.parse(`${jstDayOf(now)}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(today - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}
