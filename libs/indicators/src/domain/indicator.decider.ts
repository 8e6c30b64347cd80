import {
  accept,
  assertNever,
  refuse,
  type CommandContext,
  type Decider,
  type Decision,
} from '@acd/event-sourcing';
import type {
  IndicatorCommand,
  PublishIndicator,
  RecordSighting,
  ReidentifyPublisher,
  RevokeIndicator,
} from './indicator.commands';
import type { AudienceData, IndicatorEvent, IndicatorTerms } from './indicator.events';
import { initialIndicatorState, type IndicatorState } from './indicator.state';
import {
  DEFAULT_INDICATOR_BREADTH,
  publishableIndicatorValue,
  type IndicatorBreadth,
} from './indicator-value';
import {
  canRead,
  COUNCIL_SHARING_REFUSED,
  isTlp,
  mayShareInCouncil,
  TLP_LEVELS,
  type EntitledItem,
  type Tlp,
  issuerAsViewer,
} from '@acd/identity/domain';

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
/** Clocks of reporting sensors drift; a sighting a few minutes "in the future" is not an error. */
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_DESCRIPTION = 10_000;

type Result = Decision<IndicatorEvent>;

function validateTerms(terms: IndicatorTerms): Result | null {
  if (!isTlp(terms.tlp)) {
    return refuse('invalid', `must be one of ${TLP_LEVELS.join(', ')}`, 'tlp');
  }
  const { orgs, sectors, council } = terms.audience;
  if (terms.tlp === 'AMBER' && orgs.length + sectors.length === 0 && council !== true) {
    return refuse(
      'invalid',
      'TLP:AMBER needs an explicit audience (orgs, sectors or the council)',
      'audience',
    );
  }
  if ((terms.tlp === 'AMBER+STRICT' || terms.tlp === 'RED') && orgs.length === 0) {
    return refuse('invalid', `TLP:${terms.tlp} needs named organisations`, 'audience.orgs');
  }
  if ((terms.tlp === 'AMBER+STRICT' || terms.tlp === 'RED') && sectors.length > 0) {
    return refuse(
      'invalid',
      `TLP:${terms.tlp} is for named organisations only; sectors cannot receive it`,
      'audience.sectors',
    );
  }
  if ((terms.tlp === 'AMBER+STRICT' || terms.tlp === 'RED') && council === true) {
    return refuse(
      'invalid',
      `TLP:${terms.tlp} is for named organisations only; the council cannot receive it`,
      'audience.council',
    );
  }
  if (!Number.isInteger(terms.confidence) || terms.confidence < 0 || terms.confidence > 100) {
    return refuse('invalid', 'must be an integer from 0 to 100', 'confidence');
  }
  if (terms.validUntil !== null && terms.validUntil <= terms.validFrom) {
    return refuse('invalid', 'must be later than validFrom', 'validUntil');
  }
  if (terms.description !== null && terms.description.length > MAX_DESCRIPTION) {
    return refuse('invalid', `at most ${MAX_DESCRIPTION} characters`, 'description');
  }
  const badCve = terms.cves.find((c) => !CVE_ID.test(c));
  if (badCve !== undefined) return refuse('invalid', `"${badCve}" is not a CVE id`, 'cves');
  return null;
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function changedFields(before: IndicatorTerms, after: IndicatorTerms): string[] {
  const keys: (keyof IndicatorTerms)[] = [
    'tlp',
    'audience',
    'confidence',
    'validFrom',
    'validUntil',
    'description',
    'cves',
    'killChainPhases',
    'disclosePublisher',
  ];
  const comparable = (t: IndicatorTerms, k: keyof IndicatorTerms) =>
    JSON.stringify(k === 'audience' ? comparableAudience(t.audience) : t[k]);
  return keys.filter((k) => comparable(before, k) !== comparable(after, k));
}

/** An audience from before the council existed has no `council`; it means false. */
function comparableAudience(a: AudienceData): AudienceData {
  return { orgs: a.orgs, sectors: a.sectors, ...(a.council === true ? { council: true } : {}) };
}

function publish(
  breadth: IndicatorBreadth,
  command: PublishIndicator,
  state: IndicatorState,
  ctx: CommandContext,
): Result {
  const d = command.data;
  // Normalised, and never so broad that it matches everything (a default route, a TLD).
  const normalised = publishableIndicatorValue(d.indicatorType, d.value, breadth);
  if (!normalised.ok) return refuse('invalid', normalised.reason, 'value');
  // The id is minted by the gateway under the bus's secret id key, which a pure decider does not
  // hold; what it can hold to is that an id, once published, always names the same publisher,
  // type and value.
  const indicatorId = d.indicatorId;
  if (
    state.status !== 'unknown' &&
    (state.publisherOrgId !== ctx.issuedBy.orgId ||
      state.indicatorType !== d.indicatorType ||
      state.value !== normalised.value)
  ) {
    return refuse('invalid', 'indicatorId names another indicator', 'indicatorId');
  }
  const now = ctx.now.getTime();
  const terms: IndicatorTerms = {
    tlp: d.tlp,
    audience: {
      orgs: sortedUnique(d.audience.orgs),
      sectors: sortedUnique(d.audience.sectors),
      ...(d.audience.council === true ? { council: true } : {}),
    },
    confidence: d.confidence,
    validFrom: d.validFrom ?? (state.status === 'unknown' ? now : state.validFrom),
    validUntil: d.validUntil,
    description: d.description,
    cves: sortedUnique(d.cves.map((c) => c.toUpperCase())),
    killChainPhases: d.killChainPhases,
    disclosePublisher: d.disclosePublisher,
  };
  const invalid = validateTerms(terms);
  if (invalid) return invalid;
  const sharedBefore = state.status !== 'unknown' && state.audience.council === true;
  if (terms.audience.council === true && !sharedBefore && !mayShareInCouncil(ctx.issuedBy)) {
    return refuse('forbidden', COUNCIL_SHARING_REFUSED, 'audience.council');
  }

  switch (state.status) {
    case 'unknown':
      return accept({
        type: 'IndicatorPublished',
        data: {
          ...terms,
          indicatorId,
          publisherOrgId: ctx.issuedBy.orgId,
          publisherSector: ctx.issuedBy.sector,
          indicatorType: d.indicatorType,
          value: normalised.value,
          publishedAt: now,
        },
      });
    case 'revoked':
      return refuse('conflict', 'this indicator was revoked; a revoked indicator stays revoked');
    case 'active': {
      const changed = changedFields(state, terms);
      if (changed.length === 0) return accept();
      return accept({
        type: 'IndicatorUpdated',
        data: { ...terms, indicatorId, changedFields: changed, updatedAt: now },
      });
    }
    default:
      return assertNever(state);
  }
}

type Known = Exclude<IndicatorState, { status: 'unknown' }>;

/**
 * The indicator as the issuer may see it, or null: an indicator the issuer may not read does not
 * exist for it. The processor decides this from the log, so a command right after a publish is
 * never refused because a read model has not caught up, and both cases get one refusal.
 */
function readableBy(state: IndicatorState, ctx: CommandContext): Known | null {
  if (state.status === 'unknown') return null;
  const item = {
    publisherOrgId: state.publisherOrgId,
    tlp: state.tlp as Tlp,
    audience: state.audience as EntitledItem['audience'],
  };
  return canRead(issuerAsViewer(ctx.issuedBy), item) ? state : null;
}

const NO_SUCH_INDICATOR: Result = refuse('not-found', 'no such indicator');

function revoke(command: RevokeIndicator, current: IndicatorState, ctx: CommandContext): Result {
  const state = readableBy(current, ctx);
  if (!state) return NO_SUCH_INDICATOR;
  if (state.publisherOrgId !== ctx.issuedBy.orgId) {
    return refuse('forbidden', 'only the publisher may revoke an indicator');
  }
  if (state.status === 'revoked') return refuse('conflict', 'already revoked');
  const reason = command.data.reason.trim();
  if (reason.length === 0) return refuse('invalid', 'a reason is required', 'reason');
  return accept({
    type: 'IndicatorRevoked',
    data: {
      indicatorId: state.indicatorId,
      reason,
      revokedByOrgId: ctx.issuedBy.orgId,
      revokedAt: ctx.now.getTime(),
    },
  });
}

function sight(command: RecordSighting, current: IndicatorState, ctx: CommandContext): Result {
  const state = readableBy(current, ctx);
  if (!state) return NO_SUCH_INDICATOR;
  if (state.status === 'revoked') return refuse('conflict', 'cannot sight a revoked indicator');
  const { observedAt, count, note } = command.data;
  if (observedAt > ctx.now.getTime() + CLOCK_SKEW_MS) {
    return refuse('invalid', 'lies in the future', 'observedAt');
  }
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    return refuse('invalid', 'must be an integer from 1 to 1000000', 'count');
  }
  return accept({
    type: 'IndicatorSighted',
    data: {
      indicatorId: state.indicatorId,
      sightedByOrgId: ctx.issuedBy.orgId,
      observedAt,
      count,
      note,
      recordedAt: ctx.now.getTime(),
    },
  });
}

function reidentify(
  command: ReidentifyPublisher,
  current: IndicatorState,
  ctx: CommandContext,
): Result {
  if (ctx.issuedBy.kind !== 'cabinet-office') {
    return refuse('forbidden', 'only the cabinet cyber office may re-identify a publisher');
  }
  // TLP:RED names its recipients, the office included: one it may not read does not exist for it.
  const state = readableBy(current, ctx);
  if (!state) return NO_SUCH_INDICATOR;
  if (state.disclosePublisher) {
    return refuse('conflict', 'the publisher consented to be named; there is no pseudonym');
  }
  const reason = command.data.reason.trim();
  if (reason.length < 10) {
    return refuse('invalid', 'state why the identity is needed (at least 10 characters)', 'reason');
  }
  if (reason.length > 2000) return refuse('invalid', 'at most 2000 characters', 'reason');
  return accept({
    type: 'PublisherReidentified',
    data: {
      indicatorId: state.indicatorId,
      pseudonym: command.data.pseudonym,
      publisherOrgId: state.publisherOrgId,
      reidentifiedByOrgId: ctx.issuedBy.orgId,
      reason,
      reidentifiedAt: ctx.now.getTime(),
    },
  });
}

function evolve(state: IndicatorState, event: IndicatorEvent): IndicatorState {
  switch (event.type) {
    case 'IndicatorPublished': {
      const { publishedAt: _p, publisherSector: _s, ...known } = event.data;
      return { status: 'active', ...known };
    }
    case 'IndicatorUpdated': {
      if (state.status === 'unknown') return state;
      const { changedFields: _c, updatedAt: _u, indicatorId: _i, ...terms } = event.data;
      return { ...state, ...terms };
    }
    case 'IndicatorRevoked':
      return state.status === 'unknown' ? state : { ...state, status: 'revoked' };
    case 'IndicatorSighted':
    case 'PublisherReidentified':
      return state;
    default:
      return assertNever(event);
  }
}

/** The indicators decider under the configured breadth bounds (ACD_INDICATOR_MIN_PREFIX_V4/V6). */
export function createIndicatorDecider(
  breadth: IndicatorBreadth = DEFAULT_INDICATOR_BREADTH,
): Decider<IndicatorCommand, IndicatorEvent, IndicatorState> {
  return {
    initialState: initialIndicatorState,
    decide(command, state, ctx) {
      switch (command.type) {
        case 'PublishIndicator':
          return publish(breadth, command, state, ctx);
        case 'RevokeIndicator':
          return revoke(command, state, ctx);
        case 'RecordSighting':
          return sight(command, state, ctx);
        case 'ReidentifyPublisher':
          return reidentify(command, state, ctx);
        default:
          return assertNever(command);
      }
    },
    evolve,
  };
}

/** The decider under the default breadth bounds (/8 for IPv4, /32 for IPv6). */
export const indicatorDecider = createIndicatorDecider();
