import { canRead, type Organisation } from '@acd/identity';
import { BusUnderTest, type DemoOrg } from '../support/bus';

jest.setTimeout(180_000);

/**
 * Every demo organisation publishes at every TLP level to several audiences; then every
 * organisation reads the bus by list, by id and by each filter. What it sees must be exactly
 * what the entitlement policy allows: nothing more (no leak) and nothing less.
 */
describe('TLP matrix across the demo organisations', () => {
  let bus: BusUnderTest;
  const published: { id: string; publisher: DemoOrg; body: Record<string, unknown> }[] = [];

  const asOrg = (o: DemoOrg): Organisation =>
    ({
      id: o.id,
      name: o.name,
      kind: o.kind,
      ...(o.sector ? { sector: o.sector } : {}),
    }) as Organisation;

  beforeAll(async () => {
    bus = await BusUnderTest.start('tlp');
    const operators = bus.orgs.filter((o) => o.kind === 'operator');
    const [a, b] = operators;
    if (!a || !b || !a.sector || !b.sector) throw new Error('need two operators with sectors');
    const police = bus.org((o) => o.kind === 'police');
    const office = bus.org((o) => o.kind === 'cabinet-office');
    let n = 0;
    const audiences = (tlp: string, publisher: DemoOrg) => {
      const other = publisher.id === a.id ? b : a;
      switch (tlp) {
        case 'CLEAR':
        case 'GREEN':
          return [{}, { sectors: [other.sector] }];
        case 'AMBER':
          return [{ sectors: [other.sector] }, { orgs: [police.id] }];
        default:
          // RED and AMBER+STRICT name their recipients, the office included: once named, once not.
          return [{ orgs: [other.id] }, { orgs: [police.id] }, { orgs: [other.id, office.id] }];
      }
    };
    for (const publisher of [a, b, police]) {
      for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']) {
        for (const audience of audiences(tlp, publisher)) {
          n += 1;
          const body = {
            type: 'ipv4',
            value: `198.51.100.${n}`,
            tlp,
            audience,
            description: `matrix ${n}`,
          };
          const id = await bus.publish(publisher, body);
          published.push({ id, publisher, body });
        }
      }
    }
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const expectedFor = (viewer: DemoOrg) =>
    new Set(
      published
        .filter((p) => {
          const audience = p.body.audience as { orgs?: string[]; sectors?: string[] };
          return canRead(asOrg(viewer), {
            publisherOrgId: p.publisher.id,
            tlp: p.body.tlp as never,
            audience: { orgs: audience.orgs ?? [], sectors: (audience.sectors ?? []) as never },
          });
        })
        .map((p) => p.id),
    );

  it('lists exactly what the policy allows, for every organisation', async () => {
    for (const viewer of bus.orgs) {
      const seen = new Set<string>();
      let next: string | null = null;
      do {
        const query: string = `/v1/indicators?limit=7${next ? `&next=${next}` : ''}`;
        const res = await bus.get(query, viewer);
        expect(res.status).toBe(200);
        for (const item of res.body.items ?? []) seen.add(String(item.id));
        next = (res.body.next as string | null) ?? null;
      } while (next);
      expect([...seen].sort()).toEqual([...expectedFor(viewer)].sort());
    }
  });

  it('counts in its aggregates exactly what it may list, in total and per label', async () => {
    for (const viewer of bus.orgs) {
      const allowed = published.filter((p) => expectedFor(viewer).has(p.id));
      // Two days: a run that crosses midnight in Tokyo still finds every item.
      const res = await bus.get('/v1/aggregates/indicators?days=2', viewer);
      expect(res.status).toBe(200);
      const byTlp = new Map<string, number>();
      for (const p of allowed)
        byTlp.set(String(p.body.tlp), (byTlp.get(String(p.body.tlp)) ?? 0) + 1);
      const counted = res.body.byTlp as { tlp: string; count: number }[];
      expect({
        viewer: viewer.id,
        total: res.body.total,
        byTlp: new Map(counted.map((c) => [c.tlp, c.count])),
      }).toEqual({
        viewer: viewer.id,
        total: allowed.length,
        byTlp,
      });
    }
  });

  it('answers 404 by id for every item an organisation may not read, 200 for the rest', async () => {
    for (const viewer of bus.orgs) {
      const allowed = expectedFor(viewer);
      for (const p of published) {
        const res = await bus.get(`/v1/indicators/${p.id}`, viewer);
        expect({ viewer: viewer.id, id: p.id, status: res.status }).toEqual({
          viewer: viewer.id,
          id: p.id,
          status: allowed.has(p.id) ? 200 : 404,
        });
      }
    }
  });

  it('never leaks a RED or AMBER item through a filter', async () => {
    for (const viewer of bus.orgs) {
      const allowed = expectedFor(viewer);
      for (const tlp of ['RED', 'AMBER', 'AMBER+STRICT']) {
        const res = await bus.get(
          `/v1/indicators?tlp=${encodeURIComponent(tlp)}&limit=1000`,
          viewer,
        );
        for (const item of res.body.items ?? []) expect(allowed.has(String(item.id))).toBe(true);
      }
      for (const p of published) {
        const value = String(p.body.value);
        const res = await bus.get(`/v1/indicators?type=ipv4&value=${value}`, viewer);
        const ids = (res.body.items ?? []).map((i) => String(i.id));
        expect(ids.includes(p.id)).toBe(allowed.has(p.id));
      }
    }
  });

  it('the cabinet office reads every CLEAR, GREEN and AMBER item, and a RED or AMBER+STRICT one only when named or its own', async () => {
    const nco = bus.org((o) => o.kind === 'cabinet-office');
    const strict = (p: (typeof published)[number]) =>
      p.body.tlp === 'RED' || p.body.tlp === 'AMBER+STRICT';
    const namesOffice = (p: (typeof published)[number]) =>
      ((p.body.audience as { orgs?: string[] }).orgs ?? []).includes(nco.id);
    const hidden = published.filter((p) => strict(p) && !namesOffice(p));
    expect(hidden.length).toBeGreaterThan(0);
    expect(published.filter((p) => strict(p) && namesOffice(p)).length).toBeGreaterThan(0);
    expect([...expectedFor(nco)].sort()).toEqual(
      published
        .filter((p) => !strict(p) || namesOffice(p))
        .map((p) => p.id)
        .sort(),
    );
    for (const p of published.filter(strict)) {
      const named = new Set([
        ...((p.body.audience as { orgs?: string[] }).orgs ?? []),
        p.publisher.id,
      ]);
      for (const viewer of bus.orgs) {
        const res = await bus.get(`/v1/indicators/${p.id}`, viewer);
        expect({ viewer: viewer.id, id: p.id, status: res.status }).toEqual({
          viewer: viewer.id,
          id: p.id,
          status: named.has(viewer.id) ? 200 : 404,
        });
      }
    }
  });

  it('refuses callers without a valid token', async () => {
    expect((await bus.get('/v1/indicators', null)).status).toBe(401);
    const forged = { ...bus.orgs[0]!, token: 'acd_forged-token-value' };
    expect((await bus.get('/v1/indicators', forged)).status).toBe(401);
  });
});
