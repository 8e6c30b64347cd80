import type { EventEnvelope } from '@acd/event-sourcing';
import type { Tlp } from '@acd/identity/domain';
import type { Projection, ReadModelDoc, VersionLogged } from '@acd/persistence';
import type { IndicatorEvent, IndicatorTerms, KillChainPhase } from '../domain/indicator.events';
import { indicatorStixId, type IndicatorStixView } from '../domain/indicator.stix';
import type { StixAccess } from '../domain/indicator.stix-versions';
import type { IndicatorType } from '../domain/indicator-value';

/** An indicator version as stored: the STIX view with its times as epoch ms. */
export interface StoredStixView {
  indicatorId: string;
  indicatorType: IndicatorType;
  value: string;
  tlp: Tlp;
  confidence: number;
  validFrom: number;
  validUntil: number | null;
  description: string | null;
  cves: string[];
  killChainPhases: KillChainPhase[];
  status: 'active' | 'revoked';
  publishedAt: number;
  updatedAt: number;
}

/** How the publisher may be named in this version (see PublisherNames). */
export interface StoredNaming {
  orgId: string;
  sector: string | null;
  disclose: boolean;
}

/** One version of the STIX indicator. */
export interface StixIndicatorVersion {
  /** The aggregate version that made it. */
  av: number;
  /** Date added (epoch ms): the time of the event that made it. */
  t: number;
  view: StoredStixView;
  naming: StoredNaming;
  access: StixAccess;
}

/**
 * The TAXII side of an indicator: every version of its STIX object, keyed by the STIX id (what
 * `objects/{id}` looks up). Sightings move the version on without making a STIX version.
 */
export interface IndicatorStixDoc extends ReadModelDoc, VersionLogged {
  _id: string;
  version: number;
  indicatorId: string;
  versions: StixIndicatorVersion[];
}

/** A version as the log holds it (`f`): the version and the markings of those before it. */
export interface IndicatorStixLogFields {
  view: StoredStixView;
  naming: StoredNaming;
  earlier: StixAccess[];
  [k: string]: unknown;
}

export function toStixView(v: StoredStixView): IndicatorStixView {
  return {
    ...v,
    validFrom: new Date(v.validFrom),
    validUntil: v.validUntil === null ? null : new Date(v.validUntil),
    publishedAt: new Date(v.publishedAt),
    updatedAt: new Date(v.updatedAt),
  };
}

function withTerms(view: StoredStixView, t: IndicatorTerms, at: number): StoredStixView {
  return {
    ...view,
    tlp: t.tlp as Tlp,
    confidence: t.confidence,
    validFrom: t.validFrom,
    validUntil: t.validUntil,
    description: t.description,
    cves: [...t.cves],
    killChainPhases: t.killChainPhases.map((k) => ({ ...k })),
    updatedAt: at,
  };
}

const accessOf = (pub: string, t: IndicatorTerms): StixAccess => ({
  pub,
  tlp: t.tlp as Tlp,
  ao: [...t.audience.orgs],
  as: [...t.audience.sectors],
  ...(t.audience.council === true ? { ac: true } : {}),
});

function nextVersion(
  doc: IndicatorStixDoc,
  av: number,
  t: number,
  change: (last: StixIndicatorVersion) => Omit<StixIndicatorVersion, 'av' | 't'>,
): IndicatorStixDoc {
  const last = doc.versions[doc.versions.length - 1] as StixIndicatorVersion;
  return { ...doc, version: av, versions: [...doc.versions, { av, t, ...change(last) }] };
}

export function evolveIndicatorStixDoc(
  doc: IndicatorStixDoc | null,
  { metadata, event }: EventEnvelope<IndicatorEvent>,
): IndicatorStixDoc | null {
  const av = metadata.aggregateVersion;
  switch (event.type) {
    case 'IndicatorPublished': {
      const d = event.data;
      const view: StoredStixView = withTerms(
        {
          indicatorId: d.indicatorId,
          indicatorType: d.indicatorType,
          value: d.value,
          status: 'active',
          publishedAt: d.publishedAt,
        } as StoredStixView,
        d,
        d.publishedAt,
      );
      return {
        _id: indicatorStixId(metadata.aggregateId),
        version: av,
        indicatorId: d.indicatorId,
        versions: [
          {
            av,
            t: d.publishedAt,
            view,
            naming: {
              orgId: d.publisherOrgId,
              sector: d.publisherSector,
              disclose: d.disclosePublisher ?? false,
            },
            access: accessOf(d.publisherOrgId, d),
          },
        ],
      };
    }
    case 'IndicatorUpdated': {
      if (!doc) return null;
      const d = event.data;
      return nextVersion(doc, av, d.updatedAt, (last) => ({
        view: withTerms(last.view, d, d.updatedAt),
        naming: { ...last.naming, disclose: d.disclosePublisher ?? false },
        access: accessOf(last.access.pub, d),
      }));
    }
    case 'IndicatorRevoked': {
      if (!doc) return null;
      const d = event.data;
      return nextVersion(doc, av, d.revokedAt, (last) => ({
        view: { ...last.view, status: 'revoked', updatedAt: d.revokedAt },
        naming: last.naming,
        access: last.access,
      }));
    }
    case 'IndicatorSighted':
    case 'PublisherReidentified':
      // No new STIX version: the version number moves on so replays stay harmless.
      return doc ? { ...doc, version: av } : null;
    default:
      return null;
  }
}

/** The STIX view of indicators, with a version log that TAXII collections are served from. */
export const indicatorStixProjection: Projection<IndicatorEvent, IndicatorStixDoc> = {
  name: 'stix-indicators',
  collection: 'stix-indicators',
  topic: 'indicatorEvents',
  evolve: evolveIndicatorStixDoc,
  documentIdOf: (e) => indicatorStixId(e.metadata.aggregateId),
  documentPerAggregate: true,
  async createIndexes() {
    // Read by `_id` only.
  },
  versionLog: {
    versionsOf: (doc) =>
      doc.versions.map((v, k) => ({
        av: v.av,
        t: v.t,
        f: {
          view: v.view,
          naming: v.naming,
          earlier: distinctAccess(doc.versions.slice(0, k).map((x) => x.access)),
        } satisfies IndicatorStixLogFields,
        g: v.access as unknown as Record<string, unknown>,
      })),
  },
};

function distinctAccess(list: StixAccess[]): StixAccess[] {
  const seen = new Set<string>();
  const out: StixAccess[] = [];
  for (const a of list) {
    const key = JSON.stringify(a);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(a);
    }
  }
  return out;
}
