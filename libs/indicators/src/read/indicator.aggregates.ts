import type { Db } from 'mongodb';
import type { Organisation } from '@acd/identity/domain';
import {
  countersCollectionOf,
  jstDaysEndingAt,
  readCounters,
  CheckpointStore,
} from '@acd/persistence';
import { canCountIndicatorBucket, parseIndicatorBucket } from './indicator.counters';
import { indicatorProjection } from './indicator.projection';

export interface IndicatorVolume {
  from: string;
  to: string;
  timeZone: 'Asia/Tokyo';
  /** Indicators the viewer may read now, first published in the period. */
  total: number;
  /** Of those, revoked since. */
  revoked: number;
  byDay: { day: string; count: number }[];
  bySector: { sector: string | null; count: number }[];
  byType: { type: string; count: number }[];
  byTlp: { tlp: string; count: number }[];
  series: { day: string; sector: string | null; type: string; tlp: string; count: number }[];
}

/**
 * Counts of indicators for dashboards, under the viewer's entitlement: read from the model's
 * counters (a few documents per day whatever the number of indicators), bucket by bucket judged
 * by the same policy as every single read, so a count is the number of items the viewer would
 * find by listing them one by one.
 */
export class IndicatorAggregates {
  constructor(private readonly db: Db) {}

  async volume(viewer: Organisation, days: number, now = new Date()): Promise<IndicatorVolume> {
    const generation = await new CheckpointStore(this.db).generation(indicatorProjection.name);
    const period = jstDaysEndingAt(now, days);
    const counted = await readCounters(
      this.db,
      countersCollectionOf(indicatorProjection, generation),
      period,
      (key) => canCountIndicatorBucket(viewer, key),
    );
    const bySector = new Map<string | null, number>();
    const byType = new Map<string, number>();
    const byTlp = new Map<string, number>();
    const series = new Map<string, IndicatorVolume['series'][number]>();
    let total = 0;
    let revoked = 0;
    const byDay = period.map((day) => {
      let count = 0;
      for (const [key, values] of counted.get(day) ?? []) {
        const n = values.n ?? 0;
        if (n === 0) continue;
        const [sector, type, tlp] = parseIndicatorBucket(key);
        count += n;
        revoked += values.revoked ?? 0;
        bySector.set(sector, (bySector.get(sector) ?? 0) + n);
        byType.set(type, (byType.get(type) ?? 0) + n);
        byTlp.set(tlp, (byTlp.get(tlp) ?? 0) + n);
        const at = JSON.stringify([day, sector, type, tlp]);
        const same = series.get(at);
        if (same) same.count += n;
        else series.set(at, { day, sector, type, tlp, count: n });
      }
      total += count;
      return { day, count };
    });
    const sorted = <K>(m: Map<K, number>) => [...m].sort((a, b) => b[1] - a[1]);
    return {
      from: period[0]!,
      to: period[period.length - 1]!,
      timeZone: 'Asia/Tokyo',
      total,
      revoked,
      byDay,
      bySector: sorted(bySector).map(([sector, count]) => ({ sector, count })),
      byType: sorted(byType).map(([type, count]) => ({ type, count })),
      byTlp: sorted(byTlp).map(([tlp, count]) => ({ tlp, count })),
      series: [...series.values()],
    };
  }
}
