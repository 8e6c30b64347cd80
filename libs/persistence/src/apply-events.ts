import type { AnyBulkWriteOperation, Collection, Filter } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { isDuplicateKey } from './checkpoints';
import type { Projection, ReadModelDoc } from './projection';

/**
 * Applies a batch of events to a read model with one query and one bulkWrite:
 * load the touched documents, fold the events in memory (skipping versions already
 * reflected), then upsert each document only where the stored version is lower.
 * Running it twice over the same events changes nothing the second time.
 */
export async function applyEvents<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  collection: Collection<D>,
  envelopes: EventEnvelope<E>[],
): Promise<{ applied: number; skipped: number; written: number }> {
  if (envelopes.length === 0) return { applied: 0, skipped: 0, written: 0 };
  const ids = [...new Set(envelopes.map((e) => e.metadata.aggregateId))];
  const stored = await collection.find({ _id: { $in: ids } } as Filter<D>).toArray();
  const current = new Map<string, D>(stored.map((d) => [d._id, d as D]));
  const changed = new Map<string, D>();
  let applied = 0;
  let skipped = 0;
  for (const envelope of envelopes) {
    const id = envelope.metadata.aggregateId;
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
  const ops = [...changed.values()].map((doc) => {
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
    if (!all.every((e) => isDuplicateKey(e) || isDuplicateKey((e as { err?: unknown }).err))) throw err;
  }
  return { applied, skipped, written: changed.size };
}
