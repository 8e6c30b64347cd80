import { canRead, type Organisation, type Tlp } from '@acd/identity/domain';

/**
 * Which versions of a STIX object a reader may see, and which a TAXII `match[version]` selects
 * (pure). Every version carries its own markings; a version is readable when its own markings
 * admit the reader and so do the object's latest ones. The second half is what keeps a narrowed
 * object from living on through its older, wider versions: when the publisher narrows an
 * indicator, it disappears for those now outside it, over TAXII exactly as over REST (404).
 */
export interface StixAccess {
  /** The publisher's organisation id. */
  pub: string;
  tlp: Tlp;
  /** The audience's organisations and sectors. */
  ao: readonly string[];
  as: readonly string[];
  /** Shared in the council (absent on versions from before it existed). */
  ac?: boolean;
}

const admits = (viewer: Organisation, a: StixAccess): boolean =>
  canRead(viewer, {
    publisherOrgId: a.pub,
    tlp: a.tlp,
    audience: { orgs: [...a.ao], sectors: [...a.as], council: a.ac === true } as never,
  });

/** The reader may see this version: its own markings and the latest version's both admit it. */
export function versionReadable(
  viewer: Organisation,
  own: StixAccess,
  latest: StixAccess = own,
): boolean {
  return admits(viewer, own) && (latest === own || admits(viewer, latest));
}

/**
 * `match[version]` of TAXII 2.1: `last`, `first`, `all`, or version timestamps (the object's
 * `modified`), any of them comma-separated; a version is selected when any value selects it.
 */
export type VersionMatch = { last: boolean; first: boolean; all: boolean; at: ReadonlySet<string> };

export const DEFAULT_VERSION_MATCH: VersionMatch = {
  last: true,
  first: false,
  all: false,
  at: new Set(),
};

export interface VersionFacts {
  /** This version's markings. */
  own: StixAccess;
  /** The latest version's markings (this version's own when it is the latest). */
  latest: StixAccess;
  /** A later version exists. */
  superseded: boolean;
  /** Markings of the versions before this one. */
  earlier: readonly StixAccess[];
  /** This version's `modified`. */
  modified: string;
}

/**
 * Whether the reader gets this version under the match. `last` and `first` are the reader's own
 * last and first: a version the reader may not see does not count as one.
 */
export function versionSelected(viewer: Organisation, v: VersionFacts, m: VersionMatch): boolean {
  if (!versionReadable(viewer, v.own, v.latest)) return false;
  if (m.all) return true;
  if (m.last && !v.superseded) return true;
  if (m.first && !v.earlier.some((a) => admits(viewer, a))) return true;
  return m.at.has(v.modified);
}
