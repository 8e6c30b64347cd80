import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(240_000);

type Volume = {
  total: number;
  bySector: { sector: string | null; count: number }[];
  byTlp: { tlp: string; count: number }[];
};

/**
 * Aggregates are a leak channel (MISP's dashboard once counted items across sharing groups):
 * each test is an attacker's request sequence against the running gateway, and each count must
 * move only with items the attacker may read.
 */
describe('aggregates and console endpoints under attack', () => {
  let bus: BusUnderTest;
  let victim: DemoOrg; // publishes
  let recipient: DemoOrg; // named on RED
  let attacker: DemoOrg; // another sector, named on nothing
  let n = 0;

  const volume = async (who: DemoOrg): Promise<Volume> => {
    const res = await bus.get('/v1/aggregates/indicators?days=2', who);
    expect(res.status).toBe(200);
    return res.body as unknown as Volume;
  };
  const nextValue = () => `203.0.113.${(n += 1)}`;

  const picker = join(mkdtempSync(join(tmpdir(), 'acd-picker-')), 'demo-orgs.json');

  beforeAll(async () => {
    // The route reads the file on each request, as npm start's gateway reads what seeding wrote.
    bus = await BusUnderTest.start('aggr', { ACD_DEMO_ORGS_FILE: picker });
    copyFileSync(join(bus.logDir, 'demo-orgs.json'), picker);
    const operators = bus.orgs.filter((o) => o.kind === 'operator');
    victim = operators[0]!;
    recipient = operators.find((o) => o.id !== victim.id)!;
    attacker = operators.find((o) => o.sector !== victim.sector && o.sector !== recipient.sector)!;
    expect(attacker).toBeDefined();
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('a RED item named to another moves its recipients’ counts, never the attacker’s nor the office’s', async () => {
    const office = bus.org((o) => o.kind === 'cabinet-office');
    const before = await volume(attacker);
    const officeBefore = await volume(office);
    const recipientBefore = await volume(recipient);
    const value = nextValue();
    await bus.publish(victim, {
      type: 'ipv4',
      value,
      tlp: 'RED',
      audience: { orgs: [recipient.id] },
    });
    const after = await volume(attacker);
    expect(after).toEqual(before);
    expect((await volume(recipient)).total).toBe(recipientBefore.total + 1);
    // TLP:RED names its recipients, the cabinet office included.
    expect(await volume(office)).toEqual(officeBefore);
  });

  it('an item narrowed from GREEN to AMBER for one organisation leaves the attacker’s count', async () => {
    const before = await volume(attacker);
    const value = nextValue();
    await bus.publish(victim, { type: 'ipv4', value, tlp: 'GREEN' });
    expect((await volume(attacker)).total).toBe(before.total + 1);
    // The same value republished by its publisher is an update of that indicator.
    const res = await bus.post('/v1/indicators', victim, {
      type: 'ipv4',
      value,
      tlp: 'AMBER',
      audience: { orgs: [recipient.id] },
    });
    expect(res.status).toBe(200);
    const id = String(res.body.id);
    await waitFor(
      'the narrowing projected',
      async () => (await bus.get(`/v1/indicators/${id}`, attacker)).status === 404,
      60_000,
      200,
    );
    expect(await volume(attacker)).toEqual(before);
    const seen = await volume(recipient);
    expect(seen.byTlp.find((t) => t.tlp === 'AMBER')?.count ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('refuses malformed periods with the field named', async () => {
    for (const days of ['0', '367', 'abc', '1.5']) {
      const res = await bus.get(`/v1/aggregates/indicators?days=${days}`, attacker);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.issues)).toContain('days');
    }
    expect((await bus.get('/v1/aggregates/indicators?days=2&extra=1', attacker)).status).toBe(400);
    expect((await bus.get('/v1/aggregates/indicators', null)).status).toBe(401);
  });

  it('flow submission counts: 403 for the police, only its own for a telecom or an operator', async () => {
    const police = bus.org((o) => o.kind === 'police');
    expect((await bus.get('/v1/aggregates/traffic?purpose=threat-analysis', police)).status).toBe(
      403,
    );
    // An operator submits under an agreement with the office and reads its own submissions
    // (issue 17): none of a telecom's or another operator's.
    const telecom = bus.org((o) => o.kind === 'telecom');
    for (const who of [telecom, attacker]) {
      const res = await bus.get('/v1/aggregates/traffic?days=7&purpose=submission-check', who);
      expect(res.status).toBe(200);
      for (const t of res.body.byTelecom as { telecomId: string }[])
        expect({ who: who.id, telecomId: t.telecomId }).toEqual({ who: who.id, telecomId: who.id });
    }
  });

  it('acknowledgement rates: an operator sees none, the issuer its own, the office all', async () => {
    const police = bus.org((o) => o.kind === 'police');
    const nco = bus.org((o) => o.kind === 'cabinet-office');
    const issued = await bus.post('/v1/advisories', police, {
      title: 'Aggregates test',
      summary: 'An advisory to every operator',
      severity: 'high',
      tlp: 'GREEN',
      audience: { kinds: ['operator'] },
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(issued.status).toBe(201);
    const id = String(issued.body.advisoryId);
    const rateOf = async (who: DemoOrg) =>
      (
        (await bus.get('/v1/aggregates/advisories', who)).body.items as {
          advisoryId: string;
          expected: number;
          acknowledged: number;
        }[]
      ).find((i) => i.advisoryId === id);
    await waitFor(
      'the advisory projected',
      async () => (await rateOf(police)) !== undefined,
      60_000,
      200,
    );
    const expected = bus.orgs.filter((o) => o.kind === 'operator').length;
    expect(await rateOf(police)).toMatchObject({ expected, acknowledged: 0 });
    expect(await rateOf(nco)).toMatchObject({ expected, acknowledged: 0 });
    expect((await bus.get('/v1/aggregates/advisories', attacker)).body.items).toEqual([]);
    expect((await bus.post(`/v1/advisories/${id}/acknowledgements`, attacker, {})).status).toBe(
      201,
    );
    await waitFor(
      'the acknowledgement counted',
      async () => (await rateOf(nco))?.acknowledged === 1,
      60_000,
      200,
    );
    // A RED advisory named to one operator: its rate is the issuer's, never the office's.
    const red = await bus.post('/v1/advisories', police, {
      title: 'Aggregates test, RED',
      summary: 'An advisory to one operator',
      severity: 'high',
      tlp: 'RED',
      audience: { orgs: [recipient.id] },
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(red.status).toBe(201);
    const redId = String(red.body.advisoryId);
    const listedBy = async (who: DemoOrg) =>
      ((await bus.get('/v1/aggregates/advisories', who)).body.items as { advisoryId: string }[])
        .map((i) => i.advisoryId)
        .includes(redId);
    await waitFor('the RED advisory projected', async () => listedBy(police), 60_000, 200);
    expect(await listedBy(nco)).toBe(false);
  });

  it('who am I: the organisation, and the member a personal token names', async () => {
    const me = await bus.get('/v1/whoami', attacker);
    expect(me.body).toEqual({
      organisation: {
        id: attacker.id,
        name: attacker.name,
        kind: 'operator',
        sector: attacker.sector,
      },
      member: 'duty-officer',
    });
    // The organisation's own token names no one.
    const own = await bus.get('/v1/whoami', { ...attacker, token: attacker.adminToken! });
    expect(own.body.member).toBeNull();
    const commission = bus.org((o) => o.kind === 'oversight-commission');
    const member = await bus.get('/v1/whoami', bus.commissionMember(0));
    expect(member.body.member).toBe(commission.members![0]!.id);
  });

  it('the demo picker answers only on this machine, never through a proxy', async () => {
    const direct = await bus.get('/v1/demo/organisations', null);
    expect(direct.status).toBe(200);
    expect(direct.headers.get('cache-control')).toBe('no-store');
    expect((direct.body as unknown as DemoOrg[]).map((o) => o.id).sort()).toEqual(
      bus.orgs.map((o) => o.id).sort(),
    );
    const relayed = await bus.request('GET', '/v1/demo/organisations', null, undefined, {
      'x-forwarded-for': '198.51.100.7',
    });
    expect(relayed.status).toBe(404);
  });
});
