/**
 * The council (協議会, Act art. 45): the cabinet cyber office constitutes it and admits its
 * members (operators, telecoms, vendors, ministries, the police, the SDF). A member is bound by
 * the council's confidentiality (the Act punishes leaks) from the moment one of its people
 * acknowledges it; only then is it a member in full. Either the office removes a member, or the
 * member withdraws. There is one council: one aggregate, keyed by `COUNCIL_ID`.
 */
import type { Millis } from './oversight.events';

/**
 * The council's aggregate id. The colon keeps it apart from every other id on the oversight
 * topics: organisation ids (the agencies' supervision files) never hold one, request and
 * agreement ids are UUIDs.
 */
export const COUNCIL_ID = 'council:jp';

/**
 * Who may sit on the council, besides the office that constitutes it: operators, vendors and
 * agencies (art. 45). The commission audits the council rather than sitting on it.
 */
export const COUNCIL_MEMBER_KINDS = [
  'operator',
  'telecom',
  'vendor',
  'ministry',
  'police',
  'sdf',
] as const;

interface OnCouncil {
  councilId: string;
}

export type CouncilConstituted = {
  type: 'CouncilConstituted';
  data: OnCouncil & { name: string; purpose: string; constitutedBy: string; constitutedAt: Millis };
};

export type CouncilMemberAdmitted = {
  type: 'CouncilMemberAdmitted';
  data: OnCouncil & { orgId: string; orgKind: string; admittedBy: string; admittedAt: Millis };
};

export type CouncilConfidentialityAcknowledged = {
  type: 'CouncilConfidentialityAcknowledged';
  data: OnCouncil & {
    orgId: string;
    /** The member's person who acknowledged it (the personal token's subject). */
    acknowledgedBy: string;
    /** The undertaking as stated. */
    statement: string;
    acknowledgedAt: Millis;
  };
};

export type CouncilMemberRemoved = {
  type: 'CouncilMemberRemoved';
  data: OnCouncil & {
    orgId: string;
    /** The office (a removal) or the member itself (a withdrawal). */
    removedByOrgId: string;
    reason: string;
    removedAt: Millis;
  };
};

export type CouncilEvent =
  | CouncilConstituted
  | CouncilMemberAdmitted
  | CouncilConfidentialityAcknowledged
  | CouncilMemberRemoved;

export const COUNCIL_EVENT_TYPES = [
  'CouncilConstituted',
  'CouncilMemberAdmitted',
  'CouncilConfidentialityAcknowledged',
  'CouncilMemberRemoved',
] as const satisfies readonly CouncilEvent['type'][];

export const isCouncilEvent = (e: { type: string }): e is CouncilEvent =>
  (COUNCIL_EVENT_TYPES as readonly string[]).includes(e.type);
