import fc from 'fast-check';
import { deciderSpec } from '@acd/event-sourcing/testing';
import { deterministicId, type CommandContext } from '@acd/event-sourcing';
import type { FileReport, NotifyAsset, OpenIncident, ReportingCommand } from './reporting.commands';
import { SCHEDULER_ISSUER } from './reporting.commands';
import { MAX_FINE_YEN, reportingDecider } from './reporting.decider';
import type {
  AssetNotified,
  ComplianceCaseOpened,
  CorrectionOrderIssued,
  IncidentOpened,
  IncidentReportFiled,
  ReportDeadlineMissed,
  ReportingEvent,
} from './reporting.events';
import { buildReportingPolicy, DEFAULT_PROFILE_SETTINGS } from './profiles';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const OP = 'op-kanto-electric';
const operator = { orgId: OP, kind: 'operator', sector: 'electricity' };
const bank = { orgId: 'op-minato-bank', kind: 'operator', sector: 'finance' };
const office = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
const police = { orgId: 'gov-npa', kind: 'police', sector: null };
const at = (t: number): Partial<CommandContext> => ({ now: new Date(t) });

const policy = buildReportingPolicy();
const decider = reportingDecider(policy);
const spec = deciderSpec(decider, { issuedBy: operator, now: new Date(T0) });

/** Runs a command and returns its events, failing loudly on a refusal (for building givens). */
function run(
  history: ReportingEvent[],
  command: ReportingCommand,
  ctx: Partial<CommandContext> = {},
) {
  const state = history.reduce(decider.evolve, decider.initialState);
  const decision = decider.decide(command, state, {
    issuedBy: operator,
    now: new Date(T0),
    ...ctx,
  });
  if (!decision.ok) throw new Error(JSON.stringify(decision.refusal));
  return [...history, ...decision.events];
}

const asset = (over: Partial<NotifyAsset['data']> = {}): NotifyAsset => ({
  type: 'NotifyAsset',
  data: {
    operatorId: OP,
    assetId: 'scada-hmi-01',
    name: 'SCADA HMI 01',
    function: 'substation control',
    location: 'Saitama control centre',
    vendor: 'Example Systems',
    product: 'GridView 7',
    exposure: 'partner-network',
    installedAt: T0 - 400 * 24 * H,
    ...over,
  },
});

const open = (over: Partial<OpenIncident['data']> = {}): OpenIncident => ({
  type: 'OpenIncident',
  data: {
    operatorId: OP,
    incidentId: 'inc-1',
    title: 'Ransomware on engineering workstations',
    description: null,
    awareAt: T0,
    detectedAt: T0 - H,
    firstSeenAt: T0 - 5 * H,
    impact: 'moderate',
    status: 'investigating',
    suspectedActor: null,
    affectedAssets: ['scada-hmi-01'],
    indicatorIds: [],
    sharedWithPolice: false,
    ransomPaidAt: null,
    orderId: null,
    ...over,
  },
});

const report = (
  stage: FileReport['data']['stage'],
  over: Partial<FileReport['data']> = {},
): FileReport => ({
  type: 'FileReport',
  data: {
    operatorId: OP,
    incidentId: 'inc-1',
    reportId: `r-${stage}`,
    stage,
    summary: `${stage} report`,
    impact: null,
    status: null,
    suspectedActor: null,
    affectedAssets: null,
    indicatorIds: null,
    sharedWithPolice: null,
    ransomPaidAt: null,
    ...over,
  },
});

const withAsset = () => run([], asset());
/** The bank's incident (finance: jp-acd, NIS2 and CIRCIA), aware at T0. */
const bankIncidentEvents = () =>
  run(
    [],
    { type: 'OpenIncident', data: { ...open().data, operatorId: bank.orgId, affectedAssets: [] } },
    { issuedBy: bank, now: new Date(T0) },
  );
const withIncident = (over: Partial<OpenIncident['data']> = {}) =>
  run(withAsset(), open(over), at(T0 + 60_000));

function ofType<T extends ReportingEvent['type']>(events: ReportingEvent[], type: T) {
  return events.filter((e): e is Extract<ReportingEvent, { type: T }> => e.type === type);
}

describe('asset notices', () => {
  it('an operator notifies a specified important computer', () => {
    spec
      .given([])
      .when(asset())
      .then([
        {
          type: 'AssetNotified',
          data: { ...asset().data, sector: 'electricity', notifiedAt: T0 },
        } satisfies AssetNotified,
      ]);
  });

  it('refuses another organisation notifying on its behalf', () => {
    spec.given([]).when(asset(), { issuedBy: bank }).thenRefused({ code: 'forbidden' });
    spec.given([]).when(asset(), { issuedBy: office }).thenRefused({ code: 'forbidden' });
  });

  it('refuses bad input with the field', () => {
    spec
      .given([])
      .when(asset({ assetId: 'has space' }))
      .thenRefused({ code: 'invalid', field: 'assetId' });
    spec
      .given([])
      .when(asset({ name: '  ' }))
      .thenRefused({ code: 'invalid', field: 'name' });
    spec
      .given([])
      .when(asset({ exposure: 'cloud' as never }))
      .thenRefused({ code: 'invalid', field: 'exposure' });
    spec
      .given([])
      .when(asset({ installedAt: T0 + 24 * H }))
      .thenRefused({ code: 'invalid', field: 'installedAt', reason: 'lies in the future' });
  });

  it('refuses a second notice of the same asset, and a notice of a retired one', () => {
    spec.given(withAsset()).when(asset()).thenRefused({ code: 'conflict' });
    const retired = run(withAsset(), {
      type: 'RetireAsset',
      data: { operatorId: OP, assetId: 'scada-hmi-01', reason: 'replaced' },
    });
    spec.given(retired).when(asset()).thenRefused({ code: 'conflict' });
  });

  it('records a change with the fields that changed; no change, no event', () => {
    const change = { ...asset().data, exposure: 'internet' as const, location: 'Chiba DR site' };
    spec
      .given(withAsset())
      .when({ type: 'ChangeAsset', data: change })
      .then([
        {
          type: 'AssetChanged',
          data: {
            operatorId: OP,
            assetId: 'scada-hmi-01',
            name: change.name,
            function: change.function,
            location: 'Chiba DR site',
            vendor: change.vendor,
            product: change.product,
            exposure: 'internet',
            changedFields: ['location', 'exposure'],
            changedAt: T0,
          },
        },
      ]);
    spec.given(withAsset()).when({ type: 'ChangeAsset', data: asset().data }).thenNothing();
  });

  it('refuses changing or retiring an unknown or retired asset', () => {
    const unknown = { ...asset().data, assetId: 'nope' };
    spec
      .given(withAsset())
      .when({ type: 'ChangeAsset', data: unknown })
      .thenRefused({ code: 'not-found' });
    spec
      .given(withAsset())
      .when({ type: 'RetireAsset', data: { operatorId: OP, assetId: 'nope', reason: 'x' } })
      .thenRefused({ code: 'not-found' });
    const retired = run(withAsset(), {
      type: 'RetireAsset',
      data: { operatorId: OP, assetId: 'scada-hmi-01', reason: 'replaced' },
    });
    spec
      .given(retired)
      .when({ type: 'ChangeAsset', data: asset().data })
      .thenRefused({ code: 'conflict' });
    spec
      .given(retired)
      .when({
        type: 'RetireAsset',
        data: { operatorId: OP, assetId: 'scada-hmi-01', reason: 'again' },
      })
      .thenRefused({ code: 'conflict' });
    spec
      .given(withAsset())
      .when({ type: 'RetireAsset', data: { operatorId: OP, assetId: 'scada-hmi-01', reason: ' ' } })
      .thenRefused({ code: 'invalid', field: 'reason' });
  });
});

describe('opening an incident', () => {
  it('fixes the regimes of the sector and every deadline that runs from awareness', () => {
    const events = withIncident();
    const opened = ofType(events, 'IncidentOpened')[0] as IncidentOpened;
    expect(opened.data.regimes).toEqual(['jp-acd']);
    expect(opened.data.deadlines).toEqual([
      {
        deadlineId: 'jp-acd/early-warning',
        regime: 'jp-acd',
        obligation: 'early-warning',
        stage: 'EARLY_WARNING',
        dueAt: T0 + 24 * H,
      },
      {
        deadlineId: 'jp-acd/notification',
        regime: 'jp-acd',
        obligation: 'notification',
        stage: 'NOTIFICATION',
        dueAt: T0 + 72 * H,
      },
      {
        deadlineId: 'jp-acd/final-report',
        regime: 'jp-acd',
        obligation: 'final-report',
        stage: 'FINAL',
        dueAt: T0 + 30 * 24 * H,
      },
    ]);
  });

  it('puts a bank under all three regimes, and a paid ransom starts the CIRCIA 24 h clock', () => {
    const state = decider.initialState;
    const d = decider.decide(
      {
        type: 'OpenIncident',
        data: { ...open().data, operatorId: bank.orgId, affectedAssets: [], ransomPaidAt: T0 + H },
      },
      state,
      { issuedBy: bank, now: new Date(T0 + 2 * H) },
    );
    if (!d.ok) throw new Error(d.refusal.reason);
    const opened = d.events[0] as IncidentOpened;
    expect(opened.data.regimes).toEqual(['jp-acd', 'nis2', 'circia']);
    expect(opened.data.deadlines.map((x) => [x.deadlineId, x.dueAt])).toEqual([
      ['jp-acd/early-warning', T0 + 24 * H],
      ['jp-acd/notification', T0 + 72 * H],
      ['jp-acd/final-report', T0 + 30 * 24 * H],
      ['nis2/early-warning', T0 + 24 * H],
      ['nis2/notification', T0 + 72 * H],
      ['circia/covered-incident', T0 + 72 * H],
      ['circia/ransom-payment', T0 + 25 * H],
    ]);
  });

  it('uses the configured jp-acd hours', () => {
    const short = reportingDecider(
      buildReportingPolicy({ ...DEFAULT_PROFILE_SETTINGS, jpEarlyWarning: 'PT6H' }),
    );
    const state = withAsset().reduce(short.evolve, short.initialState);
    const d = short.decide(open(), state, { issuedBy: operator, now: new Date(T0) });
    if (!d.ok) throw new Error(d.refusal.reason);
    expect((d.events[0] as IncidentOpened).data.deadlines[0]?.dueAt).toBe(T0 + 6 * H);
  });

  it('refuses times in the future or in an impossible order', () => {
    const g = spec.given(withAsset());
    g.when(open({ awareAt: T0 + 6 * 60_000 })).thenRefused({
      field: 'awareAt',
      reason: 'lies in the future',
    });
    g.when(open({ detectedAt: T0 + H, awareAt: T0 })).thenRefused({
      code: 'invalid',
      field: 'detectedAt',
    });
    g.when(open({ firstSeenAt: T0 - 0.5 * H })).thenRefused({
      code: 'invalid',
      field: 'firstSeenAt',
    });
    g.when(open({ ransomPaidAt: T0 - H })).thenRefused({
      field: 'ransomPaidAt',
      reason: 'lies before awareness of the incident',
    });
    // Five minutes of clock skew are tolerated.
    g.when(open({ awareAt: T0 + 4 * 60_000, detectedAt: null, firstSeenAt: null })).then([
      expect.objectContaining({ type: 'IncidentOpened' }) as never,
    ]);
  });

  it('refuses an unknown or retired asset, and another organisation opening it', () => {
    spec
      .given(withAsset())
      .when(open({ affectedAssets: ['ghost-01'] }))
      .thenRefused({
        code: 'invalid',
        field: 'affectedAssets',
        reason: 'unknown asset "ghost-01": notify it first',
      });
    const retired = run(withAsset(), {
      type: 'RetireAsset',
      data: { operatorId: OP, assetId: 'scada-hmi-01', reason: 'replaced' },
    });
    spec.given(retired).when(open()).thenRefused({ field: 'affectedAssets' });
    spec.given(withAsset()).when(open(), { issuedBy: office }).thenRefused({ code: 'forbidden' });
    spec.given(withIncident()).when(open()).thenRefused({ code: 'conflict' });
    spec
      .given(withAsset())
      .when(open({ title: '' }))
      .thenRefused({ field: 'title' });
    spec
      .given(withAsset())
      .when(open({ impact: 'apocalyptic' as never }))
      .thenRefused({ field: 'impact' });
  });
});

describe('staged reports', () => {
  it('an early warning on time meets its deadline', () => {
    const events = run(withIncident(), report('EARLY_WARNING'), at(T0 + 2 * H));
    const filed = ofType(events, 'IncidentReportFiled')[0] as IncidentReportFiled;
    expect(filed.data).toMatchObject({
      stage: 'EARLY_WARNING',
      deadlinesMet: ['jp-acd/early-warning'],
      deadlinesFiledLate: [],
      newDeadlines: [],
      changedFields: [],
    });
  });

  it('a report at exactly the due instant is on time; one millisecond later it is missed', () => {
    const onTime = run(withIncident(), report('EARLY_WARNING'), at(T0 + 24 * H));
    expect(ofType(onTime, 'IncidentReportFiled')[0]?.data.deadlinesMet).toEqual([
      'jp-acd/early-warning',
    ]);
    expect(ofType(onTime, 'ReportDeadlineMissed')).toHaveLength(0);

    const late = run(withIncident(), report('EARLY_WARNING'), at(T0 + 24 * H + 1));
    expect(late.slice(-3).map((e) => e.type)).toEqual([
      'ComplianceCaseOpened',
      'ReportDeadlineMissed',
      'IncidentReportFiled',
    ]);
    expect(ofType(late, 'IncidentReportFiled')[0]?.data).toMatchObject({
      deadlinesMet: [],
      deadlinesFiledLate: ['jp-acd/early-warning'],
    });
  });

  it('refuses stages out of order, twice, or on a closed incident', () => {
    const g = spec.given(withIncident());
    g.when(report('NOTIFICATION'), at(T0 + H)).thenRefused({
      code: 'conflict',
      field: 'stage',
      reason: 'file the EARLY_WARNING report before the NOTIFICATION report',
    });
    g.when(report('FINAL'), at(T0 + H)).thenRefused({ code: 'conflict', field: 'stage' });
    g.when(report('INTERIM'), at(T0 + H)).thenRefused({ code: 'conflict', field: 'stage' });
    const ew = run(withIncident(), report('EARLY_WARNING'), at(T0 + H));
    spec
      .given(ew)
      .when(report('EARLY_WARNING', { reportId: 'r-2' }), at(T0 + 2 * H))
      .thenRefused({
        reason: 'the EARLY_WARNING report was already filed',
      });
    spec
      .given(ew)
      .when(report('INTERIM'), at(T0 + 2 * H))
      .thenRefused({
        reason: 'file the NOTIFICATION report before the INTERIM report',
      });
    const closed = run(
      run(ew, report('NOTIFICATION'), at(T0 + 3 * H)),
      report('FINAL'),
      at(T0 + 4 * H),
    );
    expect(closed[closed.length - 1]?.type).toBe('IncidentClosed');
    spec
      .given(closed)
      .when(report('INTERIM'), at(T0 + 5 * H))
      .thenRefused({
        code: 'conflict',
        reason: 'incident inc-1 is closed: its final report was filed',
      });
  });

  it('refuses a report from anyone but the operator, and on an unknown incident', () => {
    const g = spec.given(withIncident());
    g.when(report('EARLY_WARNING'), { issuedBy: office }).thenRefused({ code: 'forbidden' });
    g.when(report('EARLY_WARNING'), { issuedBy: police }).thenRefused({ code: 'forbidden' });
    g.when(report('EARLY_WARNING', { operatorId: bank.orgId }), { issuedBy: bank }).thenRefused({
      field: 'operatorId',
    });
    g.when(report('EARLY_WARNING', { incidentId: 'nope' })).thenRefused({ code: 'not-found' });
  });

  it('refuses a report that names an unknown asset or a ransom paid before awareness', () => {
    const g = spec.given(withIncident());
    g.when(report('EARLY_WARNING', { affectedAssets: ['ghost'] })).thenRefused({
      field: 'affectedAssets',
    });
    g.when(report('EARLY_WARNING', { ransomPaidAt: T0 - 1 })).thenRefused({
      field: 'ransomPaidAt',
    });
    g.when(report('EARLY_WARNING', { ransomPaidAt: T0 + 48 * H }), at(T0 + H)).thenRefused({
      field: 'ransomPaidAt',
      reason: 'lies in the future',
    });
    g.when(report('EARLY_WARNING', { summary: ' ' })).thenRefused({ field: 'summary' });
    g.when(report('RANSOM_PAYMENT')).thenRefused({
      reason: 'a ransom payment report needs ransomPaidAt',
    });
  });

  it('records what changed and who may read it', () => {
    const events = run(
      withIncident(),
      report('EARLY_WARNING', { impact: 'high', sharedWithPolice: true, suspectedActor: 'APT-X' }),
      at(T0 + H),
    );
    expect(ofType(events, 'IncidentReportFiled')[0]?.data).toMatchObject({
      impact: 'high',
      sharedWithPolice: true,
      suspectedActor: 'APT-X',
      status: 'investigating',
      changedFields: ['impact', 'suspectedActor', 'sharedWithPolice'],
    });
  });

  it('NIS2: the notification starts a one-month clock for the final report', () => {
    const start = T0 + 10 * H;
    const bankCtx = (t: number) => ({ issuedBy: bank, now: new Date(t) });
    let events: ReportingEvent[] = run(
      [],
      {
        type: 'OpenIncident',
        data: { ...open().data, operatorId: bank.orgId, affectedAssets: [] },
      },
      bankCtx(T0),
    );
    events = run(events, report('EARLY_WARNING', { operatorId: bank.orgId }), bankCtx(T0 + H));
    events = run(events, report('NOTIFICATION', { operatorId: bank.orgId }), bankCtx(start));
    const filed = ofType(events, 'IncidentReportFiled')[1];
    expect(filed?.data.deadlinesMet).toEqual([
      'jp-acd/notification',
      'nis2/notification',
      'circia/covered-incident',
    ]);
    expect(filed?.data.newDeadlines).toEqual([
      {
        deadlineId: 'nis2/final-report',
        regime: 'nis2',
        obligation: 'final-report',
        stage: 'FINAL',
        dueAt: Date.parse('2026-12-20T10:00:00Z'),
      },
    ]);
  });

  it('CIRCIA: a ransom paid and reported late is missed (no Japanese case) and filed late; the FINAL report never waits for it', () => {
    const bankCtx = (t: number) => ({ issuedBy: bank, now: new Date(t) });
    let events: ReportingEvent[] = run(
      [],
      {
        type: 'OpenIncident',
        data: { ...open().data, operatorId: bank.orgId, affectedAssets: [] },
      },
      bankCtx(T0),
    );
    events = run(events, report('EARLY_WARNING', { operatorId: bank.orgId }), bankCtx(T0 + H));
    events = run(
      events,
      report('NOTIFICATION', { operatorId: bank.orgId, ransomPaidAt: T0 + 2 * H }),
      bankCtx(T0 + 3 * H),
    );
    const notification = ofType(events, 'IncidentReportFiled')[1];
    expect(notification?.data.newDeadlines.map((d) => [d.deadlineId, d.dueAt])).toEqual([
      ['nis2/final-report', Date.parse('2026-12-20T03:00:00Z')],
      ['circia/ransom-payment', T0 + 26 * H],
    ]);
    // Given the CIRCIA ransom report is still owed, when the FINAL report is filed, then it is
    // accepted (a foreign stage gates no Japanese one) and the incident stays open for it.
    events = run(events, report('FINAL', { operatorId: bank.orgId }), bankCtx(T0 + 4 * H));
    expect(events.at(-1)).toMatchObject({ type: 'IncidentReportFiled', data: { stage: 'FINAL' } });
    expect(ofType(events, 'IncidentReportFiled')[2]?.data.deadlinesMet).toEqual(
      expect.arrayContaining(['jp-acd/final-report', 'nis2/final-report']),
    );
    expect(ofType(events, 'IncidentClosed')).toHaveLength(0);
    spec
      .given(events)
      .when(report('INTERIM', { operatorId: bank.orgId }), bankCtx(T0 + 5 * H))
      .thenRefused({
        reason: 'the FINAL report was filed; only the RANSOM_PAYMENT report may follow it',
      });
    events = run(
      events,
      report('RANSOM_PAYMENT', { operatorId: bank.orgId }),
      bankCtx(T0 + 30 * H),
    );
    // The late CIRCIA report records CIRCIA's miss, without a Japanese case, and closes the incident.
    expect(events.slice(-3).map((e) => e.type)).toEqual([
      'ReportDeadlineMissed',
      'IncidentReportFiled',
      'IncidentClosed',
    ]);
    expect(ofType(events, 'ReportDeadlineMissed').at(-1)?.data).toMatchObject({
      deadlineId: 'circia/ransom-payment',
      caseId: null,
    });
    expect(ofType(events, 'ComplianceCaseOpened')).toHaveLength(0);
    expect(ofType(events, 'IncidentReportFiled')[3]?.data.deadlinesFiledLate).toEqual([
      'circia/ransom-payment',
    ]);
    spec
      .given(events)
      .when(
        report('RANSOM_PAYMENT', { operatorId: bank.orgId, reportId: 'again' }),
        bankCtx(T0 + 31 * H),
      )
      .thenRefused({ code: 'conflict' });
  });

  it('given a ransom paid under jp-acd alone (no CIRCIA), when the FINAL report is filed, then it closes the incident', () => {
    let events = withIncident({ ransomPaidAt: T0 + 30_000 });
    expect(ofType(events, 'IncidentOpened')[0]?.data.regimes).toEqual(['jp-acd']);
    events = run(events, report('EARLY_WARNING'), at(T0 + H));
    events = run(events, report('NOTIFICATION'), at(T0 + 2 * H));
    events = run(events, report('FINAL'), at(T0 + 3 * H));
    expect(events.at(-1)?.type).toBe('IncidentClosed');
  });
});

describe('missed deadlines (the scheduler)', () => {
  const miss = (deadlineId = 'jp-acd/early-warning'): ReportingCommand => ({
    type: 'MarkDeadlineMissed',
    data: { operatorId: OP, incidentId: 'inc-1', deadlineId },
  });
  const sched = (t: number) => ({ issuedBy: { ...SCHEDULER_ISSUER }, now: new Date(t) });

  it('records the miss once and opens a compliance case', () => {
    const events = run(withIncident(), miss(), sched(T0 + 24 * H + 1));
    const [opened, missed] = events.slice(-2) as [ComplianceCaseOpened, ReportDeadlineMissed];
    expect(opened).toMatchObject({
      type: 'ComplianceCaseOpened',
      data: { basis: 'missed-deadline', incidentId: 'inc-1' },
    });
    expect(missed).toMatchObject({
      type: 'ReportDeadlineMissed',
      data: { deadlineId: 'jp-acd/early-warning', caseId: opened.data.caseId, dueAt: T0 + 24 * H },
    });
    // Asked again (a restarted or second scheduler): nothing more.
    spec
      .given(events)
      .when(miss(), sched(T0 + 25 * H))
      .thenNothing();
  });

  it('a second miss on the same incident joins the open case', () => {
    let events = run(withIncident(), miss(), sched(T0 + 24 * H + 1));
    events = run(events, miss('jp-acd/notification'), sched(T0 + 72 * H + 1));
    expect(ofType(events, 'ComplianceCaseOpened')).toHaveLength(1);
    expect(ofType(events, 'ReportDeadlineMissed').map((e) => e.data.caseId)).toEqual([
      ofType(events, 'ComplianceCaseOpened')[0]?.data.caseId,
      ofType(events, 'ComplianceCaseOpened')[0]?.data.caseId,
    ]);
  });

  const bankMiss = (deadlineId: string): ReportingCommand => ({
    type: 'MarkDeadlineMissed',
    data: { operatorId: bank.orgId, incidentId: 'inc-1', deadlineId },
  });
  const bankIncident = () =>
    run(
      [],
      {
        type: 'OpenIncident',
        data: { ...open().data, operatorId: bank.orgId, affectedAssets: [] },
      },
      { issuedBy: bank, now: new Date(T0) },
    );

  it('given a NIS2 or CIRCIA deadline, when it is missed, then the miss is recorded without a case', () => {
    for (const deadlineId of ['nis2/early-warning', 'circia/covered-incident']) {
      const events = run(bankIncident(), bankMiss(deadlineId), sched(T0 + 73 * H));
      expect(events.at(-1)).toMatchObject({
        type: 'ReportDeadlineMissed',
        data: { deadlineId, caseId: null },
      });
      expect(ofType(events, 'ComplianceCaseOpened')).toHaveLength(0);
    }
  });

  it('given a NIS2 miss recorded first, when the jp-acd deadline is missed, then only the Japanese miss is in the case', () => {
    let events = run(bankIncident(), bankMiss('nis2/early-warning'), sched(T0 + 25 * H));
    events = run(events, bankMiss('jp-acd/early-warning'), sched(T0 + 25 * H));
    const [opened] = ofType(events, 'ComplianceCaseOpened');
    expect(ofType(events, 'ReportDeadlineMissed').map((e) => e.data.caseId)).toEqual([
      null,
      opened?.data.caseId,
    ]);
  });

  it('given a NIS2 early warning overdue, when the report is filed late, then the late filing records the NIS2 miss without a case', () => {
    const events = run(bankIncident(), report('EARLY_WARNING', { operatorId: bank.orgId }), {
      issuedBy: bank,
      now: new Date(T0 + 23 * H),
    });
    expect(ofType(events, 'ReportDeadlineMissed')).toHaveLength(0);
    const late = run(bankIncident(), report('EARLY_WARNING', { operatorId: bank.orgId }), {
      issuedBy: bank,
      now: new Date(T0 + 25 * H),
    });
    expect(
      ofType(late, 'ReportDeadlineMissed').map((e) => [e.data.deadlineId, e.data.caseId !== null]),
    ).toEqual([
      ['jp-acd/early-warning', true],
      ['nis2/early-warning', false],
    ]);
    expect(ofType(late, 'ComplianceCaseOpened')).toHaveLength(1);
  });

  it('property: no sequence of foreign-regime misses and late foreign reports ever yields a case or an order', () => {
    const foreign = ['nis2/early-warning', 'nis2/notification', 'circia/covered-incident'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('miss' as const), deadlineId: fc.constantFrom(...foreign) }),
      fc.record({
        kind: fc.constant('order' as const),
        deadlineId: fc.constantFrom(...foreign, 'jp-acd/early-warning'),
      }),
    );
    // A policy under which the bank is under NIS2 and CIRCIA only: every miss is foreign.
    const foreignOnly = reportingDecider(
      buildReportingPolicy({ ...DEFAULT_PROFILE_SETTINGS, jpSectors: ['electricity'] }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), fc.nat({ max: 100 * H }), (steps, gap) => {
        const decide = (events: ReportingEvent[], c: ReportingCommand, ctx: CommandContext) => {
          const state = events.reduce(foreignOnly.evolve, foreignOnly.initialState);
          const d = foreignOnly.decide(c, state, ctx);
          return d.ok ? [...events, ...d.events] : events;
        };
        let events = decide(
          [],
          {
            type: 'OpenIncident',
            data: { ...open().data, operatorId: bank.orgId, affectedAssets: [] },
          },
          { issuedBy: bank, now: new Date(T0) },
        );
        let t = T0 + 24 * H + gap;
        for (const s of steps) {
          t += H;
          if (s.kind === 'miss') {
            events = decide(events, bankMiss(s.deadlineId), sched(t));
          } else {
            const caseId = deterministicId(
              'acd:compliance-case',
              `${bank.orgId}:inc-1:${s.deadlineId}`,
            );
            events = decide(
              events,
              {
                type: 'IssueCorrectionOrder',
                data: {
                  operatorId: bank.orgId,
                  caseId,
                  orderId: `ord-${t}`,
                  instructions: 'File it',
                  dueAt: t + 48 * H,
                },
              },
              { issuedBy: office, now: new Date(t) },
            );
          }
        }
        events = decide(events, report('EARLY_WARNING', { operatorId: bank.orgId }), {
          issuedBy: bank,
          now: new Date(t + H),
        });
        expect(events.some((e) => e.type === 'ReportDeadlineMissed')).toBe(true);
        expect(ofType(events, 'ComplianceCaseOpened')).toEqual([]);
        expect(ofType(events, 'CorrectionOrderIssued')).toEqual([]);
        expect(ofType(events, 'ReportDeadlineMissed').every((e) => e.data.caseId === null)).toBe(
          true,
        );
      }),
    );
  });

  it('does nothing before the deadline, at it, or once the report was filed', () => {
    spec
      .given(withIncident())
      .when(miss(), sched(T0 + 24 * H))
      .thenRefused({ code: 'conflict' });
    const reported = run(withIncident(), report('EARLY_WARNING'), at(T0 + H));
    spec
      .given(reported)
      .when(miss(), sched(T0 + 25 * H))
      .thenNothing();
  });

  it('only the scheduler or the office records misses', () => {
    spec
      .given(withIncident())
      .when(miss(), { issuedBy: operator, now: new Date(T0 + 25 * H) })
      .thenRefused({ code: 'forbidden' });
    spec
      .given(withIncident())
      .when(miss(), { issuedBy: office, now: new Date(T0 + 25 * H) })
      .then([
        expect.objectContaining({ type: 'ComplianceCaseOpened' }) as never,
        expect.objectContaining({ type: 'ReportDeadlineMissed' }) as never,
      ]);
    spec
      .given(withIncident())
      .when(miss('nope/nope'), sched(T0 + 25 * H))
      .thenRefused({ code: 'not-found' });
  });
});

describe('correction orders, referrals to the prosecutors and their outcomes', () => {
  const sched = (t: number) => ({ issuedBy: { ...SCHEDULER_ISSUER }, now: new Date(t) });
  const missed = () =>
    run(
      withIncident(),
      {
        type: 'MarkDeadlineMissed',
        data: { operatorId: OP, incidentId: 'inc-1', deadlineId: 'jp-acd/early-warning' },
      },
      sched(T0 + 25 * H),
    );
  const caseIdOf = (events: ReportingEvent[]) =>
    ofType(events, 'ComplianceCaseOpened')[0]?.data.caseId ?? '';
  const order = (events: ReportingEvent[], dueAt = T0 + 48 * H): ReportingCommand => ({
    type: 'IssueCorrectionOrder',
    data: {
      operatorId: OP,
      caseId: caseIdOf(events),
      orderId: 'ord-1',
      instructions: 'File the early warning.',
      dueAt,
    },
  });
  const ordered = () =>
    run(missed(), order(missed()), { issuedBy: office, now: new Date(T0 + 26 * H) });
  const ignored = () =>
    run(
      ordered(),
      { type: 'RecordOrderIgnored', data: { operatorId: OP, orderId: 'ord-1' } },
      sched(T0 + 48 * H + 1),
    );
  const refer = (statementOfFacts = 'The early warning was never filed; ord-1 was ignored.') =>
    ({
      type: 'ReferToProsecutors',
      data: { operatorId: OP, orderId: 'ord-1', statementOfFacts },
    }) satisfies ReportingCommand;
  const outcome = (
    over: Partial<Extract<ReportingCommand, { type: 'RecordProsecutionOutcome' }>['data']> = {},
  ): ReportingCommand => ({
    type: 'RecordProsecutionOutcome',
    data: {
      operatorId: OP,
      orderId: 'ord-1',
      outcome: 'fined',
      fineYen: 1_000_000,
      court: 'Tokyo Summary Court',
      caseReference: 'Reiwa 8 (i) No. 1234',
      // T0 + 50 h is 2026-11-22 11:00 in Japan.
      decidedOn: '2026-11-22',
      ...over,
    },
  });
  const legacyPenalty: ReportingCommand = {
    type: 'AssessPenalty',
    data: { operatorId: OP, orderId: 'ord-1', amountYen: 100_000, reason: 'Ignored ord-1' },
  };
  const asOffice = (t: number) => ({ issuedBy: office, now: new Date(t) });

  it('the office orders; the late report complies with the order and resolves the case', () => {
    const issued = ordered().at(-1) as CorrectionOrderIssued;
    expect(issued.data).toMatchObject({
      orderId: 'ord-1',
      dueAt: T0 + 48 * H,
      issuedByOrgId: 'gov-nco',
    });
    const events = run(ordered(), report('EARLY_WARNING'), at(T0 + 30 * H));
    expect(events.slice(-2).map((e) => e.type)).toEqual(['IncidentReportFiled', 'OrderComplied']);
    expect(events.at(-1)?.data).toMatchObject({
      orderId: 'ord-1',
      reportId: 'r-EARLY_WARNING',
      incidentId: 'inc-1',
    });
    spec
      .given(events)
      .when(refer(), asOffice(T0 + 50 * H))
      .thenRefused({ reason: 'the operator complied with order ord-1; there is nothing to refer' });
  });

  it('given an open order, when its due date passes, then it is ignored once', () => {
    spec
      .given(ordered())
      .when(
        { type: 'RecordOrderIgnored', data: { operatorId: OP, orderId: 'ord-1' } },
        sched(T0 + 48 * H),
      )
      .thenRefused({ code: 'conflict' });
    spec
      .given(ignored())
      .when(
        { type: 'RecordOrderIgnored', data: { operatorId: OP, orderId: 'ord-1' } },
        sched(T0 + 49 * H),
      )
      .thenNothing();
  });

  it('given an ignored order, when the office refers it, then the referral carries the order and the facts', () => {
    spec
      .given(ignored())
      .when(refer('  The early warning was never filed.  '), asOffice(T0 + 49 * H))
      .then([
        {
          type: 'CaseReferredToProsecutors',
          data: {
            operatorId: OP,
            caseId: caseIdOf(ignored()),
            orderId: 'ord-1',
            statementOfFacts: 'The early warning was never filed.',
            referredByOrgId: 'gov-nco',
            referredAt: T0 + 49 * H,
          },
        },
      ]);
  });

  it('refuses a referral without an ignored order, a second one, one without facts, or by anyone but the office', () => {
    spec
      .given(ordered())
      .when(refer(), asOffice(T0 + 27 * H))
      .thenRefused({ code: 'conflict' });
    spec
      .given(missed())
      .when(refer(), asOffice(T0 + 27 * H))
      .thenRefused({ code: 'not-found' });
    const referred = run(ignored(), refer(), asOffice(T0 + 49 * H));
    spec
      .given(referred)
      .when(refer(), asOffice(T0 + 50 * H))
      .thenRefused({ reason: 'order ord-1 was already referred to the prosecutors' });
    spec
      .given(ignored())
      .when(refer(' '), asOffice(T0 + 49 * H))
      .thenRefused({ code: 'invalid', field: 'statementOfFacts' });
    for (const who of [police, operator, { orgId: 'gov-meti', kind: 'ministry', sector: null }]) {
      spec
        .given(ignored())
        .when(refer(), { issuedBy: who, now: new Date(T0 + 49 * H) })
        .thenRefused({ code: 'forbidden' });
    }
    // Once referred, the case is out of the office's hands: no further order.
    spec
      .given(referred)
      .when(
        {
          ...order(missed()),
          data: { ...order(missed()).data, orderId: 'ord-2' },
        } as ReportingCommand,
        asOffice(T0 + 50 * H),
      )
      .thenRefused({ code: 'conflict' });
  });

  it('given a referral, when the court fines, then the outcome is recorded with the court, reference and date', () => {
    const referred = run(ignored(), refer(), asOffice(T0 + 49 * H));
    spec
      .given(referred)
      .when(outcome({ court: ' Tokyo Summary Court ' }), asOffice(T0 + 50 * H))
      .then([
        {
          type: 'ProsecutionOutcomeRecorded',
          data: {
            operatorId: OP,
            caseId: caseIdOf(ignored()),
            orderId: 'ord-1',
            outcome: 'fined',
            fineYen: 1_000_000,
            court: 'Tokyo Summary Court',
            caseReference: 'Reiwa 8 (i) No. 1234',
            decidedOn: '2026-11-22',
            recordedByOrgId: 'gov-nco',
            recordedAt: T0 + 50 * H,
          },
        },
      ]);
    for (const other of [
      outcome({ outcome: 'acquitted', fineYen: null }),
      outcome({ outcome: 'prosecution-declined', fineYen: null, court: null, caseReference: null }),
    ]) {
      spec
        .given(referred)
        .when(other, asOffice(T0 + 50 * H))
        .then([expect.objectContaining({ type: 'ProsecutionOutcomeRecorded' }) as never]);
    }
  });

  it('property: a fine is recorded exactly when it is a whole number of yen from 1 to 2,000,000', () => {
    const referred = run(ignored(), refer(), asOffice(T0 + 49 * H));
    const state = referred.reduce(decider.evolve, decider.initialState);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -10, max: MAX_FINE_YEN + 10 }),
          fc.integer({ min: -1e12, max: 1e12 }),
          fc.double({ noNaN: false }),
        ),
        (fineYen) => {
          const d = decider.decide(outcome({ fineYen }), state, {
            issuedBy: office,
            now: new Date(T0 + 50 * H),
          });
          const valid = Number.isInteger(fineYen) && fineYen >= 1 && fineYen <= MAX_FINE_YEN;
          expect(d.ok).toBe(valid);
          if (!d.ok) expect(d.refusal).toMatchObject({ code: 'invalid', field: 'fineYen' });
        },
      ),
    );
  });

  it('refuses an outcome before a referral, a second outcome, and inconsistent details', () => {
    spec
      .given(ignored())
      .when(outcome(), asOffice(T0 + 50 * H))
      .thenRefused({
        reason:
          'order ord-1 was not referred to the public prosecutors; an outcome needs a referral',
      });
    spec
      .given(ordered())
      .when(outcome(), asOffice(T0 + 30 * H))
      .thenRefused({ code: 'conflict' });
    const referred = run(ignored(), refer(), asOffice(T0 + 49 * H));
    const concluded = run(referred, outcome(), asOffice(T0 + 50 * H));
    spec
      .given(concluded)
      .when(outcome({ outcome: 'acquitted', fineYen: null }), asOffice(T0 + 51 * H))
      .thenRefused({ reason: 'the outcome for order ord-1 was already recorded' });
    const when = asOffice(T0 + 50 * H);
    const refused: [Parameters<typeof outcome>[0], string][] = [
      [{ fineYen: null }, 'fineYen'],
      [{ outcome: 'acquitted' }, 'fineYen'],
      [{ outcome: 'acquitted', fineYen: null, court: null }, 'court'],
      [{ caseReference: null }, 'caseReference'],
      [{ court: ' ' }, 'court'],
      [{ outcome: 'convicted' as never }, 'outcome'],
      [{ decidedOn: '2026-02-30' }, 'decidedOn'],
      [{ decidedOn: '22/11/2026' }, 'decidedOn'],
      [{ decidedOn: '2026-11-23' }, 'decidedOn'], // tomorrow in Japan
      [{ decidedOn: '2026-11-21' }, 'decidedOn'], // before the referral (2026-11-22 10:00 JST)
    ];
    for (const [over, field] of refused) {
      spec.given(referred).when(outcome(over), when).thenRefused({ code: 'invalid', field });
    }
    spec
      .given(referred)
      .when(outcome(), { issuedBy: operator, now: new Date(T0 + 50 * H) })
      .thenRefused({ code: 'forbidden' });
  });

  it('given any order, when the office tries the old AssessPenalty, then it is refused: fines are for courts', () => {
    for (const given of [ignored(), ordered(), run(ignored(), refer(), asOffice(T0 + 49 * H))]) {
      spec
        .given(given)
        .when(legacyPenalty, asOffice(T0 + 50 * H))
        .thenRefused({ code: 'conflict' });
    }
  });

  it('given a legacy PenaltyAssessed in an old log, when replayed, then it folds, and the order may still be referred', () => {
    const legacy: ReportingEvent = {
      type: 'PenaltyAssessed',
      data: {
        operatorId: OP,
        caseId: caseIdOf(ignored()),
        orderId: 'ord-1',
        amountYen: 500_000,
        reason: 'assessed on the bus before decision 0033',
        assessedByOrgId: 'gov-nco',
        assessedAt: T0 + 49 * H,
      },
    };
    const old = [...ignored(), legacy];
    const state = old.reduce(decider.evolve, decider.initialState);
    expect(state.orders.get('ord-1')?.status).toBe('penalised');
    expect(state.cases.get(caseIdOf(ignored()))?.status).toBe('penalised');
    spec
      .given(old)
      .when(refer(), asOffice(T0 + 50 * H))
      .then([expect.objectContaining({ type: 'CaseReferredToProsecutors' }) as never]);
  });

  it('given a case from an old log opened by a NIS2 miss alone, when the office orders on it, then it is refused', () => {
    const legacyCase: ReportingEvent[] = [
      ...bankIncidentEvents(),
      {
        type: 'ComplianceCaseOpened',
        data: {
          operatorId: bank.orgId,
          sector: 'finance',
          caseId: 'case-eu',
          basis: 'missed-deadline',
          incidentId: 'inc-1',
          description: 'nis2 early-warning missed',
          evidenceIndicatorIds: [],
          openedByOrgId: SCHEDULER_ISSUER.orgId,
          openedAt: T0 + 25 * H,
        },
      },
      {
        type: 'ReportDeadlineMissed',
        data: {
          deadlineId: 'nis2/early-warning',
          regime: 'nis2',
          obligation: 'early-warning',
          stage: 'EARLY_WARNING',
          dueAt: T0 + 24 * H,
          operatorId: bank.orgId,
          incidentId: 'inc-1',
          caseId: 'case-eu',
          recordedAt: T0 + 25 * H,
        },
      },
    ];
    spec
      .given(legacyCase)
      .when(
        {
          type: 'IssueCorrectionOrder',
          data: {
            operatorId: bank.orgId,
            caseId: 'case-eu',
            orderId: 'ord-eu',
            instructions: 'File the NIS2 early warning',
            dueAt: T0 + 72 * H,
          },
        },
        asOffice(T0 + 26 * H),
      )
      .thenRefused({ code: 'conflict' });
  });

  it('refuses orders that make no sense', () => {
    const m = missed();
    spec
      .given(m)
      .when(order(m), { issuedBy: operator, now: new Date(T0 + 26 * H) })
      .thenRefused({ code: 'forbidden' });
    spec
      .given(m)
      .when(order(m, T0 + 26 * H), asOffice(T0 + 26 * H))
      .thenRefused({ field: 'dueAt' });
    spec
      .given(m)
      .when(order(m, T0 + 400 * 24 * H), asOffice(T0 + 26 * H))
      .thenRefused({ field: 'dueAt' });
    spec
      .given(m)
      .when(
        { ...order(m), data: { ...order(m).data, caseId: 'nope' } } as ReportingCommand,
        asOffice(T0 + 26 * H),
      )
      .thenRefused({ code: 'not-found' });
    spec
      .given(ordered())
      .when(
        { ...order(m), data: { ...order(m).data, orderId: 'ord-2' } } as ReportingCommand,
        asOffice(T0 + 27 * H),
      )
      .thenRefused({ code: 'conflict' });
    const filed = run(m, report('EARLY_WARNING'), at(T0 + 26 * H));
    spec
      .given(filed)
      .when(order(m), asOffice(T0 + 27 * H))
      .thenRefused({ code: 'conflict' });
  });

  it('an incident the government learned of: case, order, the operator opens and reports it', () => {
    const caseCmd: ReportingCommand = {
      type: 'OpenComplianceCase',
      data: {
        operatorId: OP,
        operatorSector: 'electricity',
        caseId: 'case-x',
        description: 'Sightings of a C2 address from this operator, no report',
        evidenceIndicatorIds: ['i-1'],
      },
    };
    spec.given([]).when(caseCmd, { issuedBy: operator }).thenRefused({ code: 'forbidden' });
    let events = run(withAsset(), caseCmd, asOffice(T0));
    events = run(
      events,
      {
        type: 'IssueCorrectionOrder',
        data: {
          operatorId: OP,
          caseId: 'case-x',
          orderId: 'ord-x',
          instructions: 'Report the incident',
          dueAt: T0 + 72 * H,
        },
      },
      asOffice(T0 + H),
    );
    spec
      .given(events)
      .when(open({ orderId: 'ord-unknown' }), at(T0 + 2 * H))
      .thenRefused({ field: 'orderId' });
    events = run(
      events,
      open({ orderId: 'ord-x', awareAt: T0 - 48 * H, detectedAt: null, firstSeenAt: null }),
      at(T0 + 2 * H),
    );
    events = run(events, report('EARLY_WARNING'), at(T0 + 3 * H));
    // The early warning was already overdue when filed: the miss joins the government's case.
    expect(events.slice(-3).map((e) => e.type)).toEqual([
      'ReportDeadlineMissed',
      'IncidentReportFiled',
      'OrderComplied',
    ]);
    expect(ofType(events, 'ReportDeadlineMissed')[0]?.data.caseId).toBe('case-x');
    expect(ofType(events, 'ComplianceCaseOpened')).toHaveLength(1);
  });
});
