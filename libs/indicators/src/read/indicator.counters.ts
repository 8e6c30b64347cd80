import {
  canReadClass,
  entitlementClassOf,
  type EntitlementClass,
  type Organisation,
  type Tlp,
} from '@acd/identity/domain';
import { jstDayOf, type CounterContribution, type CountersSpec } from '@acd/persistence';
import type { IndicatorDoc } from './indicator.read-model';

/**
 * Where an indicator counts in the dashboards' volume figures: on the Japanese day it was first
 * published, by its publisher's sector, type and label, and by what the entitlement policy needs
 * to judge it (`EntitlementClass`). A change of label or audience moves it between buckets, so a
 * narrowed indicator leaves the counts of the readers it no longer reaches.
 */
export type IndicatorBucket = [
  sector: string | null,
  type: string,
  tlp: Tlp,
  cls: EntitlementClass,
];

export const indicatorCounters: CountersSpec<IndicatorDoc> = {
  of(doc): CounterContribution[] {
    // A time no calendar holds (never written by the bus's own processor) counts nowhere
    // rather than stopping the projector on it.
    if (!Number.isFinite(new Date(doc.publishedAt).getTime())) return [];
    const tlp = doc.tlp as Tlp;
    const cls = entitlementClassOf({
      publisherOrgId: doc.publisherOrgId,
      tlp,
      audience: doc.audience as never,
    });
    const bucket: IndicatorBucket = [doc.publisherSector, doc.indicatorType, tlp, cls];
    return [
      {
        day: jstDayOf(doc.publishedAt),
        key: JSON.stringify(bucket),
        values: doc.status === 'revoked' ? { n: 1, revoked: 1 } : { n: 1 },
      },
    ];
  },
};

export function parseIndicatorBucket(key: string): IndicatorBucket {
  return JSON.parse(key) as IndicatorBucket;
}

/** Whether the viewer may count the indicators of a bucket: `canRead` on their class. */
export function canCountIndicatorBucket(viewer: Organisation, key: string): boolean {
  const [, , tlp, cls] = parseIndicatorBucket(key);
  return canReadClass(viewer, tlp, cls);
}
