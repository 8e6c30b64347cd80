import type { EventEnvelope } from '@acd/event-sourcing';
import type { TopicKey } from '@acd/messaging';

/** An event as the registry's topics carry it, once decoded. */
export type AnyEvent = { type: string; data: unknown };

/** Who may read the event: the terms it carries, or those of its aggregate at the time. */
export type StreamAccess<T> =
  | { terms: T }
  /** The event carries no terms (a revocation, a sighting): the aggregate's terms decide. */
  | { termsOf: string };

/** What a source makes of one event before anyone's entitlement is checked. */
export interface SourceEvent<T, V = unknown> {
  /** Aggregate id (the indicator's, the advisory's). */
  id: string;
  /** Event type, e.g. `IndicatorPublished`. */
  type: string;
  access: StreamAccess<T>;
  /** Terms the event sets for its aggregate from now on; later events of it are judged by them. */
  establishes?: T;
  /**
   * What the viewer receives (may depend on the viewer, e.g. publisher pseudonyms, or look up
   * what the viewer may read of the items the event refers to).
   */
  data(viewer: V): unknown;
}

/**
 * One kind of item on the live stream. Adding a kind is one more entry in the registry
 * (`streamSources`): the topic it reads, how an event maps to a `SourceEvent`, the entitlement
 * policy, and how to find an aggregate's current terms when an event carries none. `V` is the
 * viewer (an organisation): this mechanism knows nothing of who it is, only the source's policy does.
 */
export interface StreamSource<T = unknown, V = unknown> {
  /** What clients filter by (`?kinds=`) and what the SSE `event:` field says. */
  readonly kind: string;
  readonly topic: TopicKey;
  /** null: the event is not streamed (internal or not for readers). */
  map(envelope: EventEnvelope<AnyEvent>): SourceEvent<T, V> | null;
  /** The one policy of this kind of item. */
  canRead(viewer: V, terms: T): boolean;
  /**
   * Current terms of an aggregate the viewer may read, from the read model; null when it does
   * not exist (yet) or is hidden from the viewer.
   */
  visibleTerms(viewer: V, id: string): Promise<T | null>;
}

/** What one client receives for one event. */
export interface StreamItem {
  kind: string;
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  data: unknown;
}

export interface StreamFilterOptions {
  /** Most aggregates whose terms one connection remembers (default 1,000). */
  maxCachedTerms?: number;
  /** How long terms found in the read model are trusted (default 30 s). */
  readModelTtlMs?: number;
  /** How long "not visible (yet)" is remembered, to bound read-model lookups (default 2 s). */
  hiddenTtlMs?: number;
  now?: () => number;
}

interface CachedTerms {
  terms: unknown;
  /** Infinity for terms seen on the stream itself: they are exact for this position. */
  expiresAt: number;
}

/**
 * The entitlement filter of one connection (one viewer). Every event is checked by its source's
 * policy: against the terms it carries, or, for events that carry none, against the terms of its
 * aggregate, taken from the last event of that aggregate this connection saw (events of one
 * aggregate stay in order in one partition, so these are the terms at that point) or else from
 * the read model (`visibleTerms`, which only answers for items the viewer may read). When neither
 * knows the aggregate, the event is withheld: never send what the viewer may not read.
 *
 * Memory: at most `maxCachedTerms` entries (least recently used evicted).
 */
export class StreamFilter<V = unknown> {
  private readonly cache = new Map<string, CachedTerms>();
  private readonly max: number;
  private readonly readModelTtl: number;
  private readonly hiddenTtl: number;
  private readonly now: () => number;

  constructor(
    readonly viewer: V,
    options: StreamFilterOptions = {},
  ) {
    this.max = options.maxCachedTerms ?? 1_000;
    this.readModelTtl = options.readModelTtlMs ?? 30_000;
    this.hiddenTtl = options.hiddenTtlMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  get cachedTerms(): number {
    return this.cache.size;
  }

  /** The item to send, or null when the event is not streamed or not for this viewer. */
  async apply<T>(
    source: StreamSource<T, V>,
    envelope: EventEnvelope<AnyEvent>,
  ): Promise<StreamItem | null> {
    const ev = source.map(envelope);
    if (!ev) return null;
    const key = `${source.kind}:${ev.id}`;
    if (ev.establishes !== undefined) this.remember(key, ev.establishes, Infinity);
    const terms = 'terms' in ev.access ? ev.access.terms : await this.termsOf(source, key, ev.id);
    if (terms === null || !source.canRead(this.viewer, terms)) return null;
    return {
      kind: source.kind,
      id: ev.id,
      type: ev.type,
      version: envelope.metadata.aggregateVersion,
      occurredAt: envelope.metadata.occurredAt.toISOString(),
      data: await ev.data(this.viewer),
    };
  }

  private async termsOf<T>(source: StreamSource<T, V>, key: string, id: string): Promise<T | null> {
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.now()) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.terms as T | null;
    }
    const terms = await source.visibleTerms(this.viewer, id);
    this.remember(key, terms, this.now() + (terms === null ? this.hiddenTtl : this.readModelTtl));
    return terms;
  }

  private remember(key: string, terms: unknown, expiresAt: number): void {
    this.cache.delete(key);
    this.cache.set(key, { terms, expiresAt });
    while (this.cache.size > this.max) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
