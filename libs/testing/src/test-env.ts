import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';

import {
  findFreePort,
  readKafkaUsers,
  repoRoot,
  startLocalStack,
  stackDir,
  stopLocalStack,
  type KafkaUser,
} from './local-stack';

/**
 * Where the integration and e2e tests find Kafka and MongoDB, decided once per jest invocation by
 * the global setup, in this order:
 *   1. KAFKA_BROKERS and MONGODB_URI given: those servers ("external");
 *   2. a Docker engine answers and ACD_USE_TESTCONTAINERS is not 0: apache/kafka + mongo containers;
 *   3. otherwise a local stack (deploy/local/stack.sh) named test-<pid>-<random> on free ports.
 * Every run is isolated even on shared servers: its own MongoDB database and Kafka topic prefix.
 * The test processes read it all from environment variables (see getTestEnv).
 */

export type TestServersSource = 'external' | 'testcontainers' | 'local';

export interface TestEnv {
  source: TestServersSource;
  kafkaBrokers: string[];
  /**
   * SASL/SCRAM listener for outside organisations (local stacks; external servers when
   * KAFKA_SASL_BROKERS is given). Undefined: tests of broker ACLs skip.
   */
  kafkaSaslBrokers?: string[];
  /** Includes the run's database in its path. */
  mongoUri: string;
  mongoDbName: string;
  /** Prefix for every topic (and consumer group) of this run, e.g. "tk3j9x0qa." */
  topicPrefix: string;
  /** Name of the local stack when source is "local". */
  stackName?: string;
  /**
   * The local stack's kafka-users.json: its `admin` (a super user) is who the tests are on
   * Kafka (exported as KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD), and test/support/bus.ts gives
   * each service of a bus its own user from it. External servers: ACD_KAFKA_USERS_FILE if given.
   */
  kafkaUsersFile?: string;
  /** The SASL user the tests log in as (the admin), when the brokers require one. */
  kafkaSasl?: KafkaUser;
}

/** Environment variables the global setup exports to the test processes. */
export const TEST_ENV_VARS = {
  kafkaBrokers: 'KAFKA_BROKERS',
  kafkaSaslBrokers: 'KAFKA_SASL_BROKERS',
  mongoUri: 'MONGODB_URI',
  topicPrefix: 'ACD_TOPIC_PREFIX',
  source: 'ACD_TEST_SERVERS',
  stackName: 'ACD_TEST_STACK',
  stateFile: 'ACD_TEST_ENV_FILE',
  kafkaUsersFile: 'ACD_KAFKA_USERS_FILE',
  kafkaSaslUsername: 'KAFKA_SASL_USERNAME',
  kafkaSaslPassword: 'KAFKA_SASL_PASSWORD',
} as const;

/**
 * The `sasl` option for a kafkajs client of the tests on the internal listener: the admin the
 * global setup exported, or nothing when the brokers take plaintext.
 */
export function testKafkaSasl(env: NodeJS.ProcessEnv = process.env): { sasl?: KafkaUser } {
  const username = env[TEST_ENV_VARS.kafkaSaslUsername];
  const password = env[TEST_ENV_VARS.kafkaSaslPassword];
  return username && password ? { sasl: { mechanism: 'scram-sha-512', username, password } } : {};
}

/** Lower-case letters and digits (valid in database names, topic names, stack names). */
export function randomId(length = 10): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

const MONGO_URI = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(\/[^?]*)?(\?.*)?$/;

/** The same MongoDB URI with `db` as its database (path); host list, credentials and options kept. */
export function withDatabase(uri: string, db: string): string {
  const m = MONGO_URI.exec(uri);
  if (!m) throw new Error(`not a mongodb:// URI: ${uri}`);
  const [, scheme, authority, , query] = m;
  return `${scheme}${authority}/${db}${query ?? ''}`;
}

/** The database named in a MongoDB URI's path, or undefined. */
export function databaseOf(uri: string): string | undefined {
  const m = MONGO_URI.exec(uri);
  const path = m?.[3];
  if (!path || path === '/') return undefined;
  return decodeURIComponent(path.slice(1));
}

/**
 * In a test process: the servers and isolation names the global setup chose.
 * Throws when the tests were not started through a jest project with the global setup.
 */
export function getTestEnv(env: NodeJS.ProcessEnv = process.env): TestEnv {
  const brokers = env[TEST_ENV_VARS.kafkaBrokers];
  const mongoUri = env[TEST_ENV_VARS.mongoUri];
  if (!brokers || !mongoUri) {
    throw new Error(
      'KAFKA_BROKERS / MONGODB_URI are not set: run these tests with ' +
        '`jest --selectProjects integration` (or e2e), whose global setup provides the servers',
    );
  }
  const source = env[TEST_ENV_VARS.source];
  const stackName = env[TEST_ENV_VARS.stackName];
  const sasl = env[TEST_ENV_VARS.kafkaSaslBrokers];
  return {
    source: source === 'local' || source === 'testcontainers' ? source : 'external',
    kafkaBrokers: brokers.split(',').map((b) => b.trim()),
    ...(sasl ? { kafkaSaslBrokers: sasl.split(',').map((b) => b.trim()) } : {}),
    mongoUri,
    mongoDbName: databaseOf(mongoUri) ?? 'test',
    topicPrefix: env[TEST_ENV_VARS.topicPrefix] ?? '',
    ...(stackName ? { stackName } : {}),
    ...(env[TEST_ENV_VARS.kafkaUsersFile]
      ? { kafkaUsersFile: env[TEST_ENV_VARS.kafkaUsersFile] }
      : {}),
    ...(testKafkaSasl(env).sasl ? { kafkaSasl: testKafkaSasl(env).sasl } : {}),
  };
}

/** A topic name inside this run's namespace. */
export function testTopic(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${env[TEST_ENV_VARS.topicPrefix] ?? ''}${name}`;
}

// ------------------------------------------------------------------------------------------------
// global setup / teardown (jest runs both in its main process)
// ------------------------------------------------------------------------------------------------

interface SetupState {
  env: TestEnv;
  /** setup calls minus teardown calls: the servers stop when it drops to zero. */
  refs: number;
  startedAt: number;
  containers: StartedTestContainer[];
  stateFile?: string;
}

const STATE_KEY = '__acdTestEnvState';

function getState(): SetupState | undefined {
  return (globalThis as Record<string, unknown>)[STATE_KEY] as SetupState | undefined;
}

function setState(state: SetupState | undefined): void {
  (globalThis as Record<string, unknown>)[STATE_KEY] = state;
}

function note(message: string): void {
  process.stderr.write(`[acd-test] ${message}\n`);
}

function exportEnv(env: TestEnv, stateFile: string | undefined): void {
  process.env[TEST_ENV_VARS.kafkaBrokers] = env.kafkaBrokers.join(',');
  if (env.kafkaSaslBrokers?.length) {
    process.env[TEST_ENV_VARS.kafkaSaslBrokers] = env.kafkaSaslBrokers.join(',');
  } else {
    delete process.env[TEST_ENV_VARS.kafkaSaslBrokers];
  }
  process.env[TEST_ENV_VARS.mongoUri] = env.mongoUri;
  process.env[TEST_ENV_VARS.topicPrefix] = env.topicPrefix;
  process.env[TEST_ENV_VARS.source] = env.source;
  if (env.stackName) process.env[TEST_ENV_VARS.stackName] = env.stackName;
  if (stateFile) process.env[TEST_ENV_VARS.stateFile] = stateFile;
  if (env.kafkaUsersFile) process.env[TEST_ENV_VARS.kafkaUsersFile] = env.kafkaUsersFile;
  // The local stack's administrator: every test client (createKafka reads these) logs in as it.
  if (env.source === 'local' && env.kafkaUsersFile) {
    const admin = readKafkaUsers(env.kafkaUsersFile).admin;
    if (!admin) throw new Error(`no admin user in ${env.kafkaUsersFile}`);
    process.env[TEST_ENV_VARS.kafkaSaslUsername] = admin.username;
    process.env[TEST_ENV_VARS.kafkaSaslPassword] = admin.password;
    delete process.env.KAFKA_SASL_PASSWORD_FILE;
  }
}

/** True when `docker info` exits 0 within a few seconds. */
export function dockerAvailable(timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info'], { timeout: timeoutMs }, (error) => resolve(!error));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const KEEP_MARKER = 'kept-by-ACD_KEEP_STACK';

/** Stops and purges test-<pid>-* stacks whose jest process is gone (killed runs). */
async function reapStaleTestStacks(): Promise<void> {
  const dir = join(repoRoot(), '.local', 'stacks');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /^test-(\d+)-[a-z0-9]+$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    if (existsSync(join(dir, name, KEEP_MARKER))) continue; // kept on purpose (ACD_KEEP_STACK=1)
    note(`removing stale test stack ${name} (its jest process ${m[1]} is gone)`);
    await stopLocalStack(name, { purge: true }).catch((err: unknown) => {
      note(`could not remove ${name}: ${String(err)}`);
    });
  }
}

async function startContainers(): Promise<{
  kafkaBrokers: string[];
  mongoUri: string;
  containers: StartedTestContainer[];
}> {
  const tc = await import('testcontainers');
  const host = (await tc.getContainerRuntimeClient()).info.containerRuntime.host;
  // Kafka advertises host:port to clients, so the port is the same inside and outside.
  const kafkaPort = await findFreePort();
  const started = await Promise.allSettled([
    new tc.GenericContainer('apache/kafka:3.9.1')
      .withExposedPorts({ container: kafkaPort, host: kafkaPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${kafkaPort},CONTROLLER://0.0.0.0:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(tc.Wait.forLogMessage('Kafka Server started'))
      .withStartupTimeout(180_000)
      .start(),
    new tc.GenericContainer('mongo:7')
      .withExposedPorts(27017)
      .withWaitStrategy(tc.Wait.forLogMessage(/Waiting for connections/))
      .withStartupTimeout(180_000)
      .start(),
  ]);
  const containers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const [kafka, mongo] = containers;
  if (failed || !kafka || !mongo) {
    await Promise.allSettled(containers.map((c) => c.stop()));
    throw failed ? failed.reason : new Error('containers did not start');
  }
  return {
    kafkaBrokers: [`${kafka.getHost()}:${kafkaPort}`],
    mongoUri: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}/`,
    containers,
  };
}

/**
 * Global setup: decides where the servers are, starts them if needed (once per jest process),
 * and exports KAFKA_BROKERS, MONGODB_URI (with the run's database), ACD_TOPIC_PREFIX.
 */
export async function setupTestEnv(): Promise<TestEnv> {
  const existing = getState();
  if (existing) {
    existing.refs += 1;
    exportEnv(existing.env, existing.stateFile);
    return existing.env;
  }
  const t0 = Date.now();
  const mongoDbName = `acd_test_${randomId(10)}`;
  const topicPrefix = `t${randomId(8)}.`;
  const givenBrokers = process.env.KAFKA_BROKERS;
  const givenMongo = process.env.MONGODB_URI;
  const givenSasl = process.env.KAFKA_SASL_BROKERS;
  let env: TestEnv;
  let containers: StartedTestContainer[] = [];
  let stateFile: string | undefined;

  if (givenBrokers && givenMongo) {
    const givenUsers = process.env[TEST_ENV_VARS.kafkaUsersFile];
    env = {
      source: 'external',
      ...(givenUsers ? { kafkaUsersFile: givenUsers } : {}),
      kafkaBrokers: givenBrokers.split(',').map((b) => b.trim()),
      ...(givenSasl ? { kafkaSaslBrokers: givenSasl.split(',').map((b) => b.trim()) } : {}),
      mongoUri: withDatabase(givenMongo, mongoDbName),
      mongoDbName,
      topicPrefix,
    };
  } else if (process.env.ACD_USE_TESTCONTAINERS !== '0' && (await dockerAvailable())) {
    note('Docker answers: starting apache/kafka:3.9.1 and mongo:7 with testcontainers');
    const started = await startContainers();
    containers = started.containers;
    env = {
      source: 'testcontainers',
      kafkaBrokers: started.kafkaBrokers,
      mongoUri: withDatabase(started.mongoUri, mongoDbName),
      mongoDbName,
      topicPrefix,
    };
  } else {
    await reapStaleTestStacks();
    const name = `test-${process.pid}-${randomId(6)}`;
    const kafkaNodes = kafkaNodesWanted();
    note(
      `starting local stack ${name} with ${kafkaNodes} Kafka node(s) ` +
        `(deploy/local/stack.sh; logs in .local/stacks/${name}/)`,
    );
    const stack = await startLocalStack({ name, kafkaNodes });
    // Topics the services create get every node as a replica (min.insync.replicas is 2 there).
    if (kafkaNodes === 3) process.env.ACD_REPLICATION_FACTOR ??= '3';
    env = {
      source: 'local',
      kafkaBrokers: stack.kafkaBrokers,
      kafkaSaslBrokers: stack.kafkaSaslBrokers,
      mongoUri: withDatabase(stack.mongoUri, mongoDbName),
      mongoDbName,
      topicPrefix,
      stackName: name,
      ...(stack.kafkaUsersFile ? { kafkaUsersFile: stack.kafkaUsersFile } : {}),
    };
    stateFile = join(stack.dir, 'test-env.json');
    // mode 0600: the MongoDB URI carries the store's password
    writeFileSync(stateFile, `${JSON.stringify({ ...env, ownerPid: process.pid }, null, 2)}\n`, {
      mode: 0o600,
    });
  }

  setState({ env, refs: 1, startedAt: t0, containers, ...(stateFile ? { stateFile } : {}) });
  exportEnv(env, stateFile);
  note(
    `${env.source} servers ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: ` +
      `KAFKA_BROKERS=${env.kafkaBrokers.join(',')} ` +
      (env.kafkaSaslBrokers?.length
        ? `KAFKA_SASL_BROKERS=${env.kafkaSaslBrokers.join(',')} `
        : '') +
      `MONGODB_URI=${env.mongoUri.replace(/\/\/[^@/]*@/, '//***@')} ` +
      `ACD_TOPIC_PREFIX=${env.topicPrefix}`,
  );
  return env;
}

/**
 * Kafka nodes of a local test stack: ACD_TEST_KAFKA_NODES (1, the default, or 3: the chaos suite
 * kills brokers, so it needs replicas to lose).
 */
export function kafkaNodesWanted(env: NodeJS.ProcessEnv = process.env): 1 | 3 {
  const v = env.ACD_TEST_KAFKA_NODES;
  if (v === undefined || v === '' || v === '1') return 1;
  if (v === '3') return 3;
  throw new Error(`ACD_TEST_KAFKA_NODES must be 1 or 3 (got '${v}')`);
}

/** Deletes the run's database and prefixed topics on servers this run does not own. */
async function cleanupSharedServers(env: TestEnv): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const { MongoClient } = await import('mongodb');
  const admin = new Kafka({
    clientId: 'acd-test-teardown',
    brokers: env.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    ...testKafkaSasl(),
  }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(env.topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const client = new MongoClient(env.mongoUri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    await client.db().dropDatabase();
  } finally {
    await client.close().catch(() => {});
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Global teardown: stops exactly what setupTestEnv started (unless ACD_KEEP_STACK=1). */
export async function teardownTestEnv(): Promise<void> {
  let state = getState();
  if (!state) {
    // a fresh module registry without our globals: fall back to the state file setup wrote
    const file = process.env[TEST_ENV_VARS.stateFile];
    if (!file || !existsSync(file)) return;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as TestEnv & { ownerPid?: number };
    if (saved.source !== 'local' || !saved.stackName || saved.ownerPid !== process.pid) return;
    state = { env: saved, refs: 1, startedAt: Date.now(), containers: [], stateFile: file };
  }
  state.refs -= 1;
  if (state.refs > 0) return;
  setState(undefined);
  const { env } = state;
  const keep = process.env.ACD_KEEP_STACK === '1';

  if (env.source === 'local' && env.stackName) {
    if (keep) {
      writeFileSync(join(stackDir(env.stackName), KEEP_MARKER), '');
      note(
        `ACD_KEEP_STACK=1: stack ${env.stackName} keeps running; stop it with ` +
          `ACD_STACK=${env.stackName} npm run stack -- stop --purge`,
      );
      return;
    }
    if (!existsSync(stackDir(env.stackName))) return;
    await stopLocalStack(env.stackName, { purge: true });
  } else if (env.source === 'testcontainers') {
    if (keep) {
      note(
        'ACD_KEEP_STACK=1: containers keep running until the testcontainers reaper removes them',
      );
      return;
    }
    await Promise.allSettled(state.containers.map((c) => c.stop()));
  } else if (!keep) {
    await withTimeout(cleanupSharedServers(env), 60_000, 'cleanup of shared servers').catch(
      (err: unknown) =>
        note(`cleanup of ${env.mongoDbName} / ${env.topicPrefix}* failed: ${String(err)}`),
    );
  }
}
