import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { testKafkaSasl } from '@acd/testing';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { seedAdvisories } from '../../apps/cli/src/demo/demo-advisories';
import { runDemoStep } from '../support/demo';

jest.setTimeout(240_000);

const H = 3_600_000;
const inDays = (d: number) => new Date(Date.now() + d * 24 * H).toISOString();

/**
 * Advisories through the HTTP API with the real processor, fan-out and projector: who reads
 * which advisory (and nobody else, 404), acknowledgements and who has not acknowledged,
 * updates and withdrawal, related items every reader may see, and the per-audience Kafka topics
 * receiving each advisory exactly in the right places.
 */
describe('advisories: audiences, acknowledgements and the per-audience topics', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let setouchi: DemoOrg;
  let tokai: DemoOrg;
  let bank: DemoOrg;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let meti: DemoOrg;
  let sdf: DemoOrg;
  /** The advisories issued so far, by role in the scenario. */
  const ids = {
    everyone: '',
    electricity: '',
    named: '',
    sdfKind: '',
    retried: '',
    expiring: '',
    withIndicator: '',
    withIncident: '',
    demoEveryone: '',
    demoSector: '',
    demoRed: '',
  };

  beforeAll(async () => {
    bus = await BusUnderTest.start('adv');
    kanto = bus.byId('op-kanto-electric');
    setouchi = bus.byId('op-setouchi-grid');
    tokai = bus.byId('op-tokai-rail');
    bank = bus.byId('op-minato-bank');
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    meti = bus.byId('gov-meti');
    sdf = bus.byId('gov-sdf-cyber-defense-command');
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const body = (over: Record<string, unknown>) => ({
    title: 'Exploitation of edge VPN appliances',
    summary: 'A state-linked actor exploits a VPN appliance flaw against infrastructure.',
    severity: 'high',
    tlp: 'GREEN',
    audience: { everyone: true },
    recommendedActions: ['Patch to the fixed release', 'Rotate VPN credentials'],
    expiresAt: inDays(30),
    ...over,
  });

  /** Issues, then waits until the issuer reads it back at that version. */
  async function issue(who: DemoOrg, over: Record<string, unknown>): Promise<string> {
    const res = await bus.post('/v1/advisories', who, body(over));
    if (res.status !== 201) throw new Error(`issue ${res.status}: ${JSON.stringify(res.body)}`);
    const id = String(res.body.advisoryId);
    await projected(id, Number(res.body.version), who);
    return id;
  }

  /** Waits until `who` (the office unless said: it reads what a sector may be given) reads it. */
  async function projected(id: string, version: number, who: DemoOrg = nco): Promise<void> {
    await waitFor(
      `advisory ${id} v${version} projected`,
      async () => {
        const r = await bus.get(`/v1/advisories/${id}`, who);
        return r.status === 200 && Number(r.body.version) >= version;
      },
      30_000,
      100,
    );
  }

  const readersOf = async (id: string): Promise<string[]> => {
    const readers: string[] = [];
    for (const o of bus.orgs) {
      const r = await bus.get(`/v1/advisories/${id}`, o);
      expect([200, 404]).toContain(r.status);
      if (r.status === 200) readers.push(o.id);
    }
    return readers.sort();
  };
  const sorted = (...orgs: DemoOrg[]) => orgs.map((o) => o.id).sort();

  it('the office and the police issue to everyone, a sector, a kind and named organisations; each reader sees exactly its own', async () => {
    // Refusals first: nothing of these is recorded.
    expect((await bus.post('/v1/advisories', kanto, body({}))).status).toBe(403);
    const red = await bus.post(
      '/v1/advisories',
      nco,
      body({ tlp: 'RED', audience: { sectors: ['electricity'], orgs: [tokai.id] } }),
    );
    expect(red.status).toBe(422);
    expect(red.body).toMatchObject({ field: 'audience.sectors' });
    const amberToAll = await bus.post('/v1/advisories', nco, body({ tlp: 'AMBER' }));
    expect(amberToAll.status).toBe(422);
    expect(amberToAll.body).toMatchObject({ field: 'audience.everyone' });
    const past = await bus.post('/v1/advisories', nco, body({ expiresAt: inDays(-1) }));
    expect(past.status).toBe(422);
    expect(past.body).toMatchObject({ field: 'expiresAt' });
    const bad = await bus.post('/v1/advisories', nco, body({ severity: 'apocalyptic' }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('severity');

    ids.everyone = await issue(nco, { tlp: 'GREEN', audience: { everyone: true } });
    ids.electricity = await issue(nco, {
      tlp: 'AMBER',
      severity: 'critical',
      audience: { sectors: ['electricity'] },
    });
    ids.named = await issue(npa, { tlp: 'RED', audience: { orgs: [tokai.id, bank.id] } });
    ids.sdfKind = await issue(nco, { tlp: 'AMBER', audience: { kinds: ['sdf'] } });

    // A retried issue (same Idempotency-Key) names the same advisory and records nothing new.
    // A retry repeats its request exactly (body() stamps a fresh expiry each call).
    const request = body({});
    const first = await bus.post('/v1/advisories', nco, request, { 'idempotency-key': 'adv-k1' });
    const again = await bus.post('/v1/advisories', nco, request, { 'idempotency-key': 'adv-k1' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ advisoryId: first.body.advisoryId, duplicate: true });
    ids.retried = String(first.body.advisoryId);
    await projected(ids.retried, 1);

    expect(await readersOf(ids.everyone)).toEqual(bus.orgs.map((o) => o.id).sort());
    expect(await readersOf(ids.electricity)).toEqual(sorted(kanto, setouchi, meti, nco));
    // TLP:RED names its recipients, the cabinet office included.
    expect(await readersOf(ids.named)).toEqual(sorted(tokai, bank, npa));
    expect(await readersOf(ids.sdfKind)).toEqual(sorted(sdf, nco));

    // Lists agree with lookups.
    const listed = async (who: DemoOrg) => {
      const r = await bus.get('/v1/advisories?limit=1000', who);
      expect(r.status).toBe(200);
      return (r.body.items ?? []).map((i) => String(i.id)).sort();
    };
    expect(await listed(kanto)).toEqual([ids.everyone, ids.electricity, ids.retried].sort());
    expect(await listed(tokai)).toEqual([ids.everyone, ids.named, ids.retried].sort());
    expect(await listed(npa)).toEqual([ids.everyone, ids.named, ids.retried].sort());
    expect(await listed(nco)).toEqual(
      Object.values(ids)
        .filter((id) => id && id !== ids.named)
        .sort(),
    );

    // A named reader sees itself among the named organisations, never the others.
    const asTokai = await bus.get(`/v1/advisories/${ids.named}`, tokai);
    expect(asTokai.body).toMatchObject({ audience: { orgs: [tokai.id] }, tlp: 'RED' });
    const asIssuer = await bus.get(`/v1/advisories/${ids.named}`, npa);
    expect(asIssuer.body).toMatchObject({ audience: { orgs: [bank.id, tokai.id] } });
  });

  it('operators acknowledge once; the issuer and the office see who has and who has not', async () => {
    const ack = (who: DemoOrg, id: string) =>
      bus.post(`/v1/advisories/${id}/acknowledgements`, who);
    const first = await ack(kanto, ids.electricity);
    expect(first.status).toBe(201);
    const second = await ack(kanto, ids.electricity);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ alreadyAcknowledged: true, eventIds: [] });
    expect((await ack(meti, ids.electricity)).status).toBe(201);
    // Not a reader: the advisory does not exist for it.
    expect((await ack(tokai, ids.electricity)).status).toBe(404);
    expect((await ack(npa, ids.electricity)).status).toBe(404);
    expect((await ack(tokai, ids.named)).status).toBe(201);

    const report = await waitFor(
      'acknowledgements projected',
      async () => {
        const r = await bus.get(`/v1/advisories/${ids.electricity}/acknowledgements`, nco);
        const acked = (r.body?.acknowledged as { orgId: string }[] | undefined) ?? [];
        return r.status === 200 && acked.length === 2 ? r.body : null;
      },
      30_000,
      200,
    );
    expect(report).toMatchObject({
      expected: 2,
      acknowledgedCount: 1,
      notAcknowledged: [{ orgId: setouchi.id }],
    });
    expect(
      (report.acknowledged as { orgId: string; expected: boolean }[]).map((a) => [
        a.orgId,
        a.expected,
      ]),
    ).toEqual([
      [kanto.id, true],
      [meti.id, false],
    ]);

    // The police issued the RED advisory: they see its acknowledgements, the operators do not.
    const police = await waitFor(
      'police view of acknowledgements',
      async () => {
        const r = await bus.get(`/v1/advisories/${ids.named}/acknowledgements`, npa);
        return r.status === 200 && (r.body.acknowledged as unknown[]).length === 1 ? r.body : null;
      },
      30_000,
      200,
    );
    expect(police).toMatchObject({ expected: 2, notAcknowledged: [{ orgId: bank.id }] });
    expect((await bus.get(`/v1/advisories/${ids.named}/acknowledgements`, tokai)).status).toBe(404);
    expect(
      (await bus.get(`/v1/advisories/${ids.electricity}/acknowledgements`, kanto)).status,
    ).toBe(404);
    expect((await bus.get(`/v1/advisories/${ids.electricity}/acknowledgements`, npa)).status).toBe(
      404,
    );

    const mine = await bus.get(`/v1/advisories/${ids.electricity}`, kanto);
    expect(mine.body).toMatchObject({ acknowledgedByYou: true });
    expect(mine.body.acknowledgementCount).toBeUndefined();
  });

  it('the issuer updates and withdraws; nobody acknowledges a withdrawn or expired advisory', async () => {
    const update = await bus.post(`/v1/advisories/${ids.everyone}/update`, nco, {
      severity: 'critical',
    });
    expect(update.status).toBe(200);
    expect(update.body).toMatchObject({ version: 2 });
    const unchanged = await bus.post(`/v1/advisories/${ids.everyone}/update`, nco, {
      severity: 'critical',
    });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ eventIds: [] });
    expect(
      (await bus.post(`/v1/advisories/${ids.everyone}/update`, kanto, { severity: 'low' })).status,
    ).toBe(403);
    expect((await bus.post(`/v1/advisories/${ids.everyone}/update`, nco, {})).status).toBe(400);

    expect(
      (await bus.post(`/v1/advisories/${ids.electricity}/withdraw`, npa, { reason: 'x' })).status,
    ).toBe(404);
    expect(
      (await bus.post(`/v1/advisories/${ids.electricity}/withdraw`, kanto, { reason: 'x' })).status,
    ).toBe(403);
    const withdrawn = await bus.post(`/v1/advisories/${ids.electricity}/withdraw`, nco, {
      reason: 'Superseded by the vendor bulletin.',
    });
    expect(withdrawn.status).toBe(200);
    const late = await bus.post(`/v1/advisories/${ids.electricity}/acknowledgements`, setouchi);
    expect(late.status).toBe(409);
    expect(String(late.body.message)).toContain('withdrawn');
    await projected(ids.electricity, Number(withdrawn.body.version));
    expect((await bus.get(`/v1/advisories/${ids.electricity}`, setouchi)).body).toMatchObject({
      status: 'withdrawn',
      withdrawalReason: 'Superseded by the vendor bulletin.',
    });
    const afterUpdate = await bus.post(`/v1/advisories/${ids.electricity}/update`, nco, {
      severity: 'low',
    });
    expect(afterUpdate.status).toBe(409);

    ids.expiring = await issue(nco, { expiresAt: new Date(Date.now() + 3_000).toISOString() });
    await new Promise((r) => setTimeout(r, 3_500));
    const expired = await bus.post(`/v1/advisories/${ids.expiring}/acknowledgements`, kanto);
    expect(expired.status).toBe(409);
    expect(String(expired.body.message)).toContain('expired');
    expect((await bus.get(`/v1/advisories/${ids.expiring}`, kanto)).body).toMatchObject({
      status: 'expired',
    });
  });

  it('related indicators and incidents must be readable by every reader of the advisory', async () => {
    const sectorIndicator = await bus.publish(kanto, {
      type: 'ipv4',
      value: '203.0.113.77',
      tlp: 'AMBER',
      audience: { sectors: ['electricity'] },
    });
    const toAll = await bus.post('/v1/advisories', nco, body({ indicatorIds: [sectorIndicator] }));
    expect(toAll.status).toBe(422);
    expect(toAll.body).toMatchObject({ field: 'indicatorIds', id: sectorIndicator });
    const unknown = await bus.post(
      '/v1/advisories',
      nco,
      body({ indicatorIds: ['00000000-0000-5000-8000-000000000000'] }),
    );
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('00000000-0000-5000-8000-000000000000');
    ids.withIndicator = await issue(nco, {
      tlp: 'AMBER',
      audience: { sectors: ['electricity'] },
      indicatorIds: [sectorIndicator],
    });

    const opened = await bus.post('/v1/incidents', kanto, {
      title: 'VPN appliance compromised',
      awareAt: new Date().toISOString(),
      impact: 'moderate',
    });
    expect(opened.status).toBe(201);
    const incidentId = String(opened.body.incidentId);
    await waitFor(
      'incident projected',
      async () => (await bus.get(`/v1/incidents/${incidentId}`, nco)).status === 200,
      30_000,
      100,
    );
    const toSector = await bus.post(
      '/v1/advisories',
      nco,
      body({ tlp: 'AMBER', audience: { sectors: ['electricity'] }, incidentIds: [incidentId] }),
    );
    expect(toSector.status).toBe(422);
    expect(toSector.body).toMatchObject({ field: 'incidentIds', id: incidentId });
    ids.withIncident = await issue(nco, {
      tlp: 'RED',
      audience: { orgs: [kanto.id] },
      incidentIds: [incidentId],
    });
  });

  it('the demo seeds its three advisories and an acknowledgement, twice without doubling', async () => {
    const run = () => runDemoStep(bus, seedAdvisories);
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const { everyone, sector, red } = first.advisories ?? {};
    ids.demoEveryone = String(everyone);
    ids.demoSector = String(sector);
    ids.demoRed = String(red);
    await projected(ids.demoSector, 2);
    const acks = await waitFor(
      'demo acknowledgement projected',
      async () => {
        const r = await bus.get(`/v1/advisories/${ids.demoSector}/acknowledgements`, nco);
        return r.status === 200 && (r.body.acknowledged as unknown[]).length === 1 ? r.body : null;
      },
      30_000,
      200,
    );
    expect(acks).toMatchObject({ acknowledged: [{ orgId: kanto.id }] });
    expect((await bus.get(`/v1/advisories/${ids.demoRed}`, kanto)).status).toBe(404);
    expect((await bus.get(`/v1/advisories/${ids.demoRed}`, tokai)).status).toBe(200);
  });

  it('the fan-out copies each advisory exactly to its audience topics', async () => {
    const prefix = String(bus.env.ACD_TOPIC_PREFIX);
    const t = (suffix: string) => `${prefix}acd.advisory.${suffix}.v1`;
    const expected: Record<string, string[]> = {
      [t('public')]: [
        `${ids.everyone}:AdvisoryIssued`,
        `${ids.everyone}:AdvisoryUpdated`,
        `${ids.retried}:AdvisoryIssued`,
        `${ids.expiring}:AdvisoryIssued`,
        `${ids.demoEveryone}:AdvisoryIssued`,
      ],
      [t('sector.electricity')]: [
        `${ids.electricity}:AdvisoryIssued`,
        `${ids.electricity}:AdvisoryWithdrawn`,
        `${ids.withIndicator}:AdvisoryIssued`,
        `${ids.demoSector}:AdvisoryIssued`,
      ],
      [t(`org.${tokai.id}`)]: [`${ids.named}:AdvisoryIssued`, `${ids.demoRed}:AdvisoryIssued`],
      [t(`org.${bank.id}`)]: [`${ids.named}:AdvisoryIssued`, `${ids.demoRed}:AdvisoryIssued`],
      [t(`org.${sdf.id}`)]: [`${ids.sdfKind}:AdvisoryIssued`],
      [t(`org.${kanto.id}`)]: [`${ids.withIncident}:AdvisoryIssued`],
      // The issuer reads its own advisories; the cabinet office every one but a RED or
      // AMBER+STRICT one it is not named on.
      [t(`org.${npa.id}`)]: [`${ids.named}:AdvisoryIssued`, `${ids.demoRed}:AdvisoryIssued`],
    };
    const notForOffice = new Set([ids.named, ids.demoRed]);
    expected[t(`org.${nco.id}`)] = [...new Set(Object.values(expected).flat())].filter(
      (copy) => !notForOffice.has(copy.split(':')[0] ?? ''),
    );
    for (const list of Object.values(expected)) list.sort();
    const total = Object.values(expected).reduce((n, l) => n + l.length, 0);

    const kafka = new Kafka({
      clientId: 'advisories-e2e',
      brokers: String(bus.env.KAFKA_BROKERS).split(','),
      logLevel: logLevel.NOTHING,
      ...testKafkaSasl(bus.env),
    });
    const admin = kafka.admin();
    await admin.connect();
    const audienceTopics = async () =>
      (await admin.listTopics())
        .filter((n) => n.startsWith(`${prefix}acd.advisory.`))
        .filter((n) => !/\.(commands|events)\.v1(\.dlq)?$/.test(n))
        .sort();
    try {
      await waitFor(
        'audience topics created',
        async () => (await audienceTopics()).length >= Object.keys(expected).length,
        60_000,
        250,
      );
      expect(await audienceTopics()).toEqual(Object.keys(expected).sort());
    } finally {
      await admin.disconnect();
    }

    const received: Record<string, string[]> = {};
    let count = 0;
    const consumer: Consumer = kafka.consumer({
      groupId: `${prefix}advisories-e2e-reader`,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: Object.keys(expected), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          const h = (name: string) => message.headers?.[name]?.toString();
          expect(message.key?.toString()).toBe(h('aggregate-id'));
          expect(message.value?.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
          (received[topic] ??= []).push(`${h('aggregate-id')}:${h('event-type')}`);
          count += 1;
        },
      });
      await waitFor('every copy received', async () => count >= total, 60_000, 200);
      // Anything copied twice or to the wrong place would arrive by now too.
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      await consumer.disconnect();
    }
    for (const list of Object.values(received)) list.sort();
    expect(received).toEqual(expected);
  });
});
