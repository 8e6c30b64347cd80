import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import {
  createKafka,
  consoleLogger,
  decodeSlice,
  dlqName,
  H,
  header,
  readLogToEnd,
  TransactionalWorker,
  withAdmin,
  type BusLogger,
  type TransactionalWorkerOptions,
} from '@acd/messaging';
import { getTestEnv, randomId } from '@acd/testing';
import { waitFor } from '../support/bus';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../..');
const quiet: BusLogger = { ...consoleLogger, info: () => undefined, warn: () => undefined };

/**
 * The transactional worker that every consume-transform-produce loop runs, on the real broker:
 * outputs and offsets commit together (a worker SIGKILLed mid-transaction, again and again,
 * leaves every output exactly once), a poison record goes to the dead-letter topic without
 * stalling its partition, and a zombie fenced by its successor commits nothing.
 */
describe('transactional worker on real Kafka', () => {
  const env = getTestEnv();
  const brokers = env.kafkaBrokers.join(',');
  const kafka = createKafka(
    loadConfig(kafkaSchema, { ...process.env, KAFKA_BROKERS: brokers }),
    'tw-int',
  );

  async function topicsOf(partitions: number, ...names: string[]): Promise<void> {
    await withAdmin(kafka, (admin) =>
      admin.createTopics({
        topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      }),
    );
  }

  async function produce(topic: string, values: string[], partition?: number): Promise<void> {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < values.length; i += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.slice(i, i + 500).map((value, k) => ({
          key: `k${(i + k) % 7}`,
          value,
          ...(partition === undefined ? {} : { partition }),
        })),
      });
    }
    await producer.disconnect();
  }

  /** Committed records (read-committed, to the end the topic has now). */
  async function committed(topic: string): Promise<KafkaMessage[]> {
    const out: KafkaMessage[] = [];
    await readLogToEnd(kafka, topic, `${env.topicPrefix}tw-read`, (batch) => {
      out.push(...batch.messages);
    });
    return out;
  }

  /** Every data record written, aborted ones included, read until the topic stays quiet. */
  async function everyRecord(topic: string): Promise<number> {
    const consumer = kafka.consumer({
      groupId: `${env.topicPrefix}tw-uncommitted-${randomId(6)}`,
      readUncommitted: true,
      maxWaitTimeInMs: 100,
    });
    let count = 0;
    let last = Date.now();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        count += batch.messages.length;
        last = Date.now();
      },
    });
    await waitFor('the topic to stay quiet', async () => Date.now() - last > 3_000, 60_000, 250);
    await consumer.disconnect();
    return count;
  }

  async function groupPosition(groupId: string, topic: string): Promise<number> {
    const [offsets] = await withAdmin(kafka, (admin) =>
      admin.fetchOffsets({ groupId, topics: [topic] }),
    );
    return (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  it('outputs and offsets commit atomically: SIGKILLed mid-transaction and restarted, every input comes out exactly once', async () => {
    const id = randomId(6);
    const input = `${env.topicPrefix}tw.kill.in.${id}`;
    const output = `${env.topicPrefix}tw.kill.out.${id}`;
    const group = `${env.topicPrefix}tw.kill.${id}`;
    await topicsOf(3, input, output);
    const total = 3_000;
    const values = Array.from({ length: total }, (_, i) => `${i}:${'x'.repeat(2_000)}`);
    await produce(input, values);

    let child: ChildProcess | undefined;
    const startChild = () => {
      child = spawn(
        process.execPath,
        [
          '-r',
          path.join(ROOT, 'scripts/register-paths.js'),
          path.join(ROOT, 'test/support/echo-worker.js'),
        ],
        {
          cwd: ROOT,
          stdio: 'ignore',
          env: {
            ...process.env,
            KAFKA_BROKERS: brokers,
            WORKER_GROUP: group,
            WORKER_TRANSACTIONAL_ID: `${group}.instance-1`,
            WORKER_INPUT: input,
            WORKER_OUTPUT: output,
            WORKER_MAX_TRANSACTION: '10',
          },
        },
      );
    };
    // Outputs are one per input, so any output beyond the group's committed position was written
    // in a transaction that never committed: proof that a kill landed inside one.
    let killedInTransaction = 0;
    try {
      for (let share = 0.1; share < 0.9; share += 0.1) {
        startChild();
        await waitFor(
          `${Math.round(share * 100)}% of the input consumed`,
          async () => (await groupPosition(group, input)) >= total * share,
          120_000,
          50,
        );
        child?.kill('SIGKILL');
        if ((await everyRecord(output)) > (await groupPosition(group, input)))
          killedInTransaction += 1;
        if (killedInTransaction >= 2) break;
      }
      startChild();
      await waitFor(
        'all input consumed',
        async () => (await groupPosition(group, input)) >= total,
        120_000,
        250,
      );
    } finally {
      child?.kill('SIGKILL');
    }
    expect(killedInTransaction).toBeGreaterThan(0);

    const out = (await committed(output)).map((m) => m.value?.toString() ?? '');
    expect(out).toHaveLength(total);
    expect(new Set(out).size).toBe(total);
    expect(new Set(out)).toEqual(new Set(values));
  });

  function workerOf(
    overrides: Partial<TransactionalWorkerOptions> &
      Pick<TransactionalWorkerOptions, 'groupId' | 'topics' | 'handle'>,
  ): TransactionalWorker {
    return new TransactionalWorker(kafka, {
      name: 'test worker',
      transactionalId: `${overrides.groupId}.tx`,
      logger: quiet,
      onFatal: () => undefined,
      ...overrides,
    });
  }

  it('a poison record goes to the dead-letter topic and its partition moves on', async () => {
    const id = randomId(6);
    const input = `${env.topicPrefix}tw.poison.in.${id}`;
    const output = `${env.topicPrefix}tw.poison.out.${id}`;
    await topicsOf(1, input, output, dlqName(input));
    await produce(input, ['a', 'b', 'poison', 'c', 'd'], 0);
    const group = `${env.topicPrefix}tw.poison.${id}`;
    const worker = workerOf({
      groupId: group,
      topics: [input],
      maxPerTransaction: 2,
      handle: (slices) => {
        const work = slices.map((slice) =>
          decodeSlice(slice, (m) => {
            const value = m.value?.toString() ?? '';
            if (value === 'poison') throw new Error('not a record of ours');
            return value.toUpperCase();
          }),
        );
        return {
          outputs: [
            {
              topic: output,
              messages: work.flatMap((w) => w.decoded.map((d) => ({ value: d.value }))),
            },
          ],
          poison: work.flatMap((w) => w.poison),
        };
      },
    });
    await worker.start();
    try {
      await waitFor(
        'all five consumed',
        async () => (await groupPosition(group, input)) >= 5,
        60_000,
        250,
      );
    } finally {
      await worker.stop();
    }
    expect((await committed(output)).map((m) => m.value?.toString())).toEqual(['A', 'B', 'C', 'D']);
    const [letter, ...more] = await committed(dlqName(input));
    expect(more).toHaveLength(0);
    expect(letter?.value?.toString()).toBe('poison');
    expect(header(letter?.headers, H.dlqTopic)).toBe(input);
    expect(header(letter?.headers, H.dlqOffset)).toBe('2');
    expect(header(letter?.headers, H.dlqConsumer)).toBe(group);
    expect(header(letter?.headers, H.dlqError)).toBe('not a record of ours');
  });

  it('a consumer that jumps past uncommitted records is brought back to the committed offset: no input passed over', async () => {
    // kafkajs has handed over batches that did not begin at the committed offset (a restarted
    // consumer, a fetch racing a rebalance). Here the jump is made on purpose, while three new
    // records wait: the partition is sought one past its committed offset.
    const id = randomId(6);
    const input = `${env.topicPrefix}tw.jump.in.${id}`;
    const output = `${env.topicPrefix}tw.jump.out.${id}`;
    await topicsOf(1, input, output);
    const group = `${env.topicPrefix}tw.jump.${id}`;
    const worker = workerOf({
      groupId: group,
      topics: [input],
      handle: (slices) => ({
        outputs: [
          {
            topic: output,
            messages: slices.flatMap((sl) =>
              sl.messages.map((m) => ({ value: (m.value?.toString() ?? '').toUpperCase() })),
            ),
          },
        ],
      }),
    });
    await produce(input, ['a', 'b'], 0);
    await worker.start();
    try {
      await waitFor('a and b', async () => (await groupPosition(group, input)) >= 2, 60_000, 250);
      const consumer = (worker as unknown as { consumer: Consumer }).consumer;
      consumer.pause([{ topic: input }]);
      await produce(input, ['c', 'd', 'e'], 0);
      consumer.seek({ topic: input, partition: 0, offset: '3' });
      consumer.resume([{ topic: input }]);
      await waitFor('all five', async () => (await groupPosition(group, input)) >= 5, 60_000, 250);
    } finally {
      await worker.stop();
    }
    expect((await committed(output)).map((m) => m.value?.toString())).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
    ]);
  });

  it('a zombie fenced by a successor under its transactional id commits nothing, and stops', async () => {
    const id = randomId(6);
    const input = `${env.topicPrefix}tw.fence.in.${id}`;
    const idle = `${env.topicPrefix}tw.fence.idle.${id}`;
    const output = `${env.topicPrefix}tw.fence.out.${id}`;
    await topicsOf(1, input, idle, output);
    await produce(input, ['one', 'two', 'three'], 0);
    const group = `${env.topicPrefix}tw.fence.${id}`;
    const transactionalId = `${group}.instance-1`;

    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let handling = false;
    const fatal: unknown[] = [];
    const zombie = workerOf({
      groupId: group,
      transactionalId,
      topics: [input],
      onFatal: (err) => fatal.push(err),
      handle: async (slices) => {
        handling = true;
        // Stalls like a process paused mid-slice (a long GC, a frozen VM) while its successor starts.
        await held;
        const messages = slices.flatMap((s) => s.messages.map((m) => ({ value: m.value })));
        return { outputs: [{ topic: output, messages }] };
      },
    });
    await zombie.start();
    const successor = workerOf({
      groupId: `${group}.successor`,
      transactionalId,
      topics: [idle],
      handle: () => ({ outputs: [] }),
    });
    try {
      await waitFor('the zombie to hold a slice', async () => handling, 60_000, 100);
      await successor.start();
      release();
      await waitFor('the zombie to learn it is fenced', async () => fatal.length > 0, 60_000, 100);
    } finally {
      release();
      await zombie.stop().catch(() => undefined);
      await successor.stop();
    }
    expect(String((fatal[0] as Error).message)).toMatch(/fenced|epoch/i);
    expect(await committed(output)).toHaveLength(0);
    expect(await groupPosition(group, input)).toBe(0);
  });
});
