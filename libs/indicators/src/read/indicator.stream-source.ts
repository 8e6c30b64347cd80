import type { EventEnvelope } from '@acd/event-sourcing';
import {
  canRead,
  normaliseAudience,
  type EntitledItem,
  type Organisation,
  type Tlp,
} from '@acd/identity/domain';
import type {
  IndicatorPublished,
  IndicatorRevoked,
  IndicatorSighted,
  IndicatorTerms,
  IndicatorUpdated,
} from '../domain/indicator.events';
import type { IndicatorDoc } from './indicator.read-model';
import type { AnyEvent, SourceEvent, StreamSource } from '@acd/persistence';

/** How a viewer sees an indicator's publisher (by name, or by pseudonym): the gateway decides. */
export type PresentPublisher = (
  viewer: Organisation,
  item: { publisherOrgId: string; publisherSector: string | null; disclosePublisher: boolean },
) => unknown;

export interface IndicatorStreamDeps {
  /** `IndicatorQueries` or anything with its `findVisible`. */
  queries: { findVisible(viewer: Organisation, id: string): Promise<IndicatorDoc | null> };
  presentPublisher: PresentPublisher;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function termsData(t: IndicatorTerms) {
  return {
    tlp: t.tlp,
    audience: {
      orgs: t.audience.orgs,
      sectors: t.audience.sectors,
      council: t.audience.council === true,
    },
    confidence: t.confidence,
    validFrom: iso(t.validFrom),
    validUntil: iso(t.validUntil),
    description: t.description,
    cves: t.cves,
    killChainPhases: t.killChainPhases.map((k) => ({
      killChainName: k.killChainName,
      phaseName: k.phaseName,
    })),
  };
}

const entitled = (publisherOrgId: string, t: IndicatorTerms): EntitledItem => ({
  publisherOrgId,
  tlp: t.tlp as Tlp,
  audience: normaliseAudience(t.audience as EntitledItem['audience']),
});

/**
 * Indicators on the live stream, from `indicatorEvents`:
 *
 * | event               | who receives it                                      | data                         |
 * |---------------------|------------------------------------------------------|------------------------------|
 * | IndicatorPublished  | readers under the terms it carries                   | the indicator, publisher as the viewer may see it |
 * | IndicatorUpdated    | readers under the new terms (publisher = issuer)     | the new terms, changed fields |
 * | IndicatorRevoked    | readers of the indicator (its terms at the time)     | reason, time                 |
 * | IndicatorSighted    | readers of the indicator (its terms at the time)     | time and count; never who saw it or their note |
 * | PublisherReidentified | nobody (an act of the cabinet office, for the audit log) | —                       |
 *
 * Sightings leave out the sighting organisation and its note, as the REST view does (it shows
 * only counts); revocations leave out who revoked (always the publisher, who may be pseudonymous).
 */
export function indicatorStreamSource(
  deps: IndicatorStreamDeps,
): StreamSource<EntitledItem, Organisation> {
  return {
    kind: 'indicator',
    topic: 'indicatorEvents',
    canRead,
    async visibleTerms(viewer, id) {
      const doc = await deps.queries.findVisible(viewer, id);
      if (!doc) return null;
      return {
        publisherOrgId: doc.publisherOrgId,
        tlp: doc.tlp as Tlp,
        audience: normaliseAudience(doc.audience as EntitledItem['audience']),
      };
    },
    map(envelope: EventEnvelope<AnyEvent>): SourceEvent<EntitledItem, Organisation> | null {
      const e = envelope.event;
      switch (e.type) {
        case 'IndicatorPublished': {
          const d = (e as IndicatorPublished).data;
          const terms = entitled(d.publisherOrgId, d);
          return {
            id: d.indicatorId,
            type: e.type,
            access: { terms },
            establishes: terms,
            data: (viewer) => ({
              id: d.indicatorId,
              type: d.indicatorType,
              value: d.value,
              ...termsData(d),
              publisher: deps.presentPublisher(viewer, {
                publisherOrgId: d.publisherOrgId,
                publisherSector: d.publisherSector,
                disclosePublisher: d.disclosePublisher ?? false,
              }),
              publishedAt: iso(d.publishedAt),
            }),
          };
        }
        case 'IndicatorUpdated': {
          const d = (e as IndicatorUpdated).data;
          // Only the publisher updates an indicator (its id derives from the publisher), so the
          // issuing organisation is the publisher.
          const terms = entitled(envelope.metadata.orgId, d);
          return {
            id: d.indicatorId,
            type: e.type,
            access: { terms },
            establishes: terms,
            data: () => ({
              id: d.indicatorId,
              ...termsData(d),
              changedFields: d.changedFields,
              updatedAt: iso(d.updatedAt),
            }),
          };
        }
        case 'IndicatorRevoked': {
          const d = (e as IndicatorRevoked).data;
          return {
            id: d.indicatorId,
            type: e.type,
            access: { termsOf: d.indicatorId },
            data: () => ({ id: d.indicatorId, reason: d.reason, revokedAt: iso(d.revokedAt) }),
          };
        }
        case 'IndicatorSighted': {
          const d = (e as IndicatorSighted).data;
          return {
            id: d.indicatorId,
            type: e.type,
            access: { termsOf: d.indicatorId },
            data: () => ({
              id: d.indicatorId,
              observedAt: iso(d.observedAt),
              count: d.count,
              recordedAt: iso(d.recordedAt),
            }),
          };
        }
        default:
          return null;
      }
    },
  };
}
