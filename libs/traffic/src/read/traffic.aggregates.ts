import type { Db } from 'mongodb';
import { canReadTraffic, type Organisation } from '@acd/identity/domain';
import {
  countersCollectionOf,
  jstDaysEndingAt,
  readCounters,
  CheckpointStore,
} from '@acd/persistence';
import { flowSubmissionProjection } from './traffic.projection';

const FIELDS = [
  'batches',
  'received',
  'accepted',
  'refusedDomestic',
  'refusedUnlocated',
  'invalid',
] as const;
export type SubmissionTotals = Record<(typeof FIELDS)[number], number>;

export interface TrafficVolume {
  from: string;
  to: string;
  timeZone: 'Asia/Tokyo';
  byTelecom: (SubmissionTotals & { telecomId: string })[];
  byDay: (SubmissionTotals & { day: string })[];
}

const zero = (): SubmissionTotals =>
  Object.fromEntries(FIELDS.map((f) => [f, 0])) as SubmissionTotals;

/**
 * Flow submissions counted per Japanese day and telecom operator, from the submissions model's
 * counters, each telecom's counted only where the viewer may read its submissions (the telecom
 * its own; the cabinet office and the commission all).
 */
export class TrafficAggregates {
  constructor(private readonly db: Db) {}

  async volume(viewer: Organisation, days: number, now = new Date()): Promise<TrafficVolume> {
    const generation = await new CheckpointStore(this.db).generation(flowSubmissionProjection.name);
    const period = jstDaysEndingAt(now, days);
    const counted = await readCounters(
      this.db,
      countersCollectionOf(flowSubmissionProjection, generation),
      period,
      (telecomOrgId) => canReadTraffic(viewer, { kind: 'submission', telecomOrgId }),
    );
    const byTelecom = new Map<string, SubmissionTotals>();
    const byDay = period.map((day) => {
      const total = zero();
      for (const [telecomId, values] of counted.get(day) ?? []) {
        const t = byTelecom.get(telecomId) ?? zero();
        byTelecom.set(telecomId, t);
        for (const f of FIELDS) {
          t[f] += values[f] ?? 0;
          total[f] += values[f] ?? 0;
        }
      }
      return { day, ...total };
    });
    return {
      from: period[0]!,
      to: period[period.length - 1]!,
      timeZone: 'Asia/Tokyo',
      byTelecom: [...byTelecom]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([telecomId, t]) => ({ telecomId, ...t })),
      byDay,
    };
  }
}
