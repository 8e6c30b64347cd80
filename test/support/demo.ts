import { join } from 'node:path';
import { castOf, type DemoCast, type DemoOrgRecord } from '../../apps/cli/src/demo/demo-cast';
import { DemoJournal } from '../../apps/cli/src/demo/demo-journal';
import { DemoSession } from '../../apps/cli/src/demo/demo-session';
import type { BusUnderTest } from './bus';

/**
 * One run of a step of `acd seed-demo` against the bus under test. Every run reopens the bus's
 * journal file, as a second `npm start` on one stack does.
 */
export function runDemoStep<R>(
  bus: BusUnderTest,
  step: (session: DemoSession, cast: DemoCast) => Promise<R>,
): Promise<R> {
  const journal = DemoJournal.open(join(bus.logDir, 'demo-journal.json'));
  const session = new DemoSession(bus.base, journal, () => undefined);
  return step(session, castOf(bus.orgs as DemoOrgRecord[]));
}
