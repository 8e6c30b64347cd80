import {
  advisoryDecider,
  type AdvisoryCommand,
  type AdvisoryEvent,
  type AdvisoryState,
} from '@acd/advisories';
import type { BoundedContext } from '@acd/messaging';

/** One aggregate per advisory; its id is derived at the gateway from the issuing command's id. */
export const advisoriesContext: BoundedContext<AdvisoryCommand, AdvisoryEvent, AdvisoryState> = {
  name: 'advisory',
  namespace: 'jp.acd.advisory',
  commandsTopic: 'advisoryCommands',
  eventsTopic: 'advisoryEvents',
  decider: advisoryDecider,
  aggregateIdOf: (command) => command.data.advisoryId,
};
