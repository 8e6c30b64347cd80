import type { Collection, Filter } from 'mongodb';
import type { Page } from '@acd/indicators';

/**
 * One page of a list in `updatedAt, _id` order after `cursor`: the caller's clauses (its read
 * filter first) in an `$and`, one document more than the page to know whether another follows,
 * and every document checked by `visible` on the way out.
 */
export async function pageByUpdatedAt<D extends { _id: string; updatedAt: Date }>(
  collection: Collection<D>,
  clauses: Filter<D>[],
  limit: number,
  cursor: { updatedAt: Date; id: string } | undefined,
  visible: (d: D) => boolean,
): Promise<Page<D>> {
  const all = [...clauses];
  if (cursor) {
    all.push({
      $or: [
        { updatedAt: { $gt: cursor.updatedAt } },
        { updatedAt: cursor.updatedAt, _id: { $gt: cursor.id } },
      ],
    } as Filter<D>);
  }
  const docs = (await collection
    .find({ $and: all } as Filter<D>)
    .sort({ updatedAt: 1, _id: 1 })
    .limit(limit + 1)
    .toArray()) as D[];
  const items = docs.slice(0, limit).filter(visible);
  const last = items[items.length - 1];
  return {
    items,
    next: docs.length > limit && last ? { updatedAt: last.updatedAt, id: last._id } : null,
  };
}
