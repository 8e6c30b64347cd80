import type { Decider } from './decider';
import type { EventEnvelope } from './envelope';

/**
 * What the single writer of an aggregate keeps: the domain state plus the bookkeeping that
 * makes retries harmless (version, and which commands already produced which events).
 */
export interface Aggregate<S> {
  version: number;
  state: S;
  /** command id → the version and event ids it produced; lets a retried command answer without a second event */
  processed: Map<string, { version: number; eventIds: string[] }>;
}

export function emptyAggregate<S>(initialState: S): Aggregate<S> {
  return { version: 0, state: initialState, processed: new Map() };
}

/**
 * Applies one stored event. An event at or below the current version was already applied
 * (a replay, or a duplicate written by a fenced-off zombie), so it changes nothing: the first
 * event of each version in the log wins, for every reader alike.
 */
export function applyEnvelope<C, E, S>(
  decider: Decider<C, E, S>,
  aggregate: Aggregate<S>,
  envelope: EventEnvelope<E>,
): Aggregate<S> {
  const { aggregateVersion, causationId, eventId } = envelope.metadata;
  if (aggregateVersion <= aggregate.version) return aggregate;
  const processed = new Map(aggregate.processed);
  const previous = processed.get(causationId);
  processed.set(causationId, {
    version: aggregateVersion,
    eventIds: [...(previous?.eventIds ?? []), eventId],
  });
  return {
    version: aggregateVersion,
    state: decider.evolve(aggregate.state, envelope.event),
    processed,
  };
}
