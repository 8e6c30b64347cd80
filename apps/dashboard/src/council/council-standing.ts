import { orgIdProblem, textProblem, type FieldProblem } from '../forms/field-checks';

/**
 * The council (協議会): an organisation's standing on the roster, what it and the office may do
 * about it, and the checks of the council's forms (libs/oversight `constituteCouncilSchema`,
 * `admitCouncilMemberSchema`, `undertakingSchema`, `reasonSchema`).
 */

export const COUNCIL_MEMBER_STATUSES = ['admitted', 'bound', 'removed'] as const;
export type CouncilMemberStatus = (typeof COUNCIL_MEMBER_STATUSES)[number];
/** The kinds of organisation the office may admit (the bus has no vendor kind yet). */
export const COUNCIL_MEMBER_KINDS = [
  'operator',
  'telecom',
  'vendor',
  'ministry',
  'police',
  'sdf',
] as const;
export const MAX_COUNCIL_NAME = 200;

export interface Council {
  councilId: string;
  name: string;
  purpose: string;
  constitutedBy: string;
  constitutedAt: string | null;
}

export interface CouncilMember {
  orgId: string;
  orgKind: string;
  status: CouncilMemberStatus;
  admittedBy: string;
  admittedAt: string | null;
  acknowledgement: { by: string; statement: string; at: string | null } | null;
  removed: { byOrgId: string; reason: string; at: string | null } | null;
  version: number;
}

/** Where an organisation stands: never admitted ('none'), or its entry's status. */
export type CouncilStanding = 'none' | CouncilMemberStatus;

export const standingOf = (entry: CouncilMember | null | undefined): CouncilStanding =>
  entry ? entry.status : 'none';

/** The entry's status with the date it took it. */
export function memberStatusDate(m: CouncilMember): {
  status: CouncilMemberStatus;
  at: string | null;
} {
  switch (m.status) {
    case 'admitted':
      return { status: m.status, at: m.admittedAt };
    case 'bound':
      return { status: m.status, at: m.acknowledgement?.at ?? null };
    case 'removed':
      return { status: m.status, at: m.removed?.at ?? null };
  }
}

/** Who reads the whole roster (the office and the commission), or the current one (a bound member). */
export function readsRoster(kind: string, standing: CouncilStanding): boolean {
  return kind === 'cabinet-office' || kind === 'oversight-commission' || standing === 'bound';
}

export type MemberAction = 'acknowledge' | 'withdraw';

/** What a member does about its own entry: acknowledge once admitted, withdraw while a member. */
export function ownActions(standing: CouncilStanding): MemberAction[] {
  if (standing === 'admitted') return ['acknowledge', 'withdraw'];
  if (standing === 'bound') return ['withdraw'];
  return [];
}

export function checkConstitution(b: { name: string; purpose: string }): FieldProblem[] {
  const out: FieldProblem[] = [];
  const name = textProblem(b.name, MAX_COUNCIL_NAME);
  const purpose = textProblem(b.purpose, 10_000);
  if (name) out.push({ field: 'name', code: name });
  if (purpose) out.push({ field: 'purpose', code: purpose });
  return out;
}

export function checkAdmission(orgId: string): FieldProblem[] {
  const p = orgIdProblem(orgId);
  return p ? [{ field: 'orgId', code: p }] : [];
}

/** A statement, a consent or a reason: one required text of at most 10,000 characters. */
export function checkStatement(field: string, value: string): FieldProblem[] {
  const p = textProblem(value, 10_000);
  return p ? [{ field, code: p }] : [];
}
