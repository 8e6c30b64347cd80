import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import type { Organisation } from '@acd/identity';
import { createKafka, SchemaSet, schemasDir, TopicNames } from '@acd/messaging';
import { IdentityAdmin, revokeOrgAcls, type KafkaCredentials } from '@acd/identity';
import { getTestEnv, randomId, testKafkaSasl } from '@acd/testing';
import { runKafkaAccess } from '../../apps/cli/src/kafka-access';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { streamUntil, type StreamEvent } from '../support/sse';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const DAY = 24 * 3_600_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();
const saslBrokers = getTestEnv().kafkaSaslBrokers ?? [];
const itWithSasl = saslBrokers.length > 0 ? it : it.skip;

/** Runs the compiled `acd` as a user would; killed after the timeout. */
function acd(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/acd.js'), ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/**
 * Regression tests of the security probe's findings 3 and 6 (issue 10), written as the requests
 * an attacker would make:
 *
 * - finding 3: a reference (an incident's linked indicators, an advisory's related indicators and
 *   incidents) must never show its reader the id of an item that reader may not read, including
 *   after the referenced item was narrowed, on REST, the live stream and the CLI; and the
 *   per-audience Kafka topics, written once for a whole audience, carry no references at all;
 * - finding 6: a named recipient of an advisory learns no other named recipient, neither on the
 *   live stream nor on its own Kafka topic (read as an outside client, over SASL/SCRAM).
 */
describe('security probe: references and co-recipients disclose nothing', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let setouchi: DemoOrg;
  let tokai: DemoOrg;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let meti: DemoOrg;
  /** Organisations of this run only, so their Kafka users (named after them) are ours alone. */
  let alpha: DemoOrg;
  let beta: DemoOrg;
  let topics: TopicNames;
  let codec: SchemaSet;
  const dir = mkdtempSync(join(tmpdir(), 'acd-secref-'));
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    bus = await BusUnderTest.start('secref');
    kanto = bus.byId('op-kanto-electric');
    setouchi = bus.byId('op-setouchi-grid');
    tokai = bus.byId('op-tokai-rail');
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    meti = bus.byId('gov-meti');
    const cfg = loadConfig(kafkaSchema, bus.env);
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    codec = await SchemaSet.load(schemasDir());

    const suffix = randomId(6).toLowerCase();
    const fresh: Organisation[] = [
      { id: `op-secref-a-${suffix}`, name: 'Secref Gas A', kind: 'operator', sector: 'gas' },
      { id: `op-secref-b-${suffix}`, name: 'Secref Water B', kind: 'operator', sector: 'water' },
    ];
    const admin = new IdentityAdmin(createKafka(cfg, 'secref-e2e'), topics, codec);
    await admin.open();
    const registered: DemoOrg[] = [];
    try {
      for (const org of fresh) {
        await admin.register(org);
        registered.push({
          ...org,
          sector: org.sector as string,
          token: (await admin.issueMemberToken(org.id, 'duty-officer')).token,
        });
      }
    } finally {
      await admin.close();
    }
    [alpha, beta] = registered as [DemoOrg, DemoOrg];
    for (const o of registered) {
      await waitFor(
        `${o.id} projected`,
        async () => (await bus.get('/v1/indicators?limit=1', o)).status === 200,
        60_000,
        200,
      );
    }
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    if (alpha && beta && saslBrokers.length > 0) {
      const internal = new Kafka({
        clientId: 'secref-cleanup',
        brokers: String(bus.env.KAFKA_BROKERS).split(','),
        logLevel: logLevel.NOTHING,
        ...testKafkaSasl(bus.env),
      });
      const admin = internal.admin();
      await admin.connect();
      await Promise.allSettled([alpha.id, beta.id].map((u) => revokeOrgAcls(admin, u)));
      await admin.disconnect();
    }
    await bus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Issues an advisory and waits until its issuer reads it back. */
  async function issue(who: DemoOrg, over: Record<string, unknown>): Promise<string> {
    const res = await bus.post('/v1/advisories', who, {
      title: 'Exploitation of edge VPN appliances',
      summary: 'A state-linked actor exploits a VPN appliance flaw against infrastructure.',
      severity: 'high',
      tlp: 'GREEN',
      audience: { everyone: true },
      expiresAt: inDays(30),
      ...over,
    });
    if (res.status !== 201) throw new Error(`issue ${res.status}: ${JSON.stringify(res.body)}`);
    const id = String(res.body.advisoryId);
    await projected(`/v1/advisories/${id}`, Number(res.body.version), who);
    return id;
  }

  async function projected(path: string, version: number, who: DemoOrg = nco): Promise<void> {
    await waitFor(
      `${path} v${version} projected`,
      async () => {
        const r = await bus.get(path, who);
        return r.status === 200 && Number(r.body.version) >= version;
      },
      30_000,
      100,
    );
  }

  async function openIncident(body: Record<string, unknown>): Promise<string> {
    const res = await bus.post('/v1/incidents', kanto, {
      title: 'VPN appliance compromised',
      awareAt: new Date().toISOString(),
      impact: 'moderate',
      ...body,
    });
    if (res.status !== 201) throw new Error(`incident ${res.status}: ${JSON.stringify(res.body)}`);
    const id = String(res.body.incidentId);
    await projected(`/v1/incidents/${id}`, Number(res.body.version));
    return id;
  }

  /** Each record of these topics, decoded, as the organisation's own Kafka client reads it. */
  async function readAsOrg(
    creds: KafkaCredentials,
    names: string[],
    count: number,
  ): Promise<
    { topic: string; message: KafkaMessage; type: string; value: Record<string, unknown> }[]
  > {
    const kafka = new Kafka({
      clientId: `${creds.username}-client`,
      brokers: creds.brokers,
      sasl: { mechanism: 'scram-sha-512', username: creds.username, password: creds.password },
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({
      groupId: `${creds.groupPrefix}secref-${randomId(4)}`,
      maxWaitTimeInMs: 100,
    });
    consumers.push(consumer);
    const got: {
      topic: string;
      message: KafkaMessage;
      type: string;
      value: Record<string, unknown>;
    }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: names, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          const decoded = codec.decode(message.value as Buffer);
          got.push({
            topic,
            message,
            type: String(message.headers?.['event-type']),
            value: decoded.value as Record<string, unknown>,
          });
        },
      });
      await waitFor(
        `${count} records on ${names.join(', ')}`,
        async () => got.length >= count,
        60_000,
        200,
      );
    } finally {
      await consumer.disconnect();
    }
    return got;
  }

  it('the police read an incident shared with them that links a RED indicator: the id is nowhere in what they see', async () => {
    const red = await bus.publish(kanto, {
      type: 'ipv4',
      value: '198.51.100.201',
      tlp: 'RED',
      audience: { orgs: [tokai.id] },
    });
    const green = await bus.publish(kanto, {
      type: 'domain',
      value: 'relay.example.net',
      tlp: 'GREEN',
    });
    const incident = await openIncident({ indicatorIds: [red, green], sharedWithPolice: true });

    // The attacker: the police may read the incident, not the RED indicator.
    expect((await bus.get(`/v1/indicators/${red}`, npa)).status).toBe(404);
    const one = await bus.get(`/v1/incidents/${incident}`, npa);
    expect(one.status).toBe(200);
    expect(one.body.indicatorIds).toEqual([green]);
    const listed = await bus.get('/v1/incidents?limit=1000', npa);
    const item = (listed.body.items ?? []).find((i) => i.id === incident);
    expect(item?.indicatorIds).toEqual([green]);
    for (const regime of ['jp-acd', 'nis2', 'circia']) {
      const report = await bus.get(`/v1/incidents/${incident}/report?regime=${regime}`, npa);
      expect(report.status).toBe(200);
      expect(JSON.stringify(report.body)).toContain(green);
      expect(JSON.stringify(report.body)).not.toContain(red);
    }
    const timeline = await bus.get(`/v1/incidents/${incident}/timeline`, npa);
    expect(JSON.stringify(timeline.body)).not.toContain(red);
    expect(JSON.stringify([one.body, item])).not.toContain(red);

    // The sector's ministry reads the incident but not the RED indicator either.
    expect((await bus.get(`/v1/incidents/${incident}`, meti)).body.indicatorIds).toEqual([green]);
    // The office reads every incident, but TLP:RED names its recipients, the office included.
    const asOffice = await bus.get(`/v1/incidents/${incident}`, nco);
    expect(asOffice.body.indicatorIds).toEqual([green]);
    expect(JSON.stringify(asOffice.body)).not.toContain(red);
    // Those who may read both still see both.
    expect((await bus.get(`/v1/incidents/${incident}`, kanto)).body.indicatorIds).toEqual([
      red,
      green,
    ]);
  });

  it('a publisher narrows a CLEAR indicator an advisory cites to RED: a reader who lost it sees its id on no path, and the audience topics never carried it', async () => {
    const cited = await bus.publish(kanto, {
      type: 'domain',
      value: 'cited.example.net',
      tlp: 'CLEAR',
    });
    const advisory = await issue(nco, { indicatorIds: [cited] });
    // While every reader may read the indicator, the advisory shows it.
    expect((await bus.get(`/v1/advisories/${advisory}`, tokai)).body.indicatorIds).toEqual([cited]);

    const narrowed = await bus.publish(kanto, {
      type: 'domain',
      value: 'cited.example.net',
      tlp: 'RED',
      audience: { orgs: [setouchi.id] },
    });
    expect(narrowed).toBe(cited);
    await waitFor(
      'tokai lost the indicator',
      async () => (await bus.get(`/v1/indicators/${cited}`, tokai)).status === 404,
      30_000,
      100,
    );

    // REST: the advisory and the list.
    const one = await bus.get(`/v1/advisories/${advisory}`, tokai);
    expect(one.status).toBe(200);
    expect(one.body.indicatorIds).toEqual([]);
    const listed = await bus.get('/v1/advisories?limit=1000', tokai);
    const item = (listed.body.items ?? []).find((i) => i.id === advisory);
    expect(item).toBeDefined();
    expect(JSON.stringify([one.body, item])).not.toContain(cited);
    // A reader named on the RED indicator, and the publisher, still see the reference.
    expect((await bus.get(`/v1/advisories/${advisory}`, setouchi)).body.indicatorIds).toEqual([
      cited,
    ]);
    expect((await bus.get(`/v1/advisories/${advisory}`, kanto)).body.indicatorIds).toEqual([cited]);
    // The office issued the advisory, yet is not named on the RED indicator: it loses it too.
    expect((await bus.get(`/v1/advisories/${advisory}`, nco)).body.indicatorIds).toEqual([]);

    // SSE: replaying the stream from the beginning after the narrowing.
    const sse = await streamUntil(bus, tokai, 'kinds=advisory&from=beginning', (events) =>
      events.some((e) => e.id === advisory),
    );
    const issued = sse.events.find((e) => e.id === advisory && e.type === 'AdvisoryIssued');
    expect(issued?.data.indicatorIds).toEqual([]);
    expect(sse.raw).not.toContain(cited);
    const named = await streamUntil(bus, setouchi, 'kinds=advisory&from=beginning', (events) =>
      events.some((e) => e.id === advisory),
    );
    expect(named.events.find((e) => e.id === advisory)?.data.indicatorIds).toEqual([cited]);

    // The CLI, which reads the stream: the first advisory of this bus is this one.
    const tail = await acd(
      ['advisories', 'tail', '--from-beginning', '--max-events', '1', '--json'],
      {
        ...process.env,
        ACD_URL: bus.base,
        ACD_TOKEN: tokai.token,
      },
    );
    expect(tail.code).toBe(0);
    const line = JSON.parse(tail.out.trim()) as StreamEvent;
    expect(line).toMatchObject({ id: advisory, type: 'AdvisoryIssued' });
    expect(line.data.indicatorIds).toEqual([]);
    expect(tail.out).not.toContain(cited);

    // Kafka: the public topic's copy, written when the indicator was still CLEAR, carries no
    // references; readers fetch them over REST, filtered for each of them.
    const internal = new Kafka({
      clientId: 'secref-public-reader',
      brokers: String(bus.env.KAFKA_BROKERS).split(','),
      logLevel: logLevel.NOTHING,
      ...testKafkaSasl(bus.env),
    });
    const reader = internal.consumer({
      groupId: `${String(bus.env.ACD_TOPIC_PREFIX)}secref-public`,
      maxWaitTimeInMs: 100,
    });
    consumers.push(reader);
    const copies: { value: Record<string, unknown>; raw: Buffer }[] = [];
    await waitFor(
      'public topic created',
      async () => {
        const admin = internal.admin();
        await admin.connect();
        try {
          return (await admin.listTopics()).includes(topics.advisoryPublic());
        } finally {
          await admin.disconnect();
        }
      },
      60_000,
      250,
    );
    await reader.connect();
    await reader.subscribe({ topics: [topics.advisoryPublic()], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== advisory || !message.value) return;
        copies.push({
          value: codec.decode(message.value).value as Record<string, unknown>,
          raw: message.value,
        });
      },
    });
    await waitFor('the public copy', async () => copies.length >= 1, 60_000, 200);
    await reader.disconnect();
    expect(copies[0]?.value).toMatchObject({
      advisoryId: advisory,
      indicatorIds: [],
      incidentIds: [],
    });
    expect(copies[0]?.raw.includes(Buffer.from(cited))).toBe(false);
  });

  it('an incident an advisory cites stops being shared with the police: the police no longer see its id in their own advisory', async () => {
    const incident = await openIncident({ sharedWithPolice: true });
    const advisory = await issue(npa, {
      tlp: 'RED',
      audience: { orgs: [kanto.id] },
      incidentIds: [incident],
    });
    expect((await bus.get(`/v1/advisories/${advisory}`, npa)).body.incidentIds).toEqual([incident]);

    const report = await bus.post(`/v1/incidents/${incident}/reports`, kanto, {
      stage: 'EARLY_WARNING',
      summary: 'Handled by our own CSIRT from now on',
      sharedWithPolice: false,
    });
    expect(report.status).toBe(201);
    await waitFor(
      'the police lost the incident',
      async () => (await bus.get(`/v1/incidents/${incident}`, npa)).status === 404,
      30_000,
      100,
    );
    const asIssuer = await bus.get(`/v1/advisories/${advisory}`, npa);
    expect(asIssuer.body.incidentIds).toEqual([]);
    expect(JSON.stringify(asIssuer.body)).not.toContain(incident);
    expect((await bus.get(`/v1/advisories/${advisory}`, kanto)).body.incidentIds).toEqual([
      incident,
    ]);
    // A RED advisory of the police named to the operator is not the office's to read at all.
    expect((await bus.get(`/v1/advisories/${advisory}`, nco)).status).toBe(404);
  });

  it('the commission reads an operation request: evidence it may not read is left out, and the police lose what its publisher narrows', async () => {
    const commission = bus.byId('gov-cyber-oversight-commission');
    const member = { ...commission, token: String(commission.members?.[0]?.token) };
    const forPolice = await bus.publish(kanto, {
      type: 'ipv4',
      value: '198.51.100.202',
      tlp: 'AMBER',
      audience: { orgs: [npa.id] },
    });
    const open = await bus.publish(kanto, { type: 'ipv4', value: '198.51.100.203', tlp: 'GREEN' });
    const created = await bus.post('/v1/oversight/operation-requests', npa, {
      target: { type: 'ip', value: '133.242.0.1' },
      justification: 'Command-and-control server steering a botnet against grid operators',
      evidence: [
        { type: 'indicator', id: forPolice },
        { type: 'indicator', id: open },
      ],
      measures: ['access'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: inDays(7),
      attestation: { belowArmedAttackThreshold: true },
    });
    expect(created.status).toBe(201);
    const path = `/v1/oversight/requests/${String(created.body.requestId)}`;
    await projected(path, Number(created.body.version), member);

    const asCommission = await bus.get(path, member);
    expect(asCommission.body.evidence).toEqual([{ type: 'indicator', id: open }]);
    expect(JSON.stringify(asCommission.body)).not.toContain(forPolice);
    expect((await bus.get(path, npa)).body.evidence).toEqual(
      expect.arrayContaining([
        { type: 'indicator', id: forPolice },
        { type: 'indicator', id: open },
      ]),
    );

    // The publisher narrows the AMBER one away from the police: it leaves their view too.
    await bus.publish(kanto, {
      type: 'ipv4',
      value: '198.51.100.202',
      tlp: 'AMBER',
      audience: { orgs: [tokai.id] },
    });
    await waitFor(
      'the police lost the indicator',
      async () => (await bus.get(`/v1/indicators/${forPolice}`, npa)).status === 404,
      30_000,
      100,
    );
    expect((await bus.get(path, npa)).body.evidence).toEqual([{ type: 'indicator', id: open }]);
  });

  itWithSasl(
    'named recipients on the live stream and on their own Kafka topic see no co-recipient, and the same audience as REST shows them',
    async () => {
      const credsFile = join(dir, 'kafka-users.json');
      const orgsFile = join(dir, 'orgs.json');
      writeFileSync(orgsFile, JSON.stringify([alpha, beta].map(({ token: _t, ...o }) => o)));
      await runKafkaAccess(
        { orgs: orgsFile, out: credsFile, saslBrokers: saslBrokers.join(',') },
        bus.env,
      );
      const creds = (JSON.parse(readFileSync(credsFile, 'utf8')) as KafkaCredentials[]).find(
        (c) => c.orgId === alpha.id,
      ) as KafkaCredentials;

      const advisory = await issue(nco, {
        tlp: 'AMBER',
        audience: { sectors: ['gas'], orgs: [alpha.id, beta.id, tokai.id] },
      });
      const updated = await bus.post(`/v1/advisories/${advisory}/update`, nco, {
        severity: 'critical',
      });
      expect(updated.status).toBe(200);
      const withdrawn = await bus.post(`/v1/advisories/${advisory}/withdraw`, nco, {
        reason: 'Superseded by the vendor bulletin.',
      });
      expect(withdrawn.status).toBe(200);
      await projected(`/v1/advisories/${advisory}`, Number(withdrawn.body.version));
      const rest = await bus.get(`/v1/advisories/${advisory}`, alpha);
      expect(rest.body.audience).toEqual({
        everyone: false,
        sectors: ['gas'],
        kinds: [],
        orgs: [alpha.id],
        council: false,
      });
      const others = [beta.id, tokai.id];

      // The live stream.
      const sse = await streamUntil(bus, alpha, 'kinds=advisory&from=beginning', (events) =>
        events.some((e) => e.id === advisory && e.type === 'AdvisoryWithdrawn'),
      );
      const mine = sse.events.filter((e) => e.id === advisory);
      expect(mine.map((e) => e.type)).toEqual([
        'AdvisoryIssued',
        'AdvisoryUpdated',
        'AdvisoryWithdrawn',
      ]);
      for (const e of mine.filter((x) => x.type !== 'AdvisoryWithdrawn')) {
        expect(e.data.audience).toEqual(rest.body.audience);
      }
      for (const other of others) expect(sse.raw).not.toContain(other);

      // Its own Kafka topic and its sector's, read with its own SCRAM user.
      const own = topics.advisoryOrg(alpha.id);
      const sector = topics.advisorySector('gas');
      const records = (await readAsOrg(creds, [own, sector], 6)).filter(
        (r) => r.message.key?.toString() === advisory,
      );
      expect(records.filter((r) => r.topic === own).map((r) => r.type)).toEqual([
        'AdvisoryIssued',
        'AdvisoryUpdated',
        'AdvisoryWithdrawn',
      ]);
      expect(records.filter((r) => r.topic === sector)).toHaveLength(3);
      for (const r of records) {
        for (const other of others)
          expect(r.message.value?.includes(Buffer.from(other))).toBe(false);
        const audience = r.value.audience as Record<string, unknown>;
        // Its own topic shows what REST shows it; the sector's, shared by all its readers, no one.
        expect(audience).toEqual(
          r.topic === own ? rest.body.audience : { ...(rest.body.audience as object), orgs: [] },
        );
      }
    },
  );
});
