import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, readLogToEnd, withAdmin } from '@acd/messaging';
import { getTestEnv, randomId } from '@acd/testing';

jest.setTimeout(180_000);

/** Reading a topic to its end, as rebuilds and processor reloads do, on the real broker. */
describe('reading the log to its end', () => {
  const env = getTestEnv();
  const cfg = loadConfig(kafkaSchema, {
    ...process.env,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
  });
  const kafka = createKafka(cfg, 'log-reader-int');

  it('a consumer slower than the fetch loop still reads every record (a rebuild into a busy store)', async () => {
    const topic = `${env.topicPrefix}log-reader.slow.${randomId(6)}`;
    await withAdmin(kafka, (admin) =>
      admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] }),
    );
    // About 2.5 MB per partition: more than one fetch (1 MB per partition) each.
    const producer = kafka.producer();
    await producer.connect();
    const value = Buffer.alloc(1_000, 7);
    const total = 5_000;
    for (let i = 0; i < total; i += 500) {
      await producer.send({
        topic,
        messages: Array.from({ length: 500 }, (_, k) => ({ key: `k${(i + k) % 2}`, value })),
      });
    }
    await producer.disconnect();

    let read = 0;
    let batches = 0;
    await readLogToEnd(kafka, topic, `${env.topicPrefix}log-reader`, async (batch) => {
      batches += 1;
      read += batch.messages.length;
      // Each batch takes longer than the 1.5 s after which the old reader took a quiet log for its end.
      await new Promise((r) => setTimeout(r, 1_700));
    });
    expect(batches).toBeGreaterThan(2);
    expect(read).toBe(total);
  });

  it('a log that ends in transaction markers and an aborted transaction is read to its end, committed records only', async () => {
    const topic = `${env.topicPrefix}log-reader.tx.${randomId(6)}`;
    await withAdmin(kafka, (admin) =>
      admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] }),
    );
    const producer = kafka.producer({
      transactionalId: `${env.topicPrefix}log-reader-tx-${randomId(6)}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    for (const [commit, n] of [
      [true, 30],
      [false, 7],
      [true, 20],
      [false, 5],
    ] as const) {
      const tx = await producer.transaction();
      await tx.send({
        topic,
        messages: Array.from({ length: n }, (_, k) => ({
          key: `k${k % 2}`,
          value: commit ? 'kept' : 'aborted',
        })),
      });
      if (commit) await tx.commit();
      else await tx.abort();
    }
    await producer.disconnect();

    const values: string[] = [];
    await readLogToEnd(kafka, topic, `${env.topicPrefix}log-reader`, (batch) => {
      for (const m of batch.messages) values.push(m.value?.toString() ?? '');
    });
    expect(values).toHaveLength(50);
    expect(new Set(values)).toEqual(new Set(['kept']));
  });

  it('a transaction open when the read starts is waited for: its records are read once it commits', async () => {
    // A processor reloading right after its own commit returned: the commit markers were not
    // written yet, and a read that stopped at the last stable offset missed that transaction.
    const topic = `${env.topicPrefix}log-reader.open.${randomId(6)}`;
    await withAdmin(kafka, (admin) =>
      admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] }),
    );
    const producer = kafka.producer({
      transactionalId: `${env.topicPrefix}log-reader-open-${randomId(6)}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const first = await producer.transaction();
    await first.send({ topic, messages: [{ value: 'before' }] });
    await first.commit();
    const open = await producer.transaction();
    await open.send({ topic, messages: [{ value: 'pending-1' }, { value: 'pending-2' }] });

    const values: string[] = [];
    let finished = false;
    const reading = readLogToEnd(kafka, topic, `${env.topicPrefix}log-reader`, (batch) => {
      for (const m of batch.messages) values.push(m.value?.toString() ?? '');
    }).then(() => (finished = true));
    // The reader cannot finish while the transaction is open, however long that is.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(finished).toBe(false);
    await open.commit();
    await reading;
    await producer.disconnect();
    expect(values).toEqual(['before', 'pending-1', 'pending-2']);
  });
});
