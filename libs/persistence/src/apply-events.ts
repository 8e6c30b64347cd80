import type { AnyBulkWriteOperation, Collection, Filter, OptionalUnlessRequiredId } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { isDuplicateKey } from './checkpoints';
import type { Transition } from './counters';
import type { Projection, ReadModelDoc } from './projection';

export interface ApplyResult<D = ReadModelDoc> {
  /** Events that changed a document. */
  applied: number;
  /** Events that touch no document of this model, or that the stored version already reflects. */
  skipped: number;
  /** Documents written (each once, whatever the number of its events in the batch). */
  written: number;
  /** Documents read by `_id` before folding. */
  read: number;
  /** Documents written as new (insertMany). */
  inserted: number;
  /** Documents written over a stored one (replaceOne by `_id`). */
  replaced: number;
  /** Every touched document as it stands after the batch (written now or already stored). */
  documents: Map<string, D>;
}

/**
 * Applies a batch of events to a read model, writing each touched document once:
 * 1. the events are grouped by the document they touch;
 * 2. documents that may already exist are read by `_id` (in parallel, each a primary-key
 *    lookup); a document whose first event in the batch is its aggregate's version 1 cannot
 *    exist unless this batch was applied before, so it is not read at all;
 * 3. each document's events are folded in memory, skipping versions the stored document
 *    already reflects (this is what makes a replayed batch change nothing);
 * 4. new documents go in with insertMany, changed ones are replaced by `_id` alone.
 * A new document that turns out to exist (a replay, or another writer) is read and folded again.
 *
 * Every filter is exactly `{_id}`: the one query every MongoDB-compatible store answers from its
 * primary key, so the cost per document does not grow with the collection. The version check
 * happens here, not in the filter (a filter like `{_id, version: {$lt}}` makes FerretDB v1
 * scan the collection). Correctness relies on one writer per document at a time, which the
 * consumer group gives (a document belongs to one aggregate, an aggregate to one partition).
 */
export async function applyEvents<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  collection: Collection<D>,
  envelopes: EventEnvelope<E>[],
  options: {
    between?: () => Promise<void>;
    /**
     * Called with the folded documents before any is written: a change feed appended here
     * never trails the data (a reader who sees a document also finds it in the feed; an entry
     * whose document is not written yet is skipped by readers until it is).
     */
    beforeWrite?: (
      documents: Map<string, D>,
      transitions: readonly Transition<E, D>[],
    ) => Promise<void>;
  } = {},
): Promise<ApplyResult<D>> {
  const result: ApplyResult<D> = {
    applied: 0,
    skipped: 0,
    written: 0,
    read: 0,
    inserted: 0,
    replaced: 0,
    documents: new Map(),
  };
  const groups = new Map<string, EventEnvelope<E>[]>();
  for (const envelope of envelopes) {
    const id = documentIdOf(projection, envelope);
    if (id === null) {
      continue;
    }
    const group = groups.get(id);
    if (group) group.push(envelope);
    else groups.set(id, [envelope]);
  }
  if (groups.size === 0) return result;

  const toRead = [...groups].filter(([id, events]) => !startsItsAggregate(projection, id, events));
  const stored = await loadByIds(
    collection,
    toRead.map(([id]) => id),
  );
  result.read += toRead.length;

  const fresh: D[] = [];
  const changed: D[] = [];
  const appliedTo = new Map<string, number>();
  // Each event's change, for counters: they are judged event by event against their offsets.
  const transitions: Transition<E, D>[] = [];
  const observe = projection.counters
    ? (envelope: EventEnvelope<E>, before: D | null, after: D) =>
        transitions.push({ envelope, before, after })
    : undefined;
  for (const [id, events] of groups) {
    const before = stored.get(id) ?? null;
    const folded = fold(projection, before, events, observe);
    appliedTo.set(id, folded.applied);
    const state = folded.doc ?? before;
    if (state) result.documents.set(id, state);
    if (folded.doc === null) continue;
    (before ? changed : fresh).push(folded.doc);
  }

  await options.beforeWrite?.(result.documents, transitions);

  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const chunk = fresh.slice(i, i + INSERT_CHUNK);
    const existing = await insertFresh(collection, chunk);
    result.inserted += chunk.length - existing.length;
    if (existing.length > 0) {
      // Written before (a replayed batch, or a projector that lost its partition mid-batch):
      // fold again from what is stored, so only versions it does not reflect are applied.
      const now = await loadByIds(
        collection,
        existing.map((d) => d._id),
      );
      result.read += existing.length;
      for (const doc of existing) {
        const stored = now.get(doc._id) ?? null;
        const again = fold(projection, stored, groups.get(doc._id) ?? []);
        appliedTo.set(doc._id, again.applied);
        const state = again.doc ?? stored;
        if (state) result.documents.set(doc._id, state);
        else result.documents.delete(doc._id);
        if (again.doc !== null) changed.push(again.doc);
      }
    }
    await options.between?.();
  }

  for (let i = 0; i < changed.length; i += WRITE_CHUNK) {
    const chunk = changed.slice(i, i + WRITE_CHUNK);
    await replaceById(collection, chunk);
    result.replaced += chunk.length;
    await options.between?.();
  }
  result.written = result.inserted + result.replaced;
  for (const n of appliedTo.values()) result.applied += n;
  result.skipped = envelopes.length - result.applied;
  return result;
}

/** The document an event belongs to: the projection's choice, by default its aggregate's. */
export function documentIdOf<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  envelope: EventEnvelope<E>,
): string | null {
  return projection.documentIdOf
    ? projection.documentIdOf(envelope)
    : envelope.metadata.aggregateId;
}

/**
 * True when the batch holds the first event of the document's own aggregate: before it, the
 * aggregate did not exist, so neither did a document only it writes.
 */
function startsItsAggregate<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  docId: string,
  events: EventEnvelope<E>[],
): boolean {
  const first = events[0];
  if (first === undefined || first.metadata.aggregateVersion !== 1) return false;
  const aggregate = first.metadata.aggregateId;
  if (!events.every((e) => e.metadata.aggregateId === aggregate)) return false;
  return aggregate === docId || projection.documentPerAggregate === true;
}

function fold<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  stored: D | null,
  events: EventEnvelope<E>[],
  observe?: (envelope: EventEnvelope<E>, before: D | null, after: D) => void,
): { doc: D | null; applied: number } {
  let doc = stored;
  let applied = 0;
  for (const envelope of events) {
    if (doc && envelope.metadata.aggregateVersion <= doc.version) continue;
    const after = projection.evolve(doc, envelope);
    if (after === null) continue;
    observe?.(envelope, doc, after);
    doc = after;
    applied += 1;
  }
  return { doc: applied > 0 ? doc : null, applied };
}

/**
 * FerretDB v1 keeps every statement of one update command open until the command ends and
 * hangs at 100 of them; MongoDB does not care. Chunks of 50 work on both, and give the caller
 * a moment between chunks to heartbeat.
 */
const WRITE_CHUNK = 50;
/** Keeps each insert short enough that the consumer can heartbeat between them. */
const INSERT_CHUNK = 1_000;
/** Lookups by `_id` in flight at once. */
const READ_CONCURRENCY = 16;

/** Inserts new documents; returns those that already existed. */
async function insertFresh<D extends ReadModelDoc>(
  collection: Collection<D>,
  docs: D[],
): Promise<D[]> {
  if (docs.length === 0) return [];
  try {
    await collection.insertMany(docs as OptionalUnlessRequiredId<D>[], { ordered: false });
    return [];
  } catch (err) {
    const writeErrors = (
      err as { writeErrors?: { index?: number; code?: number; err?: { index?: number } }[] }
    ).writeErrors;
    if (
      !Array.isArray(writeErrors) ||
      !writeErrors.every((e) => isDuplicateKey(e) || isDuplicateKey(e.err))
    ) {
      throw err;
    }
    const failed = new Set(writeErrors.map((e) => e.index ?? e.err?.index));
    return docs.filter((_, i) => failed.has(i));
  }
}

async function replaceById<D extends ReadModelDoc>(
  collection: Collection<D>,
  docs: D[],
): Promise<void> {
  if (docs.length === 0) return;
  const ops = docs.map(
    (doc) =>
      ({
        replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
      }) as unknown as AnyBulkWriteOperation<D>,
  );
  await collection.bulkWrite(ops, { ordered: false });
}

/**
 * Reads documents by `_id`, one primary-key lookup each, a few in flight at once. (`$in` would be
 * one round trip, but FerretDB v1 answers it by scanning the collection.)
 */
async function loadByIds<D extends ReadModelDoc>(
  collection: Collection<D>,
  ids: string[],
): Promise<Map<string, D>> {
  const found = new Map<string, D>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const _id = ids[next++] as string;
      const doc = await collection.findOne({ _id } as Filter<D>);
      if (doc) found.set(_id, doc as D);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, ids.length) }, worker));
  return found;
}
