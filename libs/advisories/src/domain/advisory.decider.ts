import {
  accept,
  assertNever,
  refuse,
  type CommandContext,
  type Decider,
  type Decision,
} from '@acd/event-sourcing';
import {
  canReadAdvisory,
  COUNCIL_SHARING_REFUSED,
  isOrgId,
  mayShareInCouncil,
  isOrgKind,
  isSector,
  isTlp,
  OPEN_BY_DEFAULT_TLPS,
  SECTOR_SHAREABLE_TLPS,
  type Tlp,
  issuerAsViewer,
} from '@acd/identity/domain';
import type {
  AcknowledgeAdvisory,
  AdvisoryCommand,
  IssueAdvisory,
  UpdateAdvisory,
  WithdrawAdvisory,
} from './advisory.commands';
import {
  ADVISORY_ISSUER_KINDS,
  ADVISORY_SEVERITIES,
  type AdvisoryAudience,
  type AdvisoryContent,
  type AdvisoryEvent,
  type Millis,
} from './advisory.events';
import { initialAdvisoryState, type AdvisoryState, type IssuedAdvisory } from './advisory.state';

/** The longest an advisory may stay in force before it must be reissued. */
export const MAX_ADVISORY_LIFETIME_MS = 2 * 366 * 86_400_000;
const MAX_LIST = 500;
const MAX_ACTIONS = 50;

type Result = Decision<AdvisoryEvent>;

// ------------------------------------------------------------------ validation

function text(value: string, field: string, max: number): Result | null {
  if (value.trim().length === 0) return refuse('invalid', 'must not be blank', field);
  if (value.length > max) return refuse('invalid', `at most ${max} characters`, field);
  return null;
}

const sortedUnique = (xs: readonly string[]): string[] =>
  [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function normaliseAdvisoryAudience(a: AdvisoryAudience): AdvisoryAudience {
  return {
    everyone: a.everyone,
    sectors: sortedUnique(a.sectors),
    kinds: sortedUnique(a.kinds),
    orgs: sortedUnique(a.orgs),
    // Only when true, as the policy's audiences are: false and absent mean the same.
    ...(a.council === true ? { council: true } : {}),
  };
}

/**
 * The label caps the audience as it caps an indicator's: `everyone` only under CLEAR or GREEN,
 * sectors and kinds not under AMBER+STRICT or RED (named organisations only), and an advisory
 * always names who it is for (AMBER in particular needs an explicit audience).
 */
export function audienceProblem(tlp: Tlp, a: AdvisoryAudience): Result | null {
  for (const list of ['sectors', 'kinds', 'orgs'] as const) {
    if (a[list].length > MAX_LIST) {
      return refuse('invalid', `at most ${MAX_LIST}`, `audience.${list}`);
    }
  }
  const badSector = a.sectors.find((s) => !isSector(s));
  if (badSector !== undefined) {
    return refuse('invalid', `unknown sector "${badSector}"`, 'audience.sectors');
  }
  const badKind = a.kinds.find((k) => !isOrgKind(k));
  if (badKind !== undefined) {
    return refuse('invalid', `unknown organisation kind "${badKind}"`, 'audience.kinds');
  }
  const badOrg = a.orgs.find((o) => !isOrgId(o));
  if (badOrg !== undefined) {
    return refuse('invalid', `"${badOrg}" is not an organisation id`, 'audience.orgs');
  }
  if (
    !a.everyone &&
    a.sectors.length + a.kinds.length + a.orgs.length === 0 &&
    a.council !== true
  ) {
    return refuse(
      'invalid',
      'name who the advisory is for: everyone, sectors, kinds, organisations or the council',
      'audience',
    );
  }
  if (a.everyone && !OPEN_BY_DEFAULT_TLPS.includes(tlp)) {
    return refuse('invalid', `TLP:${tlp} cannot be addressed to everyone`, 'audience.everyone');
  }
  if (!SECTOR_SHAREABLE_TLPS.includes(tlp)) {
    if (a.sectors.length > 0) {
      return refuse('invalid', `TLP:${tlp} is for named organisations only`, 'audience.sectors');
    }
    if (a.kinds.length > 0) {
      return refuse('invalid', `TLP:${tlp} is for named organisations only`, 'audience.kinds');
    }
    if (a.council === true) {
      return refuse('invalid', `TLP:${tlp} is for named organisations only`, 'audience.council');
    }
  }
  return null;
}

function contentProblem(c: AdvisoryContent, now: Millis): Result | null {
  const bad = text(c.title, 'title', 300) ?? text(c.summary, 'summary', 20_000);
  if (bad) return bad;
  if (!(ADVISORY_SEVERITIES as readonly string[]).includes(c.severity)) {
    return refuse('invalid', `must be one of ${ADVISORY_SEVERITIES.join(', ')}`, 'severity');
  }
  if (!isTlp(c.tlp)) return refuse('invalid', 'must be a TLP 2.0 label', 'tlp');
  const audience = audienceProblem(c.tlp, c.audience);
  if (audience) return audience;
  if (c.indicatorIds.length > MAX_LIST) return refuse('invalid', 'at most 500', 'indicatorIds');
  if (c.incidentIds.length > MAX_LIST) return refuse('invalid', 'at most 500', 'incidentIds');
  if (c.recommendedActions.length > MAX_ACTIONS) {
    return refuse('invalid', `at most ${MAX_ACTIONS}`, 'recommendedActions');
  }
  for (const action of c.recommendedActions) {
    const problem = text(action, 'recommendedActions', 2000);
    if (problem) return problem;
  }
  if (!Number.isFinite(c.expiresAt)) return refuse('invalid', 'must be a time', 'expiresAt');
  if (c.expiresAt <= now) return refuse('invalid', 'must lie in the future', 'expiresAt');
  if (c.expiresAt > now + MAX_ADVISORY_LIFETIME_MS) {
    return refuse('invalid', 'at most two years ahead', 'expiresAt');
  }
  return null;
}

function normalised(c: AdvisoryContent): AdvisoryContent {
  return {
    title: c.title.trim(),
    summary: c.summary.trim(),
    severity: c.severity,
    tlp: c.tlp,
    audience: normaliseAdvisoryAudience(c.audience),
    indicatorIds: sortedUnique(c.indicatorIds),
    incidentIds: sortedUnique(c.incidentIds),
    recommendedActions: c.recommendedActions.map((a) => a.trim()),
    expiresAt: c.expiresAt,
  };
}

const contentOf = (s: IssuedAdvisory): AdvisoryContent => ({
  title: s.title,
  summary: s.summary,
  severity: s.severity,
  tlp: s.tlp,
  audience: s.audience,
  indicatorIds: s.indicatorIds,
  incidentIds: s.incidentIds,
  recommendedActions: s.recommendedActions,
  expiresAt: s.expiresAt,
});

/**
 * The advisory as the issuer of a command may see it, or null: one it may not read does not exist
 * for it (the same refusal, 404, as a missing one). Decided here from the log, never by the
 * gateway from a read model that may lag behind the issue.
 */
function readableBy(state: AdvisoryState, ctx: CommandContext): IssuedAdvisory | null {
  if (state.status === 'none') return null;
  const item = { issuerOrgId: state.issuerOrgId, tlp: state.tlp as Tlp, audience: state.audience };
  return canReadAdvisory(issuerAsViewer(ctx.issuedBy), item) ? state : null;
}

/** An advisory in force: neither withdrawn nor expired. */
function inForce(s: IssuedAdvisory, now: Millis, what: string): Result | null {
  if (s.status === 'withdrawn') {
    return refuse('conflict', `advisory ${s.advisoryId} was withdrawn; it cannot ${what}`);
  }
  if (s.expiresAt <= now) {
    return refuse('conflict', `advisory ${s.advisoryId} has expired; it cannot ${what}`);
  }
  return null;
}

function asIssuer(s: IssuedAdvisory, ctx: CommandContext, what: string): Result | null {
  return ctx.issuedBy.orgId === s.issuerOrgId
    ? null
    : refuse('forbidden', `only the issuing organisation may ${what} the advisory`);
}

// ------------------------------------------------------------------ commands

function issue({ data: d }: IssueAdvisory, state: AdvisoryState, ctx: CommandContext): Result {
  if (!(ADVISORY_ISSUER_KINDS as readonly string[]).includes(ctx.issuedBy.kind)) {
    return refuse('forbidden', 'only the cabinet cyber office and the police issue advisories');
  }
  if (state.status !== 'none') {
    return refuse('conflict', `advisory ${d.advisoryId} was already issued`);
  }
  const now = ctx.now.getTime();
  const { advisoryId, ...content } = d;
  const bad = contentProblem(content, now);
  if (bad) return bad;
  if (content.audience.council === true && !mayShareInCouncil(ctx.issuedBy)) {
    return refuse('forbidden', COUNCIL_SHARING_REFUSED, 'audience.council');
  }
  return accept({
    type: 'AdvisoryIssued',
    data: {
      advisoryId,
      issuerOrgId: ctx.issuedBy.orgId,
      issuerKind: ctx.issuedBy.kind,
      ...normalised(content),
      issuedAt: now,
    },
  });
}

const CONTENT_FIELDS = [
  'title',
  'summary',
  'severity',
  'tlp',
  'audience',
  'indicatorIds',
  'incidentIds',
  'recommendedActions',
  'expiresAt',
] as const satisfies readonly (keyof AdvisoryContent)[];

function update({ data: d }: UpdateAdvisory, stored: AdvisoryState, ctx: CommandContext): Result {
  const state = readableBy(stored, ctx);
  if (!state) return refuse('not-found', `no advisory ${d.advisoryId}`);
  const now = ctx.now.getTime();
  const refused = asIssuer(state, ctx, 'update') ?? inForce(state, now, 'be updated');
  if (refused) return refused;
  const current = contentOf(state);
  const merged: AdvisoryContent = {
    title: d.title ?? current.title,
    summary: d.summary ?? current.summary,
    severity: d.severity ?? current.severity,
    tlp: d.tlp ?? current.tlp,
    audience: d.audience ?? current.audience,
    indicatorIds: d.indicatorIds ?? current.indicatorIds,
    incidentIds: d.incidentIds ?? current.incidentIds,
    recommendedActions: d.recommendedActions ?? current.recommendedActions,
    expiresAt: d.expiresAt ?? current.expiresAt,
  };
  const bad = contentProblem(merged, now);
  if (bad) return bad;
  if (
    merged.audience.council === true &&
    current.audience.council !== true &&
    !mayShareInCouncil(ctx.issuedBy)
  ) {
    return refuse('forbidden', COUNCIL_SHARING_REFUSED, 'audience.council');
  }
  const next = normalised(merged);
  // Normalised both sides: an audience recorded before the council existed has no `council`.
  const before = normalised(current);
  const changedFields = CONTENT_FIELDS.filter(
    (f) => JSON.stringify(next[f]) !== JSON.stringify(before[f]),
  );
  if (changedFields.length === 0) return accept();
  return accept({
    type: 'AdvisoryUpdated',
    data: {
      advisoryId: d.advisoryId,
      issuerOrgId: state.issuerOrgId,
      ...next,
      changedFields,
      updatedAt: now,
    },
  });
}

function withdraw(
  { data: d }: WithdrawAdvisory,
  current: AdvisoryState,
  ctx: CommandContext,
): Result {
  const state = readableBy(current, ctx);
  if (!state) return refuse('not-found', `no advisory ${d.advisoryId}`);
  const who = asIssuer(state, ctx, 'withdraw');
  if (who) return who;
  if (state.status === 'withdrawn') {
    return refuse('conflict', `advisory ${d.advisoryId} was already withdrawn`);
  }
  const bad = text(d.reason, 'reason', 2000);
  if (bad) return bad;
  return accept({
    type: 'AdvisoryWithdrawn',
    data: {
      advisoryId: d.advisoryId,
      issuerOrgId: state.issuerOrgId,
      reason: d.reason.trim(),
      tlp: state.tlp,
      audience: state.audience,
      withdrawnAt: ctx.now.getTime(),
    },
  });
}

function acknowledge(
  { data: d }: AcknowledgeAdvisory,
  current: AdvisoryState,
  ctx: CommandContext,
): Result {
  // A reader who may not read the advisory learns nothing of it, not even that it exists.
  const state = readableBy(current, ctx);
  if (!state) return refuse('not-found', `no advisory ${d.advisoryId}`);
  if (ctx.issuedBy.orgId === state.issuerOrgId) {
    return refuse('invalid', 'the issuer does not acknowledge its own advisory');
  }
  // Acknowledging twice changes nothing, whatever happened to the advisory since.
  if (state.acknowledgedBy[ctx.issuedBy.orgId] !== undefined) return accept();
  const now = ctx.now.getTime();
  const closed = inForce(state, now, 'be acknowledged');
  if (closed) return closed;
  return accept({
    type: 'AdvisoryAcknowledged',
    data: {
      advisoryId: d.advisoryId,
      orgId: ctx.issuedBy.orgId,
      orgKind: ctx.issuedBy.kind,
      orgSector: ctx.issuedBy.sector,
      acknowledgedAt: now,
    },
  });
}

// ------------------------------------------------------------------ evolve

export function evolve(state: AdvisoryState, event: AdvisoryEvent): AdvisoryState {
  switch (event.type) {
    case 'AdvisoryIssued': {
      const { issuedAt: _issuedAt, ...d } = event.data;
      return { ...d, status: 'active', acknowledgedBy: {} };
    }
    case 'AdvisoryUpdated': {
      if (state.status === 'none') return state;
      const { changedFields: _c, updatedAt: _u, issuerOrgId: _i, ...d } = event.data;
      return { ...state, ...d };
    }
    case 'AdvisoryWithdrawn':
      return state.status === 'none' ? state : { ...state, status: 'withdrawn' };
    case 'AdvisoryAcknowledged':
      if (state.status === 'none') return state;
      return {
        ...state,
        acknowledgedBy: { ...state.acknowledgedBy, [event.data.orgId]: event.data.acknowledgedAt },
      };
    default:
      return assertNever(event);
  }
}

export const advisoryDecider: Decider<AdvisoryCommand, AdvisoryEvent, AdvisoryState> = {
  initialState: initialAdvisoryState,
  decide(command, state, ctx) {
    // The processor routes by advisory id, so this holds unless a caller hands in the wrong state.
    if (state.status !== 'none' && command.data.advisoryId !== state.advisoryId) {
      return refuse('invalid', `this is advisory ${state.advisoryId}`, 'advisoryId');
    }
    switch (command.type) {
      case 'IssueAdvisory':
        return issue(command, state, ctx);
      case 'UpdateAdvisory':
        return update(command, state, ctx);
      case 'WithdrawAdvisory':
        return withdraw(command, state, ctx);
      case 'AcknowledgeAdvisory':
        return acknowledge(command, state, ctx);
      default:
        return assertNever(command);
    }
  },
  evolve,
};
