import { randomUUID } from 'node:crypto';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(240_000);

/** The one body of every 404: it tells "does not exist" and "not yours" apart for nobody. */
const NOT_FOUND = { statusCode: 404, error: 'Not Found', message: 'not found' };

type Answer = { status: number; body: unknown };

/**
 * Security probe, finding 5 (issue 10): existence and version oracles. Each test is the
 * attacker's request sequence: an outsider compares the answers for an item that exists but is
 * hidden from it with those for one that does not exist, and polls for changes. Every pair must
 * be identical, and no refusal may carry the version of an item the caller may not read.
 */
describe('security: no existence or version oracles', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let setouchi: DemoOrg;
  let tokai: DemoOrg;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let meti: DemoOrg;
  let sdf: DemoOrg;
  let telecom: DemoOrg;

  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  const answer = (r: { status: number; body: unknown }): Answer => ({
    status: r.status,
    body: r.body,
  });

  beforeAll(async () => {
    bus = await BusUnderTest.start('sec5');
    kanto = bus.byId('op-kanto-electric');
    setouchi = bus.byId('op-setouchi-grid');
    tokai = bus.byId('op-tokai-rail');
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    meti = bus.byId('gov-meti');
    sdf = bus.org((o) => o.kind === 'sdf');
    telecom = bus.org((o) => o.kind === 'telecom');
  });
  afterAll(async () => {
    await bus?.stop();
  });

  /** The office's view of an operator's compliance file version (0 when there is none yet). */
  const fileVersion = async (operatorId: string): Promise<number> => {
    const r = await bus.get(`/v1/compliance/${operatorId}`, nco);
    return r.status === 200 ? Number(r.body.version) : 0;
  };

  /** Every compliance route about one operator, as `who` would call it, with a stale If-Match. */
  const complianceProbe = async (who: DemoOrg, operatorId: string): Promise<Answer[]> => {
    const someCase = '00000000-0000-4000-8000-00000000c0de';
    const someOrder = '00000000-0000-4000-8000-0000000004de';
    const stale = { 'if-match': '"0"' };
    return [
      answer(await bus.get(`/v1/compliance/${operatorId}`, who)),
      answer(await bus.post(`/v1/compliance/${operatorId}/cases`, who, { description: 'probe' })),
      answer(
        await bus.post(`/v1/compliance/${operatorId}/cases`, who, { description: 'x' }, stale),
      ),
      answer(
        await bus.post(`/v1/compliance/${operatorId}/cases/${someCase}/orders`, who, {
          instructions: 'probe',
          dueAt: at(60 * 60_000),
        }),
      ),
      answer(
        await bus.post(`/v1/compliance/${operatorId}/orders/${someOrder}/referral`, who, {
          statementOfFacts: 'probe',
        }),
      ),
      answer(
        await bus.post(`/v1/compliance/${operatorId}/orders/${someOrder}/outcome`, who, {
          outcome: 'prosecution-declined',
          decidedOn: '2026-01-05',
        }),
      ),
      // The retired route (410 to a reader of the file) is a 404 like the rest to anyone else.
      answer(
        await bus.post(`/v1/compliance/${operatorId}/orders/${someOrder}/penalty`, who, {
          amountYen: 1,
          reason: 'probe',
        }),
      ),
    ];
  };

  it('an operator polling another operator’s compliance routes learns nothing: not that it exists, not when it files', async () => {
    const before = await complianceProbe(tokai, kanto.id);
    const none = await complianceProbe(tokai, 'op-no-such-operator');

    // Kanto files: an asset notice and an incident move its reporting file on.
    const version = await fileVersion(kanto.id);
    expect(
      (
        await bus.post('/v1/assets', kanto, {
          assetId: 'sec5-hmi',
          name: 'HMI',
          function: 'substation control',
          location: 'control centre',
          vendor: 'Example Systems',
          product: 'GridView 7',
          exposure: 'partner-network',
        })
      ).status,
    ).toBe(201);
    await waitFor(
      'kanto file moved on',
      async () => (await fileVersion(kanto.id)) > version,
      30_000,
      100,
    );
    const after = await complianceProbe(tokai, kanto.id);

    for (const a of [...before, ...after, ...none])
      expect(a).toEqual({ status: 404, body: NOT_FOUND });
    expect(after).toEqual(before);
    expect(before).toEqual(none);
    // Nor can the police, the SDF or a telecom operator, who never read compliance files.
    for (const outsider of [npa, sdf, telecom]) {
      expect(await complianceProbe(outsider, kanto.id)).toEqual(none);
    }
  });

  it('a reader of the file who may not act is refused 403, without the file’s version', async () => {
    // The operator itself and the ministry supervising its sector read the file.
    for (const reader of [kanto, meti]) {
      const r = await bus.post(`/v1/compliance/${kanto.id}/cases`, reader, {
        description: 'an office-only route',
      });
      expect(r.status).toBe(403);
      expect(r.body).not.toHaveProperty('currentVersion');
    }
    // The office, which may act on every operator, is told which do not exist.
    const missing = await bus.post('/v1/compliance/op-no-such-operator/cases', nco, {
      description: 'no such operator',
    });
    expect(missing).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('the police reading a shared incident cannot learn the operator’s file version through a stale If-Match', async () => {
    const opened = await bus.post('/v1/incidents', kanto, {
      title: 'Shared with the police',
      awareAt: new Date().toISOString(),
      impact: 'high',
      sharedWithPolice: true,
    });
    expect(opened.status).toBe(201);
    const incidentId = String(opened.body.incidentId);
    await waitFor(
      'incident readable by the police',
      async () => (await bus.get(`/v1/incidents/${incidentId}`, npa)).status === 200,
      30_000,
      100,
    );
    for (const ifMatch of ['"0"', '"1"', '"2"', '"3"']) {
      const r = await bus.post(
        `/v1/incidents/${incidentId}/reports`,
        npa,
        { stage: 'EARLY_WARNING', summary: 'filed by the police' },
        { 'if-match': ifMatch },
      );
      expect(r.status).toBe(403);
      expect(r.body).not.toHaveProperty('currentVersion');
    }
  });

  it('refusals carry a version only in a conflict, which only a reader can get', async () => {
    const id = await bus.publish(kanto, { type: 'ipv4', value: '198.51.100.99', tlp: 'CLEAR' });
    // Tokai reads it, but may not revoke it: 403, and no version.
    const notYours = await bus.post(`/v1/indicators/${id}/revoke`, tokai, { reason: 'mine now' });
    expect(notYours.status).toBe(403);
    expect(notYours.body).not.toHaveProperty('currentVersion');
    // A stale If-Match by its publisher: 409 with the version to retry from.
    const stale = await bus.post(
      `/v1/indicators/${id}/revoke`,
      kanto,
      { reason: 'stale' },
      { 'if-match': '"7"' },
    );
    expect(stale).toMatchObject({ status: 409, body: { currentVersion: 1 } });
  });

  it('every route answers an outsider the same for a hidden item as for one that does not exist', async () => {
    // Items tokai may not read, one of each kind.
    const indicator = await bus.publish(kanto, {
      type: 'domain',
      value: 'hidden.example.org',
      tlp: 'RED',
      audience: { orgs: [setouchi.id] },
    });
    const incident = await bus.post('/v1/incidents', kanto, {
      title: 'Not for other operators',
      awareAt: new Date().toISOString(),
      impact: 'low',
    });
    const incidentId = String(incident.body.incidentId);
    const advisory = await bus.post('/v1/advisories', nco, {
      title: 'For Setouchi only',
      summary: 'A named recipient',
      severity: 'high',
      tlp: 'RED',
      audience: { orgs: [setouchi.id] },
      expiresAt: at(24 * 3600_000),
    });
    const advisoryId = String(advisory.body.advisoryId);
    const request = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: telecom.id,
      categories: ['addresses'],
      validFrom: at(0),
      validUntil: at(7 * 24 * 3600_000),
      justification: 'A botnet transiting Japan',
    });
    const requestId = String(request.body.requestId);
    await waitFor(
      'items projected',
      async () =>
        (await bus.get(`/v1/incidents/${incidentId}`, kanto)).status === 200 &&
        (await bus.get(`/v1/advisories/${advisoryId}`, setouchi)).status === 200 &&
        (await bus.get(`/v1/oversight/requests/${requestId}`, nco)).status === 200 &&
        (await bus.get(`/v1/assets/${kanto.id}/sec5-hmi`, kanto)).status === 200,
      30_000,
      100,
    );

    const stale = { 'if-match': '"1"' };
    const routes = (ids: {
      indicator: string;
      incident: string;
      advisory: string;
      request: string;
      operator: string;
      asset: string;
    }): [string, string, unknown?, Record<string, string>?][] => [
      ['GET', `/v1/indicators/${ids.indicator}`],
      ['POST', `/v1/indicators/${ids.indicator}/revoke`, { reason: 'probe' }, stale],
      ['POST', `/v1/indicators/${ids.indicator}/sightings`, { count: 1 }],
      ['POST', `/v1/indicators/${ids.indicator}/reidentify`, { reason: 'who published this?' }],
      ['GET', `/v1/incidents/${ids.incident}`],
      ['GET', `/v1/incidents/${ids.incident}/timeline`],
      ['GET', `/v1/incidents/${ids.incident}/report?regime=jp-acd`],
      // (An operator reports on its own file, so a stale If-Match here would be about that.)
      ['POST', `/v1/incidents/${ids.incident}/reports`, { stage: 'FINAL', summary: 'x' }],
      ['GET', `/v1/assets/${ids.operator}/${ids.asset}`],
      ['GET', `/v1/advisories/${ids.advisory}`],
      ['GET', `/v1/advisories/${ids.advisory}/acknowledgements`],
      ['POST', `/v1/advisories/${ids.advisory}/update`, { severity: 'low' }, stale],
      ['POST', `/v1/advisories/${ids.advisory}/withdraw`, { reason: 'probe' }, stale],
      ['POST', `/v1/advisories/${ids.advisory}/acknowledgements`],
      ['GET', `/v1/oversight/requests/${ids.request}`],
      ['POST', `/v1/oversight/requests/${ids.request}/votes`, { vote: 'approve' }],
      [
        'POST',
        `/v1/oversight/requests/${ids.request}/consultations`,
        { consultedAt: at(-60_000), summary: 'probe' },
      ],
      [
        'POST',
        `/v1/oversight/requests/${ids.request}/execution`,
        {
          target: '133.242.0.1',
          startedAt: at(-120_000),
          endedAt: at(-60_000),
          outcome: 'succeeded',
          summary: 'probe',
          measuresTaken: ['access'],
        },
      ],
      ['POST', `/v1/oversight/requests/${ids.request}/notification`, { summary: 'probe' }],
      ['POST', `/v1/oversight/requests/${ids.request}/report`, { summary: 'probe' }],
      ['GET', `/v1/compliance/${ids.operator}`],
      ['POST', `/v1/compliance/${ids.operator}/cases`, { description: 'probe' }],
    ];
    const hidden = routes({
      indicator,
      incident: incidentId,
      advisory: advisoryId,
      request: requestId,
      operator: kanto.id,
      asset: 'sec5-hmi',
    });
    const missing = routes({
      indicator: randomUUID(),
      incident: randomUUID(),
      advisory: randomUUID(),
      request: randomUUID(),
      operator: 'op-no-such-operator',
      asset: 'sec5-hmi',
    });
    for (const [i, [method, path, body, headers]] of hidden.entries()) {
      const [, otherPath, otherBody, otherHeaders] = missing[i]!;
      const a = answer(await bus.request(method, path, tokai, body, headers));
      const b = answer(await bus.request(method, otherPath, tokai, otherBody, otherHeaders));
      // Re-identification is the office's alone: anyone else is refused for its role, before
      // any id is looked at, so the answer is the same for every id, hidden or missing.
      const roleRefusal = path.endsWith('/reidentify');
      expect({ route: `${method} ${path}`, ...a }).toEqual({
        route: `${method} ${path}`,
        status: roleRefusal ? 403 : 404,
        body: roleRefusal ? expect.objectContaining({ statusCode: 403 }) : NOT_FOUND,
      });
      expect(b).toEqual(a);
    }
  });

  it('naming organisations in an audience tells an outsider nothing about which exist', async () => {
    const publish = (who: DemoOrg, value: string, orgs: string[]) =>
      bus.post('/v1/indicators', who, { type: 'ipv4', value, tlp: 'RED', audience: { orgs } });
    const real = await publish(tokai, '203.0.113.10', [kanto.id]);
    const unreal = await publish(tokai, '203.0.113.11', ['op-no-such-operator']);
    expect(real.status).toBe(201);
    expect(unreal.status).toBe(201);
    expect(Object.keys(unreal.body).sort()).toEqual(Object.keys(real.body).sort());
    // A malformed id is refused for everyone alike: it could name no organisation.
    expect(await publish(tokai, '203.0.113.12', ['Not An Id'])).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'audience.orgs.0' }] },
    });
    // The cabinet office keeps the directory, so it is told.
    expect(await publish(nco, '203.0.113.13', ['op-no-such-operator'])).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'audience.orgs' }] },
    });
  });

  it('routes an outsider may not use answer the same whichever organisation the body names', async () => {
    // An indicator only tokai (and the office) may read, to cite in an advisory.
    const own = await bus.publish(tokai, {
      type: 'ipv4',
      value: '203.0.113.20',
      tlp: 'RED',
      audience: { orgs: [tokai.id] },
    });
    const advisory = (orgs: string[]) =>
      bus.post('/v1/advisories', tokai, {
        title: 'probe',
        summary: 'probe',
        severity: 'low',
        tlp: 'RED',
        audience: { orgs },
        indicatorIds: [own],
        expiresAt: at(24 * 3600_000),
      });
    const collection = (telecomId: string) =>
      bus.post('/v1/oversight/collection-requests', tokai, {
        telecomId,
        categories: ['addresses'],
        validFrom: at(0),
        validUntil: at(7 * 24 * 3600_000),
        justification: 'probe',
      });
    const operation = (evidenceId: string) =>
      bus.post('/v1/oversight/operation-requests', tokai, {
        target: { type: 'ip', value: '133.242.0.1' },
        justification: 'probe',
        evidence: [{ type: 'flow-match', id: evidenceId }],
        measures: ['access'],
        validFrom: at(-60_000),
        validUntil: at(24 * 3600_000),
        attestation: { belowArmedAttackThreshold: true },
      });
    const pairs: [
      Promise<{ status: number; body: unknown }>,
      Promise<{ status: number; body: unknown }>,
    ][] = [
      [advisory([kanto.id]), advisory(['op-no-such-operator'])],
      [collection(telecom.id), collection('tel-no-such-telecom')],
      [operation(randomUUID()), operation(randomUUID())],
    ];
    for (const [a, b] of pairs) {
      const [x, y] = [answer(await a), answer(await b)];
      expect(x.status).toBe(403);
      expect(y).toEqual(x);
    }
  });
});
