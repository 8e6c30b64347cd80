import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { AdvisoryContent, AdvisoryEvent } from '../domain/advisory.events';
import type { Projection } from '@acd/persistence';
import type { AdvisoryDoc } from './advisory.read-model';

function contentFields(c: AdvisoryContent) {
  return {
    title: c.title,
    summary: c.summary,
    severity: c.severity,
    tlp: c.tlp,
    audience: {
      everyone: c.audience.everyone,
      sectors: c.audience.sectors,
      kinds: c.audience.kinds,
      orgs: c.audience.orgs,
      council: c.audience.council === true,
    },
    indicatorIds: c.indicatorIds,
    incidentIds: c.incidentIds,
    recommendedActions: c.recommendedActions,
    expiresAt: new Date(c.expiresAt),
  };
}

export function evolveAdvisoryDoc(
  doc: AdvisoryDoc | null,
  { metadata, event }: EventEnvelope<AdvisoryEvent>,
): AdvisoryDoc | null {
  const version = metadata.aggregateVersion;
  switch (event.type) {
    case 'AdvisoryIssued': {
      const d = event.data;
      const issuedAt = new Date(d.issuedAt);
      return {
        _id: d.advisoryId,
        version,
        issuerOrgId: d.issuerOrgId,
        issuerKind: d.issuerKind,
        ...contentFields(d),
        status: 'active',
        withdrawnAt: null,
        withdrawalReason: null,
        acknowledgements: [],
        issuedAt,
        updatedAt: issuedAt,
      };
    }
    case 'AdvisoryUpdated':
      if (!doc) return null;
      return {
        ...doc,
        ...contentFields(event.data),
        version,
        updatedAt: new Date(event.data.updatedAt),
      };
    case 'AdvisoryWithdrawn': {
      if (!doc) return null;
      const withdrawnAt = new Date(event.data.withdrawnAt);
      return {
        ...doc,
        version,
        status: 'withdrawn',
        withdrawnAt,
        withdrawalReason: event.data.reason,
        updatedAt: withdrawnAt,
      };
    }
    case 'AdvisoryAcknowledged': {
      if (!doc) return null;
      const { orgId } = event.data;
      if (doc.acknowledgements.some((a) => a.orgId === orgId)) return { ...doc, version };
      return {
        ...doc,
        version,
        acknowledgements: [
          ...doc.acknowledgements,
          { orgId, at: new Date(event.data.acknowledgedAt) },
        ],
      };
    }
    default:
      return null;
  }
}

export const advisoryProjection: Projection<AdvisoryEvent, AdvisoryDoc> = {
  name: 'advisories',
  collection: 'advisories',
  topic: 'advisoryEvents',
  evolve: evolveAdvisoryDoc,
  async createIndexes(collection: Collection<AdvisoryDoc>) {
    await collection.createIndex({ updatedAt: 1, _id: 1 });
    await collection.createIndex({ issuerOrgId: 1 });
  },
};
