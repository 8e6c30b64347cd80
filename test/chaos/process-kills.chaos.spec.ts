import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, TopicNames } from '@acd/messaging';
import { BusUnderTest, type DemoOrg } from '../support/bus';
import {
  auditedAndProjected,
  busDb,
  compareWithRebuild,
  recordFigures,
  runLoad,
  scenarioTimeout,
  size,
  sleep,
  type Ack,
  type LoadResult,
} from './support/chaos';

/**
 * Issue 16, scenarios 2 to 4: the bus's own processes killed under load. One bus for the three
 * (each scenario adds its load to the same log, and each ends with the read models compared
 * against a rebuild of the whole log).
 */
const COMMANDS = size('PROC_COMMANDS', 150, 1_000, 5_000);
const KILLS = size('KILLS', 20, 20);
const CONCURRENCY = size('CONCURRENCY', 8, 24);
const STORM_S = size('STORM_S', 40, 60, 120);
const TARGETS = 20;

jest.setTimeout(scenarioTimeout(60));

const random = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

describe('processes killed under load', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let topics: TopicNames;
  let op: DemoOrg;
  let db: Db;
  let closeDb: () => Promise<void>;
  const targets: string[] = [];
  /** Sightings acknowledged per indicator over all scenarios: what the read model must count. */
  const sightings = new Map<string, number>();
  const acked: Ack[] = [];
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    // Small projector batches, so a kill lands in the middle of one.
    bus = await BusUnderTest.start('pk', { ACD_PROJECTOR_MAX_BATCH: '25' }, { supervised: true });
    const cfg = loadConfig(kafkaSchema, bus.env);
    kafka = createKafka(cfg, 'chaos');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    op = bus.byId('op-kanto-electric');
    ({ db, close: closeDb } = await busDb(bus));
    for (let i = 0; i < TARGETS; i += 1)
      targets.push(
        await bus.publish(op, {
          type: 'domain',
          value: `t${i}.${run}.chaos.example`,
          tlp: 'GREEN',
        }),
      );
  });
  afterAll(async () => {
    await closeDb?.();
    await bus?.stop();
  });

  /** Half new indicators, half sightings of the targets: a sighting applied twice shows. */
  const load = (tag: string, until: (sent: number) => boolean) =>
    runLoad({
      bus,
      who: op,
      count: Number.MAX_SAFE_INTEGER,
      concurrency: CONCURRENCY,
      stop: until,
      key: (i) => `${tag}-${run}-${i}`,
      command: (i) =>
        i % 2 === 0
          ? {
              path: '/v1/indicators',
              body: { type: 'domain', value: `${tag}${i}.${run}.chaos.example`, tlp: 'GREEN' },
            }
          : { path: `/v1/indicators/${targets[i % TARGETS]}/sightings`, body: { count: 1 } },
    });

  const remember = (tag: string, result: LoadResult) => {
    acked.push(...result.acked);
    for (const a of result.acked) {
      const i = Number(a.key.slice(`${tag}-${run}-`.length));
      if (i % 2 === 1) {
        const t = targets[i % TARGETS] as string;
        sightings.set(t, (sightings.get(t) ?? 0) + 1);
      }
    }
  };

  /** The log against every acknowledgement so far, the projector caught up, and a rebuild. */
  const verify = async () => {
    const { audit, catchUpMs } = await auditedAndProjected(
      kafka,
      db,
      topics.of('indicatorEvents'),
      acked,
    );
    const counted = new Map<string, number>();
    for (const d of await db
      .collection<{ _id: string; sightingCount?: number }>('indicators')
      .find({ _id: { $in: targets } })
      .toArray())
      counted.set(d._id, d.sightingCount ?? 0);
    const miscounted = targets.filter(
      (t) => (counted.get(t) ?? 0) !== (sightings.get(t) ?? 0),
    ).length;
    const { differ, details } = await compareWithRebuild(bus, db);
    return { audit, catchUpMs, miscounted, differ, details };
  };

  const retryable = (r: LoadResult) =>
    Object.entries(r.retryable)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ') || 'none';

  const logCount = (service: string, text: string) => {
    try {
      return readFileSync(join(bus.logDir, `${service}.log`), 'utf8').split(text).length - 1;
    } catch {
      return 0;
    }
  };

  describe('scenario 2: processor kills', () => {
    it('every caller gets its outcome or a retryable error, a retry gets the original outcome, no event twice', async () => {
      const processor = bus.services.get('indicators');
      if (!processor) throw new Error('no indicators processor');
      let kills = 0;
      const killer = (async () => {
        for (; kills < KILLS; kills += 1) {
          await sleep(random(500, 4_000));
          await processor.crashAndRestart('SIGKILL');
        }
      })();
      const result = await load('p', (sent) => kills >= KILLS && sent >= COMMANDS);
      await killer;
      remember('p', result);

      // The same requests again, with the same keys: each answers its first outcome.
      const sample = result.acked.slice(0, 200);
      let changed = 0;
      for (const a of sample) {
        const i = Number(a.key.slice(`p-${run}-`.length));
        const again = await bus.post(
          i % 2 === 0 ? '/v1/indicators' : `/v1/indicators/${targets[i % TARGETS]}/sightings`,
          op,
          i % 2 === 0
            ? { type: 'domain', value: `p${i}.${run}.chaos.example`, tlp: 'GREEN' }
            : { count: 1 },
          { 'idempotency-key': a.key },
        );
        const ids = (again.body?.eventIds as string[] | undefined) ?? [];
        if (again.body?.duplicate !== true || JSON.stringify(ids) !== JSON.stringify(a.eventIds))
          changed += 1;
      }
      const v = await verify();
      recordFigures('2 processor kills', {
        'processor kills': kills,
        commands: result.sent,
        acknowledged: result.acked.length,
        'retryable answers': retryable(result),
        'refused (not retryable)': result.refused.length,
        'gave up': result.gaveUp.length,
        'retries answered differently': `${changed} of ${sample.length}`,
        'transactions aborted and restarted from the log': logCount(
          'indicators',
          'restarting from the log',
        ),
        lost: v.audit.lost,
        'log reads to settle': v.audit.reads,
        duplicated: v.audit.duplicated,
        'unacknowledged events (the targets excluded)': v.audit.unacknowledged - TARGETS,
        'sighting counts wrong': v.miscounted,
        'read models ≠ rebuild': v.differ.join(' ') || 0,
      });
      expect(result.refused).toEqual([]);
      expect(result.gaveUp).toEqual([]);
      expect(changed).toBe(0);
      expect({ lost: v.audit.lost, duplicated: v.audit.duplicated }).toEqual({
        lost: 0,
        duplicated: 0,
      });
      expect(v.audit.unacknowledged).toBe(TARGETS); // the targets, published before any load
      expect(v.miscounted).toBe(0);
      expect(v.details).toEqual([]);
    });
  });

  describe('scenario 3: projector kills', () => {
    it('killed mid-batch 20 times, the read models still equal a rebuild', async () => {
      const projector = bus.services.get('projector');
      if (!projector) throw new Error('no projector');
      let kills = 0;
      const killer = (async () => {
        for (; kills < KILLS; kills += 1) {
          await sleep(random(300, 3_000));
          await projector.crashAndRestart('SIGKILL');
        }
      })();
      const result = await load('j', (sent) => kills >= KILLS && sent >= COMMANDS);
      await killer;
      remember('j', result);
      const v = await verify();
      recordFigures('3 projector kills', {
        'projector kills': kills,
        commands: result.sent,
        acknowledged: result.acked.length,
        'retryable answers': retryable(result),
        'gave up': result.gaveUp.length,
        lost: v.audit.lost,
        'log reads to settle': v.audit.reads,
        duplicated: v.audit.duplicated,
        'projector catch-up after the last kill (ms)': v.catchUpMs,
        'sighting counts wrong': v.miscounted,
        'read models ≠ rebuild': v.differ.join(' ') || 0,
      });
      expect(result.refused).toEqual([]);
      expect(result.gaveUp).toEqual([]);
      expect({ lost: v.audit.lost, duplicated: v.audit.duplicated }).toEqual({
        lost: 0,
        duplicated: 0,
      });
      expect(v.miscounted).toBe(0);
      expect(v.details).toEqual([]);
    });
  });

  describe('scenario 4: rebalance storm', () => {
    it('four more projector instances started and stopped every 5 s: nothing applied twice, the lag recovers', async () => {
      const stormEnds = Date.now() + STORM_S * 1000;
      let cycles = 0;
      const storm = (async () => {
        while (Date.now() < stormEnds) {
          const extra = [1, 2, 3, 4].map((n) =>
            bus.startInstance('projector', { ACD_INSTANCE_ID: `storm-${cycles}-${n}` }),
          );
          await sleep(5_000);
          await Promise.all(extra.map((s) => s.stop()));
          cycles += 1;
        }
      })();
      const result = await load('r', (sent) => Date.now() >= stormEnds && sent >= COMMANDS);
      await storm;
      remember('r', result);
      const v = await verify();
      recordFigures('4 rebalance storm', {
        'storm (s)': STORM_S,
        'start/stop cycles of 4 instances': cycles,
        commands: result.sent,
        acknowledged: result.acked.length,
        'gave up': result.gaveUp.length,
        lost: v.audit.lost,
        'log reads to settle': v.audit.reads,
        duplicated: v.audit.duplicated,
        'lag recovered after the storm (ms)': v.catchUpMs,
        'sighting counts wrong': v.miscounted,
        'read models ≠ rebuild': v.differ.join(' ') || 0,
      });
      expect(cycles).toBeGreaterThan(0);
      expect(result.refused).toEqual([]);
      expect(result.gaveUp).toEqual([]);
      expect(v.audit.duplicated).toBe(0);
      expect(v.miscounted).toBe(0);
      expect(v.details).toEqual([]);
    });
  });
});
