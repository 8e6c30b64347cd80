import { createServer } from 'node:net';

import { findFreePortRanges } from './local-stack';
import { databaseOf, getTestEnv, randomId, testTopic, withDatabase } from './test-env';

describe('withDatabase', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/', 'mongodb://127.0.0.1:27017/db1'],
    ['mongodb://127.0.0.1:27017', 'mongodb://127.0.0.1:27017/db1'],
    ['mongodb://127.0.0.1:27017/acd', 'mongodb://127.0.0.1:27017/db1'],
    [
      'mongodb://u:p%40ss@h1:1,h2:2/acd?replicaSet=rs0&authSource=admin',
      'mongodb://u:p%40ss@h1:1,h2:2/db1?replicaSet=rs0&authSource=admin',
    ],
    [
      'mongodb+srv://cluster.example.net/?retryWrites=true',
      'mongodb+srv://cluster.example.net/db1?retryWrites=true',
    ],
  ])('%s', (uri, expected) => {
    expect(withDatabase(uri, 'db1')).toBe(expected);
    expect(databaseOf(expected)).toBe('db1');
  });

  it('rejects other schemes', () => {
    expect(() => withDatabase('postgres://x/y', 'db')).toThrow(/mongodb/);
  });
});

describe('databaseOf', () => {
  it('is undefined without a path', () => {
    expect(databaseOf('mongodb://h:1/')).toBeUndefined();
    expect(databaseOf('mongodb://h:1')).toBeUndefined();
  });
});

describe('randomId', () => {
  it('is lower-case alphanumeric of the asked length', () => {
    expect(randomId(12)).toMatch(/^[a-z0-9]{12}$/);
    expect(randomId()).not.toBe(randomId());
  });
});

describe('getTestEnv', () => {
  it('reads what the global setup exported', () => {
    const env = getTestEnv({
      KAFKA_BROKERS: '127.0.0.1:1, 127.0.0.1:2',
      MONGODB_URI: 'mongodb://127.0.0.1:3/acd_test_x',
      ACD_TOPIC_PREFIX: 'tabc.',
      ACD_TEST_SERVERS: 'local',
      ACD_TEST_STACK: 'test-1-a',
    });
    expect(env).toEqual({
      source: 'local',
      kafkaBrokers: ['127.0.0.1:1', '127.0.0.1:2'],
      mongoUri: 'mongodb://127.0.0.1:3/acd_test_x',
      mongoDbName: 'acd_test_x',
      topicPrefix: 'tabc.',
      stackName: 'test-1-a',
    });
    expect(testTopic('events', { ACD_TOPIC_PREFIX: 'tabc.' })).toBe('tabc.events');
  });

  it('explains how to get servers when run outside the jest projects', () => {
    expect(() => getTestEnv({})).toThrow(/selectProjects integration/);
  });
});

describe('findFreePortRanges', () => {
  it('returns non-overlapping runs of bindable consecutive ports', async () => {
    const [a, b, c] = await findFreePortRanges([3, 3, 1]);
    const ports = [a, a! + 1, a! + 2, b, b! + 1, b! + 2, c] as number[];
    expect(new Set(ports).size).toBe(7);
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
      });
    }
  });
});
