import {
  reportingDecider,
  type ReportingCommand,
  type ReportingEvent,
  type ReportingFileState,
  type ReportingPolicy,
} from '@acd/reporting';
import type { BoundedContext } from '@acd/messaging';

/** One aggregate per designated operator: its reporting file. */
export function reportingContext(
  policy: ReportingPolicy,
): BoundedContext<ReportingCommand, ReportingEvent, ReportingFileState> {
  return {
    name: 'reporting',
    namespace: 'jp.acd.reporting',
    commandsTopic: 'reportingCommands',
    eventsTopic: 'reportingEvents',
    decider: reportingDecider(policy),
    aggregateIdOf: (command) => command.data.operatorId,
  };
}
