import type { AssetExposure } from '../domain/reporting.events';

/** One specified important computer an operator notified. */
export interface AssetDoc {
  /** `<operatorId>:<assetId>`: asset ids are unique only within an operator's file. */
  _id: string;
  /** Aggregate version (of the operator's reporting file) of the last event applied here. */
  version: number;
  operatorId: string;
  sector: string;
  assetId: string;
  name: string;
  function: string;
  location: string;
  vendor: string;
  product: string;
  exposure: AssetExposure;
  installedAt: Date | null;
  notifiedAt: Date;
  status: 'active' | 'retired';
  retiredAt: Date | null;
  retirementReason: string | null;
  updatedAt: Date;
}

export function assetDocId(operatorId: string, assetId: string): string {
  return `${operatorId}:${assetId}`;
}
