import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import type { CommandContext, EventEnvelope } from '@acd/event-sourcing';
import {
  CommandBus,
  CommandProcessor,
  consoleLogger,
  createKafka,
  DueCommandScheduler,
  ensureTopics,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
  type BoundedContext,
  type BusLogger,
  type WireCodec,
} from '@acd/messaging';
import {
  createOversightDecider,
  oversightAggregateIdOf,
  EmergencyNotificationBook,
  OVERSIGHT_SCHEDULER_ISSUER,
  type OversightCommand,
  type OversightEvent,
  type OversightState,
  type RequestCommand,
} from '@acd/oversight';
import { isolatedEnv, waitFor } from '../support/bus';
import { recordEvents } from '../support/event-recorder';

jest.setTimeout(180_000);

/**
 * The emergency notification clock on real Kafka: agencies act first on twelve requests; some
 * notify the commission in time, some late, some never. Two scheduler instances run at once and
 * one is stopped and replaced while a fake clock moves past every deadline. Every missed
 * notification is recorded exactly once (by the scheduler, or by the late notification itself
 * when it came first), and none that came in time.
 */

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-22T00:00:00Z');
const quiet: BusLogger = { ...consoleLogger, info: () => undefined };
const police: CommandContext['issuedBy'] = { orgId: 'gov-npa', kind: 'police', sector: null };

type Plan = 'in-time' | 'at-deadline' | 'late' | 'never';
const PLANS: Plan[] = ['in-time', 'at-deadline', 'late', 'never'];
const requests = Array.from({ length: 12 }, (_, i) => ({
  id: `em-${String(i).padStart(2, '0')}`,
  plan: PLANS[i % PLANS.length] as Plan,
  startedAt: T0 + i * 10 * 60_000,
}));
/** ACD_EMERGENCY_NOTIFY_WITHIN of this test. */
const WITHIN = 6 * HOUR;

describe('emergency notification scheduler across restarts', () => {
  let kafka: Kafka;
  let topics: TopicNames;
  let codec: WireCodec;
  let processor: CommandProcessor<OversightCommand, OversightEvent, OversightState>;
  let bus: CommandBus;
  let observer: Consumer;
  const seen: EventEnvelope<OversightEvent>[] = [];
  let now = T0;
  const clock = () => new Date(now);
  const schedulers: DueCommandScheduler<OversightEvent>[] = [];

  const startScheduler = async (id: string) => {
    const s = new DueCommandScheduler<OversightEvent>(kafka, topics, codec, {
      eventsTopic: 'oversightEvents',
      commandsTopic: 'oversightCommands',
      namespace: 'jp.acd.oversight',
      book: new EmergencyNotificationBook(),
      issuer: OVERSIGHT_SCHEDULER_ISSUER,
      clock,
      tickMs: 100,
      resendAfterMs: 1_000,
      instanceId: id,
      logger: quiet,
    });
    await s.start();
    schedulers.push(s);
    return s;
  };

  beforeAll(async () => {
    const env = isolatedEnv('ovsched');
    const cfg = loadConfig(kafkaSchema, env);
    kafka = createKafka(cfg, 'ovsched-int');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    await withAdmin(kafka, (admin) => ensureTopics(admin, topics, cfg.ACD_REPLICATION_FACTOR));
    codec = SchemaSet.load(schemasDir());
    const context: BoundedContext<OversightCommand, OversightEvent, OversightState> = {
      name: 'oversight',
      namespace: 'jp.acd.oversight',
      commandsTopic: 'oversightCommands',
      eventsTopic: 'oversightEvents',
      decider: createOversightDecider({
        members: ['member-1', 'member-2', 'member-3'],
        quorum: 2,
        emergencyNotifyWithin: 'PT6H',
      }),
      aggregateIdOf: oversightAggregateIdOf,
    };
    processor = new CommandProcessor(kafka, topics, codec, context, {
      instanceId: 'ovsched-int',
      clock,
      logger: quiet,
    });
    await processor.start();
    bus = new CommandBus(kafka, topics, codec, quiet, 20_000);
    await bus.start();
    observer = await recordEvents(kafka, topics, codec, 'oversightEvents', seen);
  });

  afterAll(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    await observer?.disconnect();
    await bus?.stop();
    await processor?.stop();
  });

  const send = async (command: RequestCommand) => {
    const reply = await bus.send({
      topic: 'oversightCommands',
      schema: `jp.acd.oversight.${command.type}`,
      aggregateId: command.data.requestId,
      commandId: randomUUID(),
      data: command.data,
      issuer: police,
      correlationId: randomUUID(),
    });
    if (reply.outcome !== 'ACCEPTED') throw new Error(`${command.type}: ${reply.reason}`);
  };

  const notify = (id: string) =>
    send({ type: 'NotifyCommission', data: { requestId: id, summary: `notifying ${id}` } });

  const eventsOf = (type: OversightEvent['type'], id: string) =>
    seen.filter(
      (e) => e.event.type === type && 'requestId' in e.event.data && e.event.data.requestId === id,
    );

  it('records every missed notification exactly once, and none made in time', async () => {
    await startScheduler('a');
    for (const r of requests) {
      now = r.startedAt + 60_000;
      await send({
        type: 'RecordEmergencyOperation',
        data: {
          requestId: r.id,
          target: { type: 'ip', value: '198.51.100.7', country: 'JP' },
          justification: 'C2 server',
          evidence: [{ type: 'indicator', id: 'ind-1' }],
          measures: ['access'],
          validFrom: T0,
          validUntil: T0 + 48 * HOUR,
          primeMinisterOrder: null,
          attestation: { belowArmedAttackThreshold: true, justification: null },
          emergencyReason: 'Attack under way',
          consultation: null,
          execution: {
            target: '198.51.100.7',
            startedAt: r.startedAt,
            endedAt: r.startedAt + 30_000,
            outcome: 'succeeded',
            summary: 'acted',
            measuresTaken: ['access'],
          },
        },
      });
    }
    await startScheduler('b');

    // In time: an hour after acting, while the schedulers run. The clock must stay before every
    // other request's deadline here (the last action starts 110 minutes in, the first deadline is
    // six hours in), or a running scheduler would rightly record those as missed.
    // At the deadline: exactly at it (still on time), below.
    for (const r of requests.filter((x) => x.plan === 'in-time')) {
      now = r.startedAt + HOUR;
      expect(now).toBeLessThan(T0 + WITHIN);
      await notify(r.id);
    }
    // No scheduler runs while the agencies at the deadline and one late agency notify, so the
    // late notification records the miss itself, before any scheduler could.
    await Promise.all(schedulers.map((s) => s.stop()));
    schedulers.length = 0;
    for (const r of requests.filter((x) => x.plan === 'at-deadline')) {
      now = r.startedAt + WITHIN;
      await notify(r.id);
    }
    const lateFirst = requests.find((x) => x.plan === 'late');
    if (!lateFirst) throw new Error('no late request');
    now = lateFirst.startedAt + WITHIN + 1;
    await notify(lateFirst.id);
    await waitFor(
      'the late notification and its miss observed',
      async () => eventsOf('CommissionNotified', lateFirst.id).length === 1,
      30_000,
      50,
    );
    // Both came from the notification's own command, not from a scheduler.
    const [miss] = eventsOf('EmergencyNotificationMissed', lateFirst.id);
    const [note] = eventsOf('CommissionNotified', lateFirst.id);
    expect(miss?.metadata.causationId).toBe(note?.metadata.causationId);

    // Past every deadline, with two fresh schedulers rebuilt from the log, one replaced midway.
    now = T0 + 24 * HOUR;
    await startScheduler('c');
    const d = await startScheduler('d');
    const never = requests.filter(
      (x) => x.plan === 'never' || (x.plan === 'late' && x !== lateFirst),
    );
    await waitFor(
      'half the misses recorded',
      async () =>
        never.filter((r) => eventsOf('EmergencyNotificationMissed', r.id).length > 0).length >=
        never.length / 2,
      60_000,
      100,
    );
    await d.stop();
    schedulers.splice(schedulers.indexOf(d), 1);
    await startScheduler('e');
    await waitFor(
      'every miss recorded',
      async () => never.every((r) => eventsOf('EmergencyNotificationMissed', r.id).length > 0),
      60_000,
      100,
    );

    // The remaining late agencies notify after the scheduler recorded their miss.
    now = T0 + 30 * HOUR;
    for (const r of requests.filter((x) => x.plan === 'late' && x !== lateFirst)) {
      await notify(r.id);
    }
    // Let resends and the replaced instances run on a while: nothing more may be recorded.
    await new Promise((r) => setTimeout(r, 3_000));

    for (const r of requests) {
      const missed = eventsOf('EmergencyNotificationMissed', r.id);
      const notified = eventsOf('CommissionNotified', r.id);
      if (r.plan === 'in-time' || r.plan === 'at-deadline') {
        expect([r.id, missed.length]).toEqual([r.id, 0]);
        expect(notified.map((e) => (e.event.data as { late: boolean }).late)).toEqual([false]);
      } else {
        expect([r.id, missed.length]).toEqual([r.id, 1]);
        expect(notified.map((e) => (e.event.data as { late: boolean }).late)).toEqual(
          r.plan === 'late' ? [true] : [],
        );
      }
    }
  });
});
