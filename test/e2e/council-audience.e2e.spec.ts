import { indicatorStixId } from '@acd/indicators';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { SseClient } from '../support/sse';

jest.setTimeout(300_000);

const TAXII = 'application/taxii+json;version=2.1';
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

/**
 * The council as an audience (Act art. 45), with every service running, written as the requests
 * of those who try to read what was shared there: material marked as the council's reaches the
 * members bound to its confidentiality (and the office that convenes it), over REST, TAXII and
 * the live stream; an outsider, a member admitted but not yet bound and a member removed read
 * none of it; nobody outside shares in it; every read of it is on the audit log.
 */
describe('the council as an audience of indicators and advisories', () => {
  let bus: BusUnderTest;
  let nco: DemoOrg;
  let kanto: DemoOrg; // bound member, publishes
  let npa: DemoOrg; // bound member, then removed
  let tokai: DemoOrg; // admitted, binds itself later
  let minato: DemoOrg; // never a member
  let commission: DemoOrg;
  let shared = '';
  let n = 0;
  const value = () => `203.0.113.${(n += 1)}`;

  const eventually = <T>(what: string, fn: () => Promise<T | null | false>) =>
    waitFor(what, fn, 30_000, 100);
  const status = async (path: string, who: DemoOrg) => (await bus.get(path, who)).status;
  /** The STIX ids of the indicators collection as `who` reads it over TAXII. */
  const taxiiIds = async (who: DemoOrg): Promise<string[]> => {
    const res = await fetch(`${bus.base}/taxii2/api/collections/indicators/objects/?limit=1000`, {
      headers: { accept: TAXII, authorization: `Bearer ${who.token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { objects?: { id: string }[] };
    return (body.objects ?? []).map((o) => o.id);
  };
  const bind = async (who: DemoOrg) => {
    const r = await bus.post(`/v1/council/members/${who.id}/confidentiality`, who, {
      statement: `${who.name} keeps council material confidential`,
    });
    expect(r.status).toBe(201);
  };

  beforeAll(async () => {
    bus = await BusUnderTest.start('cna');
    nco = bus.byId('gov-nco');
    kanto = bus.byId('op-kanto-electric');
    npa = bus.byId('gov-npa');
    tokai = bus.byId('op-tokai-rail');
    minato = bus.byId('op-minato-bank');
    commission = bus.commissionMember(0);
    const body = { name: 'Cybersecurity Council', purpose: 'Sharing under art. 45 of the Act' };
    expect((await bus.post('/v1/council', nco, body)).status).toBe(201);
    await eventually(
      'the council constituted',
      async () => (await status('/v1/council', nco)) === 200,
    );
    for (const o of [kanto, npa, tokai]) {
      expect((await bus.post('/v1/council/members', nco, { orgId: o.id })).status).toBe(201);
    }
    await eventually('three admitted', async () => {
      const r = await bus.get('/v1/council/members', nco);
      return r.body.items?.length === 3;
    });
    await bind(kanto);
    await bind(npa);
    await eventually('two bound', async () => {
      const r = await bus.get('/v1/council/members?status=bound', nco);
      return r.body.items?.length === 2;
    });
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('nobody outside the council shares in it, and never under AMBER+STRICT or RED', async () => {
    const body = (tlp: string, audience: Record<string, unknown>) => ({
      type: 'ipv4',
      value: value(),
      tlp,
      audience,
    });
    for (const outsider of [minato, tokai]) {
      const r = await bus.post('/v1/indicators', outsider, body('GREEN', { council: true }));
      expect(r.status).toBe(403);
      expect(r.body.field).toBe('audience.council');
    }
    const red = await bus.post(
      '/v1/indicators',
      kanto,
      body('RED', { orgs: [npa.id], council: true }),
    );
    expect(red.status).toBe(422);
    expect(red.body.field).toBe('audience.council');
    const notBool = await bus.post('/v1/indicators', kanto, body('GREEN', { council: 'yes' }));
    expect(notBool.status).toBe(400);
    // The police (not an operator) may not issue to the council until bound: they are bound here.
    const advisory = await bus.post('/v1/advisories', npa, {
      title: 'Council only: botnet controller',
      summary: 'Shared in the council.',
      severity: 'high',
      tlp: 'RED',
      audience: { orgs: [kanto.id], council: true },
      expiresAt: inDays(10),
    });
    expect(advisory.status).toBe(422);
    expect(advisory.body.field).toBe('audience.council');
  });

  it('a bound member and the office read it; an admitted member, an outsider and an organisation token do not', async () => {
    shared = await bus.publish(kanto, {
      type: 'ipv4',
      value: value(),
      tlp: 'GREEN',
      audience: { council: true },
    });
    const own = await bus.get(`/v1/indicators/${shared}`, kanto);
    expect(own.body.audience).toEqual({ orgs: [], sectors: [], council: true });
    // A standing is reused for up to 2 s after it was read (the police bound themselves just now).
    await eventually(
      'a bound member reading it',
      async () => (await status(`/v1/indicators/${shared}`, npa)) === 200,
    );
    expect(await status(`/v1/indicators/${shared}`, nco)).toBe(200);
    // A hidden item answers exactly like a missing one.
    for (const who of [tokai, minato]) {
      expect(await status(`/v1/indicators/${shared}`, who)).toBe(404);
      const list = await bus.get('/v1/indicators?limit=1000', who);
      expect((list.body.items ?? []).map((i) => i.id)).not.toContain(shared);
    }
    // Council material is read by a person: an organisation's own token reads none of it.
    const orgToken = { ...npa, token: npa.adminToken ?? '' };
    expect(await status(`/v1/indicators/${shared}`, orgToken)).toBe(403);

    const stix = indicatorStixId(shared);
    await eventually('the TAXII view carrying it', async () =>
      (await taxiiIds(npa)).includes(stix),
    );
    expect(await taxiiIds(minato)).not.toContain(stix);
    expect(await taxiiIds(tokai)).not.toContain(stix);
  });

  it('a member reads it once one of its people binds it to confidentiality', async () => {
    await bind(tokai);
    await eventually(
      'the newly bound member reading council material',
      async () => (await status(`/v1/indicators/${shared}`, tokai)) === 200,
    );
  });

  it('an advisory to the council reaches its bound members only', async () => {
    const issued = await bus.post('/v1/advisories', nco, {
      title: 'Council only: VPN appliance campaign',
      summary: 'Shared in the council under art. 45; do not pass on.',
      severity: 'high',
      tlp: 'AMBER',
      audience: { council: true },
      expiresAt: inDays(10),
    });
    expect(issued.status).toBe(201);
    const id = String(issued.body.advisoryId);
    const seen = await eventually('the advisory read by a bound member', async () => {
      const r = await bus.get(`/v1/advisories/${id}`, tokai);
      return r.status === 200 ? r.body : null;
    });
    expect(seen.audience).toMatchObject({ everyone: false, council: true });
    expect(await status(`/v1/advisories/${id}`, minato)).toBe(404);
    // The office expects an acknowledgement from the operators bound now, and from nobody else.
    const acks = await bus.get(`/v1/advisories/${id}/acknowledgements`, nco);
    expect(acks.status).toBe(200);
    const waiting = (acks.body.notAcknowledged as { orgId: string }[]).map((e) => e.orgId).sort();
    expect(waiting).toEqual([kanto.id, tokai.id].sort());
    const list = await bus.get('/v1/advisories?limit=200', minato);
    expect((list.body.items ?? []).map((i) => i.id)).not.toContain(id);
  });

  it('the live stream carries council material to a bound member, and closes once it is removed', async () => {
    const stream = await SseClient.open(bus.base, '/v1/stream?kinds=indicator', {
      authorization: `Bearer ${npa.token}`,
    });
    expect(stream.status).toBe(200);
    await waitFor('stream start', async () => stream.lastId, 30_000, 20);
    const first = await bus.publish(kanto, {
      type: 'ipv4',
      value: value(),
      tlp: 'AMBER',
      audience: { council: true },
    });
    await eventually('the council indicator on the stream', async () =>
      stream.events.some((e) => e.id === first),
    );

    const removed = await bus.post(`/v1/council/members/${npa.id}/removal`, nco, {
      reason: 'Council material found outside the agency',
    });
    expect(removed.status).toBe(201);
    await eventually(
      'the removed member no longer reading council material',
      async () => (await status(`/v1/indicators/${shared}`, npa)) === 404,
    );
    const after = await bus.publish(kanto, {
      type: 'ipv4',
      value: value(),
      tlp: 'AMBER',
      audience: { council: true },
    });
    await eventually('the stream closed', async () => stream.closed);
    expect(stream.events.map((e) => e.id)).not.toContain(after);
    // Reconnecting, it reads as what it is now: no council material.
    expect(await taxiiIds(npa)).not.toContain(indicatorStixId(shared));
  });

  it('every read of council material is on the audit log, naming the reader; a refused try is not', async () => {
    const reads = await eventually(`reads of ${shared} on the audit log`, async () => {
      const r = await bus.get(`/v1/audit/reads?item=${shared}`, commission);
      const rows = (r.body.reads ?? []) as { orgId: string; verified: boolean }[];
      const readers = new Set(rows.map((x) => x.orgId));
      return readers.has(npa.id) && readers.has(tokai.id) ? rows : null;
    });
    expect(reads.every((r) => r.verified)).toBe(true);
    expect(reads.map((r) => r.orgId)).not.toContain(minato.id);
  });
});
