import {
  accept,
  assertNever,
  deterministicId,
  refuse,
  type CommandContext,
  type Decider,
  type Decision,
} from '@acd/event-sourcing';
import { SECTORS } from '@acd/identity/domain';
import type {
  ChangeAsset,
  DesignateOperator,
  FileReport,
  IssueCorrectionOrder,
  MarkAssetNotificationMissed,
  MarkDeadlineMissed,
  NotifyAsset,
  OpenComplianceCase,
  OpenIncident,
  RecordOrderIgnored,
  RecordProsecutionOutcome,
  ReferToProsecutors,
  ReportingCommand,
  RetireAsset,
} from './reporting.commands';
import {
  ASSET_EXPOSURES,
  IMPACT_LEVELS,
  INCIDENT_STATUSES,
  PROSECUTION_OUTCOMES,
  type AssetDetails,
  type Deadline,
  type IncidentFacts,
  type Millis,
  type ReportingEvent,
  type ReportStage,
} from './reporting.events';
import { addDuration, parseDuration } from './duration';
import { formatJst } from './jst';
import {
  deadlinesStartingAt,
  leadsToJapaneseCase,
  profilesFor,
  regimeOfDeadline,
  type ReportingPolicy,
} from './profiles';
import {
  initialReportingFileState,
  type CaseState,
  type DeadlineState,
  type IncidentState,
  type OrderState,
  type ReportingFileState,
} from './reporting.state';

/** The Act's range of the fine (罰金) a court may impose for ignoring a correction order. */
export const MIN_FINE_YEN = 1;
export const MAX_FINE_YEN = 2_000_000;
/** Clocks of operators' systems drift; a time a few minutes "in the future" is not an error. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** The longest an order may give an operator to comply. */
const MAX_ORDER_MS = 366 * 86_400_000;
const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAIN_SEQUENCE: readonly ReportStage[] = ['EARLY_WARNING', 'NOTIFICATION', 'INTERIM', 'FINAL'];

type Result = Decision<ReportingEvent>;
type State = ReportingFileState;

/** Times in reasons and descriptions are for people: JST. */
const iso = (t: Millis) => formatJst(t);

// ------------------------------------------------------------------ who may do what

function asOperator(ctx: CommandContext, operatorId: string, what: string): Result | null {
  if (ctx.issuedBy.kind !== 'operator' || ctx.issuedBy.orgId !== operatorId) {
    return refuse('forbidden', `only the operator itself may ${what}`);
  }
  if (!ctx.issuedBy.sector) return refuse('forbidden', 'the operator has no sector on record');
  return null;
}

function asOffice(ctx: CommandContext, what: string): Result | null {
  return ctx.issuedBy.kind === 'cabinet-office'
    ? null
    : refuse('forbidden', `only the cabinet cyber office may ${what}`);
}

/** Deadline and order clocks are kept by the bus's scheduler; the office may also record them. */
function asClockKeeper(ctx: CommandContext): Result | null {
  return ctx.issuedBy.kind === 'system' || ctx.issuedBy.kind === 'cabinet-office'
    ? null
    : refuse('forbidden', 'only the deadline scheduler or the cabinet cyber office records this');
}

// ------------------------------------------------------------------ validation

function text(value: string, field: string, max: number): Result | null {
  if (value.trim().length === 0) return refuse('invalid', 'must not be blank', field);
  if (value.length > max) return refuse('invalid', `at most ${max} characters`, field);
  return null;
}

function notInFuture(t: Millis | null, field: string, now: Millis): Result | null {
  if (t === null) return null;
  if (!Number.isFinite(t)) return refuse('invalid', 'must be a time', field);
  return t > now + CLOCK_SKEW_MS ? refuse('invalid', 'lies in the future', field) : null;
}

function assetDetails(d: AssetDetails): Result | null {
  for (const f of ['name', 'function', 'location', 'vendor', 'product'] as const) {
    const bad = text(d[f], f, 200);
    if (bad) return bad;
  }
  if (!(ASSET_EXPOSURES as readonly string[]).includes(d.exposure)) {
    return refuse('invalid', `must be one of ${ASSET_EXPOSURES.join(', ')}`, 'exposure');
  }
  return null;
}

function facts(f: IncidentFacts, state: State, awareAt: Millis, now: Millis): Result | null {
  if (!(IMPACT_LEVELS as readonly string[]).includes(f.impact)) {
    return refuse('invalid', `must be one of ${IMPACT_LEVELS.join(', ')}`, 'impact');
  }
  if (!(INCIDENT_STATUSES as readonly string[]).includes(f.status)) {
    return refuse('invalid', `must be one of ${INCIDENT_STATUSES.join(', ')}`, 'status');
  }
  if (f.suspectedActor !== null && f.suspectedActor.length > 200) {
    return refuse('invalid', 'at most 200 characters', 'suspectedActor');
  }
  if (f.affectedAssets.length > 500) return refuse('invalid', 'at most 500', 'affectedAssets');
  for (const id of f.affectedAssets) {
    const asset = state.assets.get(id);
    if (!asset) {
      return refuse('invalid', `unknown asset "${id}": notify it first`, 'affectedAssets');
    }
    if (asset.status === 'retired') {
      return refuse('invalid', `asset "${id}" was retired`, 'affectedAssets');
    }
  }
  if (f.indicatorIds.length > 500) return refuse('invalid', 'at most 500', 'indicatorIds');
  const future = notInFuture(f.ransomPaidAt, 'ransomPaidAt', now);
  if (future) return future;
  if (f.ransomPaidAt !== null && f.ransomPaidAt < awareAt) {
    return refuse('invalid', 'lies before awareness of the incident', 'ransomPaidAt');
  }
  return null;
}

const unique = (xs: string[]) => [...new Set(xs)];

// ------------------------------------------------------------------ a decision that folds as it goes

/**
 * Some commands produce several events whose content depends on the ones before (a missed
 * deadline opens a case, the report then resolves the order); each is folded into the working
 * state as soon as it is emitted, so later rules see what earlier events did.
 */
class Emitter {
  readonly events: ReportingEvent[] = [];
  constructor(public state: State) {}
  emit(event: ReportingEvent): void {
    this.events.push(event);
    this.state = evolve(this.state, event);
  }
}

function caseIdForMiss(operatorId: string, incidentId: string, deadlineId: string): string {
  return deterministicId('acd:compliance-case', `${operatorId}:${incidentId}:${deadlineId}`);
}

/**
 * Records a missed deadline. A Japanese one opens a compliance case unless the incident already
 * has an open one; a foreign regime's (NIS2, CIRCIA) is recorded without a case: only the Act's
 * own duties lead to Japanese orders.
 */
function recordMiss(
  out: Emitter,
  operatorId: string,
  incidentId: string,
  deadline: Deadline,
  ctx: CommandContext,
): void {
  const now = ctx.now.getTime();
  // Only the deadline's own fields: a DeadlineState from the file also carries status and
  // filedAt, which the event's schema does not have (spreading them made it unwritable).
  const { deadlineId, regime, obligation, stage, dueAt } = deadline;
  const missed = { deadlineId, regime, obligation, stage, dueAt, operatorId, incidentId };
  if (!leadsToJapaneseCase(regime)) {
    out.emit({ type: 'ReportDeadlineMissed', data: { ...missed, caseId: null, recordedAt: now } });
    return;
  }
  const incident = out.state.incidents.get(incidentId);
  const open = incident?.openCaseId ? out.state.cases.get(incident.openCaseId) : undefined;
  let caseId = open?.status === 'open' ? open.caseId : null;
  if (caseId === null) {
    caseId = caseIdForMiss(operatorId, incidentId, deadline.deadlineId);
    out.emit({
      type: 'ComplianceCaseOpened',
      data: {
        operatorId,
        sector: out.state.sector ?? '',
        caseId,
        basis: 'missed-deadline',
        incidentId,
        description: `${deadline.regime} ${deadline.obligation} report (${deadline.stage}) was due at ${iso(deadline.dueAt)} and was not filed`,
        evidenceIndicatorIds: [],
        openedByOrgId: ctx.issuedBy.orgId,
        openedAt: now,
      },
    });
  }
  out.emit({ type: 'ReportDeadlineMissed', data: { ...missed, caseId, recordedAt: now } });
}

/** Whether what a case asks for has been supplied. */
function caseSatisfied(state: State, c: CaseState): boolean {
  if (c.basis === 'missed-asset-notification') return state.designation?.status === 'met';
  const incident = c.incidentId ? state.incidents.get(c.incidentId) : undefined;
  if (!incident) return false;
  if (c.basis === 'unreported-incident') return incident.stagesFiled.length > 0;
  return c.deadlineIds.every((id) => incident.deadlines[id]?.filedAt != null);
}

/** Every open order whose case the last report satisfied is complied with by that report. */
function settleOrders(
  out: Emitter,
  operatorId: string,
  incidentId: string,
  reportId: string,
  now: Millis,
) {
  for (const order of out.state.orders.values()) {
    if (order.status !== 'open') continue;
    const c = out.state.cases.get(order.caseId);
    if (!c || c.incidentId !== incidentId || !caseSatisfied(out.state, c)) continue;
    out.emit({
      type: 'OrderComplied',
      data: {
        operatorId,
        caseId: c.caseId,
        orderId: order.orderId,
        incidentId,
        reportId,
        assetId: null,
        compliedAt: now,
      },
    });
  }
}

// ------------------------------------------------------------------ assets

function notifyAsset({ data: d }: NotifyAsset, state: State, ctx: CommandContext): Result {
  const who = asOperator(ctx, d.operatorId, 'notify its assets');
  if (who) return who;
  if (!ASSET_ID.test(d.assetId)) {
    return refuse('invalid', 'must be 1 to 64 letters, digits, dot, dash or underscore', 'assetId');
  }
  const bad = assetDetails(d) ?? notInFuture(d.installedAt, 'installedAt', ctx.now.getTime());
  if (bad) return bad;
  const existing = state.assets.get(d.assetId);
  if (existing?.status === 'active') {
    return refuse('conflict', `asset "${d.assetId}" is already notified; send a change instead`);
  }
  if (existing?.status === 'retired') {
    return refuse(
      'conflict',
      `asset "${d.assetId}" was retired; notify the new computer under a new id`,
    );
  }
  const out = new Emitter(state);
  const now = ctx.now.getTime();
  out.emit({
    type: 'AssetNotified',
    data: {
      operatorId: d.operatorId,
      sector: ctx.issuedBy.sector ?? '',
      assetId: d.assetId,
      name: d.name,
      function: d.function,
      location: d.location,
      vendor: d.vendor,
      product: d.product,
      exposure: d.exposure,
      installedAt: d.installedAt,
      notifiedAt: now,
    },
  });
  meetAssetNotificationDuty(out, d.operatorId, d.assetId, ctx);
  return accept(...out.events);
}

// ------------------------------------------------------------------ designation

const caseIdForAssetNotification = (operatorId: string, designatedAt: Millis): string =>
  deterministicId('acd:compliance-case', `${operatorId}:asset-notification:${designatedAt}`);

/** Records the missed asset notification once, with the Japanese compliance case it opens. */
function recordAssetNotificationMiss(out: Emitter, operatorId: string, ctx: CommandContext) {
  const designation = out.state.designation;
  if (!designation || designation.status !== 'pending') return;
  const now = ctx.now.getTime();
  const caseId = caseIdForAssetNotification(operatorId, designation.designatedAt);
  out.emit({
    type: 'ComplianceCaseOpened',
    data: {
      operatorId,
      sector: out.state.sector ?? '',
      caseId,
      basis: 'missed-asset-notification',
      incidentId: null,
      description: `As a designated operator, ${operatorId} had to notify its specified important computers by ${iso(designation.dueAt)} and did not`,
      evidenceIndicatorIds: [],
      openedByOrgId: ctx.issuedBy.orgId,
      openedAt: now,
    },
  });
  out.emit({
    type: 'AssetNotificationMissed',
    data: { operatorId, dueAt: designation.dueAt, caseId, recordedAt: now },
  });
}

/**
 * An asset notified by a designated operator whose duty is still owed meets it: on time up to
 * and including the due instant; after it, late, recording the miss first if the scheduler has
 * not (as a late report does). An open order on the miss's case is then complied with.
 */
function meetAssetNotificationDuty(
  out: Emitter,
  operatorId: string,
  assetId: string,
  ctx: CommandContext,
) {
  const designation = out.state.designation;
  if (!designation || designation.status === 'met') return;
  const now = ctx.now.getTime();
  const late = now > designation.dueAt;
  if (late) recordAssetNotificationMiss(out, operatorId, ctx);
  out.emit({
    type: 'AssetNotificationDutyMet',
    data: { operatorId, assetId, dueAt: designation.dueAt, metAt: now, late },
  });
  for (const order of out.state.orders.values()) {
    if (order.status !== 'open') continue;
    const c = out.state.cases.get(order.caseId);
    if (c?.basis !== 'missed-asset-notification' || !caseSatisfied(out.state, c)) continue;
    out.emit({
      type: 'OrderComplied',
      data: {
        operatorId,
        caseId: c.caseId,
        orderId: order.orderId,
        incidentId: null,
        reportId: null,
        assetId,
        compliedAt: now,
      },
    });
  }
}

function designateOperator(
  policy: ReportingPolicy,
  { data: d }: DesignateOperator,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asOffice(ctx, 'designate an operator');
  if (who) return who;
  if (state.designation) {
    return refuse(
      'conflict',
      `${d.operatorId} was designated on ${iso(state.designation.designatedAt)} already`,
    );
  }
  if (!(SECTORS as readonly string[]).includes(d.sector)) {
    return refuse('invalid', `must be one of ${SECTORS.join(', ')}`, 'sector');
  }
  if (state.sector !== null && state.sector !== d.sector) {
    return refuse('invalid', `the operator's file is in the ${state.sector} sector`, 'sector');
  }
  const now = ctx.now.getTime();
  if (!Number.isFinite(d.designatedAt)) return refuse('invalid', 'must be a time', 'designatedAt');
  const future = notInFuture(d.designatedAt, 'designatedAt', now);
  if (future) return future;
  const ref = d.reference === null ? null : text(d.reference, 'reference', 200);
  if (ref) return ref;
  const within = parseDuration(policy.designationAssetNotifyWithin);
  if (!within.ok) throw new Error(`designationAssetNotifyWithin: ${within.reason}`);
  const dueAt = addDuration(d.designatedAt, within.value);
  const out = new Emitter(state);
  out.emit({
    type: 'OperatorDesignated',
    data: {
      operatorId: d.operatorId,
      sector: d.sector,
      designatedAt: d.designatedAt,
      reference: d.reference === null ? null : d.reference.trim(),
      assetNotificationDueAt: dueAt,
      designatedByOrgId: ctx.issuedBy.orgId,
      recordedAt: now,
    },
  });
  // An operator that notified its computers before it was designated owes nothing more.
  const notified = [...state.assets.values()].find((a) => a.status === 'active');
  if (notified) meetAssetNotificationDuty(out, d.operatorId, notified.assetId, ctx);
  else if (now > dueAt) recordAssetNotificationMiss(out, d.operatorId, ctx);
  return accept(...out.events);
}

function markAssetNotificationMissed(
  { data: d }: MarkAssetNotificationMissed,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asClockKeeper(ctx);
  if (who) return who;
  const designation = state.designation;
  if (!designation) return refuse('not-found', `${d.operatorId} is not designated`);
  // Met, or already recorded: nothing, however often the scheduler asks.
  if (designation.status !== 'pending') return accept();
  if (ctx.now.getTime() <= designation.dueAt) {
    return refuse('conflict', `not due until ${iso(designation.dueAt)}`);
  }
  const out = new Emitter(state);
  recordAssetNotificationMiss(out, d.operatorId, ctx);
  return accept(...out.events);
}

function changeAsset({ data: d }: ChangeAsset, state: State, ctx: CommandContext): Result {
  const who = asOperator(ctx, d.operatorId, 'change its assets');
  if (who) return who;
  const asset = state.assets.get(d.assetId);
  if (!asset) return refuse('not-found', `no asset "${d.assetId}"`);
  if (asset.status === 'retired') return refuse('conflict', `asset "${d.assetId}" was retired`);
  const bad = assetDetails(d);
  if (bad) return bad;
  const fields = (
    ['name', 'function', 'location', 'vendor', 'product', 'exposure'] as const
  ).filter((f) => asset[f] !== d[f]);
  if (fields.length === 0) return accept();
  return accept({
    type: 'AssetChanged',
    data: {
      operatorId: d.operatorId,
      assetId: d.assetId,
      name: d.name,
      function: d.function,
      location: d.location,
      vendor: d.vendor,
      product: d.product,
      exposure: d.exposure,
      changedFields: fields,
      changedAt: ctx.now.getTime(),
    },
  });
}

function retireAsset({ data: d }: RetireAsset, state: State, ctx: CommandContext): Result {
  const who = asOperator(ctx, d.operatorId, 'retire its assets');
  if (who) return who;
  const asset = state.assets.get(d.assetId);
  if (!asset) return refuse('not-found', `no asset "${d.assetId}"`);
  if (asset.status === 'retired')
    return refuse('conflict', `asset "${d.assetId}" is already retired`);
  const bad = text(d.reason, 'reason', 2000);
  if (bad) return bad;
  return accept({
    type: 'AssetRetired',
    data: {
      operatorId: d.operatorId,
      assetId: d.assetId,
      reason: d.reason.trim(),
      retiredAt: ctx.now.getTime(),
    },
  });
}

// ------------------------------------------------------------------ incidents

function openIncident(
  policy: ReportingPolicy,
  { data: d }: OpenIncident,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asOperator(ctx, d.operatorId, 'open an incident in its file');
  if (who) return who;
  if (state.incidents.get(d.incidentId)) {
    return refuse('conflict', `incident ${d.incidentId} is already open`);
  }
  const now = ctx.now.getTime();
  const bad =
    text(d.title, 'title', 300) ??
    (d.description !== null && d.description.length > 10_000
      ? refuse<ReportingEvent>('invalid', 'at most 10000 characters', 'description')
      : null) ??
    notInFuture(d.awareAt, 'awareAt', now) ??
    notInFuture(d.detectedAt, 'detectedAt', now) ??
    notInFuture(d.firstSeenAt, 'firstSeenAt', now);
  if (bad) return bad;
  if (d.detectedAt !== null && d.detectedAt > d.awareAt) {
    return refuse(
      'invalid',
      'lies after awareAt: an operator cannot be aware before detection',
      'detectedAt',
    );
  }
  if (d.firstSeenAt !== null && d.firstSeenAt > (d.detectedAt ?? d.awareAt)) {
    return refuse('invalid', 'lies after the incident was detected', 'firstSeenAt');
  }
  const f: IncidentFacts = {
    impact: d.impact,
    status: d.status,
    suspectedActor: d.suspectedActor,
    affectedAssets: unique(d.affectedAssets),
    indicatorIds: unique(d.indicatorIds),
    sharedWithPolice: d.sharedWithPolice,
    ransomPaidAt: d.ransomPaidAt,
  };
  const badFacts = facts(f, state, d.awareAt, now);
  if (badFacts) return badFacts;
  if (d.orderId !== null) {
    const order = state.orders.get(d.orderId);
    const c = order ? state.cases.get(order.caseId) : undefined;
    if (
      !order ||
      order.status !== 'open' ||
      !c ||
      c.basis !== 'unreported-incident' ||
      c.incidentId
    ) {
      return refuse(
        'invalid',
        `no open correction order ${d.orderId} about an unreported incident`,
        'orderId',
      );
    }
  }
  const sector = ctx.issuedBy.sector ?? '';
  const regimes = profilesFor(policy, sector).map((p) => p.id);
  const deadlines = [
    ...deadlinesStartingAt(policy, regimes, 'awareness', d.awareAt),
    ...(d.ransomPaidAt !== null
      ? deadlinesStartingAt(policy, regimes, 'ransom-payment', d.ransomPaidAt)
      : []),
  ];
  return accept({
    type: 'IncidentOpened',
    data: {
      ...f,
      operatorId: d.operatorId,
      sector,
      incidentId: d.incidentId,
      title: d.title.trim(),
      description: d.description,
      awareAt: d.awareAt,
      detectedAt: d.detectedAt,
      firstSeenAt: d.firstSeenAt,
      regimes,
      deadlines,
      orderId: d.orderId,
      openedAt: now,
    },
  });
}

/** Why a stage may not be filed now, or null when it may. */
function stageProblem(
  incident: IncidentState,
  stage: ReportStage,
  next: IncidentFacts,
): string | null {
  if (stage === 'RANSOM_PAYMENT') {
    if (incident.ransomReported) return 'the ransom payment report was already filed';
    if (next.ransomPaidAt === null) return 'a ransom payment report needs ransomPaidAt';
    return null;
  }
  const filed = incident.stagesFiled;
  const last = filed[filed.length - 1];
  const rank = MAIN_SEQUENCE.indexOf(stage);
  const lastRank = last === undefined ? -1 : MAIN_SEQUENCE.indexOf(last);
  if (stage !== 'INTERIM' && filed.includes(stage)) return `the ${stage} report was already filed`;
  if (filed.includes('FINAL')) {
    return 'the FINAL report was filed; only the RANSOM_PAYMENT report may follow it';
  }
  if (stage === 'EARLY_WARNING') return null;
  if (lastRank < 0) return `file the EARLY_WARNING report before the ${stage} report`;
  if (rank > 1 && lastRank < 1) return `file the NOTIFICATION report before the ${stage} report`;
  // No foreign stage gates this sequence: a FINAL report never waits for CIRCIA's ransom
  // payment report (decision 0034); the incident then stays open until that report is filed.
  return null;
}

/**
 * A foreign regime's report still owed after the FINAL report: CIRCIA's ransom payment report.
 * It keeps the incident open (never blocks the FINAL report) until it is filed.
 */
function ransomReportOwed(incident: IncidentState): boolean {
  return Object.values(incident.deadlines).some(
    (x) => x.stage === 'RANSOM_PAYMENT' && x.filedAt === null,
  );
}

function fileReport(
  policy: ReportingPolicy,
  { data: d }: FileReport,
  state: State,
  ctx: CommandContext,
): Result {
  const incident = state.incidents.get(d.incidentId);
  if (!incident) return refuse('not-found', `no incident ${d.incidentId}`);
  const who = asOperator(ctx, d.operatorId, "report on its incidents; others' reports are refused");
  if (who) return who;
  if (incident.closed) {
    return refuse('conflict', `incident ${d.incidentId} is closed: its final report was filed`);
  }
  if (incident.reportIds.includes(d.reportId)) {
    return refuse('conflict', `report ${d.reportId} was already filed`);
  }
  const now = ctx.now.getTime();
  const bad = text(d.summary, 'summary', 20_000);
  if (bad) return bad;
  if (
    incident.ransomPaidAt !== null &&
    d.ransomPaidAt !== null &&
    d.ransomPaidAt !== incident.ransomPaidAt
  ) {
    return refuse(
      'invalid',
      `the ransom payment is already recorded at ${iso(incident.ransomPaidAt)}`,
      'ransomPaidAt',
    );
  }
  const next: IncidentFacts = {
    impact: d.impact ?? incident.impact,
    status: d.status ?? incident.status,
    suspectedActor: d.suspectedActor ?? incident.suspectedActor,
    affectedAssets: d.affectedAssets ? unique(d.affectedAssets) : incident.affectedAssets,
    indicatorIds: d.indicatorIds ? unique(d.indicatorIds) : incident.indicatorIds,
    sharedWithPolice: d.sharedWithPolice ?? incident.sharedWithPolice,
    ransomPaidAt: d.ransomPaidAt ?? incident.ransomPaidAt,
  };
  const badFacts = facts(next, state, incident.awareAt, now);
  if (badFacts) return badFacts;
  const problem = stageProblem(incident, d.stage, next);
  if (problem) return refuse('conflict', problem, 'stage');

  // Deadlines this report creates: NIS2's final report clock starts at the notification, and
  // CIRCIA's ransom clock at the payment.
  const arising: Deadline[] = [
    ...(d.stage === 'NOTIFICATION'
      ? deadlinesStartingAt(policy, incident.regimes, 'notification-filed', now)
      : []),
    ...(incident.ransomPaidAt === null && next.ransomPaidAt !== null
      ? deadlinesStartingAt(policy, incident.regimes, 'ransom-payment', next.ransomPaidAt)
      : []),
  ];

  const out = new Emitter(state);
  // A deadline of this stage that passed before the scheduler noticed is missed now, exactly
  // as the scheduler would have recorded it, and this report then fulfils it late.
  const overdue: Deadline[] = [
    ...Object.values(incident.deadlines).filter((x) => x.status === 'pending'),
    ...arising,
  ].filter((x) => x.stage === d.stage && x.dueAt < now);
  for (const x of overdue) recordMiss(out, d.operatorId, d.incidentId, x, ctx);

  const known = out.state.incidents.get(d.incidentId)?.deadlines ?? {};
  const newDeadlines = arising.filter((x) => !known[x.deadlineId]);
  const all: DeadlineState[] = [
    ...Object.values(known),
    ...newDeadlines.map((x) => ({ ...x, status: 'pending' as const, filedAt: null })),
  ].filter((x) => x.stage === d.stage && x.filedAt === null);
  const keys: (keyof IncidentFacts)[] = [
    'impact',
    'status',
    'suspectedActor',
    'affectedAssets',
    'indicatorIds',
    'sharedWithPolice',
    'ransomPaidAt',
  ];
  out.emit({
    type: 'IncidentReportFiled',
    data: {
      ...next,
      operatorId: d.operatorId,
      incidentId: d.incidentId,
      reportId: d.reportId,
      stage: d.stage,
      summary: d.summary,
      changedFields: keys.filter((k) => JSON.stringify(incident[k]) !== JSON.stringify(next[k])),
      deadlinesMet: all.filter((x) => x.status === 'pending').map((x) => x.deadlineId),
      deadlinesFiledLate: all.filter((x) => x.status === 'missed').map((x) => x.deadlineId),
      newDeadlines,
      filedAt: now,
    },
  });
  settleOrders(out, d.operatorId, d.incidentId, d.reportId, now);
  const after = out.state.incidents.get(d.incidentId);
  if (after?.stagesFiled.includes('FINAL') && !ransomReportOwed(after)) {
    out.emit({
      type: 'IncidentClosed',
      data: {
        operatorId: d.operatorId,
        incidentId: d.incidentId,
        reportId: d.reportId,
        closedAt: now,
      },
    });
  }
  return accept(...out.events);
}

function markDeadlineMissed(
  { data: d }: MarkDeadlineMissed,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asClockKeeper(ctx);
  if (who) return who;
  const incident = state.incidents.get(d.incidentId);
  if (!incident) return refuse('not-found', `no incident ${d.incidentId}`);
  const deadline = incident.deadlines[d.deadlineId];
  if (!deadline)
    return refuse('not-found', `incident ${d.incidentId} has no deadline ${d.deadlineId}`);
  // Already recorded, met in time, or moot: nothing happens, however often the scheduler asks.
  if (deadline.status !== 'pending' || incident.closed) return accept();
  if (ctx.now.getTime() <= deadline.dueAt) {
    return refuse(
      'conflict',
      `not due until ${iso(deadline.dueAt)}; a report filed at that instant is on time`,
    );
  }
  const out = new Emitter(state);
  const { status: _s, filedAt: _f, ...bare } = deadline;
  recordMiss(out, d.operatorId, d.incidentId, bare, ctx);
  return accept(...out.events);
}

// ------------------------------------------------------------------ compliance

function openComplianceCase(
  { data: d }: OpenComplianceCase,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asOffice(ctx, 'open a compliance case');
  if (who) return who;
  if (state.cases.get(d.caseId)) return refuse('conflict', `case ${d.caseId} already exists`);
  const bad = text(d.description, 'description', 10_000);
  if (bad) return bad;
  if (d.evidenceIndicatorIds.length > 500) {
    return refuse('invalid', 'at most 500', 'evidenceIndicatorIds');
  }
  return accept({
    type: 'ComplianceCaseOpened',
    data: {
      operatorId: d.operatorId,
      sector: state.sector ?? d.operatorSector,
      caseId: d.caseId,
      basis: 'unreported-incident',
      incidentId: null,
      description: d.description.trim(),
      evidenceIndicatorIds: unique(d.evidenceIndicatorIds),
      openedByOrgId: ctx.issuedBy.orgId,
      openedAt: ctx.now.getTime(),
    },
  });
}

function issueCorrectionOrder(
  { data: d }: IssueCorrectionOrder,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asOffice(ctx, 'issue a correction order');
  if (who) return who;
  const c = state.cases.get(d.caseId);
  if (!c) return refuse('not-found', `no compliance case ${d.caseId}`);
  if (c.status !== 'open') return refuse('conflict', `case ${d.caseId} is ${c.status}`);
  if (state.orders.get(d.orderId)) return refuse('conflict', `order ${d.orderId} already exists`);
  const pending = c.orderIds.map((id) => state.orders.get(id)).find((o) => o?.status === 'open');
  if (pending) {
    return refuse(
      'conflict',
      `order ${pending.orderId} on this case is open until ${iso(pending.dueAt)}`,
    );
  }
  if (c.basis === 'missed-deadline' && !c.deadlineIds.some((id) => isJapanese(id))) {
    // Only a case from an old log can be like this: foreign misses no longer open cases.
    return refuse(
      'conflict',
      `case ${d.caseId} concerns only foreign regimes' deadlines (${c.deadlineIds.join(', ')}); ` +
        'correction orders follow only from duties under the Act',
    );
  }
  if (caseSatisfied(state, c)) {
    return refuse(
      'conflict',
      'the missing reports have been filed since; there is nothing to order',
    );
  }
  const bad = text(d.instructions, 'instructions', 5000);
  if (bad) return bad;
  const now = ctx.now.getTime();
  if (!Number.isFinite(d.dueAt) || d.dueAt <= now)
    return refuse('invalid', 'must lie in the future', 'dueAt');
  if (d.dueAt > now + MAX_ORDER_MS) return refuse('invalid', 'at most one year ahead', 'dueAt');
  return accept({
    type: 'CorrectionOrderIssued',
    data: {
      operatorId: d.operatorId,
      caseId: d.caseId,
      orderId: d.orderId,
      instructions: d.instructions.trim(),
      dueAt: d.dueAt,
      issuedByOrgId: ctx.issuedBy.orgId,
      issuedAt: now,
    },
  });
}

function recordOrderIgnored(
  { data: d }: RecordOrderIgnored,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asClockKeeper(ctx);
  if (who) return who;
  const order = state.orders.get(d.orderId);
  if (!order) return refuse('not-found', `no correction order ${d.orderId}`);
  if (order.status !== 'open') return accept();
  if (ctx.now.getTime() <= order.dueAt) {
    return refuse('conflict', `the order is open until ${iso(order.dueAt)}`);
  }
  return accept({
    type: 'OrderIgnored',
    data: {
      operatorId: d.operatorId,
      caseId: order.caseId,
      orderId: d.orderId,
      dueAt: order.dueAt,
      recordedAt: ctx.now.getTime(),
    },
  });
}

const isJapanese = (deadlineId: string) => leadsToJapaneseCase(regimeOfDeadline(deadlineId));

/**
 * A fine for ignoring a correction order is a criminal penalty that a court imposes after
 * prosecution; the office refers the case and records the outcome, it never assesses a fine.
 */
function assessPenalty(): Result {
  return refuse(
    'conflict',
    'the office no longer assesses fines: a fine is imposed by a court after prosecution; ' +
      'refer the case to the public prosecutors and record the outcome',
  );
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
function isCalendarDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === s;
}

/** The calendar date in Japan at `t`. */
const japanDate = (t: Millis) => formatJst(t).slice(0, 10);

function referToProsecutors(
  { data: d }: ReferToProsecutors,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asOffice(ctx, 'refer a case to the public prosecutors');
  if (who) return who;
  const order = state.orders.get(d.orderId);
  if (!order) return refuse('not-found', `no correction order ${d.orderId}`);
  switch (order.status) {
    case 'open':
      return refuse(
        'conflict',
        `order ${d.orderId} is open until ${iso(order.dueAt)}; a referral needs an ignored order`,
      );
    case 'complied':
      return refuse(
        'conflict',
        `the operator complied with order ${d.orderId}; there is nothing to refer`,
      );
    case 'referred':
    case 'concluded':
      return refuse('conflict', `order ${d.orderId} was already referred to the prosecutors`);
    case 'ignored':
    case 'penalised': // a legacy "assessment" imposed nothing: only a court can
      break;
    default:
      return assertNever(order.status);
  }
  const bad = text(d.statementOfFacts, 'statementOfFacts', 20_000);
  if (bad) return bad;
  return accept({
    type: 'CaseReferredToProsecutors',
    data: {
      operatorId: d.operatorId,
      caseId: order.caseId,
      orderId: d.orderId,
      statementOfFacts: d.statementOfFacts.trim(),
      referredByOrgId: ctx.issuedBy.orgId,
      referredAt: ctx.now.getTime(),
    },
  });
}

function outcomeDetails(d: RecordProsecutionOutcome['data']): Result | null {
  if (!(PROSECUTION_OUTCOMES as readonly string[]).includes(d.outcome)) {
    return refuse('invalid', `must be one of ${PROSECUTION_OUTCOMES.join(', ')}`, 'outcome');
  }
  if (d.outcome === 'fined') {
    if (d.fineYen === null || !Number.isInteger(d.fineYen) || d.fineYen < MIN_FINE_YEN) {
      return refuse('invalid', 'must be a whole number of yen, at least 1', 'fineYen');
    }
    if (d.fineYen > MAX_FINE_YEN) {
      return refuse(
        'invalid',
        `at most ${MAX_FINE_YEN.toLocaleString('en')} yen, the Act's maximum fine`,
        'fineYen',
      );
    }
  } else if (d.fineYen !== null) {
    return refuse('invalid', `only a court's fine has an amount, not ${d.outcome}`, 'fineYen');
  }
  const inCourt = d.outcome !== 'prosecution-declined';
  if (inCourt && d.court === null) return refuse('invalid', 'name the court', 'court');
  if (inCourt && d.caseReference === null) {
    return refuse('invalid', "give the court's case reference", 'caseReference');
  }
  return (
    (d.court === null ? null : text(d.court, 'court', 300)) ??
    (d.caseReference === null ? null : text(d.caseReference, 'caseReference', 200))
  );
}

function recordProsecutionOutcome(
  { data: d }: RecordProsecutionOutcome,
  state: State,
  ctx: CommandContext,
): Result {
  const who = asOffice(ctx, 'record the outcome of a referral');
  if (who) return who;
  const order = state.orders.get(d.orderId);
  if (!order) return refuse('not-found', `no correction order ${d.orderId}`);
  if (order.status === 'concluded') {
    return refuse('conflict', `the outcome for order ${d.orderId} was already recorded`);
  }
  if (order.status !== 'referred' || order.referredAt === null) {
    return refuse(
      'conflict',
      `order ${d.orderId} was not referred to the public prosecutors; an outcome needs a referral`,
    );
  }
  const bad = outcomeDetails(d);
  if (bad) return bad;
  const now = ctx.now.getTime();
  if (!isCalendarDate(d.decidedOn)) {
    return refuse('invalid', 'must be a date, YYYY-MM-DD', 'decidedOn');
  }
  if (d.decidedOn > japanDate(now + CLOCK_SKEW_MS)) {
    return refuse('invalid', 'lies in the future', 'decidedOn');
  }
  if (d.decidedOn < japanDate(order.referredAt)) {
    return refuse('invalid', `lies before the referral (${iso(order.referredAt)})`, 'decidedOn');
  }
  return accept({
    type: 'ProsecutionOutcomeRecorded',
    data: {
      operatorId: d.operatorId,
      caseId: order.caseId,
      orderId: d.orderId,
      outcome: d.outcome,
      fineYen: d.fineYen,
      court: d.court === null ? null : d.court.trim(),
      caseReference: d.caseReference === null ? null : d.caseReference.trim(),
      decidedOn: d.decidedOn,
      recordedByOrgId: ctx.issuedBy.orgId,
      recordedAt: now,
    },
  });
}

// ------------------------------------------------------------------ evolve

function patchIncident(
  state: State,
  id: string,
  patch: (i: IncidentState) => IncidentState,
): State {
  const incident = state.incidents.get(id);
  return incident ? { ...state, incidents: state.incidents.set(id, patch(incident)) } : state;
}

function patchCase(state: State, id: string, patch: (c: CaseState) => CaseState): State {
  const c = state.cases.get(id);
  return c ? { ...state, cases: state.cases.set(id, patch(c)) } : state;
}

function patchOrder(state: State, id: string, patch: Partial<OrderState>): State {
  const o = state.orders.get(id);
  return o ? { ...state, orders: state.orders.set(id, { ...o, ...patch }) } : state;
}

function pendingDeadline(d: Deadline): DeadlineState {
  return { ...d, status: 'pending', filedAt: null };
}

export function evolve(state: State, event: ReportingEvent): State {
  switch (event.type) {
    case 'AssetNotified': {
      const { operatorId, sector, notifiedAt: _n, installedAt: _i, ...asset } = event.data;
      return {
        ...state,
        operatorId,
        sector: state.sector ?? sector,
        assets: state.assets.set(asset.assetId, { ...asset, status: 'active' }),
      };
    }
    case 'AssetChanged': {
      const { operatorId: _o, changedFields: _c, changedAt: _t, ...asset } = event.data;
      const before = state.assets.get(asset.assetId);
      if (!before) return state;
      return { ...state, assets: state.assets.set(asset.assetId, { ...before, ...asset }) };
    }
    case 'AssetRetired': {
      const before = state.assets.get(event.data.assetId);
      if (!before) return state;
      return {
        ...state,
        assets: state.assets.set(before.assetId, { ...before, status: 'retired' }),
      };
    }
    case 'IncidentOpened': {
      const d = event.data;
      const incident: IncidentState = {
        incidentId: d.incidentId,
        title: d.title,
        awareAt: d.awareAt,
        regimes: d.regimes,
        impact: d.impact,
        status: d.status,
        suspectedActor: d.suspectedActor,
        affectedAssets: d.affectedAssets,
        indicatorIds: d.indicatorIds,
        sharedWithPolice: d.sharedWithPolice,
        ransomPaidAt: d.ransomPaidAt,
        stagesFiled: [],
        ransomReported: false,
        deadlines: Object.fromEntries(d.deadlines.map((x) => [x.deadlineId, pendingDeadline(x)])),
        reportIds: [],
        openCaseId: null,
        closed: false,
      };
      let next: State = {
        ...state,
        operatorId: d.operatorId,
        sector: state.sector ?? d.sector,
        incidents: state.incidents.set(d.incidentId, incident),
      };
      // Opening the incident in answer to an order attaches it to that order's case.
      const order = d.orderId ? state.orders.get(d.orderId) : undefined;
      if (order) {
        next = patchCase(next, order.caseId, (c) => ({ ...c, incidentId: d.incidentId }));
        next = patchIncident(next, d.incidentId, (i) => ({ ...i, openCaseId: order.caseId }));
      }
      return next;
    }
    case 'IncidentReportFiled': {
      const d = event.data;
      return patchIncident(state, d.incidentId, (i) => {
        const deadlines = { ...i.deadlines };
        for (const x of d.newDeadlines) deadlines[x.deadlineId] = pendingDeadline(x);
        for (const id of d.deadlinesMet) {
          const x = deadlines[id];
          if (x) deadlines[id] = { ...x, status: 'met', filedAt: d.filedAt };
        }
        for (const id of d.deadlinesFiledLate) {
          const x = deadlines[id];
          if (x) deadlines[id] = { ...x, filedAt: d.filedAt };
        }
        return {
          ...i,
          impact: d.impact,
          status: d.status,
          suspectedActor: d.suspectedActor,
          affectedAssets: d.affectedAssets,
          indicatorIds: d.indicatorIds,
          sharedWithPolice: d.sharedWithPolice,
          ransomPaidAt: d.ransomPaidAt,
          stagesFiled: d.stage === 'RANSOM_PAYMENT' ? i.stagesFiled : [...i.stagesFiled, d.stage],
          ransomReported: i.ransomReported || d.stage === 'RANSOM_PAYMENT',
          deadlines,
          reportIds: [...i.reportIds, d.reportId],
        };
      });
    }
    case 'IncidentClosed':
      return patchIncident(state, event.data.incidentId, (i) => ({ ...i, closed: true }));
    case 'ReportDeadlineMissed': {
      const { operatorId: _o, incidentId, caseId, recordedAt: _r, ...deadline } = event.data;
      const next = patchIncident(state, incidentId, (i) => ({
        ...i,
        openCaseId: caseId ?? i.openCaseId,
        deadlines: {
          ...i.deadlines,
          [deadline.deadlineId]: {
            ...(i.deadlines[deadline.deadlineId] ?? pendingDeadline(deadline)),
            status: 'missed',
          },
        },
      }));
      if (caseId === null) return next;
      return patchCase(next, caseId, (c) => ({
        ...c,
        deadlineIds: unique([...c.deadlineIds, deadline.deadlineId]),
      }));
    }
    case 'ComplianceCaseOpened': {
      const d = event.data;
      return {
        ...state,
        operatorId: d.operatorId,
        sector: state.sector ?? d.sector,
        cases: state.cases.set(d.caseId, {
          caseId: d.caseId,
          basis: d.basis,
          incidentId: d.incidentId,
          deadlineIds: [],
          status: 'open',
          orderIds: [],
        }),
      };
    }
    case 'CorrectionOrderIssued': {
      const d = event.data;
      const next = patchCase(state, d.caseId, (c) => ({
        ...c,
        orderIds: [...c.orderIds, d.orderId],
      }));
      return {
        ...next,
        orders: next.orders.set(d.orderId, {
          orderId: d.orderId,
          caseId: d.caseId,
          dueAt: d.dueAt,
          status: 'open',
          referredAt: null,
        }),
      };
    }
    case 'OperatorDesignated': {
      const d = event.data;
      return {
        ...state,
        operatorId: d.operatorId,
        sector: state.sector ?? d.sector,
        designation: {
          designatedAt: d.designatedAt,
          dueAt: d.assetNotificationDueAt,
          status: 'pending',
          metAt: null,
          caseId: null,
        },
      };
    }
    case 'AssetNotificationDutyMet':
      if (!state.designation) return state;
      return {
        ...state,
        designation: { ...state.designation, status: 'met', metAt: event.data.metAt },
      };
    case 'AssetNotificationMissed':
      if (!state.designation) return state;
      return {
        ...state,
        designation: { ...state.designation, status: 'missed', caseId: event.data.caseId },
      };
    case 'OrderComplied': {
      const next = patchOrder(state, event.data.orderId, { status: 'complied' });
      return patchCase(next, event.data.caseId, (c) => ({ ...c, status: 'resolved' }));
    }
    case 'OrderIgnored':
      return patchOrder(state, event.data.orderId, { status: 'ignored' });
    case 'PenaltyAssessed': {
      // Legacy (old logs only): folded as before, so replay yields the state it always did.
      const next = patchOrder(state, event.data.orderId, { status: 'penalised' });
      return patchCase(next, event.data.caseId, (c) => ({ ...c, status: 'penalised' }));
    }
    case 'CaseReferredToProsecutors': {
      const d = event.data;
      const next = patchOrder(state, d.orderId, { status: 'referred', referredAt: d.referredAt });
      return patchCase(next, d.caseId, (c) => ({ ...c, status: 'referred' }));
    }
    case 'ProsecutionOutcomeRecorded': {
      const next = patchOrder(state, event.data.orderId, { status: 'concluded' });
      return patchCase(next, event.data.caseId, (c) => ({ ...c, status: 'concluded' }));
    }
    default:
      return assertNever(event);
  }
}

export function reportingDecider(
  policy: ReportingPolicy,
): Decider<ReportingCommand, ReportingEvent, ReportingFileState> {
  return {
    initialState: initialReportingFileState,
    decide(command, state, ctx) {
      // The processor routes by operator id, so this holds unless a caller hands in the wrong state.
      if (state.operatorId !== null && command.data.operatorId !== state.operatorId) {
        return refuse('invalid', `this is the file of ${state.operatorId}`, 'operatorId');
      }
      switch (command.type) {
        case 'NotifyAsset':
          return notifyAsset(command, state, ctx);
        case 'ChangeAsset':
          return changeAsset(command, state, ctx);
        case 'RetireAsset':
          return retireAsset(command, state, ctx);
        case 'OpenIncident':
          return openIncident(policy, command, state, ctx);
        case 'FileReport':
          return fileReport(policy, command, state, ctx);
        case 'MarkDeadlineMissed':
          return markDeadlineMissed(command, state, ctx);
        case 'OpenComplianceCase':
          return openComplianceCase(command, state, ctx);
        case 'IssueCorrectionOrder':
          return issueCorrectionOrder(command, state, ctx);
        case 'RecordOrderIgnored':
          return recordOrderIgnored(command, state, ctx);
        case 'AssessPenalty':
          return assessPenalty();
        case 'ReferToProsecutors':
          return referToProsecutors(command, state, ctx);
        case 'RecordProsecutionOutcome':
          return recordProsecutionOutcome(command, state, ctx);
        case 'DesignateOperator':
          return designateOperator(policy, command, state, ctx);
        case 'MarkAssetNotificationMissed':
          return markAssetNotificationMissed(command, state, ctx);
        default:
          return assertNever(command);
      }
    },
    evolve,
  };
}
