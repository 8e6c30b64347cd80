import { createRequire } from 'node:module';
import fc from 'fast-check';
import { Partitioners, type Message, type RecordMetadata } from 'kafkajs';
import {
  assertKafkajsPatched,
  partitionsNamed,
  placeRecords,
  writeProblems,
  type TopicRecords,
} from './produce-check';

// kafkajs' own produce path (the module every producer's send and sendBatch goes through), driven
// against brokers scripted below: the defect this check exists for lives there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (deps: unknown) => (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request: any,
) => Promise<RecordMetadata[]>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createRetry = require('kafkajs/src/retry') as (opts: unknown) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { KafkaJSConnectionError } = require('kafkajs/src/errors') as {
  KafkaJSConnectionError: new (message: string) => Error;
};

const TOPIC = 'acd.indicators.events.v1';
/** kafkajs' logger, silenced for the harnesses below. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The part of a kafkajs cluster its produce path asks for: leaders and brokers, as scripted. */
function scriptedClusterOf(
  leaders: () => Record<number, number>,
  findBroker: (where: { nodeId: string }) => Promise<unknown>,
) {
  return {
    retry: {},
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => undefined,
    addMultipleTargetTopics: async () => undefined,
    removeBroker: () => undefined,
    isConnected: () => true,
    findTopicPartitionMetadata: () =>
      Object.keys(leaders()).map((p) => ({ partitionId: Number(p), leader: leaders()[Number(p)] })),
    findLeaderForPartitions: (_t: string, partitions: string[]) => {
      const out: Record<string, number[]> = {};
      for (const p of partitions.map(Number)) (out[leaders()[p]!] ??= []).push(p);
      return out;
    },
    findBroker,
  };
}

describe('placeRecords', () => {
  it('gives a keyed record the partition kafkajs would choose, and keeps a named one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ minLength: 1, maxLength: 40 })), { maxLength: 30 }),
        fc.integer({ min: 1, max: 64 }),
        fc.option(fc.nat(63)),
        (keys, count, named) => {
          const messages: Message[] = keys.map((key, i) => ({
            key,
            value: `v${i}`,
            ...(named !== null && i === 0 ? { partition: named } : {}),
          }));
          const [placed] = placeRecords([{ topic: TOPIC, messages }], () => count);
          const reference = Partitioners.DefaultPartitioner();
          const partitionMetadata = partitionsNamed(count);
          placed!.messages.forEach((m, i) => {
            expect(m.value).toBe(messages[i]!.value);
            if (named !== null && i === 0) return expect(m.partition).toBe(named);
            expect(m.partition).toBeGreaterThanOrEqual(0);
            expect(m.partition).toBeLessThan(count);
            if (keys[i] !== null) {
              expect(m.partition).toBe(
                reference({ topic: TOPIC, partitionMetadata, message: messages[i]! }),
              );
            }
          });
        },
      ),
    );
  });

  it('refuses to guess for a topic whose partitions it does not know', () => {
    expect(() =>
      placeRecords([{ topic: TOPIC, messages: [{ key: 'k', value: 'v' }] }], () => {
        throw new Error(`the cluster named no partitions of ${TOPIC}`);
      }),
    ).toThrow(/no partitions/);
  });
});

describe('writeProblems', () => {
  const placedArb = fc
    .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(7)), {
      minLength: 1,
      maxLength: 12,
      selector: ([t, p]) => `${t}/${p}`,
    })
    .map((slots) => {
      const byTopic = new Map<string, Message[]>();
      for (const [topic, partition] of slots) {
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { value: 'x', partition }]);
      }
      return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    });
  const answersFor = (placed: TopicRecords[]): RecordMetadata[] =>
    placed.flatMap(({ topic, messages }) =>
      messages.map((m) => ({ topicName: topic, partition: m.partition!, errorCode: 0 })),
    );

  it('finds nothing wrong when every partition sent to answered once', () => {
    fc.assert(
      fc.property(placedArb, (placed) => {
        expect(writeProblems(placed, answersFor(placed))).toEqual([]);
      }),
    );
  });

  it('names a partition written twice, one never answered, and one answered unasked', () => {
    fc.assert(
      fc.property(placedArb, fc.nat(), (placed, pick) => {
        const answers = answersFor(placed);
        const chosen = answers[pick % answers.length]!;
        const name = `${chosen.topicName} partition ${chosen.partition}`;
        expect(writeProblems(placed, [...answers, chosen])).toEqual([`${name} written 2 times`]);
        expect(
          writeProblems(
            placed,
            answers.filter((a) => a !== chosen),
          ),
        ).toEqual([`${name} never answered`]);
        const stray = { topicName: 'z', partition: 0, errorCode: 0 };
        expect(writeProblems(placed, [...answers, stray])).toEqual([
          'z partition 0 answered but sent nothing',
        ]);
      }),
    );
  });

  it('treats an answer with an error code as a problem', () => {
    const placed = [{ topic: 'a', messages: [{ value: 'x', partition: 0 }] }];
    expect(writeProblems(placed, [{ topicName: 'a', partition: 0, errorCode: 7 }])).toEqual([
      'a partition 0 answered error code 7',
    ]);
  });
});

/**
 * kafkajs' own produce path against two scripted brokers, each first leading one partition. The
 * request to broker 2 fails once with a connection error; what else happens is each case's.
 * Upstream kafkajs 2.2.4 writes a partition twice in the first two cases and never writes one in
 * the third; the patch (patches/kafkajs+2.2.4.patch) writes each exactly once.
 */
describe('kafkajs produce retried across brokers (patched)', () => {
  type Batch = { partition: number; firstSequence: number; count: number };
  type Leaders = Record<number, number>;

  function scriptedCluster(script: { slowFirstWrite: boolean; leadersAfterFailure: Leaders }) {
    const log: Batch[] = [];
    const locks = new Map<number, Promise<void>>();
    const releases = new Map<number, () => void>();
    const sequences = new Map<number, number>();
    let leaders: Leaders = { 0: 1, 1: 2 };
    let releaseSlowWrite!: () => void;
    const slowWrite = new Promise<void>((r) => (releaseSlowWrite = r));
    const calls = new Map<number, number>();

    type Produce = {
      topicData: {
        partitions: { partition: number; firstSequence: number; messages: unknown[] }[];
      }[];
    };
    const broker = (nodeId: number) => ({
      nodeId,
      async produce({ topicData }: Produce) {
        const call = (calls.get(nodeId) ?? 0) + 1;
        calls.set(nodeId, call);
        if (nodeId === 2 && call === 1) {
          leaders = script.leadersAfterFailure;
          // Broker 1's slow write lands once a retry reaches broker 2, or shortly after anyway.
          setTimeout(releaseSlowWrite, 50);
          throw new KafkaJSConnectionError('Connection error');
        }
        if (nodeId === 2) releaseSlowWrite();
        if (nodeId === 1 && call === 1 && script.slowFirstWrite) await slowWrite;
        const partitions = topicData[0]!.partitions.map(
          ({ partition, firstSequence, messages }) => {
            const last = [...log].reverse().find((b) => b.partition === partition);
            // The broker's idempotence: the batch it wrote last, sent again, is not written again.
            if (!last || last.firstSequence !== firstSequence) {
              log.push({ partition, firstSequence, count: messages.length });
            }
            return { partition, errorCode: 0, baseOffset: '0' };
          },
        );
        return { topics: [{ topicName: TOPIC, partitions }] };
      },
    });
    const brokers = new Map([1, 2].map((id) => [id, broker(id)]));
    const cluster = scriptedClusterOf(
      () => leaders,
      async ({ nodeId }) => brokers.get(Number(nodeId)),
    );
    const eosManager = {
      isTransactional: () => false,
      getProducerId: () => 1,
      getProducerEpoch: () => 0,
      getTransactionalId: () => undefined,
      getSequence: (_t: string, p: number) => sequences.get(p) ?? 0,
      updateSequence: (_t: string, p: number, n: number) =>
        sequences.set(p, (sequences.get(p) ?? 0) + n),
      async acquireBrokerLock({ nodeId }: { nodeId: number }) {
        while (locks.has(nodeId)) await locks.get(nodeId);
        locks.set(nodeId, new Promise<void>((r) => releases.set(nodeId, r)));
      },
      releaseBrokerLock({ nodeId }: { nodeId: number }) {
        locks.delete(nodeId);
        releases.get(nodeId)?.();
      },
    };
    const send = createSendMessages({
      logger: quiet,
      cluster,
      partitioner: Partitioners.DefaultPartitioner(),
      eosManager,
      retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
    });
    return { send, log };
  }

  const placed = [
    {
      topic: TOPIC,
      messages: [
        { key: 'a', value: 'event-a', partition: 0 },
        { key: 'b', value: 'event-b', partition: 1 },
      ],
    },
  ];
  const once = [
    { partition: 0, firstSequence: 0, count: 1 },
    { partition: 1, firstSequence: 0, count: 1 },
  ];
  const byPartition = (log: Batch[]) => [...log].sort((a, b) => a.partition - b.partition);

  it('is the patched module, and a bus refuses to start on an unpatched one', () => {
    expect(() => assertKafkajsPatched()).not.toThrow();
    expect(() => assertKafkajsPatched(() => function upstreamSendMessages() {})).toThrow(
      /without patches\/kafkajs\+2\.2\.4\.patch.*run npm install/,
    );
    // the producer's part of the patch without the consumer's is not the patched kafkajs either
    const real = createRequire(__filename);
    const upstreamFetchManager = (id: string) =>
      id.endsWith('fetchManager') ? function createFetchManager() {} : real(id);
    expect(() => assertKafkajsPatched(upstreamFetchManager)).toThrow(/spin for ever/);
  });

  it('a retry that begins while broker 1 is still writing does not write its partition again', async () => {
    const { send, log } = scriptedCluster({
      slowFirstWrite: true,
      leadersAfterFailure: { 0: 1, 1: 2 },
    });
    const answers = await send({ acks: -1, timeout: 1000, topicMessages: placed });
    expect(byPartition(log)).toEqual(once);
    expect(writeProblems(placed, answers)).toEqual([]);
  });

  it('a written partition whose leadership moved to the failed broker is not sent again', async () => {
    const { send, log } = scriptedCluster({
      slowFirstWrite: false,
      leadersAfterFailure: { 0: 2, 1: 2 },
    });
    const answers = await send({ acks: -1, timeout: 1000, topicMessages: placed });
    expect(byPartition(log)).toEqual(once);
    expect(writeProblems(placed, answers)).toEqual([]);
  });

  it('an unwritten partition whose leadership moved to a broker that answered is sent there', async () => {
    const { send, log } = scriptedCluster({
      slowFirstWrite: false,
      leadersAfterFailure: { 0: 1, 1: 1 },
    });
    const answers = await send({ acks: -1, timeout: 1000, topicMessages: placed });
    expect(byPartition(log)).toEqual(once);
    expect(writeProblems(placed, answers)).toEqual([]);
  });
});

/**
 * kafkajs' idempotent producer (not transactional) after a send that failed for good: the
 * brokers wrote the request, its answer was lost. Upstream kafkajs winds the partition's
 * sequence back, so the next send, another record, carries the same producer id and sequence,
 * and the brokers take it for the same batch sent again: acknowledged, never written. The patch
 * gets a new producer id first.
 */
describe('kafkajs idempotent producer after a send that failed (patched)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const createMessageProducer = require('kafkajs/src/producer/messageProducer') as (
    deps: unknown,
  ) => { sendBatch: (request: unknown) => Promise<RecordMetadata[]> };

  it('sends the next record under a new producer id, so the brokers write it', async () => {
    const written: { producerId: number; value: string }[] = [];
    const lastSequence = new Map<string, number>();
    let producerId = 1;
    let sequence = 0;
    let calls = 0;
    const broker = {
      nodeId: 1,
      async produce({
        producerId: pid,
        topicData,
      }: {
        producerId: number;
        topicData: {
          partitions: { partition: number; firstSequence: number; messages: { value: Buffer }[] }[];
        }[];
      }) {
        calls += 1;
        const { partition, firstSequence, messages } = topicData[0]!.partitions[0]!;
        const key = `${pid}/${partition}`;
        // The brokers' idempotence: the last batch of this producer id and sequence, again.
        if (lastSequence.get(key) !== firstSequence) {
          lastSequence.set(key, firstSequence);
          written.push({ producerId: pid, value: String(messages[0]!.value) });
        }
        if (calls === 1) throw new KafkaJSConnectionError('Connection error'); // answer lost
        return {
          topics: [
            { topicName: TOPIC, partitions: [{ partition, errorCode: 0, baseOffset: '0' }] },
          ],
        };
      },
    };
    const eosManager = {
      isTransactional: () => false,
      getProducerId: () => producerId,
      getProducerEpoch: () => 0,
      getTransactionalId: () => undefined,
      getSequence: () => sequence,
      updateSequence: (_t: string, _p: number, n: number) => (sequence += n),
      async initProducerId() {
        producerId += 1;
        sequence = 0;
      },
      acquireBrokerLock: async () => undefined,
      releaseBrokerLock: () => undefined,
    };
    const cluster = scriptedClusterOf(
      () => ({ 0: 1 }),
      async () => broker,
    );
    const producer = createMessageProducer({
      logger: quiet,
      cluster,
      partitioner: Partitioners.DefaultPartitioner(),
      eosManager,
      idempotent: true,
      retrier: createRetry({ retries: 0 }),
      getConnectionStatus: () => 'connected',
    });
    const one = (value: string) => ({
      acks: -1,
      topicMessages: [{ topic: TOPIC, messages: [{ value, partition: 0 }] }],
    });
    await expect(producer.sendBatch(one('first'))).rejects.toThrow();
    await producer.sendBatch(one('second'));
    expect(written).toEqual([
      { producerId: 1, value: 'first' },
      { producerId: 2, value: 'second' },
    ]);
  });
});
