import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, TopicNames } from '@acd/messaging';
import { killBroker, startBroker } from '@acd/testing';
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
} from './support/chaos';

/**
 * Issue 16, scenario 1: commands through the gateway while one of three brokers is SIGKILLed and
 * restarted every 20 s. Every acknowledged command's event is in the log exactly once, and every
 * read model equals a rebuild from that log.
 */
const COMMANDS = size('COMMANDS', 120, 1_500, 100_000);
/** The load goes on past COMMANDS until this many kills (a quick run is over in a minute). */
const MIN_KILLS = size('BROKER_KILLS', 5, 10);
const CONCURRENCY = size('CONCURRENCY', 8, 24, 64);
const KILL_EVERY_MS = size('KILL_EVERY_S', 20, 20) * 1000;

jest.setTimeout(scenarioTimeout(60));

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

describe('scenario 1: broker hard kills under load', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let topics: TopicNames;
  let op: DemoOrg;
  const stack = process.env.ACD_TEST_STACK;

  beforeAll(async () => {
    bus = await BusUnderTest.start('bk', {}, { supervised: true });
    const cfg = loadConfig(kafkaSchema, bus.env);
    kafka = createKafka(cfg, 'chaos');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    op = bus.byId('op-kanto-electric');
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('every acknowledged command is in the log exactly once and the read models equal a rebuild', async () => {
    if (!stack) throw new Error('the chaos suite needs its local stack (ACD_TEST_STACK)');
    const run = randomBytes(3).toString('hex');
    let loading = true;
    let lastAckAt = 0;
    // The longest stretch without any acknowledgement while the load ran: the outage a caller
    // saw, whatever the broker's restart took.
    let longestGapMs = 0;
    const kills: { node: number; restartMs: number; recoveredMs: number; at: number }[] = [];
    // A kill every KILL_EVERY_MS, but never before the bus has acknowledged a command since the
    // previous broker came back: on a busy machine recovery can take longer than the interval,
    // and kills faster than recovery would measure nothing but an outage. The figures give the
    // intervals and recovery times as they were.
    // Each kill's watch for the next acknowledgement; all end when the load does.
    const watchers: Promise<void>[] = [];
    const killer = (async () => {
      let previous = { at: Date.now(), back: Date.now() };
      for (let n = 0; loading; n += 1) {
        const due = previous.at + KILL_EVERY_MS;
        while (loading && (Date.now() < due || lastAckAt <= previous.back)) await sleep(200);
        if (!loading) break;
        const node = (n % 3) + 1;
        const at = Date.now();
        await killBroker(stack, node);
        await startBroker(stack, node);
        const back = Date.now();
        const kill = { node, restartMs: back - at, recoveredMs: -1, at };
        kills.push(kill);
        previous = { at, back };
        watchers.push(
          (async () => {
            while (loading && lastAckAt <= back) await sleep(200);
            if (lastAckAt > back) kill.recoveredMs = lastAckAt - at;
          })(),
        );
      }
    })();
    const key = (i: number) => `bk-${run}-${i}`;
    const command = (i: number) => ({
      path: '/v1/indicators',
      body: { type: 'domain', value: `c${i}.${run}.chaos.example`, tlp: 'GREEN' },
    });
    let load;
    try {
      load = await runLoad({
        bus,
        who: op,
        count: COMMANDS * 50,
        stop: (sent) => sent >= COMMANDS && kills.length >= MIN_KILLS,
        concurrency: CONCURRENCY,
        key,
        command,
        onAck: () => {
          const now = Date.now();
          if (lastAckAt > 0) longestGapMs = Math.max(longestGapMs, now - lastAckAt);
          lastAckAt = now;
        },
      });
    } finally {
      loading = false;
      await killer;
      await Promise.all(watchers);
    }
    // A caller whose patience ran out while brokers kept dying asks again, with the same key,
    // once they stop: it must get its command's one outcome, never a second event.
    const gaveUp = load.gaveUp.map((k) => Number(k.slice(k.lastIndexOf('-') + 1)));
    const late = await runLoad({
      bus,
      who: op,
      count: gaveUp.length,
      concurrency: CONCURRENCY,
      key: (j) => key(gaveUp[j]!),
      command: (j) => command(gaveUp[j]!),
    });
    const acked = [...load.acked, ...late.acked];
    const intervals = kills.slice(1).map((k, i) => k.at - (kills[i]?.at ?? k.at));
    const recovered = kills.map((k) => k.recoveredMs).filter((ms) => ms >= 0);

    const { db, close } = await busDb(bus);
    try {
      const { audit, catchUpMs } = await auditedAndProjected(
        kafka,
        db,
        topics.of('indicatorEvents'),
        acked,
      );
      const { differ, details } = await compareWithRebuild(bus, db);
      const crashes = bus.exits.filter((e) => e.signal !== 'SIGTERM').length;
      recordFigures('1 broker hard kills', {
        commands: load.sent,
        acknowledged: load.acked.length,
        'broker kills': kills.length,
        'kill interval mean / max (s)': intervals.length
          ? `${(mean(intervals) / 1000).toFixed(1)} / ${(Math.max(...intervals) / 1000).toFixed(1)}`
          : 'n/a',
        'broker restart mean (s)': (mean(kills.map((k) => k.restartMs)) / 1000).toFixed(1),
        // From the SIGKILL to the first acknowledgement once the broker is back (so at least
        // the restart): the bus is whole again.
        'kill → first acknowledgement after the restart mean / max (s)': recovered.length
          ? `${(mean(recovered) / 1000).toFixed(1)} / ${(Math.max(...recovered) / 1000).toFixed(1)}`
          : 'n/a',
        'longest stretch without an acknowledgement (s)': (longestGapMs / 1000).toFixed(1),
        'retryable answers':
          Object.entries(load.retryable)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ') || 'none',
        'gave up while brokers died / answered when asked again': `${load.gaveUp.length} / ${late.acked.length}`,
        refused: load.refused.length + late.refused.length,
        'events in log': audit.records,
        lost: audit.lost,
        'log reads to settle': audit.reads,
        duplicated: audit.duplicated,
        ...(audit.duplicates.length ? { 'duplicated events': audit.duplicates.join(' ; ') } : {}),
        'unacknowledged events': audit.unacknowledged,
        'service restarts': crashes,
        'commands/s': (load.acked.length / (load.ms / 1000)).toFixed(1),
        'projector catch-up (ms)': catchUpMs,
        'read models ≠ rebuild': differ.join(' ') || 0,
      });
      expect([...load.refused, ...late.refused]).toEqual([]);
      expect(late.gaveUp).toEqual([]);
      // Asked again, each answers the outcome it had: the event ids of its one event.
      expect(late.acked.every((a) => a.eventIds.length > 0)).toBe(true);
      expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
      expect({ lost: audit.lost, duplicated: audit.duplicated }).toEqual({
        lost: 0,
        duplicated: 0,
      });
      expect(audit.unacknowledged).toBe(0);
      expect(details).toEqual([]);
    } finally {
      await close();
    }
  });
});
