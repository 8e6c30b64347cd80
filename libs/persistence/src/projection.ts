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
  createIndexes(collection: Collection<D>): Promise<void>;
}
