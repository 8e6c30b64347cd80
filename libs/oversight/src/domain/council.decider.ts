import {
  accept,
  assertNever,
  refuse,
  type CommandContext,
  type Decision,
} from '@acd/event-sourcing';
import { isOrgId } from '@acd/identity/domain';
import type { CouncilCommand } from './council.commands';
import { COUNCIL_ID, COUNCIL_MEMBER_KINDS, type CouncilEvent } from './council.events';
import type { CouncilState } from './council.state';
import { textProblem } from './text-problem';

type Result = Decision<CouncilEvent>;
export type CouncilAggregate = { kind: 'none' } | CouncilState;

/** The longest name the council may be given. */
export const MAX_COUNCIL_NAME = 200;

const text = (value: string, field: string, max?: number): Result | null =>
  textProblem<CouncilEvent>(value, field, max);

const isOffice = (ctx: CommandContext) => ctx.issuedBy.kind === 'cabinet-office';

/**
 * The council's rules. The office constitutes it (once) and admits members; a member binds
 * itself to confidentiality through one of its people; the office removes a member, or the
 * member withdraws. Whether an organisation is a member is its own business and the office's:
 * to anyone else, the office's commands answer 403 and a member's answer 404 for any
 * organisation but the caller, so nobody learns another's standing by trying.
 */
export function decideCouncil(
  command: CouncilCommand,
  state: CouncilAggregate,
  ctx: CommandContext,
): Result {
  const now = ctx.now.getTime();
  if (command.data.councilId !== COUNCIL_ID) {
    return refuse('not-found', `no council ${command.data.councilId}`);
  }
  switch (command.type) {
    case 'ConstituteCouncil': {
      if (!isOffice(ctx))
        return refuse('forbidden', 'only the cabinet cyber office constitutes the council');
      if (state.kind !== 'none') return refuse('conflict', 'the council is constituted');
      const d = command.data;
      const bad = text(d.name, 'name', MAX_COUNCIL_NAME) ?? text(d.purpose, 'purpose');
      if (bad) return bad;
      return accept({
        type: 'CouncilConstituted',
        data: {
          councilId: COUNCIL_ID,
          name: d.name.trim(),
          purpose: d.purpose.trim(),
          constitutedBy: ctx.issuedBy.orgId,
          constitutedAt: now,
        },
      });
    }
    case 'AdmitCouncilMember': {
      if (!isOffice(ctx))
        return refuse('forbidden', 'only the cabinet cyber office admits members');
      if (state.kind !== 'council') return refuse('conflict', 'the council is not constituted yet');
      const d = command.data;
      if (!isOrgId(d.orgId)) return refuse('invalid', 'must be an organisation id', 'orgId');
      if (!(COUNCIL_MEMBER_KINDS as readonly string[]).includes(d.orgKind)) {
        return refuse(
          'invalid',
          `the council admits ${COUNCIL_MEMBER_KINDS.join(', ')} organisations`,
          'orgId',
        );
      }
      if (Object.hasOwn(state.members, d.orgId)) {
        return refuse('conflict', `${d.orgId} is a member already`);
      }
      return accept({
        type: 'CouncilMemberAdmitted',
        data: {
          councilId: COUNCIL_ID,
          orgId: d.orgId,
          orgKind: d.orgKind,
          admittedBy: ctx.issuedBy.orgId,
          admittedAt: now,
        },
      });
    }
    case 'AcknowledgeCouncilConfidentiality': {
      const d = command.data;
      // Only the member itself binds itself; for anyone else its standing is not there to see.
      if (d.orgId !== ctx.issuedBy.orgId) return refuse('not-found', `no member ${d.orgId}`);
      const members = state.kind === 'council' ? state.members : {};
      if (!Object.hasOwn(members, d.orgId)) return refuse('not-found', `no member ${d.orgId}`);
      if (members[d.orgId] === 'bound')
        return refuse('conflict', 'confidentiality is acknowledged already');
      if (d.memberId === null) {
        return refuse(
          'forbidden',
          "an undertaking is given by a person: use a member's personal token",
        );
      }
      const bad = text(d.statement, 'statement');
      if (bad) return bad;
      return accept({
        type: 'CouncilConfidentialityAcknowledged',
        data: {
          councilId: COUNCIL_ID,
          orgId: d.orgId,
          acknowledgedBy: d.memberId,
          statement: d.statement.trim(),
          acknowledgedAt: now,
        },
      });
    }
    case 'RemoveCouncilMember': {
      const d = command.data;
      const self = d.orgId === ctx.issuedBy.orgId;
      if (!isOffice(ctx) && !self) return refuse('not-found', `no member ${d.orgId}`);
      const members = state.kind === 'council' ? state.members : {};
      if (!Object.hasOwn(members, d.orgId)) return refuse('not-found', `no member ${d.orgId}`);
      const bad = text(d.reason, 'reason');
      if (bad) return bad;
      return accept({
        type: 'CouncilMemberRemoved',
        data: {
          councilId: COUNCIL_ID,
          orgId: d.orgId,
          removedByOrgId: ctx.issuedBy.orgId,
          reason: d.reason.trim(),
          removedAt: now,
        },
      });
    }
    default:
      return assertNever(command);
  }
}

export function evolveCouncil(state: CouncilAggregate, event: CouncilEvent): CouncilAggregate {
  switch (event.type) {
    case 'CouncilConstituted':
      return {
        kind: 'council',
        councilId: event.data.councilId,
        constitutedBy: event.data.constitutedBy,
        members: {},
      };
    case 'CouncilMemberAdmitted':
      if (state.kind !== 'council') return state;
      return { ...state, members: { ...state.members, [event.data.orgId]: 'admitted' } };
    case 'CouncilConfidentialityAcknowledged':
      if (state.kind !== 'council' || !Object.hasOwn(state.members, event.data.orgId)) return state;
      return { ...state, members: { ...state.members, [event.data.orgId]: 'bound' } };
    case 'CouncilMemberRemoved': {
      if (state.kind !== 'council') return state;
      const members = { ...state.members };
      delete members[event.data.orgId];
      return { ...state, members };
    }
    default:
      return assertNever(event);
  }
}
