import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig, type Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';

import {
  createKafka,
  provisionServiceAccess,
  TopicNames,
  withAdmin,
  type BusService,
  type TopicKey,
} from '@acd/messaging';
import { kafkaSchema, loadConfig } from '@acd/config';
import {
  getTestEnv,
  randomId,
  readKafkaUsers,
  repoRoot,
  stackDir,
  testKafkaSasl,
  type KafkaUser,
} from '@acd/testing';
import { collectKafkaErrors } from '../support/kafka-errors';

/**
 * Issue 16, item 12: "No unauthenticated way in on the host", written as the requests of a
 * process on this machine that wants the bus's events and read models. The local stack's
 * internal listener takes only SASL/SCRAM-SHA-512, each service's user may do exactly its work
 * (libs/messaging/src/service-access.ts), the controller listener takes only its own user, and
 * FerretDB refuses every read without a login.
 */

const env = getTestEnv();
const users = env.kafkaUsersFile ? readKafkaUsers(env.kafkaUsersFile) : undefined;
const describeLocal = env.source === 'local' && users ? describe : describe.skip;
if (!users) {
  process.stderr.write(
    '[internal-auth] skipped: no local stack with users (servers given from outside)\n',
  );
}

const names = new TopicNames(env.topicPrefix);
const quiet: Partial<KafkaConfig> = {
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3_000,
  // a refusal is final (kafkajs does not retry an authorization error); the retries are for a
  // coordinator still loading on a busy machine, which the legitimate requests below may meet
  retry: { retries: 6, initialRetryTime: 200, maxRetryTime: 2_000 },
};

/**
 * A kafkajs client as the attacker runs it. `coordinatorErrors` collects the brokers' reasons for
 * refusing FindCoordinator: kafkajs reports a refused transactional id or group as a generic
 * "Failed to find group coordinator", and only its debug log names the broker's answer.
 */
function client(
  sasl?: KafkaUser,
  brokers = env.kafkaBrokers,
  coordinatorErrors: string[] = [],
  anyErrors: string[] = [],
): Kafka {
  return new Kafka({
    ...quiet,
    clientId: `attacker-${randomId(4)}`,
    brokers,
    ...(sasl ? { sasl } : {}),
    logLevel: logLevel.DEBUG,
    logCreator: collectKafkaErrors(coordinatorErrors, anyErrors),
  });
}

const user = (name: BusService): KafkaUser => {
  const u = users?.[name];
  if (!u) throw new Error(`no user ${name}`);
  return u;
};

/** Error of a promise that must fail (its type, code or message), or 'resolved'. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    const e = err as { type?: string; name?: string; message?: string };
    return `${e.type ?? e.name ?? ''} ${e.message ?? ''}`;
  }
}

/**
 * Tries to read `topic` from the beginning for a while with a consumer in `groupId`: the records
 * it got, and the error that stopped it, if any.
 */
async function tryToRead(
  kafka: Kafka,
  topic: string,
  groupId: string,
  ms = 8_000,
): Promise<{ records: number; error?: string }> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let records = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const crashed = new Promise<string>((resolve) =>
      consumer.on(consumer.events.CRASH, ({ payload }) => resolve(String(payload.error))),
    );
    await consumer.run({
      eachMessage: async () => {
        records += 1;
      },
    });
    const error = await Promise.race([
      crashed,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), ms)),
    ]);
    return error ? { records, error } : { records };
  } catch (err) {
    return { records, error: String((err as Error).message ?? err) };
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

describeLocal('no unauthenticated way in on the host (issue 16, item 12)', () => {
  const eventTopics: TopicKey[] = [
    'identityEvents',
    'indicatorEvents',
    'reportingEvents',
    'advisoryEvents',
    'oversightEvents',
    'trafficEvents',
    'auditLog',
  ];
  let admin: Kafka;

  beforeAll(async () => {
    // the administrator's step of a bus (`acd service-access`), for this run's prefix, and one
    // record on every event topic for an attacker to want
    admin = createKafka(loadConfig(kafkaSchema), 'internal-auth-admin');
    await withAdmin(admin, (a) =>
      provisionServiceAccess({ admin: a, names, replicationFactor: 1 }),
    );
    const producer = admin.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (const k of eventTopics) {
      await producer.send({
        topic: names.of(k),
        acks: -1,
        messages: [{ key: 'k', value: 'secret' }],
      });
    }
    await producer.disconnect();
  }, 120_000);

  it('an unauthenticated client cannot connect, list topics or consume an event topic', async () => {
    // (the TCP connection and ApiVersions are answered: SASL starts after them; nothing else is)
    for (const ask of [
      (a: ReturnType<Kafka['admin']>): Promise<unknown> => a.listTopics(),
      (a: ReturnType<Kafka['admin']>) => a.describeCluster(),
      (a: ReturnType<Kafka['admin']>) => a.fetchTopicOffsets(names.of('indicatorEvents')),
    ]) {
      const probe = client().admin();
      expect(await failure(probe.connect().then(() => ask(probe)))).not.toBe('resolved');
      await probe.disconnect().catch(() => {});
    }
    for (const k of eventTopics) {
      const read = await tryToRead(
        client(),
        names.of(k),
        names.group(`attacker-${randomId(4)}`),
        1,
      );
      expect(read.records).toBe(0);
      expect(read.error).toBeDefined();
    }
  }, 120_000);

  it('the controller listener refuses an unauthenticated client too', async () => {
    // Kafka's own admin client (kafkajs cannot speak to a controller): describing the quorum
    // worked for anyone when the controller listener was PLAINTEXT with ANONYMOUS a super user
    const dir = stackDir(String(env.stackName));
    const stackEnv = readFileSync(join(dir, 'stack.env'), 'utf8');
    const port = /^KAFKA_CONTROLLER_PORT=(\d+)$/m.exec(stackEnv)?.[1];
    expect(port).toBeDefined();
    const quorum = (config?: string) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
          'java',
          [
            '-Xmx128m',
            '-XX:TieredStopAtLevel=1',
            `-Dlog4j.configuration=file:${join(repoRoot(), 'deploy/local/kafka/log4j.properties')}`,
            `-Dkafka.logs.dir=${tmp}`,
            '-cp',
            `${join(repoRoot(), '.local/kafka/libs')}/*`,
            'org.apache.kafka.tools.MetadataQuorumCommand',
            '--bootstrap-controller',
            `127.0.0.1:${port}`,
            ...(config ? ['--command-config', config] : []),
            'describe',
            '--status',
          ],
          { timeout: 90_000 },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
        );
      });
    const tmp = mkdtempSync(join(tmpdir(), 'acd-quorum-'));
    // unauthenticated: refused (the listener expects a SASL handshake first)
    const anonymous = await quorum();
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.out).not.toMatch(/LeaderId/);
    // with the controller's own credentials it answers: the probe above is not vacuous
    const { controller } = JSON.parse(readFileSync(join(dir, 'secrets', 'stack.json'), 'utf8')) as {
      controller: { username: string; password: string };
    };
    const config = join(tmp, 'controller.properties');
    writeFileSync(
      config,
      [
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${controller.username}" password="${controller.password}";`,
      ].join('\n'),
      { mode: 0o600 },
    );
    const authenticated = await quorum(config);
    rmSync(tmp, { recursive: true, force: true });
    expect(authenticated.out).toMatch(/LeaderId/);
  }, 240_000);

  it('a wrong password is refused, for a service user and for the administrator', async () => {
    for (const name of ['gateway', 'projector', 'admin']) {
      const real = users?.[name];
      if (!real) throw new Error(`no user ${name}`);
      const wrong = { ...real, password: `${real.password.slice(0, -4)}xxxx` };
      expect(await failure(client(wrong).admin().connect())).toMatch(/SASL|[Aa]uthentication/);
    }
    const nobody = {
      mechanism: 'scram-sha-512' as const,
      username: 'acd.nobody',
      password: 'x'.repeat(32),
    };
    expect(await failure(client(nobody).admin().connect())).toMatch(/SASL|[Aa]uthentication/);
  }, 60_000);

  it('another service’s password opens only that service’s work: the gateway reads no audit record', async () => {
    const gateway = client(user('gateway'));
    const a = gateway.admin();
    await a.connect();
    try {
      const visible = await a.listTopics();
      // it writes recorded reads (so it may see that topic's name), never the log itself; it
      // reads the oversight log (the commission's annual report), not the reporting log
      expect(visible).not.toContain(names.of('auditLog'));
      expect(visible).not.toContain(names.of('reportingEvents'));
      expect(await failure(a.fetchTopicOffsets(names.of('auditLog')))).not.toBe('resolved');
    } finally {
      await a.disconnect();
    }
    // in one of its own groups, so that only the topic can be what is refused; it writes
    // recorded reads and flows, so it may see their metadata, and its fetch is what is refused
    // (kafkajs may report the refusal as something else: the brokers' answers are in its log)
    for (const k of ['auditLog', 'auditReads', 'trafficFlows', 'reportingEvents'] as TopicKey[]) {
      const errors: string[] = [];
      const read = await tryToRead(
        client(user('gateway'), env.kafkaBrokers, [], errors),
        names.of(k),
        names.group(`acd-gateway.stream.${randomId(6)}`),
        15_000,
      );
      expect({ k, records: read.records }).toEqual({ k, records: 0 });
      expect(read.error).toBeDefined();
      expect({ k, refused: errors.some((e) => /authoriz/i.test(e)) }).toEqual({ k, refused: true });
    }
    // the projector's password reads no command and no audit record either
    const projector = client(user('projector'));
    for (const k of ['indicatorCommands', 'auditLog'] as TopicKey[]) {
      const read = await tryToRead(
        projector,
        names.of(k),
        names.group(`acd.projector.x${randomId(4)}`),
        1,
      );
      expect(read.records).toBe(0);
      expect(read.error).toBeDefined();
    }
  }, 180_000);

  it('a service may not use another’s consumer group', async () => {
    // the gateway's user on the projector's group of a topic it may read
    const refusals: string[] = [];
    const read = await tryToRead(
      client(user('gateway'), env.kafkaBrokers, refusals),
      names.of('indicatorEvents'),
      names.group('acd.projector.indicators'),
      1,
    );
    expect(read.records).toBe(0);
    expect(read.error).toBeDefined();
    expect(refusals).toContain('GROUP_AUTHORIZATION_FAILED');
  }, 60_000);

  it('the projector’s user cannot produce to a command topic or an events topic', async () => {
    const producer = client(user('projector')).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (const k of ['indicatorCommands', 'oversightCommands', 'indicatorEvents'] as TopicKey[]) {
        expect(
          await failure(producer.send({ topic: names.of(k), messages: [{ value: 'forged' }] })),
        ).toMatch(/authoriz|Authoriz|TOPIC_AUTHORIZATION_FAILED/);
      }
      // its own work: a dead letter
      await producer.send({ topic: names.dlqOf('indicatorEvents'), messages: [{ value: 'dead' }] });
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  it('a transactional producer outside its own transactional ids is refused', async () => {
    const refusals: string[] = [];
    const kafka = client(user('indicators'), env.kafkaBrokers, refusals);
    const transactional = (id: string): Producer =>
      kafka.producer({
        transactionalId: names.group(id),
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
    // the reporting processor's id (and the audit appender's): refused at InitProducerId
    for (const id of ['acd.reporting.processor.0', 'acd.audit.appender', 'acd.indicator.other']) {
      refusals.length = 0;
      const p = transactional(id);
      expect(await failure(p.connect().then(() => p.transaction()))).not.toBe('resolved');
      expect(refusals).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
      await p.disconnect().catch(() => {});
    }
    // its own: a transaction on its events topic commits
    const own = transactional(`acd.indicator.processor.t${randomId(4)}`);
    await own.connect();
    try {
      const tx = await own.transaction();
      await tx.send({ topic: names.of('indicatorEvents'), messages: [{ value: 'ok' }] });
      await tx.commit();
    } finally {
      await own.disconnect();
    }
  }, 120_000);

  it('each service user reads what its work needs', async () => {
    const jobs: [BusService, TopicKey, string][] = [
      ['projector', 'indicatorEvents', 'acd.projector.t'],
      ['gateway', 'indicatorEvents', 'acd-gateway.stream.t'],
      ['audit', 'auditLog', 'acd.audit.store'],
      ['cli', 'identityEvents', 'acd.identity-admin.reader.t'],
      ['traffic', 'indicatorEvents', 'acd.traffic.index.follow.t'],
    ];
    for (const [service, topic, group] of jobs) {
      const read = await tryToRead(
        client(user(service)),
        names.of(topic),
        names.group(`${group}${randomId(4)}`),
        4_000,
      );
      expect({ service, topic, error: read.error }).toEqual({ service, topic, error: undefined });
      expect(read.records).toBeGreaterThanOrEqual(1);
    }
  }, 180_000);

  it('the store refuses a client without credentials, or with a wrong password', async () => {
    const url = new URL(env.mongoUri);
    expect(url.password).not.toBe('');
    // the legitimate client writes a read model document
    const good = new MongoClient(env.mongoUri, { serverSelectionTimeoutMS: 10_000 });
    await good.connect();
    try {
      await good
        .db()
        .collection('indicators')
        .insertOne({ _id: 'i-1' as never, value: '203.0.113.9' });
    } finally {
      await good.close();
    }
    const anonymousUri = new URL(env.mongoUri);
    anonymousUri.username = '';
    anonymousUri.password = '';
    anonymousUri.search = '';
    const anon = new MongoClient(anonymousUri.toString(), { serverSelectionTimeoutMS: 10_000 });
    await anon.connect(); // the handshake needs no login; everything after it does
    try {
      const db = anon.db();
      expect(await failure(db.listCollections().toArray())).toMatch(/requires authentication/);
      expect(await failure(db.collection('indicators').findOne({}))).toMatch(
        /requires authentication/,
      );
      expect(await failure(db.collection('indicators').countDocuments())).toMatch(
        /requires authentication/,
      );
      expect(await failure(anon.db().admin().listDatabases())).toMatch(/requires authentication/);
      expect(await failure(db.collection('indicators').insertOne({ forged: true }))).toMatch(
        /requires authentication/,
      );
    } finally {
      await anon.close();
    }
    const wrongUri = new URL(env.mongoUri);
    wrongUri.password = 'not-the-password';
    const wrong = new MongoClient(wrongUri.toString(), { serverSelectionTimeoutMS: 10_000 });
    expect(
      await failure(wrong.connect().then(() => wrong.db().collection('indicators').findOne({}))),
    ).toMatch(/[Aa]uthentication failed/);
    await wrong.close().catch(() => {});
  }, 60_000);

  it('keeps its secrets and data out of other users’ reach (mode 0700 / 0600)', () => {
    const dir = stackDir(String(env.stackName));
    expect(statSync(dir).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'secrets')).mode & 0o077).toBe(0);
    for (const f of [
      'secrets/kafka-users.json',
      'secrets/stack.json',
      'endpoints.json',
      'kafka-1/server.properties',
    ]) {
      expect({ f, mode: statSync(join(dir, f)).mode & 0o077 }).toEqual({ f, mode: 0 });
    }
    // and the tests' own client is the administrator, not an anonymous one
    expect(testKafkaSasl().sasl?.username).toBe('acd.admin');
  });
});
