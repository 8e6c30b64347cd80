import type { OversightConfig } from '@acd/oversight';
import type { BoundedContext } from '@acd/messaging';
import {
  createOversightDecider,
  oversightAggregateIdOf,
  type OversightCommand,
  type OversightEvent,
  type OversightState,
} from '@acd/oversight';

/**
 * One aggregate per authorisation request, keyed by request id (an operation lives in the
 * aggregate of the request that governs it), and one supervision file per agency, keyed by the
 * agency's id.
 */
export function oversightContext(
  config: OversightConfig,
): BoundedContext<OversightCommand, OversightEvent, OversightState> {
  return {
    name: 'oversight',
    namespace: 'jp.acd.oversight',
    commandsTopic: 'oversightCommands',
    eventsTopic: 'oversightEvents',
    decider: createOversightDecider({
      members: config.ACD_COMMISSION_MEMBERS,
      quorum: config.ACD_COMMISSION_QUORUM,
      emergencyNotifyWithin: config.ACD_EMERGENCY_NOTIFY_WITHIN,
    }),
    aggregateIdOf: oversightAggregateIdOf,
  };
}
