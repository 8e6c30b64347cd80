import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumer, Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';

import { runKafkaAccess } from '../../apps/cli/src/kafka-access';
import { accessPlanFor, aclsOf, revokeOrgAcls, type KafkaCredentials } from '@acd/identity';
import { TopicNames } from '@acd/messaging';
import { getTestEnv, randomId, testKafkaSasl } from '@acd/testing';
import { collectKafkaErrors, errorKind } from '../support/kafka-errors';

/**
 * Broker-enforced access, tested the way an outside organisation meets it: its own kafkajs client
 * on the SASL/SCRAM listener, with the credentials `acd kafka-access` wrote for it.
 */

const env = getTestEnv();
const sasl = env.kafkaSaslBrokers;
const describeWithSasl = sasl?.length ? describe : describe.skip;
if (!sasl?.length) {
  process.stderr.write(
    '[kafka-acl] skipped: the servers were given as KAFKA_BROKERS without KAFKA_SASL_BROKERS, ' +
      'so there is no SASL/SCRAM listener to test (the local stack always has one)\n',
  );
}

const quiet: Partial<KafkaConfig> = {
  logLevel: logLevel.NOTHING,
  connectionTimeout: 5_000,
  retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 },
};

/**
 * As an outside organisation would connect: SASL_PLAINTEXT, SCRAM-SHA-512. `findCoordinatorErrors`
 * collects the protocol errors of FindCoordinator requests: kafkajs turns a refused group into a
 * generic KafkaJSGroupCoordinatorNotFound and only its debug log names the broker's reason.
 */
function orgClient(
  c: KafkaCredentials,
  password = c.password,
  findCoordinatorErrors: string[] = [],
): Kafka {
  return new Kafka({
    ...quiet,
    clientId: `${c.username}-client`,
    brokers: c.brokers,
    sasl: { mechanism: 'scram-sha-512', username: c.username, password },
    logLevel: logLevel.DEBUG,
    logCreator: collectKafkaErrors(findCoordinatorErrors),
  });
}

async function eventually(fn: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
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

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return errorKind(err);
  }
  return 'no error';
}

/**
 * Runs a consumer until it has the first record or fails. kafkajs reports group failures
 * (e.g. GROUP_AUTHORIZATION_FAILED) through the CRASH event rather than run()'s promise.
 */
async function firstRecordOrError(
  consumer: Consumer,
  topic: string,
  timeoutMs = 30_000,
): Promise<{ value: string } | { error: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ error: 'timeout' }), timeoutMs);
    const done = (r: { value: string } | { error: string }) => {
      clearTimeout(timer);
      resolve(r);
    };
    // a retriable crash (e.g. NOT_COORDINATOR while a fresh __consumer_offsets loads) restarts
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) done({ error: errorKind(e.payload.error) });
    });
    consumer
      .connect()
      .then(() => consumer.subscribe({ topics: [topic], fromBeginning: true }))
      .then(() =>
        consumer.run({
          eachMessage: async ({ message }) => done({ value: message.value?.toString() ?? '' }),
        }),
      )
      .catch((err: unknown) => done({ error: errorKind(err) }));
  });
}

describeWithSasl('per-organisation Kafka users and ACLs (SASL/SCRAM + StandardAuthorizer)', () => {
  const names = new TopicNames(env.topicPrefix);
  const orgA = { id: `acl-a-${randomId(6)}`, sector: 'electricity' };
  const orgB = { id: `acl-b-${randomId(6)}`, sector: 'finance' };
  const dir = mkdtempSync(join(tmpdir(), 'acd-kafka-acl-'));
  const orgsFile = join(dir, 'orgs.json');
  const outFile = join(dir, 'kafka-users.json');
  const internal = new Kafka({
    ...quiet,
    clientId: 'kafka-acl-int',
    brokers: env.kafkaBrokers,
    ...testKafkaSasl(),
  });
  let admin: Admin;
  let credsA: KafkaCredentials;
  let credsB: KafkaCredentials;
  const consumers: Consumer[] = [];

  const provision = async (): Promise<KafkaCredentials[]> => {
    // what `acd kafka-access --orgs <file> --out <file>` runs, with this run's servers and prefix
    await runKafkaAccess({ orgs: orgsFile, out: outFile });
    return JSON.parse(readFileSync(outFile, 'utf8')) as KafkaCredentials[];
  };
  const consumerOf = (c: KafkaCredentials, groupId: string, coordinatorErrors?: string[]) => {
    const consumer = orgClient(c, c.password, coordinatorErrors).consumer({
      groupId,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    consumers.push(consumer);
    return consumer;
  };

  beforeAll(async () => {
    admin = internal.admin();
    await admin.connect();
    writeFileSync(
      orgsFile,
      JSON.stringify([
        { ...orgA, name: 'A' },
        { ...orgB, name: 'B' },
      ]),
    );
    const creds = await provision();
    const a = creds.find((c) => c.orgId === orgA.id);
    const b = creds.find((c) => c.orgId === orgB.id);
    if (!a || !b)
      throw new Error(`kafka-access wrote ${JSON.stringify(creds.map((c) => c.orgId))}`);
    credsA = a;
    credsB = b;
    const producer = internal.producer();
    await producer.connect();
    await producer.send({
      topic: names.advisoryOrg(orgA.id),
      messages: [{ key: 'adv-1', value: 'for A' }],
    });
    await producer.send({
      topic: names.advisoryOrg(orgB.id),
      messages: [{ key: 'adv-2', value: 'for B' }],
    });
    await producer.disconnect();
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    // on shared servers the users stay (cluster-wide, random names) but can no longer do anything
    if (admin) await Promise.allSettled([orgA.id, orgB.id].map((u) => revokeOrgAcls(admin, u)));
    await admin?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes what each operator needs, readable only by its owner', () => {
    expect(statSync(outFile).mode & 0o777).toBe(0o600);
    expect(credsA).toEqual({
      orgId: orgA.id,
      username: orgA.id,
      password: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      mechanism: 'SCRAM-SHA-512',
      securityProtocol: 'SASL_PLAINTEXT',
      brokers: sasl,
      topics: names.advisoryTopicsFor(orgA),
      groupPrefix: `${env.topicPrefix}${orgA.id}.`,
    });
    expect(credsB.password).not.toBe(credsA.password);
  });

  it('creates the audience topics and exactly the planned ACLs; a second run changes nothing', async () => {
    const topics = new Set(await admin.listTopics());
    for (const t of [...credsA.topics, ...credsB.topics]) expect(topics.has(t)).toBe(true);
    const again = await provision();
    expect(again.find((c) => c.orgId === orgA.id)?.password).toBe(credsA.password);
    for (const org of [orgA, orgB]) {
      const plan = accessPlanFor(names, org);
      const held = await aclsOf(admin, plan.principal);
      expect(held).toHaveLength(plan.acls.length);
      expect(held).toEqual(expect.arrayContaining(plan.acls));
    }
  }, 120_000);

  it("reads its own organisation's topic", async () => {
    const got = await firstRecordOrError(
      consumerOf(credsA, `${credsA.groupPrefix}own`),
      names.advisoryOrg(orgA.id),
    );
    expect(got).toEqual({ value: 'for A' });
  }, 60_000);

  it("is refused another organisation's topic and another sector's", async () => {
    const other = await firstRecordOrError(
      consumerOf(credsA, `${credsA.groupPrefix}snoop`),
      names.advisoryOrg(orgB.id),
    );
    expect(other).toEqual({ error: 'TOPIC_AUTHORIZATION_FAILED' });
    const sector = await firstRecordOrError(
      consumerOf(credsA, `${credsA.groupPrefix}snoop-sector`),
      names.advisorySector(orgB.sector),
    );
    expect(sector).toEqual({ error: 'TOPIC_AUTHORIZATION_FAILED' });
  }, 60_000);

  it('sees only its own topics in metadata', async () => {
    const orgAdmin = orgClient(credsA).admin();
    await orgAdmin.connect();
    try {
      expect((await orgAdmin.listTopics()).sort()).toEqual([...credsA.topics].sort());
    } finally {
      await orgAdmin.disconnect();
    }
  });

  it('cannot produce, not even to its own topics', async () => {
    const producer = orgClient(credsA).producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      for (const topic of [names.advisoryOrg(orgA.id), names.advisoryPublic()]) {
        expect(await kindOf(producer.send({ topic, messages: [{ value: 'forged' }] }))).toBe(
          'TOPIC_AUTHORIZATION_FAILED',
        );
      }
      expect(
        await kindOf(
          producer.send({ topic: names.advisoryOrg(orgB.id), messages: [{ value: 'forged' }] }),
        ),
      ).toBe('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
  });

  it('cannot use a consumer group outside its prefix', async () => {
    for (const groupId of [`${credsB.groupPrefix}x`, `${env.topicPrefix}projector`, 'anything']) {
      const reasons: string[] = [];
      const got = await firstRecordOrError(
        consumerOf(credsA, groupId, reasons),
        names.advisoryOrg(orgA.id),
      );
      // kafkajs: "Failed to find group coordinator"; the broker's answer was the refusal
      expect(got).toEqual({ error: 'KafkaJSGroupCoordinatorNotFound' });
      expect(reasons).toContain('GROUP_AUTHORIZATION_FAILED');
      expect(reasons.every((r) => r === 'GROUP_AUTHORIZATION_FAILED')).toBe(true);
    }
  }, 90_000);

  it('fails authentication with a wrong password', async () => {
    const wrong = orgClient(credsA, `${credsA.password}x`).admin();
    expect(await kindOf(wrong.connect())).toBe('KafkaJSSASLAuthenticationError');
    await wrong.disconnect().catch(() => {});
  });

  it('rotates a password: the old one stops working, the new one works', async () => {
    const rotated = await runKafkaAccess({ orgs: orgsFile, out: outFile, rotate: true });
    const next = rotated.find((c) => c.orgId === orgA.id);
    expect(next?.password).toBeDefined();
    expect(next?.password).not.toBe(credsA.password);
    if (!next) return;
    // every broker applies the new credentials from the metadata log, a moment after the commit
    await eventually(async () => {
      const old = orgClient(credsA).admin();
      const kind = await kindOf(old.connect());
      await old.disconnect().catch(() => {});
      expect(kind).toBe('KafkaJSSASLAuthenticationError');
    });
    await eventually(async () => {
      const fresh = orgClient(next).admin();
      try {
        await fresh.connect();
        expect((await fresh.listTopics()).sort()).toEqual([...next.topics].sort());
      } finally {
        await fresh.disconnect().catch(() => {});
      }
    });
  }, 60_000);
});
