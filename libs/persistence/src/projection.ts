import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { TopicKey } from '@acd/messaging';

export interface ReadModelDoc {
  _id: string;
  /** Aggregate version this document reflects: the guard that makes replays harmless. */
  version: number;
}

/** A read model: a pure evolve over documents, plus the indexes its queries need. */
export interface Projection<E, D extends ReadModelDoc> {
  name: string;
  collection: string;
  topic: TopicKey;
  evolve(doc: D | null, envelope: EventEnvelope<E>): D | null;
  /**
   * The document an event belongs to; without it, the aggregate's own. Null: the event does not
   * touch this read model. A document must belong to one aggregate only, so the aggregate
   * version of the last event applied to it still guards it against replays.
   */
  documentIdOf?(envelope: EventEnvelope<E>): string | null;
  createIndexes(collection: Collection<D>): Promise<void>;
  /**
   * Keep a change feed of this model (see change-feed.ts), so lists walk it by `_id` instead of
   * querying the collection. Its collection is `<collection>-feed-g<generation>`.
   */
  feed?: {
    /** When the document last changed, epoch ms: the list order. */
    changedAt(doc: D): number;
    /** The fields a list may filter on before fetching the document. */
    fields(doc: D): Record<string, unknown>;
  };
}

/** The collection holding a projection's change feed in a given generation. */
export function feedCollectionOf(projection: { collection: string }, generation: number): string {
  return `${projection.collection}-feed-g${generation}`;
}
