import { Map as ImmutableMap } from 'immutable';
import type { Decider } from './decider';
import type { EventEnvelope } from './envelope';

/**
 * What the single writer of an aggregate keeps: the domain state plus the bookkeeping that
 * makes retries harmless (version, and which commands already produced which events).
 */
export interface Aggregate<S> {
  version: number;
  state: S;
  /**
   * command id → the version and event ids it produced; lets a retried command answer without a
   * second event. A persistent map: each event adds one entry in O(log n) and shares the rest,
   * so replaying a long-lived aggregate stays linear (a copied Map made it quadratic).
   */
  processed: ImmutableMap<string, ProcessedCommand>;
}

export interface ProcessedCommand {
  version: number;
  eventIds: string[];
  /** The command's fingerprint ('' when it had none): a retry must present the same one. */
  fingerprint: string;
}

export function emptyAggregate<S>(initialState: S): Aggregate<S> {
  return { version: 0, state: initialState, processed: ImmutableMap() };
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
  const { aggregateVersion, causationId, eventId, commandFingerprint } = envelope.metadata;
  if (aggregateVersion <= aggregate.version) return aggregate;
  const previous = aggregate.processed.get(causationId);
  const processed = aggregate.processed.set(causationId, {
    version: aggregateVersion,
    eventIds: [...(previous?.eventIds ?? []), eventId],
    fingerprint: commandFingerprint ?? '',
  });
  return {
    version: aggregateVersion,
    state: decider.evolve(aggregate.state, envelope.event),
    processed,
  };
}
