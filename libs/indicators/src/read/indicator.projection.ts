import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { entitlementFields, type Tlp } from '@acd/identity/domain';
import type { IndicatorEvent, IndicatorTerms } from '../domain/indicator.events';
import type { Projection } from '@acd/persistence';
import { indicatorCounters } from './indicator.counters';
import type { IndicatorDoc } from './indicator.read-model';

function termsFields(t: IndicatorTerms) {
  return {
    tlp: t.tlp,
    audience: t.audience,
    confidence: t.confidence,
    validFrom: new Date(t.validFrom),
    validUntil: t.validUntil === null ? null : new Date(t.validUntil),
    description: t.description,
    cves: t.cves,
    killChainPhases: t.killChainPhases,
    // Events written before consent existed decode with the schema default (false).
    disclosePublisher: t.disclosePublisher ?? false,
  };
}

function withEntitlement(doc: IndicatorDoc): IndicatorDoc {
  return {
    ...doc,
    ...entitlementFields({
      publisherOrgId: doc.publisherOrgId,
      tlp: doc.tlp as Tlp,
      audience: doc.audience as never,
    }),
  };
}

export function evolveIndicatorDoc(
  doc: IndicatorDoc | null,
  { metadata, event }: EventEnvelope<IndicatorEvent>,
): IndicatorDoc | null {
  const version = metadata.aggregateVersion;
  switch (event.type) {
    case 'IndicatorPublished': {
      const d = event.data;
      return withEntitlement({
        _id: d.indicatorId,
        version,
        indicatorType: d.indicatorType,
        value: d.value,
        publisherOrgId: d.publisherOrgId,
        publisherSector: d.publisherSector,
        ...termsFields(d),
        status: 'active',
        revokedAt: null,
        revocationReason: null,
        sightingCount: 0,
        lastSightedAt: null,
        publishedAt: new Date(d.publishedAt),
        updatedAt: new Date(d.publishedAt),
      });
    }
    case 'IndicatorUpdated':
      if (!doc) return null;
      return withEntitlement({
        ...doc,
        ...termsFields(event.data),
        version,
        updatedAt: new Date(event.data.updatedAt),
      });
    case 'IndicatorRevoked':
      if (!doc) return null;
      return {
        ...doc,
        version,
        status: 'revoked',
        revokedAt: new Date(event.data.revokedAt),
        revocationReason: event.data.reason,
        updatedAt: new Date(event.data.revokedAt),
      };
    case 'IndicatorSighted': {
      if (!doc) return null;
      const observed = new Date(event.data.observedAt);
      return {
        ...doc,
        version,
        sightingCount: doc.sightingCount + event.data.count,
        lastSightedAt:
          doc.lastSightedAt && doc.lastSightedAt > observed ? doc.lastSightedAt : observed,
        updatedAt: new Date(event.data.recordedAt),
      };
    }
    case 'PublisherReidentified':
      // The act is recorded in the log (and, with issue 5, the audit log); the read model only
      // moves its version on.
      return doc ? { ...doc, version } : null;
    default:
      return null;
  }
}

export const indicatorProjection: Projection<IndicatorEvent, IndicatorDoc> = {
  name: 'indicators',
  collection: 'indicators',
  topic: 'indicatorEvents',
  evolve: evolveIndicatorDoc,
  async createIndexes(collection: Collection<IndicatorDoc>) {
    await collection.createIndex({ updatedAt: 1, _id: 1 });
    await collection.createIndex({ indicatorType: 1, value: 1 });
    await collection.createIndex({ publisherOrgId: 1 });
  },
  feed: {
    changedAt: (doc) => new Date(doc.updatedAt).getTime(),
    fields: (doc) => ({
      ty: doc.indicatorType,
      val: doc.value,
      tlp: doc.tlp,
      sec: doc.publisherSector,
      pub: doc.publisherOrgId,
      ao: doc.audience.orgs,
      as: doc.audience.sectors,
      // Only when true: entries written before the council existed read as not shared in it.
      ...(doc.audience.council === true ? { ac: true } : {}),
    }),
  },
  counters: indicatorCounters,
};
