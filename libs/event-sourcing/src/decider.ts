/**
 * The whole event-sourcing model in one place: a decider is a pure function of
 * (command, state, now). The runtime that feeds it commands, stores its events and
 * answers callers lives in @acd/messaging; nothing here knows about Kafka or MongoDB.
 */

export type Refusal = {
  /**
   * conflict → 409, invalid → 422, forbidden → 403, not-found → 404; unavailable → 503 (the
   * processor's own, never a decider's: the item cannot be decided on by this version)
   */
  code: 'conflict' | 'invalid' | 'forbidden' | 'not-found' | 'unavailable';
  reason: string;
  field?: string;
};

export type Decision<E> = { ok: true; events: E[] } | { ok: false; refusal: Refusal };

export interface CommandContext {
  /** Organisation on whose authority the command runs (already authenticated at the edge). */
  issuedBy: {
    orgId: string;
    kind: string;
    sector: string | null;
    /** Bound to the council's confidentiality when the gateway took the command (Act art. 45). */
    councilBound?: boolean;
  };
  now: Date;
}

export interface Decider<C, E, S> {
  initialState: S;
  decide(command: C, state: S, ctx: CommandContext): Decision<E>;
  evolve(state: S, event: E): S;
}

export const accept = <E>(...events: E[]): Decision<E> => ({ ok: true, events });
export const refuse = <E>(code: Refusal['code'], reason: string, field?: string): Decision<E> => ({
  ok: false,
  refusal: field === undefined ? { code, reason } : { code, reason, field },
});

/** Compile-time exhaustiveness: a new command or event type that a switch forgets fails the build. */
export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
