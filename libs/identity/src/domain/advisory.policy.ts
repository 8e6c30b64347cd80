import { OPEN_BY_DEFAULT_TLPS, SECTOR_SHAREABLE_TLPS, type Reader } from './entitlement.policy';
import type { OrgKind } from './organisation';
import type { Tlp } from './tlp';

/**
 * Who reads an advisory of the cabinet cyber office or the police. Unlike an indicator, an
 * advisory names its audience explicitly, and "everyone" is a flag rather than an empty audience:
 *
 * - `everyone`: every organisation on the bus (only under CLEAR or GREEN);
 * - `sectors`: the operators of each sector and the ministry supervising it (an organisation's
 *   `sector`), under CLEAR, GREEN or AMBER;
 * - `kinds`: every organisation of each kind (e.g. all ministries, the police), under CLEAR,
 *   GREEN or AMBER;
 * - `orgs`: the named organisations, under any label;
 * - `council`: the organisations bound to the council's confidentiality at the time of the read
 *   (Act art. 45), under CLEAR, GREEN or AMBER. Council material is not copied to any Kafka
 *   topic on the council's account: it leaves the bus only through reads that are recorded.
 *
 * plus, always, the issuer; and the cabinet cyber office under CLEAR, GREEN or AMBER (it
 * supervises every sector). TLP caps the reach exactly as for indicators: AMBER+STRICT and RED
 * reach the issuer and named organisations only, the office included, whatever else the audience
 * says (the advisories decider refuses to issue such an audience in the first place).
 */
export interface AdvisoryAudience {
  everyone: boolean;
  sectors: string[];
  kinds: string[];
  orgs: string[];
  /** Shared in the council; absent (false) on advisories issued before the council existed. */
  council?: boolean;
}

export interface AdvisoryItem {
  issuerOrgId: string;
  tlp: Tlp;
  audience: AdvisoryAudience;
}

/**
 * Who reads an advisory, in the shape of its per-audience Kafka topics (public, one per sector,
 * one per organisation): its audience as the label caps it, plus the issuer, and the cabinet
 * office under CLEAR, GREEN or AMBER. REST (`canReadAdvisory`) and the fan-out both read it from here, so an organisation
 * gets a copy on Kafka exactly when it may read the advisory over REST.
 */
export interface AdvisoryRecipients {
  /** Every organisation: the public topic. */
  everyone: boolean;
  /** The operators and supervising ministry of each sector: the sector's topic. */
  sectors: string[];
  /** Every organisation of each kind: each member's own topic. */
  kinds: string[];
  /** These organisations: each one's own topic. */
  orgs: string[];
  /** The council's bound members: no topic, REST and the live stream only (each read recorded). */
  council: boolean;
}

const distinct = (values: readonly string[]): string[] => [...new Set(values)];

export function advisoryRecipients(item: AdvisoryItem): AdvisoryRecipients {
  const { everyone, sectors, kinds, orgs } = item.audience;
  const shareable = SECTOR_SHAREABLE_TLPS.includes(item.tlp);
  const office: OrgKind = 'cabinet-office';
  return {
    everyone: everyone && OPEN_BY_DEFAULT_TLPS.includes(item.tlp),
    sectors: shareable ? distinct(sectors) : [],
    // The office supervises every sector: it reads what a sector may be given, whoever it names.
    kinds: shareable ? distinct([office, ...kinds]) : [],
    orgs: distinct([item.issuerOrgId, ...orgs]),
    council: item.audience.council === true && shareable,
  };
}

export function isAdvisoryRecipient(viewer: Reader, recipients: AdvisoryRecipients): boolean {
  return (
    recipients.everyone ||
    (recipients.council && viewer.councilBound === true) ||
    recipients.orgs.includes(viewer.id) ||
    recipients.kinds.includes(viewer.kind) ||
    (viewer.sector !== undefined && recipients.sectors.includes(viewer.sector))
  );
}

export function canReadAdvisory(viewer: Reader, item: AdvisoryItem): boolean {
  return isAdvisoryRecipient(viewer, advisoryRecipients(item));
}

/** One branch of the filter; each key is a document path, values are plain equality or `$in`. */
export interface AdvisoryFilterClause {
  issuerOrgId?: string;
  'audience.orgs'?: string;
  'audience.sectors'?: string;
  'audience.kinds'?: string;
  'audience.everyone'?: true;
  'audience.council'?: true;
  tlp?: { $in: Tlp[] };
}

/** An `$or` of the ways to be a reader (`{}`, everything, is no longer anyone's). */
export type AdvisoryFilter = Record<string, never> | { $or: AdvisoryFilterClause[] };

/**
 * A MongoDB query selecting exactly the advisory documents (carrying `issuerOrgId`, `tlp` and
 * `audience`) that `canReadAdvisory` allows the viewer. Only `$or`, `$in` and equality, which
 * FerretDB v1 and MongoDB both support. Combine it with other conditions in an `$and`.
 */
export function advisoryReadFilter(viewer: Reader): AdvisoryFilter {
  const shareable = { $in: [...SECTOR_SHAREABLE_TLPS] };
  const clauses: AdvisoryFilterClause[] = [
    { issuerOrgId: viewer.id },
    { 'audience.orgs': viewer.id },
  ];
  if (viewer.kind === 'cabinet-office') clauses.push({ tlp: shareable });
  if (viewer.sector !== undefined) {
    clauses.push({ 'audience.sectors': viewer.sector, tlp: shareable });
  }
  clauses.push({ 'audience.kinds': viewer.kind, tlp: shareable });
  if (viewer.councilBound === true) clauses.push({ 'audience.council': true, tlp: shareable });
  clauses.push({ 'audience.everyone': true, tlp: { $in: [...OPEN_BY_DEFAULT_TLPS] } });
  return { $or: clauses };
}

/**
 * What deciding how much of an audience a reader sees needs to know of the reader (an
 * `Organisation` is one). Without a kind, the reader is an ordinary one: not the cabinet office.
 */
export interface AudienceViewer {
  readonly id: string;
  readonly kind?: OrgKind | undefined;
}

/** The issuer and the cabinet cyber office see the whole audience (and who acknowledged). */
export function overseesAdvisory(
  viewer: AudienceViewer,
  item: Pick<AdvisoryItem, 'issuerOrgId'>,
): boolean {
  return viewer.kind === 'cabinet-office' || viewer.id === item.issuerOrgId;
}

/**
 * An advisory's audience as one of its readers sees it, the same on every path (REST, the live
 * stream, the reader's own Kafka topic): `everyone`, sectors and kinds as issued; of the named
 * organisations, all of them for the issuer and the cabinet office, otherwise only the reader
 * itself when it is named. Who else was told by name is the issuer's business: a named recipient
 * never learns another.
 */
export function advisoryAudienceFor(viewer: AudienceViewer, item: AdvisoryItem): AdvisoryAudience {
  const { everyone, sectors, kinds, orgs, council } = item.audience;
  return {
    everyone,
    sectors: [...sectors],
    kinds: [...kinds],
    orgs: overseesAdvisory(viewer, item) ? [...orgs] : orgs.filter((o) => o === viewer.id),
    council: council === true,
  };
}

/**
 * The audience a record read by many organisations alike may carry (a sector's or the public
 * Kafka topic, written once for all its readers): what every one of them may see, which is the
 * audience without any named organisation.
 */
export function sharedAdvisoryAudience(item: AdvisoryItem): AdvisoryAudience {
  const { everyone, sectors, kinds, council } = item.audience;
  return {
    everyone,
    sectors: [...sectors],
    kinds: [...kinds],
    orgs: [],
    council: council === true,
  };
}
