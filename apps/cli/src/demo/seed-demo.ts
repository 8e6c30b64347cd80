import { DemoJournal } from './demo-journal';
import { actor, castOf, type DemoOrgRecord } from './demo-cast';
import { seedAdvisories, type AdvisoriesDemo } from './demo-advisories';
import { seedAgreements, type AgreementsDemo } from './demo-agreements';
import { seedCouncil, type CouncilDemo } from './demo-council';
import { seedDesignation } from './demo-designation';
import { seedIndicators } from './demo-indicators';
import { seedOversight, type OversightDemo } from './demo-oversight';
import { seedReporting, type ReportingDemo } from './demo-reporting';
import { DemoSession, waitFor } from './demo-session';
import { seedSupervision, type SupervisionDemo } from './demo-supervision';
import { seedTraffic, type TrafficTotals } from './demo-traffic';

/** What the demo created, for whoever shows the user where to look (`npm start`). */
export interface DemoSummary {
  url: string;
  /** The ids the suggested commands use: an operator, the office, the commission. */
  operatorId: string;
  ncoId: string;
  commissionId: string;
  incidents: ReportingDemo['incidents'];
  advisories: AdvisoriesDemo['advisories'];
  oversight: OversightDemo['oversight'];
  traffic: TrafficTotals;
  agreements: AgreementsDemo['agreements'];
  council: CouncilDemo['council'];
  supervision: SupervisionDemo['supervision'];
  /** The operator the office designated. */
  designated: string;
}

export interface SeedDemoOptions {
  url: string;
  /** Where the demo's requests are kept between runs; none: a second run sends fresh bodies. */
  journalFile?: string;
  log?: (line: string) => void;
}

/**
 * Seeds the demo data through the public API of a running bus, step by step: indicators,
 * reporting, advisories, oversight, traffic, then agreements with operators, the council, the
 * commission's supervision and a designation. Each step uses what the earlier ones made.
 */
export async function seedDemoData(
  orgs: readonly DemoOrgRecord[],
  { url, journalFile, log = (line) => console.log(line) }: SeedDemoOptions,
): Promise<DemoSummary> {
  const cast = castOf(orgs);
  const session = new DemoSession(url, DemoJournal.open(journalFile), log);
  const step = (msg: string) => log(`\n\u25b6 ${msg}`);

  await waitFor(
    'the gateway to be healthy',
    () => session.as(actor(cast.opA)).health(),
    120_000,
    500,
  );
  await waitFor(
    'the demo organisations to be readable',
    async () => Boolean(await session.as(actor(cast.opA)).listIndicators({ limit: 1 })),
    60_000,
    500,
  );

  step('publishing demo indicators');
  await seedIndicators(session, cast);

  step(
    'seeding the reporting demo (assets, incidents, deadlines, orders, a referral and a court’s fine)',
  );
  const { incidents } = await seedReporting(session, cast);

  step(
    'seeding the advisories demo (everyone GREEN, electricity AMBER, named RED, an acknowledgement)',
  );
  const { advisories } = await seedAdvisories(session, cast);

  step(
    'seeding the oversight demo (a pending request, an approved, executed and reported operation, a collection authorisation)',
  );
  const { oversight } = await seedOversight(session, cast);

  step(
    `seeding the traffic demo (flow metadata from ${cast.telecom.id}, a few matching indicators)`,
  );
  // The edge checks the authorisation on the read side: wait until the approval is projected.
  await waitFor(
    'the collection authorisation to be approved',
    async () =>
      (await session.as(actor(cast.commission)).oversightRequest(oversight.collection)).status ===
      'approved',
    60_000,
    300,
  );
  const traffic = await seedTraffic(session, cast);
  log(
    `  ${traffic.received} flows in ${traffic.batches} batches: ${traffic.accepted} accepted, ${traffic.refusedDomestic} domestic-only refused`,
  );

  step(
    'seeding agreements with operators, the council, the commission’s supervision and a designation',
  );
  const { agreements } = await seedAgreements(session, cast);
  const { council } = await seedCouncil(session, cast);
  const { supervision } = await seedSupervision(session, cast);
  const { designated } = await seedDesignation(session, cast);

  return {
    url,
    operatorId: cast.opA.id,
    ncoId: cast.nco.id,
    commissionId: cast.commission.id,
    incidents,
    advisories,
    oversight,
    traffic,
    agreements,
    council,
    supervision,
    designated,
  };
}
