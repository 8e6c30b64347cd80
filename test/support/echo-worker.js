// A TransactionalWorker in a process of its own, so that a test can SIGKILL it mid-transaction.
// Each record of WORKER_INPUT becomes one record on WORKER_OUTPUT with the same key and value;
// a record whose value is "poison" is dead-lettered. Runs from the compiled tree (dist/).
const { Kafka, logLevel } = require('kafkajs');
const { TransactionalWorker, decodeSlice, consoleLogger } = require('@acd/messaging');

const env = process.env;
const kafka = new Kafka({
  clientId: 'echo-worker',
  brokers: env.KAFKA_BROKERS.split(','),
  logLevel: logLevel.NOTHING,
  ...(env.KAFKA_SASL_USERNAME
    ? {
        sasl: {
          mechanism: 'scram-sha-512',
          username: env.KAFKA_SASL_USERNAME,
          password: env.KAFKA_SASL_PASSWORD,
        },
      }
    : {}),
});
const worker = new TransactionalWorker(kafka, {
  name: 'echo worker',
  groupId: env.WORKER_GROUP,
  transactionalId: env.WORKER_TRANSACTIONAL_ID,
  topics: [env.WORKER_INPUT],
  maxPerTransaction: Number(env.WORKER_MAX_TRANSACTION),
  logger: consoleLogger,
  handle: (slices) => {
    const messages = [];
    const poison = [];
    for (const slice of slices) {
      const records = decodeSlice(slice, (m) => {
        if (m.value.toString() === 'poison') throw new Error('poison record');
        return m.value;
      });
      poison.push(...records.poison);
      for (const { message, value } of records.decoded) messages.push({ key: message.key, value });
    }
    return { outputs: [{ topic: env.WORKER_OUTPUT, messages }], poison };
  },
});
worker.start().catch((err) => {
  console.error(err);
  process.exit(1);
});
