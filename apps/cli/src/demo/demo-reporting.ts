import type {
  FileReportBody,
  IssueOrderBody,
  NotifyAssetBody,
  OpenIncidentBody,
  OutcomeBody,
  ReferralBody,
  ReportStage,
} from '../api-client';
import { actor, type DemoCast, type DemoOrgRecord } from './demo-cast';
import { doneOrConflict, waitFor, type DemoSession } from './demo-session';

const HOUR = 3_600_000;

export interface ReportingDemo {
  incidents: { onTime: string; closed: string; pending: string; complied: string; ignored: string };
}

export function demoAsset(assetId: string, name: string, fn: string): NotifyAssetBody {
  return {
    assetId,
    name,
    function: fn,
    location: 'primary control centre',
    vendor: 'Example Systems',
    product: 'ControlSuite 9',
    exposure: 'partner-network',
  };
}

/** The incidents, as opened `now`: their awareness times set each one's deadlines. */
export function demoIncidents(now: number) {
  const ago = (h: number) => new Date(now - h * HOUR).toISOString();
  return {
    onTime: {
      title: 'Phishing foothold on a signalling engineer laptop',
      awareAt: ago(2),
      impact: 'low',
      affectedAssets: ['tokai-signal-01'],
    },
    closed: {
      title: 'Credential stuffing against the customer portal',
      awareAt: ago(3),
      impact: 'moderate',
    },
    pending: {
      title: 'Unauthorised remote session on substation SCADA',
      awareAt: ago(30),
      impact: 'high',
      affectedAssets: ['setouchi-scada-02'],
      sharedWithPolice: true,
    },
    complied: {
      title: 'Ransomware on a payments batch server',
      awareAt: ago(26),
      impact: 'severe',
      affectedAssets: ['minato-core-01'],
      suspectedActor: 'ransomware affiliate',
    },
    ignored: {
      title: 'Wiper on the energy management system',
      awareAt: ago(40),
      impact: 'severe',
      affectedAssets: ['kanto-ems-01'],
    },
  } satisfies Record<keyof ReportingDemo['incidents'], OpenIncidentBody>;
}

export function demoOrder(dueAt: number): IssueOrderBody {
  return {
    instructions: 'File the overdue early-warning report on this incident.',
    dueAt: new Date(dueAt).toISOString(),
  };
}

export const DEMO_REFERRAL: ReferralBody = {
  statementOfFacts:
    'The operator did not file the early-warning report on the wiper incident within the ' +
    'deadline, and ignored the correction order to file it by its due date.',
};

/** A court's fine, decided on the day (in Japan) of `now`. */
export function demoOutcome(now: number): OutcomeBody {
  return {
    outcome: 'fined',
    fineYen: 1_000_000,
    court: 'Tokyo Summary Court',
    caseReference: 'Reiwa 8 (i) No. 1234',
    decidedOn: new Date(now + 9 * HOUR).toISOString().slice(0, 10),
  };
}

/**
 * Seeds the reporting demo, so the compliance board shows every state an incident can be in:
 * reports on time, a missed early warning with a case, an open order, an order complied with,
 * an order ignored, referred to the prosecutors and fined by a court, and a closed incident.
 */
export async function seedReporting(
  session: DemoSession,
  { nco, kanto, setouchi, tokai, bank }: DemoCast,
): Promise<ReportingDemo> {
  const { log } = session;
  const now = Date.now();
  const incidents = demoIncidents(now);

  const asset = (op: DemoOrgRecord, body: NotifyAssetBody) =>
    doneOrConflict(
      session.send(actor(op), `demo-asset-${body.assetId}`, body, (c, b, k) => c.notifyAsset(b, k)),
    );
  const open = async (op: DemoOrgRecord, key: string, body: OpenIncidentBody) =>
    (await session.send(actor(op), `demo-incident-${key}`, body, (c, b, k) => c.openIncident(b, k)))
      .incidentId;
  const report = (
    op: DemoOrgRecord,
    incidentId: string,
    key: string,
    stage: ReportStage,
    summary: string,
  ) =>
    doneOrConflict(
      session.send(
        actor(op),
        `demo-report-${key}-${stage}`,
        { stage, summary } satisfies FileReportBody,
        (c, b, k) => c.fileReport(incidentId, b, k),
      ),
    );
  /** The missed-deadline case the scheduler opens for an incident, once the projection shows it. */
  const caseFor = (op: DemoOrgRecord, incidentId: string) =>
    waitFor(
      `the missed early warning of ${op.id}`,
      async () =>
        (await session.as(actor(nco)).complianceFile(op.id)).cases?.find(
          (c) => c.incidentId === incidentId,
        )?.caseId,
      60_000,
    );
  const orderOn = async (op: DemoOrgRecord, caseId: string, key: string, dueAt: number) =>
    (
      await session.send(actor(nco), `demo-order-${key}`, demoOrder(dueAt), (c, b, k) =>
        c.issueOrder(op.id, caseId, b, k),
      )
    ).orderId;

  await asset(kanto, demoAsset('kanto-ems-01', 'Energy management system', 'grid dispatch'));
  await asset(setouchi, demoAsset('setouchi-scada-02', 'Substation SCADA', 'substation control'));
  await asset(tokai, demoAsset('tokai-signal-01', 'Signalling controller', 'train signalling'));
  await asset(bank, demoAsset('minato-core-01', 'Core banking host', 'deposits and payments'));

  // 1. Reports on time; the notification is still ahead.
  const onTime = await open(tokai, 'tokai-1', incidents.onTime);
  await report(
    tokai,
    onTime,
    'tokai-1',
    'EARLY_WARNING',
    'Laptop isolated; signalling unaffected.',
  );
  log(`  ${tokai.id}: incident with its early warning on time, notification pending`);

  // 2. Closed: every stage filed on time.
  const closed = await open(kanto, 'kanto-closed', incidents.closed);
  for (const stage of ['EARLY_WARNING', 'NOTIFICATION', 'FINAL'] as const) {
    await report(
      kanto,
      closed,
      'kanto-closed',
      stage,
      `${stage.toLowerCase()} on the portal attack`,
    );
  }
  log(`  ${kanto.id}: incident closed with every report on time`);

  // 3. Early warning missed 24 h after awareness: the scheduler opens a case; an order is open.
  const pending = await open(setouchi, 'setouchi-1', incidents.pending);
  const setouchiCase = await caseFor(setouchi, pending);
  await orderOn(setouchi, setouchiCase, 'setouchi-1', Date.now() + 72 * HOUR);
  log(`  ${setouchi.id}: early warning missed, correction order open for 72 h`);

  // 4. Missed, ordered, complied with the late report (a bank: jp-acd, NIS2 and CIRCIA apply).
  const complied = await open(bank, 'bank-1', incidents.complied);
  const bankCase = await caseFor(bank, complied);
  await orderOn(bank, bankCase, 'bank-1', Date.now() + 48 * HOUR);
  await report(
    bank,
    complied,
    'bank-1',
    'EARLY_WARNING',
    'Batch server encrypted; payments rerouted.',
  );
  log(`  ${bank.id}: early warning missed, ordered, then filed: order complied`);

  // 5. Missed, ordered with a short due date, ignored, referred to the prosecutors, fined by a court.
  const ignored = await open(kanto, 'kanto-ignored', incidents.ignored);
  const kantoCase = await caseFor(kanto, ignored);
  const order = await orderOn(kanto, kantoCase, 'kanto-ignored', Date.now() + 4_000);
  await waitFor(
    'the ignored order',
    async () =>
      (await session.as(actor(nco)).complianceFile(kanto.id)).orders?.find(
        (o) => o.orderId === order && o.status !== 'open',
      ),
    60_000,
  );
  await doneOrConflict(
    session.send(actor(nco), 'demo-referral-kanto', DEMO_REFERRAL, (c, b, k) =>
      c.referToProsecutors(kanto.id, order, b, k),
    ),
  );
  await doneOrConflict(
    session.send(actor(nco), 'demo-outcome-kanto', demoOutcome(Date.now()), (c, b, k) =>
      c.recordOutcome(kanto.id, order, b, k),
    ),
  );
  log(
    `  ${kanto.id}: early warning missed, order ignored, referred to the prosecutors, fined 1,000,000 yen by a court`,
  );
  return { incidents: { onTime, closed, pending, complied, ignored } };
}
