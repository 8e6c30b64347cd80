import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { AssetDetails, ReportingEvent } from '../domain/reporting.events';
import type { Projection } from '@acd/persistence';
import { assetDocId, type AssetDoc } from './asset.read-model';
import { dateOrNull } from './event-time';

/** Only asset events touch an asset; everything else in the file is no concern of this model. */
export function assetDocIdOf({ event }: EventEnvelope<ReportingEvent>): string | null {
  switch (event.type) {
    case 'AssetNotified':
    case 'AssetChanged':
    case 'AssetRetired':
      return assetDocId(event.data.operatorId, event.data.assetId);
    default:
      return null;
  }
}

function detailsFields(d: AssetDetails) {
  return {
    name: d.name,
    function: d.function,
    location: d.location,
    vendor: d.vendor,
    product: d.product,
    exposure: d.exposure,
  };
}

export function evolveAssetDoc(
  doc: AssetDoc | null,
  { metadata, event }: EventEnvelope<ReportingEvent>,
): AssetDoc | null {
  const version = metadata.aggregateVersion;
  switch (event.type) {
    case 'AssetNotified': {
      const d = event.data;
      const notifiedAt = new Date(d.notifiedAt);
      return {
        _id: assetDocId(d.operatorId, d.assetId),
        version,
        operatorId: d.operatorId,
        sector: d.sector,
        assetId: d.assetId,
        ...detailsFields(d),
        installedAt: dateOrNull(d.installedAt),
        notifiedAt,
        status: 'active',
        retiredAt: null,
        retirementReason: null,
        updatedAt: notifiedAt,
      };
    }
    case 'AssetChanged':
      if (!doc) return null;
      return {
        ...doc,
        ...detailsFields(event.data),
        version,
        updatedAt: new Date(event.data.changedAt),
      };
    case 'AssetRetired': {
      if (!doc) return null;
      const retiredAt = new Date(event.data.retiredAt);
      return {
        ...doc,
        version,
        status: 'retired',
        retiredAt,
        retirementReason: event.data.reason,
        updatedAt: retiredAt,
      };
    }
    default:
      return null;
  }
}

export const assetProjection: Projection<ReportingEvent, AssetDoc> = {
  name: 'assets',
  collection: 'assets',
  topic: 'reportingEvents',
  evolve: evolveAssetDoc,
  documentIdOf: assetDocIdOf,
  async createIndexes(collection: Collection<AssetDoc>) {
    await collection.createIndex({ updatedAt: 1, _id: 1 });
    await collection.createIndex({ operatorId: 1, updatedAt: 1 });
    await collection.createIndex({ sector: 1, updatedAt: 1 });
  },
};
