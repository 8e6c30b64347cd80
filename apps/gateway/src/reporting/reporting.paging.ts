import { badRequest } from '../common/zod-validation.pipe';
import { decodeCursor, encodeCursor } from '../indicators/indicator.presenter';

/** The `next` query parameter as a cursor; 400 when it is not one this API issued. */
export function pageCursor(next: string | undefined): { cursor?: { updatedAt: Date; id: string } } {
  if (!next) return {};
  const cursor = decodeCursor(next);
  if (!cursor) throw badRequest([{ field: 'next', reason: 'not a cursor this API issued' }]);
  return { cursor };
}

export function presentPage<D, V>(
  page: { items: D[]; next: { updatedAt: Date; id: string } | null },
  present: (d: D) => V,
): { items: V[]; next: string | null } {
  return { items: page.items.map(present), next: page.next ? encodeCursor(page.next) : null };
}
