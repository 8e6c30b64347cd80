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
}
