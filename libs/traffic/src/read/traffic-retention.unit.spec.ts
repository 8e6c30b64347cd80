import fc from 'fast-check';
import { consoleLogger, type BusLogger } from '@acd/messaging';
import {
  TRAFFIC_DATA_CATEGORIES,
  type TrafficDataCategory,
  type TrafficDataDeleted,
} from '../domain/traffic.events';
import type { TrafficRetention } from '../traffic.config';
import { retentionDaysOf, TrafficRetentionSweeper, type RetentionStore } from './traffic-retention';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const quiet: BusLogger = { ...consoleLogger, info: () => undefined, warn: () => undefined };

/** A store in memory keeping the contract: count, record, then delete exactly what was counted. */
function memoryStore(category: TrafficDataCategory, stored: number[], log: string[]) {
  const items = [...stored];
  const store: RetentionStore = {
    category,
    name: `mem-${category}`,
    async deleteDue(cutoff, record) {
      const due = items.filter((t) => t < cutoff.getTime());
      if (due.length === 0) return 0;
      await record(due.length);
      log.push(`delete ${category} ${due.length}`);
      for (const t of due) items.splice(items.indexOf(t), 1);
      return due.length;
    },
  };
  return { store, items };
}

const settings = fc.record({
  ACD_TRAFFIC_FLOWS_RETENTION_DAYS: fc.integer({ min: 1, max: 400 }),
  ACD_TRAFFIC_EVENTS_RETENTION_DAYS: fc.integer({ min: 1, max: 400 }),
  ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS: fc.integer({ min: 1, max: 400 }),
  ACD_TRAFFIC_MATCHES_RETENTION_DAYS: fc.integer({ min: 1, max: 400 }),
}) satisfies fc.Arbitrary<TrafficRetention>;

describe('traffic retention sweeper', () => {
  it('Given items of every category at any age, When the sweep runs, Then an item goes iff it is older than its own category’s setting', async () => {
    const ages = fc.array(fc.integer({ min: 0, max: 500 * DAY }), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(settings, fc.tuple(ages, ages, ages, ages), async (r, agesBy) => {
        const log: string[] = [];
        const recorded: TrafficDataDeleted['data'][] = [];
        const stores = TRAFFIC_DATA_CATEGORIES.map((c, i) =>
          memoryStore(
            c,
            (agesBy[i] ?? []).map((age) => NOW - age),
            log,
          ),
        );
        const sweeper = new TrafficRetentionSweeper(
          stores.map((s) => s.store),
          r,
          async (d) => {
            recorded.push(d);
          },
          60_000,
          quiet,
          () => new Date(NOW),
        );
        await sweeper.sweepOnce();
        TRAFFIC_DATA_CATEGORIES.forEach((c, i) => {
          const limit = retentionDaysOf(r, c) * DAY;
          const kept = (agesBy[i] ?? []).filter((age) => age <= limit);
          const gone = (agesBy[i] ?? []).length - kept.length;
          expect(stores[i]!.items.length).toBe(kept.length);
          const rec = recorded.filter((d) => d.category === c);
          expect(rec.reduce((n, d) => n + d.count, 0)).toBe(gone);
          for (const d of rec) {
            expect(d).toMatchObject({ retentionDays: retentionDaysOf(r, c), cutoff: NOW - limit });
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('Given due items, When the sweep runs, Then the record is durable before anything is deleted', async () => {
    const log: string[] = [];
    const { store } = memoryStore('matches', [NOW - 100 * DAY], log);
    const retention = {
      ACD_TRAFFIC_FLOWS_RETENTION_DAYS: 7,
      ACD_TRAFFIC_EVENTS_RETENTION_DAYS: 90,
      ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS: 90,
      ACD_TRAFFIC_MATCHES_RETENTION_DAYS: 90,
    };
    const sweeper = new TrafficRetentionSweeper(
      [store],
      retention,
      async (d) => {
        await new Promise((r) => setTimeout(r, 5));
        log.push(`recorded ${d.category} ${d.count}`);
      },
      60_000,
      quiet,
      () => new Date(NOW),
    );
    expect(await sweeper.sweepOnce()).toEqual({ 'mem-matches': 1 });
    expect(log).toEqual(['recorded matches 1', 'delete matches 1']);
  });

  it('Given the record cannot be written, When the sweep runs, Then nothing is deleted and the other stores still go', async () => {
    const log: string[] = [];
    const flows = memoryStore('flows', [NOW - 10 * DAY], log);
    const matches = memoryStore('matches', [NOW - 100 * DAY], log);
    const sweeper = new TrafficRetentionSweeper(
      [flows.store, matches.store],
      {
        ACD_TRAFFIC_FLOWS_RETENTION_DAYS: 7,
        ACD_TRAFFIC_EVENTS_RETENTION_DAYS: 90,
        ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS: 90,
        ACD_TRAFFIC_MATCHES_RETENTION_DAYS: 90,
      },
      async (d) => {
        if (d.category === 'flows') throw new Error('retention topic unavailable');
      },
      60_000,
      quiet,
      () => new Date(NOW),
    );
    expect(await sweeper.sweepOnce()).toEqual({ 'mem-flows': 0, 'mem-matches': 1 });
    expect(flows.items).toHaveLength(1);
    expect(matches.items).toHaveLength(0);
  });
});
