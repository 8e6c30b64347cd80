import type { Organisation } from './organisation';

/**
 * Who reads the oversight commission's requests and the operations they govern. As for reports,
 * the law fixes the readers; nobody chooses an audience.
 *
 * - the commission (kind 'oversight-commission') reads everything: it authorises and audits;
 * - the requester reads its own request (the police or the SDF their operation requests, the
 *   cabinet cyber office its collection requests);
 * - the cabinet cyber office reads every collection request;
 * - the telecom operator named by a collection authorisation reads it once it is approved (a
 *   pending or denied request is the government's deliberation, not an authorisation).
 *
 * Nobody else: not another agency (the SDF never sees a police operation, nor the other way
 * round), not the cabinet office for operations, not operators, ministries or other telecoms.
 */
export interface OversightItem {
  kind: 'collection' | 'operation';
  requestedBy: string;
  /** The telecom operator named by a collection request; null for operations. */
  telecomId: string | null;
  status: 'pending' | 'approved' | 'denied';
}

export function canReadOversight(viewer: Organisation, item: OversightItem): boolean {
  if (viewer.kind === 'oversight-commission') return true;
  if (item.requestedBy === viewer.id) return true;
  if (item.kind !== 'collection') return false;
  if (viewer.kind === 'cabinet-office') return true;
  return viewer.kind === 'telecom' && item.telecomId === viewer.id && item.status === 'approved';
}

/** One branch of the filter: plain equality on fields of the document. */
export interface OversightFilterClause {
  requestedBy?: string;
  kind?: 'collection';
  telecomId?: string;
  status?: 'approved';
}

/** `{}` (everything) for the commission, otherwise an `$or` of the ways to be a reader. */
export type OversightFilter = Record<string, never> | { $or: OversightFilterClause[] };

/**
 * The MongoDB query selecting exactly the oversight documents (carrying `kind`, `requestedBy`,
 * `telecomId` and `status`) that `canReadOversight` allows the viewer: only `$or` and equality,
 * which FerretDB v1 and MongoDB both support. Combine it with other conditions in an `$and`.
 */
export function oversightReadFilter(viewer: Organisation): OversightFilter {
  if (viewer.kind === 'oversight-commission') return {};
  const clauses: OversightFilterClause[] = [{ requestedBy: viewer.id }];
  if (viewer.kind === 'cabinet-office') clauses.push({ kind: 'collection' });
  if (viewer.kind === 'telecom') {
    clauses.push({ kind: 'collection', telecomId: viewer.id, status: 'approved' });
  }
  return { $or: clauses };
}

/**
 * Who reads an agency's supervision file (the commission's inspections of it, its
 * recommendations to it and its demands for disciplinary action): the commission, and the
 * agency concerned. Nobody else, not the other agencies nor the cabinet office for the police.
 */
export function canReadSupervision(
  viewer: Pick<Organisation, 'id' | 'kind'>,
  item: { agencyId: string },
): boolean {
  return viewer.kind === 'oversight-commission' || viewer.id === item.agencyId;
}

/** The MongoDB filter selecting exactly the supervision documents `canReadSupervision` allows. */
export function supervisionReadFilter(
  viewer: Pick<Organisation, 'id' | 'kind'>,
): Record<string, never> | { agencyId: string } {
  return viewer.kind === 'oversight-commission' ? {} : { agencyId: viewer.id };
}

/**
 * Who reads an agreement with an operator: the commission (it audits every act of collection),
 * the cabinet office (it proposes them), and the operator party. Nobody else.
 */
export function canReadAgreement(
  viewer: Pick<Organisation, 'id' | 'kind'>,
  item: { operatorId: string; proposedBy: string },
): boolean {
  return (
    viewer.kind === 'oversight-commission' ||
    viewer.kind === 'cabinet-office' ||
    viewer.id === item.operatorId ||
    viewer.id === item.proposedBy
  );
}

/** The MongoDB filter selecting exactly the agreement documents `canReadAgreement` allows. */
export function agreementReadFilter(
  viewer: Pick<Organisation, 'id' | 'kind'>,
): Record<string, never> | { $or: ({ operatorId: string } | { proposedBy: string })[] } {
  if (viewer.kind === 'oversight-commission' || viewer.kind === 'cabinet-office') return {};
  return { $or: [{ operatorId: viewer.id }, { proposedBy: viewer.id }] };
}

/**
 * An organisation's standing on the council: admitted by the office, bound once it acknowledged
 * the council's confidentiality, removed; null when it never was a member.
 */
export type CouncilStanding = 'admitted' | 'bound' | 'removed' | null;

const overseesCouncil = (viewer: Pick<Organisation, 'kind'>): boolean =>
  viewer.kind === 'cabinet-office' || viewer.kind === 'oversight-commission';

/** One entry of the council's roster, as the read policy sees it. */
export interface CouncilMemberItem {
  orgId: string;
  status: 'admitted' | 'bound' | 'removed';
}

/**
 * Who reads an entry of the council's roster: the cabinet office (it constitutes the council and
 * admits its members); the commission (the council's events are in the audit log it reads);
 * every member bound by the council's confidentiality, for the current members; and an
 * organisation for its own entry (so that one admitted learns it must still acknowledge
 * confidentiality, and one removed learns it was). Nobody else: who sits on the council is
 * shared inside it, under its confidentiality.
 */
export function canReadCouncilMember(
  viewer: Pick<Organisation, 'id' | 'kind'>,
  standing: CouncilStanding,
  item: CouncilMemberItem,
): boolean {
  if (overseesCouncil(viewer) || item.orgId === viewer.id) return true;
  return standing === 'bound' && item.status !== 'removed';
}

/** One branch of the roster filter: plain equality or `$in` on fields of the document. */
export type CouncilMemberFilterClause =
  { _id: string } | { status: { $in: ('admitted' | 'bound')[] } };

/**
 * The MongoDB filter selecting exactly the roster documents (`_id` the member, `status`) that
 * `canReadCouncilMember` allows the viewer with its standing.
 */
export function councilMemberReadFilter(
  viewer: Pick<Organisation, 'id' | 'kind'>,
  standing: CouncilStanding,
): Record<string, never> | { $or: CouncilMemberFilterClause[] } {
  if (overseesCouncil(viewer)) return {};
  const clauses: CouncilMemberFilterClause[] = [{ _id: viewer.id }];
  if (standing === 'bound') clauses.push({ status: { $in: ['admitted', 'bound'] } });
  return { $or: clauses };
}
