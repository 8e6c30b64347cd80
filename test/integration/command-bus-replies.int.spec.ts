import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import type { CommandContext } from '@acd/event-sourcing';
import {
  CommandBus,
  CommandProcessor,
  consoleLogger,
  createKafka,
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
  type OversightCommand,
  type OversightEvent,
  type OversightState,
} from '@acd/oversight';
import { isolatedEnv } from '../support/bus';

jest.setTimeout(180_000);

const nco: CommandContext['issuedBy'] = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };

/**
 * The gateway's reply consumer on real Kafka, as the chaos suite's scenario 1 found it at 48,000
 * commands: after a broker kill it stopped for good (its group empty), and from then on every
 * caller waited out the command timeout (504), while the processors answered. Here the consumer
 * is stopped behind the bus's back; the bus notices it has not fetched, replaces it in the same
 * group, and the next command's reply reaches its caller.
 */
describe('the command bus replaces a reply consumer that stopped', () => {
  let kafka: Kafka;
  let topics: TopicNames;
  let codec: WireCodec;
  let processor: CommandProcessor<OversightCommand, OversightEvent, OversightState>;
  let bus: CommandBus;
  const logged: string[] = [];
  const logger: BusLogger = {
    ...consoleLogger,
    info: (msg) => logged.push(msg),
    warn: (msg) => logged.push(msg),
    error: (msg) => logged.push(msg),
  };

  beforeAll(async () => {
    const env = isolatedEnv('replies');
    const cfg = loadConfig(kafkaSchema, env);
    kafka = createKafka(cfg, 'replies-int');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    await withAdmin(kafka, (admin) => ensureTopics(admin, topics, cfg.ACD_REPLICATION_FACTOR));
    codec = SchemaSet.load(schemasDir());
    const context: BoundedContext<OversightCommand, OversightEvent, OversightState> = {
      name: 'oversight',
      namespace: 'jp.acd.oversight',
      commandsTopic: 'oversightCommands',
      eventsTopic: 'oversightEvents',
      decider: createOversightDecider({
        members: ['m-1'],
        quorum: 1,
        emergencyNotifyWithin: 'PT1H',
      }),
      aggregateIdOf: oversightAggregateIdOf,
    };
    processor = new CommandProcessor(kafka, topics, codec, context, {
      instanceId: 'replies-int',
      logger: { ...consoleLogger, info: () => undefined },
    });
    await processor.start();
    // Replaced after 3 s without a fetch (30 s in the gateway).
    bus = new CommandBus(kafka, topics, codec, logger, 20_000, 3_000);
    await bus.start();
  });

  afterAll(async () => {
    await bus?.stop();
    await processor?.stop();
  });

  const propose = (agreementId = randomUUID()) =>
    bus.send({
      topic: 'oversightCommands',
      schema: 'jp.acd.oversight.ProposeAgreement',
      aggregateId: agreementId,
      commandId: randomUUID(),
      data: {
        agreementId,
        operatorId: 'op-kanto-electric',
        operatorKind: 'operator',
        networks: ['133.242.0.0/16'],
        categories: ['addresses'],
        validFrom: Date.now(),
        validUntil: Date.now() + 86_400_000,
        purpose: 'replies',
      },
      issuer: nco,
      correlationId: randomUUID(),
    });

  it('answers, loses its reply consumer, replaces it, and answers again on every partition', async () => {
    const first = await propose();
    expect(first.outcome).toBe('ACCEPTED');

    const consumer = (bus as unknown as { consumer?: Consumer }).consumer;
    expect(consumer).toBeDefined();
    await consumer!.disconnect();

    // Replies are keyed by command id over the topic's partitions. Eight commands answer on
    // more than the one partition the first reply took (all eight on it: 1 in 3^8): a partition
    // this bus never read a reply from must be resumed too (the group committed nothing there).
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => propose()));
    const answered = outcomes.map((o) =>
      o.status === 'fulfilled' ? o.value.outcome : String(o.reason),
    );
    expect({ answered, logged }).toEqual({
      answered: Array(8).fill('ACCEPTED'),
      logged: expect.arrayContaining([
        'gateway reply consumer replaced',
        'gateway reply consumer resumed',
      ]),
    });
  });
});
