import type {
  AdvisoryContent,
  AdvisoryIssued,
  AdvisoryUpdated,
  AdvisoryWithdrawn,
} from '../domain/advisory.events';
import {
  advisoryAudienceFor,
  canReadAdvisory,
  readableReferenceIds,
  referencesOf,
  type AdvisoryItem,
  type Organisation,
  type Reference,
  type ReferenceTerms,
  type Tlp,
} from '@acd/identity/domain';
import type { AdvisoryDoc } from './advisory.read-model';
import type { SourceEvent, StreamSource } from '@acd/persistence';

export interface AdvisoryStreamDeps {
  /** `AdvisoryQueries` or anything with its `findVisible`. */
  advisories: { findVisible(viewer: Organisation, id: string): Promise<AdvisoryDoc | null> };
  /** `ReferenceLookup` or anything with its `termsOf`: the related items' current terms. */
  references: { termsOf(refs: Iterable<Reference>): Promise<ReferenceTerms> };
}

const iso = (ms: number): string => new Date(ms).toISOString();

const item = (issuerOrgId: string, tlp: string, a: AdvisoryContent['audience']): AdvisoryItem => ({
  issuerOrgId,
  tlp: tlp as Tlp,
  audience: {
    everyone: a.everyone,
    sectors: a.sectors,
    kinds: a.kinds,
    orgs: a.orgs,
    council: a.council === true,
  },
});

/**
 * What one viewer receives of an advisory's content: the audience as `advisoryAudienceFor` shows
 * it to this viewer (no other named recipient), and only the related items the viewer may read
 * when the event is sent, by their current terms: the same as the REST view at that moment, even
 * when the stream is replayed long after an indicator was narrowed.
 */
async function content(
  c: AdvisoryContent,
  terms: AdvisoryItem,
  viewer: Organisation,
  deps: AdvisoryStreamDeps,
) {
  const related = await deps.references.termsOf(referencesOf(c));
  return {
    title: c.title,
    summary: c.summary,
    severity: c.severity,
    tlp: c.tlp,
    audience: advisoryAudienceFor(viewer, terms),
    indicatorIds: readableReferenceIds(viewer, 'indicator', c.indicatorIds, related),
    incidentIds: readableReferenceIds(viewer, 'incident', c.incidentIds, related),
    recommendedActions: c.recommendedActions,
    expiresAt: iso(c.expiresAt),
  };
}

/**
 * Advisories on the live stream, from `advisoryEvents`, checked by `canReadAdvisory`. Issued,
 * updated and withdrawn advisories carry their label and audience, so each is judged by its own
 * terms (a withdrawal by the terms at withdrawal: it reaches exactly those who were told).
 * Acknowledgements are not streamed: who has acknowledged is for the issuer and the office,
 * through the REST API. What each viewer receives is cut to that viewer (see `content`).
 */
export function advisoryStreamSource(
  deps: AdvisoryStreamDeps,
): StreamSource<AdvisoryItem, Organisation> {
  return {
    kind: 'advisory',
    topic: 'advisoryEvents',
    canRead: canReadAdvisory,
    async visibleTerms(viewer, id) {
      const doc = await deps.advisories.findVisible(viewer, id);
      return doc ? item(doc.issuerOrgId, doc.tlp, doc.audience) : null;
    },
    map(envelope): SourceEvent<AdvisoryItem, Organisation> | null {
      const e = envelope.event;
      switch (e.type) {
        case 'AdvisoryIssued': {
          const d = (e as AdvisoryIssued).data;
          const terms = item(d.issuerOrgId, d.tlp, d.audience);
          return {
            id: d.advisoryId,
            type: e.type,
            access: { terms },
            establishes: terms,
            data: async (viewer) => ({
              id: d.advisoryId,
              issuer: { orgId: d.issuerOrgId, kind: d.issuerKind },
              ...(await content(d, terms, viewer, deps)),
              issuedAt: iso(d.issuedAt),
            }),
          };
        }
        case 'AdvisoryUpdated': {
          const d = (e as AdvisoryUpdated).data;
          const terms = item(d.issuerOrgId, d.tlp, d.audience);
          return {
            id: d.advisoryId,
            type: e.type,
            access: { terms },
            establishes: terms,
            data: async (viewer) => ({
              id: d.advisoryId,
              ...(await content(d, terms, viewer, deps)),
              changedFields: d.changedFields,
              updatedAt: iso(d.updatedAt),
            }),
          };
        }
        case 'AdvisoryWithdrawn': {
          const d = (e as AdvisoryWithdrawn).data;
          return {
            id: d.advisoryId,
            type: e.type,
            access: { terms: item(d.issuerOrgId, d.tlp, d.audience) },
            data: () => ({ id: d.advisoryId, reason: d.reason, withdrawnAt: iso(d.withdrawnAt) }),
          };
        }
        default:
          return null;
      }
    },
  };
}
