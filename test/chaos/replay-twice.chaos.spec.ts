import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { DemoOrgRecord } from '../../apps/cli/src/demo/demo-cast';
import { seedDemoData } from '../../apps/cli/src/demo/seed-demo';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import {
  busDb,
  digestDiff,
  readModelDigest,
  readModelSnapshot,
  recordFigures,
  runLoad,
  scenarioTimeout,
  size,
  sleep,
  snapshotDiff,
} from './support/chaos';

/**
 * Issue 16, scenario 5: a bus with varied activity (the demo: indicators, incidents and their
 * staged reports, orders and a referral, advisories and an acknowledgement, oversight requests
 * and votes, flow metadata; and more indicators with sightings and revocations), then two
 * `projector rebuild`s in a row. Both give the same canonical digest of every read model, and
 * both equal the live read models: a projection depends on the log alone, never on when or how
 * often it runs.
 */
const INDICATORS = size('REPLAY_INDICATORS', 60, 600, 3_000);
const CONCURRENCY = size('CONCURRENCY', 8, 24);

jest.setTimeout(scenarioTimeout(30));

interface Rebuild {
  digest: Record<string, string>;
  events: number;
  ms: number;
}

describe('scenario 5: replay twice', () => {
  let bus: BusUnderTest;
  let db: Db;
  let closeDb: () => Promise<void>;

  beforeAll(async () => {
    bus = await BusUnderTest.start('rt', {}, { supervised: true });
    ({ db, close: closeDb } = await busDb(bus));
  });
  afterAll(async () => {
    await closeDb?.();
    await bus?.stop();
  });

  /** The read models once nothing moves: two digests 3 s apart agree, and the checkpoints too. */
  async function quiet(): Promise<Record<string, string>> {
    let last = '';
    return waitFor(
      'the read models to settle',
      async () => {
        const checkpoints = await db
          .collection('checkpoints')
          .find({}, { projection: { _id: 1, offset: 1 } })
          .sort({ _id: 1 })
          .toArray();
        const digest = await readModelDigest(db);
        const now = JSON.stringify([checkpoints, digest]);
        const same = now === last;
        last = now;
        if (!same) {
          await sleep(3_000);
          return null;
        }
        return digest;
      },
      10 * 60_000,
      100,
    );
  }

  async function rebuild(): Promise<Rebuild> {
    const t0 = Date.now();
    const { out } = await bus.runApp('dist/apps/projector/src/main.js', ['rebuild']);
    const ms = Date.now() - t0;
    const events = [...out.matchAll(/rebuilt \S+: (\d+) events/g)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    return { digest: await quiet(), events, ms };
  }

  it('two rebuilds in a row give the same read models, and both equal the live ones', async () => {
    // ---------------------------------------------------------------- varied activity
    await seedDemoData(bus.orgs as unknown as DemoOrgRecord[], {
      url: bus.base,
      log: () => undefined,
    });
    const kanto: DemoOrg = bus.byId('op-kanto-electric');
    const tokai: DemoOrg = bus.byId('op-tokai-rail');
    const run = randomBytes(3).toString('hex');
    const published = await runLoad({
      bus,
      who: kanto,
      count: INDICATORS,
      concurrency: CONCURRENCY,
      key: (i) => `rt-${run}-${i}`,
      command: (i) => ({
        path: '/v1/indicators',
        body: {
          type: 'domain',
          value: `r${i}.${run}.replay.example`,
          tlp: i % 4 === 3 ? 'AMBER' : 'GREEN',
          ...(i % 4 === 3 ? { audience: { sectors: ['railways', 'electricity'] } } : {}),
        },
      }),
    });
    expect(published.refused).toEqual([]);
    const ids = published.acked.map((a) => a.id!).filter(Boolean);
    // Wait for the read side: sightings are judged against the indicators it holds.
    await waitFor(
      'the indicators projected',
      async () => (await bus.get(`/v1/indicators/${ids[ids.length - 1]}`, kanto)).status === 200,
      120_000,
      300,
    );
    const sightings = await runLoad({
      bus,
      who: tokai,
      count: Math.ceil(ids.length / 2),
      concurrency: CONCURRENCY,
      key: (i) => `rt-${run}-s${i}`,
      command: (i) => ({
        path: `/v1/indicators/${ids[(i * 2) % ids.length]}/sightings`,
        body: {
          count: 1 + (i % 3),
          observedAt: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
        },
      }),
    });
    const revocations = await runLoad({
      bus,
      who: kanto,
      count: Math.ceil(ids.length / 5),
      concurrency: CONCURRENCY,
      key: (i) => `rt-${run}-r${i}`,
      command: (i) => ({
        path: `/v1/indicators/${ids[(i * 5 + 1) % ids.length]}/revoke`,
        body: { reason: `replay scenario ${i}` },
      }),
    });
    expect(sightings.refused).toEqual([]);
    expect(revocations.refused).toEqual([]);

    // ---------------------------------------------------------------- live, then replayed twice
    const live = await quiet();
    const liveSnapshot = await readModelSnapshot(db);
    const first = await rebuild();
    const firstSnapshot = await readModelSnapshot(db);
    const second = await rebuild();
    const liveVsFirst = digestDiff(live, first.digest);
    const firstVsSecond = digestDiff(first.digest, second.digest);
    const differing = [...new Set([...liveVsFirst, ...firstVsSecond])].sort();
    recordFigures('5 replay twice', {
      'indicators published': ids.length,
      sightings: sightings.acked.length,
      revocations: revocations.acked.length,
      'events replayed (per rebuild)': first.events,
      'collections compared': Object.keys(live).length,
      'differing collections': differing.join(' ') || 0,
      'rebuild 1 (ms)': first.ms,
      'rebuild 2 (ms)': second.ms,
    });
    expect(Object.keys(live).length).toBeGreaterThan(5);
    // The first differing document of each collection, for the failure message.
    expect(snapshotDiff(liveSnapshot, firstSnapshot)).toEqual([]);
    expect({ liveVsFirst, firstVsSecond }).toEqual({ liveVsFirst: [], firstVsSecond: [] });
  });
});
