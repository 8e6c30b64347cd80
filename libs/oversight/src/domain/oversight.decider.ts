import {
  accept,
  assertNever,
  refuse,
  type CommandContext,
  type Decider,
  type Decision as DecisionOf,
} from '@acd/event-sourcing';
import { canReadOversight, isOrgId, issuerAsViewer } from '@acd/identity/domain';
import { addDuration, parseDuration, type Duration } from '@acd/reporting/domain';
import type {
  CastVote,
  ConsultationRecord,
  ExecuteOperation,
  ExecutionRecord,
  MarkEmergencyNotificationMissed,
  NotifyCommission,
  OversightCommand,
  RecordEmergencyOperation,
  RecordForeignMinisterConsultation,
  ReportOperation,
  RequestCollectionAuthorisation,
  RequestOperationAuthorisation,
} from './oversight.commands';
import {
  EVIDENCE_TYPES,
  EXECUTION_OUTCOMES,
  HOME_COUNTRY,
  METADATA_CATEGORIES,
  OPERATING_AGENCY_KINDS,
  OPERATION_MEASURES,
  ORDERED_AGENCY_KIND,
  VOTES,
  type EvidenceLink,
  type Millis,
  type OperationAuthorisationRequested,
  type OperationExecuted,
  type OperationTarget,
  type OversightEvent,
  type PrimeMinisterOrder,
  type RequestEvent,
  type ThresholdAttestation,
  type VoteCast,
} from './oversight.events';
import {
  initialOversightState,
  type OperationRequest,
  type OversightRequest,
  type OversightState,
  type RequestState,
} from './oversight.state';
import { decideSupervision, evolveSupervision } from './supervision.decider';
import { isSupervisionCommand } from './supervision.commands';
import { isAgreementCommand } from './agreement.commands';
import { isAgreementEvent } from './agreement.events';
import { decideAgreement, evolveAgreement } from './agreement.decider';
import { isSupervisionEvent } from './supervision.events';
import { isCouncilCommand } from './council.commands';
import { isCouncilEvent } from './council.events';
import { decideCouncil, evolveCouncil } from './council.decider';
import { targetCovers, targetProblem } from './target';
import { MAX_TEXT, textProblem } from './text-problem';

/** How far a stated time may lie ahead of the bus's clock (clocks of agencies drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** The longest period one authorisation may cover; a longer need is a new request. */
export const MAX_AUTHORISATION_PERIOD_MS = 366 * 86_400_000;
const MAX_EVIDENCE = 200;

/**
 * The commission's rules as configured when a request is made. The roster and quorum are copied
 * into the request's first event, so a change of configuration never changes the rule under a
 * pending request; the emergency deadline is computed when the agency acts and stored too.
 */
export interface OversightRules {
  members: readonly string[];
  quorum: number;
  /** ISO 8601 duration: how long an agency that acted first has to notify the commission. */
  emergencyNotifyWithin: string;
}

type Result = DecisionOf<OversightEvent>;

// ------------------------------------------------------------------ validation

const text = (value: string, field: string, max = MAX_TEXT): Result | null =>
  textProblem<OversightEvent>(value, field, max);

const sortedUnique = <T extends string>(xs: readonly T[]): T[] =>
  [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function oneOf(values: readonly string[], allowed: readonly string[], field: string) {
  const bad = values.find((v) => !allowed.includes(v));
  return bad === undefined
    ? null
    : refuse<OversightEvent>('invalid', `"${bad}" is not one of ${allowed.join(', ')}`, field);
}

function periodProblem(validFrom: Millis, validUntil: Millis, now: Millis): Result | null {
  if (!Number.isFinite(validFrom)) return refuse('invalid', 'must be a time', 'validFrom');
  if (!Number.isFinite(validUntil)) return refuse('invalid', 'must be a time', 'validUntil');
  if (validUntil <= validFrom) return refuse('invalid', 'must be after validFrom', 'validUntil');
  if (validUntil <= now) return refuse('invalid', 'must lie in the future', 'validUntil');
  if (validUntil - validFrom > MAX_AUTHORISATION_PERIOD_MS) {
    return refuse('invalid', 'an authorisation covers at most 366 days', 'validUntil');
  }
  return null;
}

function evidenceProblem(evidence: readonly EvidenceLink[]): Result | null {
  if (evidence.length === 0) {
    return refuse('invalid', 'link at least one indicator, incident or flow match', 'evidence');
  }
  if (evidence.length > MAX_EVIDENCE) {
    return refuse('invalid', `at most ${MAX_EVIDENCE}`, 'evidence');
  }
  for (const e of evidence) {
    if (!(EVIDENCE_TYPES as readonly string[]).includes(e.type)) {
      return refuse('invalid', `must be one of ${EVIDENCE_TYPES.join(', ')}`, 'evidence.type');
    }
    const bad = text(e.id, 'evidence.id', 200);
    if (bad) return bad;
  }
  return null;
}

const uniqueEvidence = (evidence: readonly EvidenceLink[]): EvidenceLink[] => {
  const seen = new Map<string, EvidenceLink>();
  for (const e of evidence) seen.set(`${e.type}\u0000${e.id}`, { type: e.type, id: e.id });
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
};

// ------------------------------------------------------------------ who

function itemOf(r: OversightRequest) {
  return {
    kind: r.kind,
    requestedBy: r.requestedBy,
    telecomId: r.kind === 'collection' ? r.telecomId : null,
    status: r.decision,
  };
}

/**
 * The request as the issuer may address it: one it may not read does not exist for it (404,
 * exactly like a missing one), so a command never reveals what a read would hide.
 */
function visibleRequest(state: RequestState, requestId: string, ctx: CommandContext) {
  if (state.kind === 'none') return null;
  return canReadOversight(issuerAsViewer(ctx.issuedBy), itemOf(state)) ? state : null;
}

const notFound = (requestId: string): Result => refuse('not-found', `no request ${requestId}`);

function asRequestingAgency(r: OperationRequest, ctx: CommandContext, what: string) {
  return ctx.issuedBy.orgId === r.requestedBy
    ? null
    : refuse<OversightEvent>('forbidden', `only the requesting agency may ${what}`);
}

function asOperation(r: OversightRequest, what: string): OperationRequest | Result {
  return r.kind === 'operation'
    ? r
    : refuse('invalid', `request ${r.requestId} is a collection request; it cannot ${what}`);
}

const isForeign = (t: OperationTarget) => t.country !== HOME_COUNTRY;

/**
 * Who carries a Prime Minister's order: the SDF always (they act only on one), the police never
 * (their powers are their own; an order on a police request would mislead the commission). The
 * reason it is refused, or null. The edge asks the same question, so both say the same.
 */
export function primeMinisterOrderRule(agencyKind: string, hasOrder: boolean): string | null {
  if (agencyKind === ORDERED_AGENCY_KIND) {
    return hasOrder ? null : 'required: the SDF act only on an order of the Prime Minister';
  }
  return hasOrder ? 'only the SDF act on an order of the Prime Minister; leave it out' : null;
}

const THRESHOLD_REASON =
  'attest that the operation stays below the threshold of an armed attack (true)';

function orderProblem(
  agencyKind: string,
  order: PrimeMinisterOrder | null,
  now: Millis,
): Result | null {
  const rule = primeMinisterOrderRule(agencyKind, order !== null);
  if (rule) return refuse('invalid', rule, 'primeMinisterOrder');
  if (order === null) return null;
  if (!Number.isFinite(order.givenAt)) {
    return refuse('invalid', 'must be a time', 'primeMinisterOrder.givenAt');
  }
  if (order.givenAt > now + MAX_CLOCK_SKEW_MS) {
    return refuse('invalid', 'must not lie in the future', 'primeMinisterOrder.givenAt');
  }
  return (
    text(order.grounds, 'primeMinisterOrder.grounds') ??
    (order.reference === null ? null : text(order.reference, 'primeMinisterOrder.reference', 200))
  );
}

function attestationProblem(a: ThresholdAttestation | null): Result | null {
  if (a === null) return refuse('invalid', `required: ${THRESHOLD_REASON}`, 'attestation');
  if (a.belowArmedAttackThreshold !== true) {
    return refuse(
      'invalid',
      `must be true: ${THRESHOLD_REASON}`,
      'attestation.belowArmedAttackThreshold',
    );
  }
  return a.justification === null ? null : text(a.justification, 'attestation.justification', 2000);
}

const trimmedOrder = (o: PrimeMinisterOrder | null): PrimeMinisterOrder | null =>
  o === null
    ? null
    : { givenAt: o.givenAt, grounds: o.grounds.trim(), reference: o.reference?.trim() ?? null };

// ------------------------------------------------------------------ voting

/**
 * The voting rule: once at least `quorum` votes are cast and one side holds a strict majority of
 * the votes cast, that side decides; when every member has voted without one, a tie, the request
 * is denied (an authorisation needs a majority for it).
 */
export function outcomeOf(
  votes: readonly { vote: string }[],
  rule: { roster: readonly string[]; quorum: number },
): 'pending' | 'approved' | 'denied' {
  const cast = votes.length;
  const approvals = votes.filter((v) => v.vote === 'approve').length;
  const denials = cast - approvals;
  if (cast >= rule.quorum) {
    if (approvals * 2 > cast) return 'approved';
    if (denials * 2 > cast) return 'denied';
  }
  return cast >= rule.roster.length ? 'denied' : 'pending';
}

// ------------------------------------------------------------------ the decider

export function createOversightDecider(
  rules: OversightRules,
): Decider<OversightCommand, OversightEvent, OversightState> {
  const within = parseDuration(rules.emergencyNotifyWithin);
  if (!within.ok) throw new Error(`emergencyNotifyWithin: ${within.reason}`);
  if (rules.members.length === 0) throw new Error('the commission needs at least one member');
  if (new Set(rules.members).size !== rules.members.length) {
    throw new Error('member ids must be distinct');
  }
  if (!Number.isInteger(rules.quorum) || rules.quorum < 1 || rules.quorum > rules.members.length) {
    throw new Error('the quorum must be between 1 and the number of members');
  }
  const notifyWithin: Duration = within.value;
  const votingRule = () => ({ roster: [...rules.members], quorum: rules.quorum });

  function requestCollection(
    { data: d }: RequestCollectionAuthorisation,
    state: RequestState,
    ctx: CommandContext,
  ): Result {
    if (ctx.issuedBy.kind !== 'cabinet-office') {
      return refuse('forbidden', 'only the cabinet cyber office requests metadata collection');
    }
    if (state.kind !== 'none') return refuse('conflict', `request ${d.requestId} already exists`);
    const now = ctx.now.getTime();
    if (!isOrgId(d.telecomId)) {
      return refuse('invalid', 'must be the id of a telecom operator', 'telecomId');
    }
    if (d.categories.length === 0) {
      return refuse('invalid', 'name at least one category of metadata', 'categories');
    }
    const bad =
      oneOf(d.categories, METADATA_CATEGORIES, 'categories') ??
      periodProblem(d.validFrom, d.validUntil, now) ??
      text(d.justification, 'justification');
    if (bad) return bad;
    return accept({
      type: 'CollectionAuthorisationRequested',
      data: {
        requestId: d.requestId,
        requestedBy: ctx.issuedBy.orgId,
        requesterKind: ctx.issuedBy.kind,
        telecomId: d.telecomId,
        categories: sortedUnique(d.categories),
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        justification: d.justification.trim(),
        ...votingRule(),
        requestedAt: now,
      },
    });
  }

  function operationRequested(
    d: RequestOperationAuthorisation['data'],
    state: RequestState,
    ctx: CommandContext,
    emergencyReason: string | null,
  ): OperationAuthorisationRequested | Result {
    if (!(OPERATING_AGENCY_KINDS as readonly string[]).includes(ctx.issuedBy.kind)) {
      return refuse('forbidden', 'only the police and the SDF request operations');
    }
    if (state.kind !== 'none') return refuse('conflict', `request ${d.requestId} already exists`);
    const now = ctx.now.getTime();
    const target = targetProblem(d.target);
    if (target) return refuse('invalid', target.reason, target.field);
    if (d.measures.length === 0) return refuse('invalid', 'name at least one measure', 'measures');
    const bad =
      attestationProblem(d.attestation) ??
      orderProblem(ctx.issuedBy.kind, d.primeMinisterOrder, now) ??
      oneOf(d.measures, OPERATION_MEASURES, 'measures') ??
      evidenceProblem(d.evidence) ??
      text(d.justification, 'justification') ??
      (emergencyReason === null ? null : text(emergencyReason, 'emergencyReason')) ??
      // An emergency request asks to ratify what was done: its period may have begun already.
      periodProblem(d.validFrom, d.validUntil, emergencyReason === null ? now : d.validFrom);
    if (bad) return bad;
    return {
      type: 'OperationAuthorisationRequested',
      data: {
        requestId: d.requestId,
        agencyId: ctx.issuedBy.orgId,
        agencyKind: ctx.issuedBy.kind,
        target: { type: d.target.type, value: d.target.value, country: d.target.country },
        justification: d.justification.trim(),
        evidence: uniqueEvidence(d.evidence),
        measures: sortedUnique(d.measures),
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        emergencyReason: emergencyReason === null ? null : emergencyReason.trim(),
        primeMinisterOrder: trimmedOrder(d.primeMinisterOrder),
        attestation: {
          belowArmedAttackThreshold: true,
          justification: d.attestation?.justification?.trim() ?? null,
        },
        ...votingRule(),
        requestedAt: now,
      },
    };
  }

  function requestOperation(
    { data: d }: RequestOperationAuthorisation,
    state: RequestState,
    ctx: CommandContext,
  ): Result {
    const requested = operationRequested(d, state, ctx, null);
    return 'ok' in requested ? requested : accept(requested);
  }

  function consultationProblem(c: ConsultationRecord, now: Millis): Result | null {
    if (!Number.isFinite(c.consultedAt)) return refuse('invalid', 'must be a time', 'consultedAt');
    if (c.consultedAt > now + MAX_CLOCK_SKEW_MS) {
      return refuse('invalid', 'must not lie in the future', 'consultedAt');
    }
    return text(c.summary, 'summary');
  }

  /**
   * The checks every execution passes, approved or not: who acts, in which order, on what,
   * with what, abroad (police and SDF alike) only after consulting the Foreign Minister, and
   * for the SDF not before the Prime Minister ordered it.
   */
  function executionProblem(r: OperationRequest, e: ExecutionRecord, now: Millis): Result | null {
    if (r.execution) {
      return refuse('conflict', `the operation under request ${r.requestId} was already executed`);
    }
    if (isForeign(r.target) && !r.consultation) {
      return refuse(
        'conflict',
        `the target is abroad (${r.target.country}): record the consultation with the Foreign Minister first`,
        'consultation',
      );
    }
    if (!targetCovers(r.target, e.target)) {
      return refuse(
        'invalid',
        `${e.target} is not within the target ${r.target.value} of request ${r.requestId}`,
        'target',
      );
    }
    if (e.measuresTaken.length === 0) {
      return refuse('invalid', 'name the measures taken', 'measuresTaken');
    }
    const uncovered = e.measuresTaken.find((m) => !r.measures.includes(m));
    if (uncovered !== undefined) {
      return refuse(
        'invalid',
        `measure "${uncovered}" is not among those requested (${r.measures.join(', ')})`,
        'measuresTaken',
      );
    }
    if (!(EXECUTION_OUTCOMES as readonly string[]).includes(e.outcome)) {
      return refuse('invalid', `must be one of ${EXECUTION_OUTCOMES.join(', ')}`, 'outcome');
    }
    if (!Number.isFinite(e.startedAt)) return refuse('invalid', 'must be a time', 'startedAt');
    if (!Number.isFinite(e.endedAt)) return refuse('invalid', 'must be a time', 'endedAt');
    if (e.endedAt < e.startedAt) return refuse('invalid', 'must not precede startedAt', 'endedAt');
    if (r.primeMinisterOrder && e.startedAt < r.primeMinisterOrder.givenAt) {
      return refuse(
        'invalid',
        `must not precede the Prime Minister's order (${new Date(r.primeMinisterOrder.givenAt).toISOString()})`,
        'startedAt',
      );
    }
    if (e.endedAt > now + MAX_CLOCK_SKEW_MS) {
      return refuse('invalid', 'an execution is recorded after it ended', 'endedAt');
    }
    return text(e.summary, 'summary');
  }

  /** Approved, and in force now and when the agency began. */
  function liveApprovalProblem(r: OperationRequest, e: ExecutionRecord, now: Millis) {
    if (r.decision === 'denied') {
      return refuse<OversightEvent>('conflict', `the commission denied request ${r.requestId}`);
    }
    if (r.decision !== 'approved') {
      return refuse<OversightEvent>(
        'conflict',
        `request ${r.requestId} is not approved yet; without approval only an emergency (emergencyReason) allows acting`,
      );
    }
    if (now >= r.validUntil) {
      return refuse<OversightEvent>(
        'conflict',
        `the approval of request ${r.requestId} expired at ${new Date(r.validUntil).toISOString()}`,
      );
    }
    if (now < r.validFrom || e.startedAt < r.validFrom) {
      return refuse<OversightEvent>(
        'conflict',
        `the approval of request ${r.requestId} is in force only from ${new Date(r.validFrom).toISOString()}`,
        'startedAt',
      );
    }
    return null;
  }

  function executed(
    r: OperationRequest,
    e: ExecutionRecord,
    emergencyReason: string | null,
    now: Millis,
  ): OperationExecuted {
    const emergency = emergencyReason !== null;
    return {
      type: 'OperationExecuted',
      data: {
        requestId: r.requestId,
        agencyId: r.requestedBy,
        target: e.target.trim().toLowerCase().replace(/\.$/, ''),
        startedAt: e.startedAt,
        endedAt: e.endedAt,
        outcome: e.outcome,
        summary: e.summary.trim(),
        measuresTaken: sortedUnique(e.measuresTaken),
        emergency,
        emergencyReason: emergencyReason === null ? null : emergencyReason.trim(),
        // The clock runs from when the agency began to act, not from when it told the bus.
        notifyBy: emergency ? addDuration(e.startedAt, notifyWithin) : null,
        executedAt: now,
      },
    };
  }

  function recordEmergency(
    { data: d }: RecordEmergencyOperation,
    state: RequestState,
    ctx: CommandContext,
  ): Result {
    const now = ctx.now.getTime();
    const { emergencyReason, consultation, execution, ...request } = d;
    const requested = operationRequested(request, state, ctx, emergencyReason);
    if ('ok' in requested) return requested;
    const events: OversightEvent[] = [requested];
    let r = evolveRequest(initialOversightState, requested) as OperationRequest;
    if (consultation) {
      if (!isForeign(r.target)) {
        return refuse('invalid', 'only a target abroad needs the Foreign Minister', 'consultation');
      }
      const bad = consultationProblem(consultation, now);
      if (bad) return bad;
      const consulted: OversightEvent = {
        type: 'ForeignMinisterConsulted',
        data: {
          requestId: r.requestId,
          agencyId: r.requestedBy,
          consultedAt: consultation.consultedAt,
          summary: consultation.summary.trim(),
          recordedAt: now,
        },
      };
      events.push(consulted);
      r = evolveRequest(r, consulted) as OperationRequest;
    }
    const bad = executionProblem(r, execution, now);
    if (bad) return bad;
    events.push(executed(r, execution, emergencyReason, now));
    return accept(...events);
  }

  function consult(
    { data: d }: RecordForeignMinisterConsultation,
    state: RequestState,
    ctx: CommandContext,
  ): Result {
    const found = visibleRequest(state, d.requestId, ctx);
    if (!found) return notFound(d.requestId);
    const r = asOperation(found, 'record a consultation');
    if ('ok' in r) return r;
    const who = asRequestingAgency(r, ctx, 'record its consultation of the Foreign Minister');
    if (who) return who;
    if (!isForeign(r.target)) {
      return refuse('invalid', 'only a target abroad needs the Foreign Minister', 'requestId');
    }
    if (r.consultation) return refuse('conflict', 'the consultation was already recorded');
    if (r.execution) return refuse('conflict', 'a consultation is recorded before acting');
    const now = ctx.now.getTime();
    const bad = consultationProblem(d, now);
    if (bad) return bad;
    return accept({
      type: 'ForeignMinisterConsulted',
      data: {
        requestId: r.requestId,
        agencyId: r.requestedBy,
        consultedAt: d.consultedAt,
        summary: d.summary.trim(),
        recordedAt: now,
      },
    });
  }

  function vote({ data: d }: CastVote, state: RequestState, ctx: CommandContext): Result {
    const r = visibleRequest(state, d.requestId, ctx);
    if (!r) return notFound(d.requestId);
    if (ctx.issuedBy.kind !== 'oversight-commission') {
      return refuse('forbidden', 'only members of the commission vote');
    }
    if (d.memberId === null) {
      return refuse('forbidden', "a vote needs a member's personal token, not the commission's");
    }
    if (!r.roster.includes(d.memberId)) {
      return refuse('forbidden', `${d.memberId} is not on the roster of request ${r.requestId}`);
    }
    if (r.decision !== 'pending') {
      return refuse('conflict', `request ${r.requestId} was already ${r.decision}`);
    }
    if (r.votes.some((v) => v.memberId === d.memberId)) {
      return refuse('conflict', `${d.memberId} already voted on request ${r.requestId}`);
    }
    if (!(VOTES as readonly string[]).includes(d.vote)) {
      return refuse('invalid', 'must be approve or deny', 'vote');
    }
    const bad = d.reason === null ? null : text(d.reason, 'reason', 2000);
    if (bad) return bad;
    const now = ctx.now.getTime();
    const cast: VoteCast = {
      type: 'VoteCast',
      data: {
        requestId: r.requestId,
        memberId: d.memberId,
        vote: d.vote,
        reason: d.reason === null ? null : d.reason.trim(),
        castAt: now,
      },
    };
    const votes = [...r.votes, cast.data];
    const outcome = outcomeOf(votes, r);
    if (outcome === 'pending') return accept(cast);
    const approvals = votes.filter((v) => v.vote === 'approve').length;
    const denials = votes.length - approvals;
    return accept<OversightEvent>(
      cast,
      outcome === 'approved'
        ? {
            type: 'RequestApproved',
            data: {
              requestId: r.requestId,
              approvals,
              denials,
              validFrom: r.validFrom,
              validUntil: r.validUntil,
              decidedAt: now,
            },
          }
        : {
            type: 'RequestDenied',
            data: { requestId: r.requestId, approvals, denials, decidedAt: now },
          },
    );
  }

  function execute(
    { data: d }: ExecuteOperation,
    state: RequestState,
    ctx: CommandContext,
  ): Result {
    const found = visibleRequest(state, d.requestId, ctx);
    if (!found) return notFound(d.requestId);
    const r = asOperation(found, 'be executed');
    if ('ok' in r) return r;
    const who = asRequestingAgency(r, ctx, 'execute the operation');
    if (who) return who;
    const now = ctx.now.getTime();
    const { emergencyReason, requestId: _id, ...execution } = d;
    const emergency = emergencyReason !== null && r.decision === 'pending' && !r.execution;
    if (emergency) {
      const reason = text(emergencyReason, 'emergencyReason');
      if (reason) return reason;
    }
    const bad =
      executionProblem(r, execution, now) ??
      (emergency ? null : liveApprovalProblem(r, execution, now));
    if (bad) return bad;
    return accept(executed(r, execution, emergency ? emergencyReason : null, now));
  }

  function notify({ data: d }: NotifyCommission, state: RequestState, ctx: CommandContext): Result {
    const found = visibleRequest(state, d.requestId, ctx);
    if (!found) return notFound(d.requestId);
    const r = asOperation(found, 'take a notification');
    if ('ok' in r) return r;
    const who = asRequestingAgency(r, ctx, 'notify the commission of its operation');
    if (who) return who;
    if (!r.execution?.emergency || r.execution.notifyBy === null) {
      return refuse(
        'conflict',
        'only an operation executed in an emergency is notified afterwards',
      );
    }
    if (r.notification) return refuse('conflict', 'the commission was already notified');
    const bad = text(d.summary, 'summary');
    if (bad) return bad;
    const now = ctx.now.getTime();
    const { notifyBy } = r.execution;
    const late = now > notifyBy;
    const events: OversightEvent[] = [];
    // A late notification records the miss itself if the scheduler has not yet, so the miss is
    // recorded exactly once whoever comes first.
    if (late && r.notificationMissedAt === null) {
      events.push({
        type: 'EmergencyNotificationMissed',
        data: { requestId: r.requestId, agencyId: r.requestedBy, notifyBy, recordedAt: now },
      });
    }
    events.push({
      type: 'CommissionNotified',
      data: {
        requestId: r.requestId,
        agencyId: r.requestedBy,
        summary: d.summary.trim(),
        notifyBy,
        notifiedAt: now,
        late,
      },
    });
    return accept(...events);
  }

  function markMissed(
    { data: d }: MarkEmergencyNotificationMissed,
    state: RequestState,
    ctx: CommandContext,
  ): Result {
    if (ctx.issuedBy.kind !== 'system') {
      return refuse('forbidden', 'only the deadline scheduler records a missed notification');
    }
    if (state.kind !== 'operation') return notFound(d.requestId);
    const execution = state.execution;
    if (!execution?.emergency || execution.notifyBy === null) return accept();
    // Already notified or already recorded: nothing, however often the scheduler asks.
    if (state.notification || state.notificationMissedAt !== null) return accept();
    const now = ctx.now.getTime();
    if (now <= execution.notifyBy) {
      return refuse('conflict', 'the notification is not due yet');
    }
    return accept({
      type: 'EmergencyNotificationMissed',
      data: {
        requestId: state.requestId,
        agencyId: state.requestedBy,
        notifyBy: execution.notifyBy,
        recordedAt: now,
      },
    });
  }

  function report({ data: d }: ReportOperation, state: RequestState, ctx: CommandContext): Result {
    const found = visibleRequest(state, d.requestId, ctx);
    if (!found) return notFound(d.requestId);
    const r = asOperation(found, 'be reported');
    if ('ok' in r) return r;
    const who = asRequestingAgency(r, ctx, 'report the operation');
    if (who) return who;
    if (!r.execution) return refuse('conflict', 'an operation is reported after it was executed');
    if (r.report) return refuse('conflict', 'the operation was already reported');
    if (r.execution.emergency && !r.notification) {
      return refuse('conflict', 'notify the commission of the emergency before reporting');
    }
    const bad = text(d.summary, 'summary');
    if (bad) return bad;
    return accept({
      type: 'OperationReported',
      data: {
        requestId: r.requestId,
        agencyId: r.requestedBy,
        summary: d.summary.trim(),
        reportedAt: ctx.now.getTime(),
      },
    });
  }

  return {
    initialState: initialOversightState,
    decide(command, state, ctx) {
      // Requests are keyed by request id and supervision files by agency id: ids of one never
      // name the other, so an aggregate of the other sort is, for this command, missing.
      if (isSupervisionCommand(command)) {
        if (state.kind !== 'none' && state.kind !== 'supervision') {
          return refuse('not-found', `no supervision file of ${command.data.agencyId}`);
        }
        return decideSupervision(command, state, ctx);
      }
      if (isAgreementCommand(command)) {
        if (state.kind !== 'none' && state.kind !== 'agreement') {
          return refuse('not-found', `no agreement ${command.data.agreementId}`);
        }
        return decideAgreement(command, state, ctx);
      }
      if (isCouncilCommand(command)) {
        if (state.kind !== 'none' && state.kind !== 'council') {
          return refuse('not-found', `no council ${command.data.councilId}`);
        }
        return decideCouncil(command, state, ctx);
      }
      if (state.kind === 'supervision' || state.kind === 'agreement' || state.kind === 'council') {
        return notFound(command.data.requestId);
      }
      // The processor routes by request id, so this holds unless a caller hands in the wrong state.
      if (state.kind !== 'none' && command.data.requestId !== state.requestId) {
        return refuse('invalid', `this is request ${state.requestId}`, 'requestId');
      }
      switch (command.type) {
        case 'RequestCollectionAuthorisation':
          return requestCollection(command, state, ctx);
        case 'RequestOperationAuthorisation':
          return requestOperation(command, state, ctx);
        case 'RecordEmergencyOperation':
          return recordEmergency(command, state, ctx);
        case 'RecordForeignMinisterConsultation':
          return consult(command, state, ctx);
        case 'CastVote':
          return vote(command, state, ctx);
        case 'ExecuteOperation':
          return execute(command, state, ctx);
        case 'NotifyCommission':
          return notify(command, state, ctx);
        case 'MarkEmergencyNotificationMissed':
          return markMissed(command, state, ctx);
        case 'ReportOperation':
          return report(command, state, ctx);
        default:
          return assertNever(command);
      }
    },
    evolve: evolveOversight,
  };
}

// ------------------------------------------------------------------ evolve

/** Folds any oversight event into the aggregate it belongs to; one of the other sort is ignored. */
export function evolveOversight(state: OversightState, event: OversightEvent): OversightState {
  if (isSupervisionEvent(event)) {
    return state.kind === 'none' || state.kind === 'supervision'
      ? evolveSupervision(state, event)
      : state;
  }
  if (isAgreementEvent(event)) {
    return state.kind === 'none' || state.kind === 'agreement'
      ? evolveAgreement(state, event)
      : state;
  }
  if (isCouncilEvent(event)) {
    return state.kind === 'none' || state.kind === 'council' ? evolveCouncil(state, event) : state;
  }
  return state.kind === 'supervision' || state.kind === 'agreement' || state.kind === 'council'
    ? state
    : evolveRequest(state, event);
}

export function evolveRequest(state: RequestState, event: RequestEvent): RequestState {
  switch (event.type) {
    case 'CollectionAuthorisationRequested': {
      const d = event.data;
      return {
        kind: 'collection',
        requestId: d.requestId,
        requestedBy: d.requestedBy,
        requesterKind: d.requesterKind,
        justification: d.justification,
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        requestedAt: d.requestedAt,
        roster: d.roster,
        quorum: d.quorum,
        votes: [],
        decision: 'pending',
        decidedAt: null,
        telecomId: d.telecomId,
        categories: d.categories,
      };
    }
    case 'OperationAuthorisationRequested': {
      const d = event.data;
      return {
        kind: 'operation',
        requestId: d.requestId,
        requestedBy: d.agencyId,
        requesterKind: d.agencyKind,
        justification: d.justification,
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        requestedAt: d.requestedAt,
        roster: d.roster,
        quorum: d.quorum,
        votes: [],
        decision: 'pending',
        decidedAt: null,
        target: d.target,
        evidence: d.evidence,
        measures: d.measures,
        emergencyReason: d.emergencyReason,
        primeMinisterOrder: d.primeMinisterOrder,
        attestation: d.attestation,
        consultation: null,
        execution: null,
        notification: null,
        notificationMissedAt: null,
        report: null,
      };
    }
    case 'ForeignMinisterConsulted':
      if (state.kind !== 'operation') return state;
      return {
        ...state,
        consultation: { consultedAt: event.data.consultedAt, summary: event.data.summary },
      };
    case 'VoteCast': {
      if (state.kind === 'none') return state;
      const { requestId: _r, ...vote } = event.data;
      return { ...state, votes: [...state.votes, vote] };
    }
    case 'RequestApproved':
      if (state.kind === 'none') return state;
      return {
        ...state,
        decision: 'approved',
        decidedAt: event.data.decidedAt,
        validFrom: event.data.validFrom,
        validUntil: event.data.validUntil,
      };
    case 'RequestDenied':
      if (state.kind === 'none') return state;
      return { ...state, decision: 'denied', decidedAt: event.data.decidedAt };
    case 'OperationExecuted': {
      if (state.kind !== 'operation') return state;
      const { requestId: _r, agencyId: _a, ...execution } = event.data;
      return { ...state, execution };
    }
    case 'CommissionNotified':
      if (state.kind !== 'operation') return state;
      return {
        ...state,
        notification: { notifiedAt: event.data.notifiedAt, late: event.data.late },
      };
    case 'EmergencyNotificationMissed':
      if (state.kind !== 'operation') return state;
      return { ...state, notificationMissedAt: event.data.recordedAt };
    case 'OperationReported':
      if (state.kind !== 'operation') return state;
      return {
        ...state,
        report: { summary: event.data.summary, reportedAt: event.data.reportedAt },
      };
    default:
      return assertNever(event);
  }
}
