import type { Api, Query } from './client';
import type { Page } from './types';

/**
 * Follows `next` until the list ends or `max` items are in hand. A page may hold fewer items than
 * asked, even none, with a `next` to continue from (the indicator list walks its change feed
 * for a bounded time per call), so only a null `next` means the end.
 */
export async function collect<T>(
  api: Api,
  path: string,
  query: Query,
  max: number,
  from: string | null = null,
): Promise<Page<T>> {
  const items: T[] = [];
  let next: string | null = from;
  let calls = 0;
  do {
    const page: Page<T> = await api.get<Page<T>>(path, { ...query, ...(next ? { next } : {}) });
    items.push(...page.items);
    next = page.next;
    calls++;
  } while (next !== null && items.length < max && calls < 50);
  return { items, next };
}
