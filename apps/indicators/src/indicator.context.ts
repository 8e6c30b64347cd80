import {
  createIndicatorDecider,
  DEFAULT_INDICATOR_BREADTH,
  toLegacyAggregate,
  type IndicatorBreadth,
  type IndicatorCommand,
  type IndicatorEvent,
  type IndicatorState,
} from '@acd/indicators';
import type { BoundedContext } from '@acd/messaging';

/** One aggregate per indicator; publishing refuses values broader than `breadth` allows. */
export function indicatorContext(
  breadth: IndicatorBreadth = DEFAULT_INDICATOR_BREADTH,
): BoundedContext<IndicatorCommand, IndicatorEvent, IndicatorState> {
  return {
    name: 'indicator',
    namespace: 'jp.acd.indicator',
    commandsTopic: 'indicatorCommands',
    eventsTopic: 'indicatorEvents',
    decider: createIndicatorDecider(breadth),
    aggregateIdOf: (command) => command.data.indicatorId,
    redirect: toLegacyAggregate,
  };
}
