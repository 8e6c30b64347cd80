import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(300_000);

/**
 * The council (協議会, Act art. 45) through the HTTP API with every service running: the office
 * constitutes it and admits members; a member reads the roster only once one of its people has
 * acknowledged the council's confidentiality; outsiders learn nothing of who sits on it, by
 * reading or by trying; a removed member is out; every read of the roster is on the audit log.
 */
describe('the council: constitution, admission, confidentiality, removal', () => {
  let bus: BusUnderTest;
  let nco: DemoOrg;
  let kanto: DemoOrg;
  let setouchi: DemoOrg;
  let npa: DemoOrg;
  let commission: DemoOrg;

  beforeAll(async () => {
    bus = await BusUnderTest.start('cnl');
    nco = bus.byId('gov-nco');
    kanto = bus.byId('op-kanto-electric');
    setouchi = bus.byId('op-setouchi-grid');
    npa = bus.byId('gov-npa');
    commission = bus.commissionMember(0);
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const roster = async (who: DemoOrg) => {
    const r = await bus.get('/v1/council/members', who);
    expect(r.status).toBe(200);
    return (r.body.items as { orgId: string; status: string }[])
      .map((m) => `${m.orgId}:${m.status}`)
      .sort();
  };
  const entry = (orgId: string, who: DemoOrg) => bus.get(`/v1/council/members/${orgId}`, who);
  const eventually = <T>(what: string, fn: () => Promise<T | null>) =>
    waitFor(what, fn, 30_000, 100);

  it('the office constitutes it, once; nobody else may', async () => {
    expect((await bus.get('/v1/council', kanto)).status).toBe(404);
    expect((await bus.post('/v1/council/members', nco, { orgId: kanto.id })).status).toBe(409);
    const body = { name: 'Cybersecurity Council', purpose: 'Sharing under art. 45 of the Act' };
    expect((await bus.post('/v1/council', kanto, body)).status).toBe(403);
    expect((await bus.post('/v1/council', commission, body)).status).toBe(403);
    expect((await bus.post('/v1/council', nco, { ...body, name: ' ' })).status).toBe(400);
    expect((await bus.post('/v1/council', nco, body)).status).toBe(201);
    const council = await eventually('the council readable', async () => {
      const r = await bus.get('/v1/council', setouchi);
      return r.status === 200 ? r.body : null;
    });
    expect(council).toMatchObject({ ...body, constitutedBy: nco.id });
    expect((await bus.post('/v1/council', nco, body)).status).toBe(409);
  });

  it('the office admits members; only registered organisations of the kinds it admits', async () => {
    expect((await bus.post('/v1/council/members', kanto, { orgId: setouchi.id })).status).toBe(403);
    expect((await bus.post('/v1/council/members', nco, { orgId: 'op-nobody' })).status).toBe(422);
    const commissionAdmitted = await bus.post('/v1/council/members', nco, {
      orgId: commission.id,
    });
    expect(commissionAdmitted.status).toBe(422);
    expect(commissionAdmitted.body.field).toBe('orgId');
    for (const o of [kanto, npa]) {
      expect((await bus.post('/v1/council/members', nco, { orgId: o.id })).status).toBe(201);
    }
    expect((await bus.post('/v1/council/members', nco, { orgId: kanto.id })).status).toBe(409);
    expect(
      await eventually('both admitted on the roster', async () => {
        const r = await roster(nco);
        return r.length === 2 ? r : null;
      }),
    ).toEqual([`${npa.id}:admitted`, `${kanto.id}:admitted`].sort());
  });

  it('an admitted member reads its own entry only, until one of its people acknowledges confidentiality', async () => {
    expect(await roster(kanto)).toEqual([`${kanto.id}:admitted`]);
    expect((await entry(npa.id, kanto)).status).toBe(404);
    // An outsider sees nothing, and cannot tell a member from a stranger by trying.
    expect(await roster(setouchi)).toEqual([]);
    expect((await entry(kanto.id, setouchi)).status).toBe(404);
    const onMember = await bus.post(`/v1/council/members/${kanto.id}/confidentiality`, setouchi, {
      statement: 'x',
    });
    const onStranger = await bus.post(
      `/v1/council/members/op-tokai-rail/confidentiality`,
      setouchi,
      { statement: 'x' },
    );
    expect([onMember.status, onStranger.status]).toEqual([404, 404]);
    // The same answer, word for word: a member cannot be told from a stranger.
    expect(onMember.body.message).toBe(onStranger.body.message);

    const orgToken = { ...kanto, token: kanto.adminToken ?? '' };
    const path = `/v1/council/members/${kanto.id}/confidentiality`;
    expect((await bus.post(path, orgToken, { statement: 'We keep it' })).status).toBe(403);
    const bound = await bus.post(path, kanto, {
      statement: 'Kanto Electric keeps council material confidential, as the Act requires',
    });
    expect(bound.status).toBe(201);
    const rows = await eventually('the bound member reading the roster', async () => {
      const r = await roster(kanto);
      return r.length === 2 ? r : null;
    });
    expect(rows).toEqual([`${npa.id}:admitted`, `${kanto.id}:bound`].sort());
    const own = await entry(kanto.id, kanto);
    expect(own.body).toMatchObject({
      status: 'bound',
      acknowledgement: { by: 'duty-officer' },
    });
    expect((await bus.post(path, kanto, { statement: 'again' })).status).toBe(409);
    // The police, admitted but not bound, still see only themselves.
    expect(await roster(npa)).toEqual([`${npa.id}:admitted`]);
  });

  it('a removed member is out: its own entry says so, the roster of others is closed to it', async () => {
    expect(
      (await bus.post(`/v1/council/members/${npa.id}/removal`, setouchi, { reason: 'x' })).status,
    ).toBe(404);
    const removed = await bus.post(`/v1/council/members/${kanto.id}/removal`, nco, {
      reason: 'Council material found on a public file share',
    });
    expect(removed.status).toBe(201);
    const own = await eventually('the removal on its own entry', async () => {
      const r = await entry(kanto.id, kanto);
      return r.body.status === 'removed' ? r.body : null;
    });
    expect(own).toMatchObject({ removed: { byOrgId: nco.id } });
    // A standing is reused for at most 2 s after the gateway read it (decision 0043).
    expect(
      await eventually('the roster closed to the removed member', async () => {
        const r = await roster(kanto);
        return r.length === 1 ? r : null;
      }),
    ).toEqual([`${kanto.id}:removed`]);
    expect((await entry(npa.id, kanto)).status).toBe(404);
    expect(await roster(commission)).toEqual([`${npa.id}:admitted`, `${kanto.id}:removed`].sort());
  });

  it('every read of the roster is on the audit log, naming the reader', async () => {
    const reads = await eventually(`reads of ${kanto.id}'s entry on the audit log`, async () => {
      const r = await bus.get(`/v1/audit/reads?item=${kanto.id}`, commission);
      const rows = (r.body.reads ?? []) as { orgId: string; verified: boolean }[];
      const readers = new Set(rows.map((x) => x.orgId));
      return readers.has(kanto.id) && readers.has(nco.id) ? rows : null;
    });
    expect(reads.every((r) => r.verified)).toBe(true);
    // Setouchi tried and found nothing: no read of the entry is recorded for it.
    expect(reads.map((r) => r.orgId)).not.toContain(setouchi.id);
  });

  it('a vendor shares indicators, owes no report, and the office admits it to the council', async () => {
    const vendor = bus.byId('ven-hoshimi-security');
    expect(vendor.kind).toBe('vendor');
    expect(vendor.sector).toBeUndefined();
    const id = await bus.publish(vendor, {
      type: 'domain',
      value: 'update-check.hoshimi-analysis.example',
      tlp: 'GREEN',
      confidence: 70,
    });
    expect((await bus.get(`/v1/indicators/${id}`, setouchi)).status).toBe(200);
    // None of an operator's duties, so none of its acts.
    const incident = await bus.post('/v1/incidents', vendor, {
      title: 'Intrusion at a vendor',
      awareAt: new Date().toISOString(),
      impact: 'high',
    });
    expect(incident.status).toBe(403);
    const flows = await bus.post('/v1/traffic/flow-batches', vendor, { flows: [] });
    expect(flows.status).toBe(403);

    expect((await bus.post('/v1/council/members', nco, { orgId: vendor.id })).status).toBe(201);
    const own = await eventually('the vendor admitted on its own entry', async () => {
      const r = await entry(vendor.id, vendor);
      return r.status === 200 ? r.body : null;
    });
    expect(own).toMatchObject({ orgKind: 'vendor', status: 'admitted', admittedBy: nco.id });
    const bound = await bus.post(`/v1/council/members/${vendor.id}/confidentiality`, vendor, {
      statement: 'Hoshimi Security Labs keeps council material confidential',
    });
    expect(bound.status).toBe(201);
    const rows = await eventually('the bound vendor reading the roster', async () => {
      const r = await roster(vendor);
      return r.length === 2 ? r : null;
    });
    // The current members: the police still admitted, Kanto removed and so not shown.
    expect(rows).toEqual([`${npa.id}:admitted`, `${vendor.id}:bound`].sort());
  });
});
