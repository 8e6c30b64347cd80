import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { TopicKey } from '@acd/messaging';
import type { CountersSpec } from './counters';

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
  /**
   * `documentIdOf` names one document per aggregate, made by its first event: a batch holding
   * an aggregate's version 1 need not look for its document (as when the id is the aggregate's).
   */
  documentPerAggregate?: boolean;
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
  /**
   * Keep a version log of this model (see version-log.ts): every version of every document,
   * whole, so bulk and versioned reads never touch the documents. Its collection is
   * `<collection>-log-g<generation>`.
   */
  versionLog?: {
    /**
     * The versions the document has been through, each tagged with the aggregate version that
     * made it; the log takes those of the events being applied. `f` is the version, `g` what a
     * reader needs to judge an earlier version once this one exists.
     */
    versionsOf(doc: D): readonly {
      av: number;
      t: number;
      f: Record<string, unknown>;
      g: Record<string, unknown>;
    }[];
  };
  /**
   * Keep counters of this model per day and bucket (see counters.ts), so aggregates are read
   * from a few documents per day and judged bucket by bucket under the reader's entitlement.
   * Their collection is `<collection>-counts-g<generation>`.
   */
  counters?: CountersSpec<D>;
}

/** The collection holding a projection's change feed in a given generation. */
export function feedCollectionOf(projection: { collection: string }, generation: number): string {
  return `${projection.collection}-feed-g${generation}`;
}
