import { isStoreUnavailable } from '@acd/persistence';

/**
 * A read-through cache that, while the store is unreachable, keeps answering with what it last
 * read, for at most `staleMs`: the gateway keeps accepting commands from callers it has seen
 * (Kafka is the record) when the store is down. Fresh for `ttlMs`; any other error is the
 * caller's. A revocation made while the store is down cannot reach the read model anyway; once it
 * is back, entries are fresh again within `ttlMs`.
 */
export class StaleIfUnavailable<V> {
  private readonly entries = new Map<string, { value: V; readAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly staleMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const t = this.now();
    if (hit && t - hit.readAt < this.ttlMs) return hit.value;
    let value: V;
    try {
      value = await load();
    } catch (err) {
      if (hit && isStoreUnavailable(err) && t - hit.readAt < this.staleMs) return hit.value;
      throw err;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, readAt: this.now() });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
