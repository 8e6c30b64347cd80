import type { AnyBulkWriteOperation, Collection, Filter, OptionalUnlessRequiredId } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { isDuplicateKey } from './checkpoints';
import type { Projection, ReadModelDoc } from './projection';

/**
 * Applies a batch of events to a read model with one query and one bulkWrite:
 * load the touched documents (an event touching none is skipped), fold the events in memory
 * (skipping versions already reflected), then upsert each document only where the stored
 * version is lower.
 * Running it twice over the same events changes nothing the second time.
 */
export async function applyEvents<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  collection: Collection<D>,
  envelopes: EventEnvelope<E>[],
  options: { between?: () => Promise<void> } = {},
): Promise<{ applied: number; skipped: number; written: number }> {
  if (envelopes.length === 0) return { applied: 0, skipped: 0, written: 0 };
  const docIds = envelopes.map((e) => documentIdOf(projection, e));
  const ids = [...new Set(docIds.filter((id): id is string => id !== null))];
  const stored = await loadByIds(collection, ids);
  const current = new Map<string, D>(stored.map((d) => [d._id, d as D]));
  const changed = new Map<string, D>();
  let applied = 0;
  let skipped = 0;
  for (const [i, envelope] of envelopes.entries()) {
    const id = docIds[i];
    if (id === null || id === undefined) {
      skipped += 1;
      continue;
    }
    const before = changed.get(id) ?? current.get(id) ?? null;
    if (before && envelope.metadata.aggregateVersion <= before.version) {
      skipped += 1;
      continue;
    }
    const after = projection.evolve(before, envelope);
    if (after === null) {
      skipped += 1;
      continue;
    }
    changed.set(id, after);
    applied += 1;
  }
  if (changed.size === 0) return { applied, skipped, written: 0 };
  const fresh = [...changed.values()].filter((d) => !current.has(d._id));
  const existing = [...changed.values()].filter((d) => current.has(d._id));
  // New documents go in with one insertMany; a duplicate key means another writer inserted
  // first, and the guarded update below settles which version wins.
  const raced: D[] = [];
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    raced.push(...(await insertFresh(collection, fresh.slice(i, i + INSERT_CHUNK))));
    await options.between?.();
  }
  const updates = [...existing, ...raced];
  for (let i = 0; i < updates.length; i += WRITE_CHUNK) {
    await guardedUpserts(collection, updates.slice(i, i + WRITE_CHUNK));
    await options.between?.();
  }
  return { applied, skipped, written: changed.size };
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
 * FerretDB v1 keeps every statement of one update command open until the command ends and
 * hangs at 100 of them; MongoDB does not care. Chunks of 50 work on both, and give the caller
 * a moment between chunks to heartbeat.
 */
const WRITE_CHUNK = 50;
/** Keeps each insert short enough that the consumer can heartbeat between them. */
const INSERT_CHUNK = 500;

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

async function guardedUpserts<D extends ReadModelDoc>(
  collection: Collection<D>,
  docs: D[],
): Promise<void> {
  if (docs.length === 0) return;
  const ops = docs.map((doc) => {
    const { _id, ...rest } = doc;
    return {
      updateOne: {
        filter: { _id, version: { $lt: doc.version } },
        update: { $set: rest },
        upsert: true,
      },
    } as unknown as AnyBulkWriteOperation<D>;
  });
  try {
    await collection.bulkWrite(ops, { ordered: false });
  } catch (err) {
    // A duplicate key means a newer version is already stored (another writer got there first).
    const writeErrors = (err as { writeErrors?: unknown[] }).writeErrors;
    const all = Array.isArray(writeErrors) ? writeErrors : [err];
    if (!all.every((e) => isDuplicateKey(e) || isDuplicateKey((e as { err?: unknown }).err)))
      throw err;
  }
}

/**
 * FerretDB v1 answers `_id` equality from its primary key but scans the whole collection for
 * `$in`; a few ids are therefore fetched one by one (in parallel), many with one `$in`.
 */
async function loadByIds<D extends ReadModelDoc>(
  collection: Collection<D>,
  ids: string[],
): Promise<D[]> {
  if (ids.length > BY_ID_LIMIT) {
    return (await collection.find({ _id: { $in: ids } } as Filter<D>).toArray()) as D[];
  }
  const found = await Promise.all(ids.map((_id) => collection.findOne({ _id } as Filter<D>)));
  return found.filter((d): d is NonNullable<typeof d> => d !== null) as D[];
}

const BY_ID_LIMIT = 200;
