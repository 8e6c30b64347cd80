import {
  accept,
  assertNever,
  refuse,
  type CommandContext,
  type Decision,
} from '@acd/event-sourcing';
import { canReadAgreement, isOrgId, issuerAsViewer } from '@acd/identity/domain';
import type { AgreementCommand } from './agreement.commands';
import {
  AGREEMENT_PARTY_KINDS,
  MAX_AGREEMENT_NETWORKS,
  type AgreementEvent,
} from './agreement.events';
import type { AgreementState } from './agreement.state';
import { textProblem } from './text-problem';
import { METADATA_CATEGORIES, type Millis } from './oversight.events';
import { isCidr } from './target';

type Result = Decision<AgreementEvent>;
export type AgreementAggregate = { kind: 'none' } | AgreementState;

/** The longest one agreement may run; a longer relationship is a new agreement. */
export const MAX_AGREEMENT_PERIOD_MS = 3 * 366 * 86_400_000;
const text = (value: string, field: string): Result | null =>
  textProblem<AgreementEvent>(value, field);

const sortedUnique = <T extends string>(xs: readonly T[]): T[] => [...new Set(xs)].sort();

function periodProblem(validFrom: Millis, validUntil: Millis, now: Millis): Result | null {
  if (!Number.isFinite(validFrom)) return refuse('invalid', 'must be a time', 'validFrom');
  if (!Number.isFinite(validUntil)) return refuse('invalid', 'must be a time', 'validUntil');
  if (validUntil <= validFrom) return refuse('invalid', 'must be after validFrom', 'validUntil');
  if (validUntil <= now) return refuse('invalid', 'must lie in the future', 'validUntil');
  if (validUntil - validFrom > MAX_AGREEMENT_PERIOD_MS) {
    return refuse('invalid', 'an agreement runs at most three years', 'validUntil');
  }
  return null;
}

/** The agreement as the issuer may address it: for anyone who may not read it, it is missing. */
function visible(state: AgreementAggregate, ctx: CommandContext): AgreementState | null {
  if (state.kind !== 'agreement') return null;
  const item = { operatorId: state.operatorId, proposedBy: state.proposedBy };
  return canReadAgreement(issuerAsViewer(ctx.issuedBy), item) ? state : null;
}

export function decideAgreement(
  command: AgreementCommand,
  state: AgreementAggregate,
  ctx: CommandContext,
): Result {
  const now = ctx.now.getTime();
  if (state.kind === 'agreement' && command.data.agreementId !== state.agreementId) {
    return refuse('invalid', `this is agreement ${state.agreementId}`, 'agreementId');
  }
  switch (command.type) {
    case 'ProposeAgreement': {
      const d = command.data;
      if (ctx.issuedBy.kind !== 'cabinet-office') {
        return refuse('forbidden', 'only the cabinet cyber office proposes agreements');
      }
      if (state.kind !== 'none') return refuse('conflict', `agreement ${d.agreementId} exists`);
      if (!isOrgId(d.operatorId))
        return refuse('invalid', 'must be an organisation id', 'operatorId');
      if (!(AGREEMENT_PARTY_KINDS as readonly string[]).includes(d.operatorKind)) {
        return refuse(
          'invalid',
          'agreements are made with operators of critical infrastructure and telecom operators',
          'operatorId',
        );
      }
      if (d.networks.length === 0)
        return refuse('invalid', 'name at least one network', 'networks');
      if (d.networks.length > MAX_AGREEMENT_NETWORKS) {
        return refuse('invalid', `at most ${MAX_AGREEMENT_NETWORKS}`, 'networks');
      }
      const badNetwork = d.networks.findIndex((n) => !isCidr(n));
      if (badNetwork >= 0) {
        return refuse(
          'invalid',
          'must be a network such as 203.0.113.0/24',
          `networks.${badNetwork}`,
        );
      }
      if (d.categories.length === 0) {
        return refuse('invalid', 'name at least one category of machine data', 'categories');
      }
      const badCategory = d.categories.find(
        (c) => !(METADATA_CATEGORIES as readonly string[]).includes(c),
      );
      if (badCategory !== undefined) {
        return refuse(
          'invalid',
          `"${badCategory}" is not one of ${METADATA_CATEGORIES.join(', ')} (never contents)`,
          'categories',
        );
      }
      const bad = periodProblem(d.validFrom, d.validUntil, now) ?? text(d.purpose, 'purpose');
      if (bad) return bad;
      return accept({
        type: 'AgreementProposed',
        data: {
          agreementId: d.agreementId,
          operatorId: d.operatorId,
          operatorKind: d.operatorKind,
          networks: sortedUnique(d.networks),
          categories: sortedUnique(d.categories),
          validFrom: d.validFrom,
          validUntil: d.validUntil,
          purpose: d.purpose.trim(),
          proposedBy: ctx.issuedBy.orgId,
          proposedAt: now,
        },
      });
    }
    case 'AcceptAgreement':
    case 'DeclineAgreement': {
      const d = command.data;
      const a = visible(state, ctx);
      if (!a) return refuse('not-found', `no agreement ${d.agreementId}`);
      if (ctx.issuedBy.orgId !== a.operatorId) {
        return refuse('forbidden', 'only the operator party accepts or declines an agreement');
      }
      if (a.status !== 'proposed') return refuse('conflict', `the agreement is ${a.status}`);
      if (command.type === 'DeclineAgreement') {
        const bad = text(command.data.reason, 'reason');
        if (bad) return bad;
        return accept({
          type: 'AgreementDeclined',
          data: {
            agreementId: a.agreementId,
            operatorId: a.operatorId,
            reason: command.data.reason.trim(),
            declinedAt: now,
          },
        });
      }
      const c = command.data;
      if (c.memberId === null) {
        return refuse('forbidden', "consent is given by a person: use a member's personal token");
      }
      if (now >= a.validUntil) return refuse('conflict', 'the proposed period has passed');
      const bad = text(c.consent, 'consent');
      if (bad) return bad;
      return accept({
        type: 'AgreementAccepted',
        data: {
          agreementId: a.agreementId,
          operatorId: a.operatorId,
          acceptedBy: c.memberId,
          consent: c.consent.trim(),
          acceptedAt: now,
        },
      });
    }
    case 'EndAgreement': {
      const d = command.data;
      const a = visible(state, ctx);
      if (!a) return refuse('not-found', `no agreement ${d.agreementId}`);
      if (ctx.issuedBy.orgId !== a.operatorId && ctx.issuedBy.orgId !== a.proposedBy) {
        return refuse('forbidden', 'only a party ends an agreement');
      }
      if (a.status === 'ended' || a.status === 'declined') {
        return refuse('conflict', `the agreement is ${a.status}`);
      }
      const bad = text(d.reason, 'reason');
      if (bad) return bad;
      return accept({
        type: 'AgreementEnded',
        data: {
          agreementId: a.agreementId,
          endedByOrgId: ctx.issuedBy.orgId,
          reason: d.reason.trim(),
          endedAt: now,
        },
      });
    }
    default:
      return assertNever(command);
  }
}

export function evolveAgreement(
  state: AgreementAggregate,
  event: AgreementEvent,
): AgreementAggregate {
  switch (event.type) {
    case 'AgreementProposed': {
      const d = event.data;
      return {
        kind: 'agreement',
        agreementId: d.agreementId,
        operatorId: d.operatorId,
        proposedBy: d.proposedBy,
        networks: d.networks,
        categories: d.categories,
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        status: 'proposed',
      };
    }
    case 'AgreementAccepted':
      return state.kind === 'agreement' ? { ...state, status: 'accepted' } : state;
    case 'AgreementDeclined':
      return state.kind === 'agreement' ? { ...state, status: 'declined' } : state;
    case 'AgreementEnded':
      return state.kind === 'agreement' ? { ...state, status: 'ended' } : state;
    default:
      return assertNever(event);
  }
}
