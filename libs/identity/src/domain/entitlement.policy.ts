import { emptyAudience, isAudienceEmpty, normaliseAudience, type Audience } from './audience';
import type { Organisation, Sector } from './organisation';
import type { Tlp } from './tlp';

/**
 * The one place that decides who reads what. Every read path (REST, TAXII, SSE, CLI, counts)
 * either calls `canRead` on an item or queries with `readFilter`, and the unit spec proves the
 * two agree.
 *
 * Readers of an item, by TLP 2.0 label:
 *
 * | label        | empty audience | non-empty audience                                         |
 * |--------------|----------------|------------------------------------------------------------|
 * | CLEAR, GREEN | everyone       | listed orgs + members of listed sectors (+ the council)    |
 * | AMBER        | nobody else    | listed orgs + members of listed sectors (+ the council)    |
 * | AMBER+STRICT | nobody else    | listed orgs only                                           |
 * | RED          | nobody else    | listed orgs only                                           |
 *
 * plus, always, the publisher; and the cabinet cyber office (kind 'cabinet-office'), which
 * supervises every critical-infrastructure sector, reads every CLEAR, GREEN and AMBER item
 * whoever it names. TLP:RED and AMBER+STRICT mean named recipients only, the office included:
 * it reads such an item only when named or its own (incident reports are another policy: the
 * Act gives the office every report).
 *
 * Choices made here:
 * - CLEAR and GREEN with an audience are restricted to that audience. GREEN is community-wide by
 *   definition, and CLEAR public, so "everyone" would be a defensible reading; but a publisher who
 *   named an audience meant to narrow it, and the narrower reading can only under-share, never
 *   leak. It also keeps a single rule: an audience, once given, is the reader list, and the label
 *   only caps how far it may reach.
 * - Sectors never extend AMBER+STRICT or RED: TLP 2.0 limits them to the recipient's own
 *   organisation and to named recipients. Sectors listed on such an item are ignored here (the
 *   decider refuses to publish them).
 * - Sector membership is the viewer's `sector`: an operator's own sector, or the sector a ministry
 *   supervises. Sector ministries relay sector-wide warnings to their operators in Japan's
 *   information-sharing arrangements, so a sector-addressed item reaches them too.
 * - The council (Act art. 45) is a group like a sector: material marked `council` reaches every
 *   organisation bound to the council's confidentiality at the time of the read (`councilBound`,
 *   resolved with the reader's token), under CLEAR, GREEN or AMBER only. An admitted member that
 *   has not yet acknowledged, and a removed one, read none of it. Every read of it is recorded.
 * - Labels rank CLEAR < GREEN < AMBER < AMBER+STRICT < RED, and raising an item's label never
 *   adds a reader.
 */

/**
 * A reader: its organisation, and whether it sits on the council bound to confidentiality now.
 * Without `councilBound` (an `Organisation` as the registry holds it) it reads no council
 * material: a path that forgets to resolve the standing under-shares, it never leaks.
 */
export type Reader = Organisation & { readonly councilBound?: boolean };

/**
 * Who may mark material as shared in the council: the cabinet office, which convenes it, and
 * the organisations bound to its confidentiality. (Anyone may narrow or withdraw what it already
 * shared there.)
 */
export function mayShareInCouncil(issuer: { kind: string; councilBound?: boolean }): boolean {
  return issuer.kind === 'cabinet-office' || issuer.councilBound === true;
}

export const COUNCIL_SHARING_REFUSED =
  "only the cabinet office and the council's members bound to its confidentiality share in the council";

export interface EntitledItem {
  publisherOrgId: string;
  tlp: Tlp;
  audience: Audience;
}

/** Labels whose audience may name whole sectors. */
export const SECTOR_SHAREABLE_TLPS: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER'];
/** Labels under which an item with no audience is for everyone. */
export const OPEN_BY_DEFAULT_TLPS: readonly Tlp[] = ['CLEAR', 'GREEN'];

export function canRead(viewer: Reader, item: EntitledItem): boolean {
  if (item.publisherOrgId === viewer.id) return true;
  // The office supervises every sector: it reads what a sector may be given, whoever it names.
  if (viewer.kind === 'cabinet-office' && SECTOR_SHAREABLE_TLPS.includes(item.tlp)) return true;
  if (item.audience.orgs.includes(viewer.id)) return true;
  if (
    viewer.sector !== undefined &&
    SECTOR_SHAREABLE_TLPS.includes(item.tlp) &&
    item.audience.sectors.includes(viewer.sector)
  ) {
    return true;
  }
  if (
    viewer.councilBound === true &&
    item.audience.council === true &&
    SECTOR_SHAREABLE_TLPS.includes(item.tlp)
  ) {
    return true;
  }
  return OPEN_BY_DEFAULT_TLPS.includes(item.tlp) && isAudienceEmpty(item.audience);
}

/**
 * What a read-model document must store for `readFilter` to work: the normalised audience and
 * `audienceEmpty`. The flag exists because FerretDB v1's `$size` support is unreliable and an
 * empty array cannot be matched by element equality; it is a fact about the item, not a policy
 * decision, so a policy change never requires rewriting documents.
 */
export interface EntitlementFields {
  publisherOrgId: string;
  tlp: Tlp;
  audience: Audience;
  audienceEmpty: boolean;
}

export function entitlementFields(item: EntitledItem): EntitlementFields {
  const audience = normaliseAudience(item.audience);
  return {
    publisherOrgId: item.publisherOrgId,
    tlp: item.tlp,
    audience,
    audienceEmpty: isAudienceEmpty(audience),
  };
}

/** One branch of the filter; each key is a document path, values are plain equality or `$in`. */
export interface ReadFilterClause {
  publisherOrgId?: string;
  'audience.orgs'?: string;
  'audience.sectors'?: Sector;
  'audience.council'?: true;
  audienceEmpty?: true;
  tlp?: { $in: Tlp[] };
}

/** An `$or` of the ways to be a reader (`{}`, everything, is no longer anyone's). */
export type ReadFilter = Record<string, never> | { $or: ReadFilterClause[] };

/**
 * A MongoDB query selecting exactly the documents (carrying `entitlementFields`) that `canRead`
 * allows the viewer. Uses only `$or`, `$in` and equality (on arrays: "some element equals"),
 * which FerretDB v1 and MongoDB both support and index.
 *
 * Combine it with other conditions through `restrictToReadable`, never by spreading: a spread
 * would let a caller's own `$or` overwrite this one.
 */
export function readFilter(viewer: Reader): ReadFilter {
  const clauses: ReadFilterClause[] = [
    { publisherOrgId: viewer.id },
    { 'audience.orgs': viewer.id },
  ];
  if (viewer.kind === 'cabinet-office') clauses.push({ tlp: { $in: [...SECTOR_SHAREABLE_TLPS] } });
  if (viewer.sector !== undefined) {
    clauses.push({ 'audience.sectors': viewer.sector, tlp: { $in: [...SECTOR_SHAREABLE_TLPS] } });
  }
  if (viewer.councilBound === true) {
    clauses.push({ 'audience.council': true, tlp: { $in: [...SECTOR_SHAREABLE_TLPS] } });
  }
  clauses.push({ audienceEmpty: true, tlp: { $in: [...OPEN_BY_DEFAULT_TLPS] } });
  return { $or: clauses };
}

/** `query` narrowed to what the viewer may read. */
export function restrictToReadable<Q extends object>(
  viewer: Reader,
  query: Q,
): Q | { $and: [ReadFilter, Q] } {
  const filter = readFilter(viewer);
  if (!('$or' in filter)) return query;
  return { $and: [filter, query] };
}

/**
 * What a count keeps of an item so that it can still be judged by `canRead`: nothing beyond the
 * label when every viewer may read the item (null), else its publisher and normalised audience.
 * Counts are kept per class, so an aggregate sums only classes the viewer may read and never
 * counts an item the viewer could not read one by one (the unit spec proves the two agree).
 */
export type EntitlementClass = null | {
  pub: string;
  orgs: string[];
  sectors: Sector[];
  council?: true;
};

export function entitlementClassOf(item: EntitledItem): EntitlementClass {
  const audience = normaliseAudience(item.audience);
  if (OPEN_BY_DEFAULT_TLPS.includes(item.tlp) && isAudienceEmpty(audience)) return null;
  return {
    pub: item.publisherOrgId,
    orgs: audience.orgs,
    sectors: audience.sectors,
    ...(audience.council === true ? { council: true as const } : {}),
  };
}

/** `canRead` of any item with this label and class. */
export function canReadClass(viewer: Reader, tlp: Tlp, cls: EntitlementClass): boolean {
  if (cls === null) return canRead(viewer, { publisherOrgId: '', tlp, audience: emptyAudience() });
  return canRead(viewer, {
    publisherOrgId: cls.pub,
    tlp,
    audience: {
      orgs: cls.orgs,
      sectors: cls.sectors,
      ...(cls.council === true ? { council: true as const } : {}),
    },
  });
}
