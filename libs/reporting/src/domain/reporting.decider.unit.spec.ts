import { deciderSpec } from '@acd/event-sourcing/testing';
import type { CommandContext } from '@acd/event-sourcing';
import type { FileReport, NotifyAsset, OpenIncident, ReportingCommand } from './reporting.commands';
import { SCHEDULER_ISSUER } from './reporting.commands';
import { MAX_PENALTY_YEN, reportingDecider } from './reporting.decider';
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

  it('CIRCIA: a ransom paid and reported late is missed and filed late; the final report waits for it', () => {
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
    spec
      .given(events)
      .when(report('FINAL', { operatorId: bank.orgId }), bankCtx(T0 + 4 * H))
      .thenRefused({
        reason: 'file the RANSOM_PAYMENT report before the FINAL report',
      });
    events = run(
      events,
      report('RANSOM_PAYMENT', { operatorId: bank.orgId }),
      bankCtx(T0 + 30 * H),
    );
    expect(events.slice(-2).map((e) => e.type)).toEqual([
      'ReportDeadlineMissed',
      'IncidentReportFiled',
    ]);
    expect(ofType(events, 'IncidentReportFiled')[2]?.data.deadlinesFiledLate).toEqual([
      'circia/ransom-payment',
    ]);
    spec
      .given(events)
      .when(
        report('RANSOM_PAYMENT', { operatorId: bank.orgId, reportId: 'again' }),
        bankCtx(T0 + 31 * H),
      )
      .thenRefused({
        reason: 'the ransom payment report was already filed',
      });
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

describe('correction orders and penalties', () => {
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
  const penalty = (amountYen: number): ReportingCommand => ({
    type: 'AssessPenalty',
    data: { operatorId: OP, orderId: 'ord-1', amountYen, reason: 'Ignored correction order ord-1' },
  });
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
      .when(penalty(100_000), asOffice(T0 + 50 * H))
      .thenRefused({ code: 'conflict' });
  });

  it('an order passes its due date: ignored once, then a penalty up to 2,000,000 yen', () => {
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
    spec
      .given(ignored())
      .when(penalty(MAX_PENALTY_YEN + 1), asOffice(T0 + 50 * H))
      .thenRefused({ code: 'invalid', field: 'amountYen' });
    spec
      .given(ignored())
      .when(penalty(0), asOffice(T0 + 50 * H))
      .thenRefused({ field: 'amountYen' });
    spec
      .given(ignored())
      .when(penalty(1.5), asOffice(T0 + 50 * H))
      .thenRefused({ field: 'amountYen' });
    spec
      .given(ignored())
      .when(penalty(MAX_PENALTY_YEN), asOffice(T0 + 50 * H))
      .then([
        {
          type: 'PenaltyAssessed',
          data: {
            operatorId: OP,
            caseId: caseIdOf(ignored()),
            orderId: 'ord-1',
            amountYen: MAX_PENALTY_YEN,
            reason: 'Ignored correction order ord-1',
            assessedByOrgId: 'gov-nco',
            assessedAt: T0 + 50 * H,
          },
        },
      ]);
    const fined = run(ignored(), penalty(1_000_000), asOffice(T0 + 50 * H));
    spec
      .given(fined)
      .when(penalty(1), asOffice(T0 + 51 * H))
      .thenRefused({ reason: 'a penalty for order ord-1 was already assessed' });
  });

  it('refuses a penalty without an ignored order, or from anyone but the office', () => {
    spec
      .given(ordered())
      .when(penalty(100), asOffice(T0 + 27 * H))
      .thenRefused({ code: 'conflict' });
    spec
      .given(missed())
      .when(penalty(100), asOffice(T0 + 27 * H))
      .thenRefused({ code: 'not-found' });
    spec
      .given(ignored())
      .when(penalty(100), { issuedBy: police, now: new Date(T0 + 50 * H) })
      .thenRefused({ code: 'forbidden' });
    spec
      .given(ignored())
      .when(
        { ...penalty(100), data: { ...penalty(100).data, reason: '' } } as ReportingCommand,
        asOffice(T0 + 50 * H),
      )
      .thenRefused({ field: 'reason' });
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
