import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(240_000);

const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/**
 * Designation through the HTTP API with the real processor, projector and scheduler (the period
 * here three seconds): a designated operator that notifies no computer in time gets a jp-acd
 * compliance case, the office orders it to notify, and its first asset notification complies.
 * An operator that notified before it was designated is in order at once.
 */
describe('designation of an operator and the asset notification it owes', () => {
  let bus: BusUnderTest;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let rail: DemoOrg;
  let bank: DemoOrg;

  beforeAll(async () => {
    bus = await BusUnderTest.start('des', { ACD_DESIGNATION_ASSET_NOTIFY_WITHIN: 'PT3S' });
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    rail = bus.byId('op-tokai-rail');
    bank = bus.byId('op-minato-bank');
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const designation = (who: DemoOrg, over: Record<string, unknown> = {}) =>
    bus.post(`/v1/compliance/${who.id}/designation`, nco, {
      sector: who.sector,
      designatedAt: at(-1_000),
      reference: 'NCO-DES-2026-41',
      ...over,
    });

  const fileOf = (who: DemoOrg, until: (f: Record<string, unknown>) => boolean, what: string) =>
    waitFor(
      `${who.id}'s file: ${what}`,
      async () => {
        const r = await bus.get(`/v1/compliance/${who.id}`, nco);
        return r.status === 200 && until(r.body) ? r.body : null;
      },
      60_000,
      250,
    );

  const notifyAsset = (who: DemoOrg, assetId: string) =>
    bus.post('/v1/assets', who, {
      assetId,
      name: `${assetId} controller`,
      function: 'signalling',
      location: 'Nagoya',
      vendor: 'Example Systems',
      product: 'RailCtl 3',
      exposure: 'isolated',
    });

  it('refuses what only the office may do, a wrong sector, a date ahead, and a second designation', async () => {
    expect(
      (
        await bus.post(`/v1/compliance/${rail.id}/designation`, rail, {
          sector: rail.sector,
          designatedAt: at(0),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await bus.post(`/v1/compliance/${rail.id}/designation`, npa, {
          sector: rail.sector,
          designatedAt: at(0),
        })
      ).status,
    ).toBe(404);
    const sector = await designation(rail, { sector: 'finance' });
    expect(sector.status).toBe(422);
    expect(sector.body.field).toBe('sector');
    const ahead = await designation(rail, { designatedAt: at(24 * 3_600_000) });
    expect(ahead.status).toBe(422);
    expect(ahead.body.field).toBe('designatedAt');
    const unknown = await bus.post(`/v1/compliance/${rail.id}/designation`, nco, {
      sector: rail.sector,
      designatedAt: 'yesterday',
    });
    expect(unknown.status).toBe(400);
  });

  it('a missed notification opens a case; an order on it is complied with by the first asset notified', async () => {
    const designated = await designation(rail);
    expect(designated.status).toBe(201);
    expect((await designation(rail)).status).toBe(409);

    const missed = await fileOf(
      rail,
      (f) => (f.designation as { status?: string } | null)?.status === 'missed',
      'asset notification missed',
    );
    const designationView = missed.designation as Record<string, unknown>;
    expect(designationView).toMatchObject({
      reference: 'NCO-DES-2026-41',
      status: 'missed',
      metAt: null,
    });
    const caseId = String(designationView.caseId);
    expect(missed.cases).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId, basis: 'missed-asset-notification', status: 'open' }),
      ]),
    );

    const order = await bus.post(`/v1/compliance/${rail.id}/cases/${caseId}/orders`, nco, {
      instructions: 'Notify your specified important computers',
      dueAt: at(7 * 24 * 3_600_000),
    });
    expect(order.status).toBe(201);
    const orderId = String(order.body.orderId);
    expect((await notifyAsset(rail, 'signal-ctl-1')).status).toBe(201);

    const complied = await fileOf(
      rail,
      (f) =>
        (f.orders as { orderId: string; status: string }[]).some(
          (o) => o.orderId === orderId && o.status === 'complied',
        ),
      'order complied',
    );
    expect(complied.designation).toMatchObject({ status: 'met', late: true, caseId });
    expect(complied.cases).toEqual(
      expect.arrayContaining([expect.objectContaining({ caseId, status: 'resolved' })]),
    );
  });

  it('an operator that notified its computers before is in order at once', async () => {
    expect((await notifyAsset(bank, 'core-banking-1')).status).toBe(201);
    expect((await designation(bank)).status).toBe(201);
    const file = await fileOf(
      bank,
      (f) => (f.designation as { status?: string } | null)?.status === 'met',
      'designated and in order',
    );
    expect(file.designation).toMatchObject({ late: false, caseId: null });
    // And it stays so after the period: the scheduler owes it nothing.
    await new Promise((r) => setTimeout(r, 5_000));
    const later = await bus.get(`/v1/compliance/${bank.id}`, nco);
    expect(later.body.designation).toMatchObject({ status: 'met' });
    expect(
      (later.body.cases as { basis: string }[]).filter(
        (c) => c.basis === 'missed-asset-notification',
      ),
    ).toEqual([]);
  });
});
