import type { CommandContext, Decider, Refusal } from '../decider';

/**
 * Given/When/Then over a decider, in the spirit of Emmett's DeciderSpecification:
 * given past events, when a command arrives, then these events (or this refusal).
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>, ctx: CommandContext) {
  return {
    given(events: E[]) {
      const state = events.reduce(decider.evolve, decider.initialState);
      return {
        when(command: C, overrides: Partial<CommandContext> = {}) {
          const decision = decider.decide(command, state, { ...ctx, ...overrides });
          return {
            then(expected: E[]): void {
              if (!decision.ok) {
                throw new Error(
                  `expected events, got refusal: ${JSON.stringify(decision.refusal)}`,
                );
              }
              expect(decision.events).toEqual(expected);
            },
            thenRefused(expected: Partial<Refusal>): void {
              if (decision.ok) {
                throw new Error(
                  `expected a refusal, got events: ${JSON.stringify(decision.events)}`,
                );
              }
              expect(decision.refusal).toMatchObject(expected);
            },
            thenNothing(): void {
              expect(decision).toEqual({ ok: true, events: [] });
            },
          };
        },
      };
    },
  };
}
