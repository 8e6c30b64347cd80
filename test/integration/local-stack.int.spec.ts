import { Admin, Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

import {
  getTestEnv,
  killBroker,
  LocalStack,
  randomId,
  readKafkaUsers,
  startLocalStack,
  testKafkaSasl,
  testTopic,
} from '@acd/testing';

/**
 * The servers the global setup provided (external, testcontainers or a local stack) really work,
 * and a 3-broker local cluster survives the loss of one broker.
 */

const env = getTestEnv();

/** A client logged in as the administrator (the global setup's, or another stack's own). */
function kafkaFor(brokers: string[], clientId: string, sasl = testKafkaSasl()): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    ...sasl,
  });
}

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('servers from the global setup', () => {
  const kafka = kafkaFor(env.kafkaBrokers, 'local-stack-int');
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('exports isolated names to the tests', () => {
    expect(env.topicPrefix).toMatch(/^t[a-z0-9]+\.$/);
    expect(env.mongoDbName).toMatch(/^acd_test_[a-z0-9]+$/);
    expect(env.mongoUri).toContain(`/${env.mongoDbName}`);
  });

  it('Kafka answers describeCluster', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.controller).not.toBeNull();
  }, 60_000);

  it('creates a topic, produces and consumes a message', async () => {
    const topic = testTopic('local-stack.roundtrip');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    expect(await admin.listTopics()).toContain(topic);

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = `hello-${randomId(6)}`;
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${env.topicPrefix}local-stack-roundtrip` });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve(message.value?.toString() ?? ''),
        });
      });
      expect(received).toBe(value);
    } finally {
      await consumer.disconnect();
    }
  }, 120_000);

  it('MongoDB inserts and reads back a document', async () => {
    const client = new MongoClient(env.mongoUri, { serverSelectionTimeoutMS: 15_000 });
    try {
      await client.connect();
      const db = client.db();
      expect(db.databaseName).toBe(env.mongoDbName);
      const things = db.collection<{ name: string; n: number }>('local-stack-things');
      const { insertedId } = await things.insertOne({ name: 'probe', n: 42 });
      expect(await things.findOne({ _id: insertedId })).toMatchObject({ name: 'probe', n: 42 });
    } finally {
      await client.close();
    }
  }, 60_000);
});

// A 3-node cluster is started by this machine's scripts; with servers given from outside
// (or containers), the machine may have no JDK, so it only runs with the local stack.
const describeLocal = env.source === 'local' ? describe : describe.skip;

describeLocal('a 3-broker local KRaft cluster', () => {
  let stack: LocalStack | undefined;

  afterAll(async () => {
    await stack?.stop({ purge: true });
  }, 120_000);

  it('keeps accepting acks=-1 writes with one broker killed', async () => {
    stack = await startLocalStack({ name: `t3-${process.pid}-${randomId(6)}`, kafkaNodes: 3 });
    expect(stack.kafkaBrokers).toHaveLength(3);

    // its own users: the administrator of this stack, not of the global setup's
    const users = stack.kafkaUsersFile ? readKafkaUsers(stack.kafkaUsersFile) : {};
    const kafka = kafkaFor(
      stack.kafkaBrokers,
      'local-stack-3',
      users.admin ? { sasl: users.admin } : {},
    );
    const admin = kafka.admin();
    await admin.connect();
    const topic = 'fault.rf3';
    try {
      // The stack is healthy once each node answers; joining the cluster's metadata can lag.
      const brokers = await eventually(async () => {
        const found = (await admin.describeCluster()).brokers;
        if (found.length < 3) throw new Error(`${found.length} of 3 brokers registered`);
        return found;
      });
      expect(brokers).toHaveLength(3);
      // kafkajs' waitForLeaders asks one broker and gives up on UNKNOWN_TOPIC_OR_PARTITION, which
      // a KRaft broker answers until the metadata log reached it: poll the metadata instead.
      await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
        waitForLeaders: false,
      });
      const partitions = await eventually(async () => {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        const found = meta.topics[0]?.partitions ?? [];
        if (found.length !== 3 || found.some((p) => p.leader < 0))
          throw new Error('no leaders yet');
        return found;
      });
      expect(partitions).toHaveLength(3);
      for (const p of partitions) expect(p.replicas).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }

    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'before', value: '1' }] });
      await killBroker(stack.name, 2);
      // Leaders on node 2 move once the controller fences it (broker.session.timeout.ms, 9 s);
      // kafkajs retries meanwhile, and a send that still meets the dead broker is sent again,
      // as any client would, until the cluster has failed over.
      const results = await eventually(
        () =>
          producer.send({
            topic,
            acks: -1,
            timeout: 30_000,
            messages: Array.from({ length: 9 }, (_, i) => ({
              key: `after-${i}`,
              value: String(i),
            })),
          }),
        90_000,
      );
      expect(results.every((r) => r.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }
  }, 240_000);
});
