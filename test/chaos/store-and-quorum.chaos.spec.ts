import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, TopicNames } from '@acd/messaging';
import { killBroker, killStore, startBroker, startStore } from '@acd/testing';
import { BusUnderTest, type DemoOrg } from '../support/bus';
import {
  auditedAndProjected,
  busDb,
  compareWithRebuild,
  recordFigures,
  runLoad,
  scenarioTimeout,
  settledAuditLog,
  size,
  sleep,
  type Ack,
} from './support/chaos';

/**
 * Issue 16, scenario 8: the store down for a minute under load (reads answer 503, commands are
 * still accepted because Kafka is the record, and the projections catch up), then two of the
 * three brokers down (commands refused with 503, nothing half-written).
 */
const STORE_DOWN_S = size('STORE_DOWN_S', 30, 60);
const QUORUM_COMMANDS = size('QUORUM_COMMANDS', 10, 40);

jest.setTimeout(scenarioTimeout(60));

describe('scenario 8: store and quorum loss', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let topics: TopicNames;
  let op: DemoOrg;
  const acked: Ack[] = [];
  /** Events no load acknowledged: the warm-up publish. */
  let baseline = 0;
  const run = randomBytes(3).toString('hex');
  const stack = process.env.ACD_TEST_STACK as string;

  const timed = async (path: string, init: RequestInit = {}) => {
    const t = Date.now();
    try {
      const res = await fetch(`${bus.base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${op.token}`, ...(init.headers ?? {}) },
        signal: AbortSignal.timeout(90_000),
      });
      const body = await res.text();
      return {
        status: res.status,
        ms: Date.now() - t,
        body,
        retryAfter: res.headers.get('retry-after'),
      };
    } catch {
      return { status: 0, ms: Date.now() - t, body: '', retryAfter: null };
    }
  };

  beforeAll(async () => {
    if (!stack) throw new Error('the chaos suite needs its local stack (ACD_TEST_STACK)');
    bus = await BusUnderTest.start('sq', {}, { supervised: true });
    const cfg = loadConfig(kafkaSchema, bus.env);
    kafka = createKafka(cfg, 'chaos');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    op = bus.byId('op-kanto-electric');
    // The caller has been seen before the outage (its token is known to the gateway).
    await bus.publish(op, { type: 'domain', value: `warm.${run}.chaos.example`, tlp: 'GREEN' });
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('the store down: reads answer 503, commands are accepted, projections catch up', async () => {
    let downSince = 0;
    let upAgainAt = 0;
    const ackTimes: number[] = [];
    let loading = true;
    const loadDone = runLoad({
      bus,
      who: op,
      count: Number.MAX_SAFE_INTEGER,
      concurrency: 4,
      stop: () => !loading,
      key: (i) => `sd-${run}-${i}`,
      command: (i) => ({
        path: '/v1/indicators',
        body: { type: 'domain', value: `sd${i}.${run}.chaos.example`, tlp: 'GREEN' },
      }),
      onAck: () => ackTimes.push(Date.now()),
    });
    await sleep(3_000);
    await killStore(stack);
    downSince = Date.now();
    const reads: { status: number; ms: number; retryAfter: string | null }[] = [];
    while (Date.now() - downSince < STORE_DOWN_S * 1000) {
      const r = await timed('/v1/indicators?limit=5');
      reads.push(r);
      await sleep(2_000);
    }
    await startStore(stack);
    upAgainAt = Date.now();
    // Commands keep flowing for a while with the store back.
    await sleep(10_000);
    loading = false;
    const load = await loadDone;
    acked.push(...load.acked);
    const acceptedWhileDown = ackTimes.filter((t) => t > downSince + 2_000 && t < upAgainAt).length;
    const { db, close } = await busDb(bus);
    try {
      const { audit, catchUpMs } = await auditedAndProjected(
        kafka,
        db,
        topics.of('indicatorEvents'),
        load.acked,
      );
      baseline = audit.unacknowledged;
      const { differ, details } = await compareWithRebuild(bus, db);
      const statuses = reads.reduce<Record<string, number>>((m, r) => {
        m[r.status] = (m[r.status] ?? 0) + 1;
        return m;
      }, {});
      recordFigures('8a store down', {
        'store down (s)': STORE_DOWN_S,
        'reads while down': Object.entries(statuses)
          .map(([s, n]) => `${s}×${n}`)
          .join(' '),
        'slowest read while down (ms)': Math.max(...reads.map((r) => r.ms)),
        'commands acknowledged while the store was down': acceptedWhileDown,
        commands: load.sent,
        acknowledged: load.acked.length,
        'gave up': load.gaveUp.length,
        lost: audit.lost,
        'log reads to settle': audit.reads,
        duplicated: audit.duplicated,
        'projections caught up after the store returned (ms)': catchUpMs,
        'read models ≠ rebuild': differ.join(' ') || 0,
      });
      // The first probe may land before the gateway notices; every later one is a clean 503.
      expect(reads.slice(1).every((r) => r.status === 503 && r.retryAfter !== null)).toBe(true);
      expect(acceptedWhileDown).toBeGreaterThan(0);
      expect(load.refused).toEqual([]);
      expect(load.gaveUp).toEqual([]);
      expect({ lost: audit.lost, duplicated: audit.duplicated }).toEqual({
        lost: 0,
        duplicated: 0,
      });
      expect(baseline).toBe(1);
      expect(details).toEqual([]);
    } finally {
      await close();
    }
  });

  it('two of three brokers down: commands refused with 503, nothing half-written', async () => {
    await killBroker(stack, 2);
    await killBroker(stack, 3);
    const attempts: { status: number; ms: number }[] = [];
    try {
      // Four callers at a time: each waits out the command timeout for its 503.
      let next = 0;
      const caller = async () => {
        for (let i = next++; i < QUORUM_COMMANDS; i = next++) {
          const r = await timed('/v1/indicators', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': `q-${run}-${i}` },
            body: JSON.stringify({
              type: 'domain',
              value: `q${i}.${run}.chaos.example`,
              tlp: 'GREEN',
            }),
          });
          attempts.push(r);
        }
      };
      await Promise.all(Array.from({ length: 4 }, caller));
    } finally {
      await startBroker(stack, 2);
      await startBroker(stack, 3);
    }
    // The refused commands, retried by their callers with the same keys once the cluster is back.
    const retried = await runLoad({
      bus,
      who: op,
      count: QUORUM_COMMANDS,
      concurrency: 4,
      key: (i) => `q-${run}-${i}`,
      command: (i) => ({
        path: '/v1/indicators',
        body: { type: 'domain', value: `q${i}.${run}.chaos.example`, tlp: 'GREEN' },
      }),
    });
    acked.push(...retried.acked);
    const audit = await settledAuditLog(kafka, topics.of('indicatorEvents'), acked);
    const statuses = attempts.reduce<Record<string, number>>((m, r) => {
      m[r.status] = (m[r.status] ?? 0) + 1;
      return m;
    }, {});
    // Fresh outcomes (201) on retry: the refused command had left nothing behind.
    const fresh = retried.acked.filter((a) => a.status === 201).length;
    recordFigures('8b quorum loss', {
      'commands while 2 of 3 brokers were down': attempts.length,
      answers: Object.entries(statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
      'slowest answer (ms)': Math.max(...attempts.map((a) => a.ms)),
      'retried after the brokers returned': retried.acked.length,
      'retries that found the first attempt written': retried.acked.length - fresh,
      lost: audit.lost,
      'log reads to settle': audit.reads,
      duplicated: audit.duplicated,
      'unacknowledged events': audit.unacknowledged,
    });
    expect(attempts.every((a) => a.status === 503)).toBe(true);
    expect(retried.gaveUp).toEqual([]);
    expect(retried.refused).toEqual([]);
    expect({ lost: audit.lost, duplicated: audit.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(audit.unacknowledged).toBe(baseline);
  });
});
