import {
  indicatorDecider,
  toLegacyAggregate,
  type IndicatorCommand,
  type IndicatorEvent,
  type IndicatorState,
} from '@acd/indicators-domain';
import type { BoundedContext } from '@acd/messaging';

export const indicatorContext: BoundedContext<IndicatorCommand, IndicatorEvent, IndicatorState> = {
  name: 'indicator',
  namespace: 'jp.acd.indicator',
  commandsTopic: 'indicatorCommands',
  eventsTopic: 'indicatorEvents',
  decider: indicatorDecider,
  aggregateIdOf: (command) => command.data.indicatorId,
  redirect: toLegacyAggregate,
};
