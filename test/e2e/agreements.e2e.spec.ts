import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { C2_FOREIGN, JP_A, JP_B, flowRecord, topicsWritten } from '../support/flows';

jest.setTimeout(300_000);

const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** The operator's network the agreement covers: JP_A is in it, JP_B is not. */
const KANTO_NETWORK = '133.242.0.0/16';
const flow = (over: Record<string, unknown> = {}) =>
  flowRecord({ observationPoint: 'kanto-border-router-1', ...over });

/**
 * An agreement with an operator (当事者協定) through the HTTP API with every service running: no
 * flow accepted without one; the office proposes, the operator consents with a member's token;
 * under it the operator's flows from its own networks are accepted (domestic ones refused, flows
 * from elsewhere refused whole, contents refused) and the matches found in them are shared back
 * with it, not with another operator nor the telecom; once ended, nothing more is accepted.
 */
describe('agreements with operators: consent, flows under it, matches shared back', () => {
  let bus: BusUnderTest;
  let nco: DemoOrg;
  let kanto: DemoOrg;
  let setouchi: DemoOrg;
  let npa: DemoOrg;
  let telecom: DemoOrg;
  let commission: DemoOrg;
  let agreementId = '';
  let indicatorId = '';

  beforeAll(async () => {
    bus = await BusUnderTest.start('agr');
    nco = bus.byId('gov-nco');
    kanto = bus.byId('op-kanto-electric');
    setouchi = bus.byId('op-setouchi-grid');
    npa = bus.byId('gov-npa');
    telecom = bus.byId('tel-nihon-backbone');
    commission = bus.byId('gov-cyber-oversight-commission');
    indicatorId = await bus.publish(setouchi, { type: 'ipv4', value: C2_FOREIGN, tlp: 'GREEN' });
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const mq = (path: string) => `${path}${path.includes('?') ? '&' : '?'}purpose=threat-analysis`;
  const submit = (body: unknown, key: string, who: DemoOrg = kanto) =>
    bus.post('/v1/traffic/flow-batches', who, body, { 'Idempotency-Key': key });

  /** What the gateway has written to the flows topic at all. */
  const written = () => topicsWritten(bus, ['acd.traffic.flows.v1']);

  it('refuses an operator without an agreement: 403, nothing on Kafka', async () => {
    const before = await written();
    const r = await submit({ flows: [flow()] }, 'agr-none');
    expect(r.status).toBe(403);
    expect(r.body.reason).toBe('no-live-agreement');
    expect(await written()).toBe(before);
  });

  it('the office proposes; only the parties and the commission see it; the operator consents', async () => {
    const proposal = {
      operatorId: kanto.id,
      networks: [KANTO_NETWORK],
      categories: ['addresses', 'ports', 'protocols', 'volumes', 'timings'],
      validFrom: at(-60_000),
      validUntil: at(90 * DAY),
      purpose: 'Learn of attacks on the grid control network from its border traffic',
    };
    expect((await bus.post('/v1/oversight/agreements', kanto, proposal)).status).toBe(403);
    const contents = await bus.post('/v1/oversight/agreements', nco, {
      ...proposal,
      categories: ['addresses', 'contents'],
    });
    expect(contents.status).toBe(400);
    const proposed = await bus.post('/v1/oversight/agreements', nco, proposal);
    expect(proposed.status).toBe(201);
    agreementId = String(proposed.body.agreementId);

    const seen = await waitFor(
      'the proposal readable by the operator',
      async () => {
        const r = await bus.get(`/v1/oversight/agreements/${agreementId}`, kanto);
        return r.status === 200 ? r.body : null;
      },
      30_000,
      100,
    );
    expect(seen).toMatchObject({
      status: 'proposed',
      networks: [KANTO_NETWORK],
      proposedBy: nco.id,
    });
    for (const who of [setouchi, npa, telecom]) {
      expect((await bus.get(`/v1/oversight/agreements/${agreementId}`, who)).status).toBe(404);
      expect((await bus.get('/v1/oversight/agreements', who)).body.items).toEqual([]);
      const hijack = await bus.post(`/v1/oversight/agreements/${agreementId}/acceptance`, who, {
        consent: 'yes',
      });
      expect({ who: who.id, status: hijack.status }).toEqual({ who: who.id, status: 404 });
    }
    expect((await bus.get(`/v1/oversight/agreements/${agreementId}`, commission)).status).toBe(200);

    // Still only proposed: nothing accepted.
    expect((await submit({ flows: [flow()] }, 'agr-proposed')).status).toBe(403);

    const orgToken = { ...kanto, token: kanto.adminToken ?? '' };
    expect(
      (
        await bus.post(`/v1/oversight/agreements/${agreementId}/acceptance`, orgToken, {
          consent: 'yes',
        })
      ).status,
    ).toBe(403);
    const accepted = await bus.post(`/v1/oversight/agreements/${agreementId}/acceptance`, kanto, {
      consent: 'Kanto Electric consents to supply border flow metadata under this agreement',
    });
    expect(accepted.status).toBe(201);
  });

  it('under the agreement: flows from its networks accepted, domestic refused, others and contents refused whole', async () => {
    const before = await written();
    const contents = await submit(
      { flows: [{ ...flow(), payload: 'GET / HTTP/1.1' }] },
      'agr-contents',
    );
    expect(contents.status).toBe(400);
    const elsewhere = await waitFor(
      'the agreement in force at the edge',
      async () => {
        const r = await submit({ flows: [flow(), flow({ dstAddress: JP_B })] }, 'agr-elsewhere');
        return r.status === 403 ? null : r;
      },
      30_000,
      200,
    );
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.field).toBe('flows.1');
    expect(await written()).toBe(before);

    const ok = await submit(
      {
        flows: [
          flow({ srcAddress: C2_FOREIGN, dstAddress: JP_A }), // matches the indicator
          flow({ srcAddress: JP_B, dstAddress: JP_A }), // domestic: refused and counted
          flow(),
        ],
      },
      'agr-batch-1',
    );
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({
      authorisationId: agreementId,
      received: 3,
      accepted: 2,
      refusedDomestic: 1,
    });
    const batchId = String(ok.body.batchId);

    const mine = await waitFor(
      'the match shared back with the operator',
      async () => {
        const r = await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), kanto);
        return r.status === 200 && (r.body.items as unknown[]).length > 0 ? r.body.items : null;
      },
      60_000,
      250,
    );
    expect(mine).toEqual([
      expect.objectContaining({ indicator: expect.objectContaining({ id: indicatorId }) }),
    ]);
    const matchId = String((mine[0] as { id: string }).id);
    expect((await bus.get(mq(`/v1/traffic/matches/${matchId}`), kanto)).status).toBe(200);
    // Nobody else's: another operator and the telecom see none of it.
    for (const who of [setouchi, telecom]) {
      const r = await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), who);
      expect(r.body.items).toEqual([]);
      expect((await bus.get(mq(`/v1/traffic/matches/${matchId}`), who)).status).toBe(404);
    }
    // Its own submission, with its counts.
    const own = await bus.get(mq(`/v1/traffic/flow-batches/${batchId}`), kanto);
    expect(own.status).toBe(200);
  });

  it('either side ends it; then nothing more is accepted', async () => {
    const ended = await bus.post(`/v1/oversight/agreements/${agreementId}/end`, kanto, {
      reason: 'The monitoring pilot is over',
    });
    expect(ended.status).toBe(201);
    const refused = await waitFor(
      'the ended agreement refused at the edge',
      async () => {
        const r = await submit({ flows: [flow()] }, `agr-after-${Date.now()}`);
        return r.status === 403 ? r : null;
      },
      30_000,
      250,
    );
    expect(refused.body.reason).toBe('no-live-agreement');
    const view = await bus.get(`/v1/oversight/agreements/${agreementId}`, nco);
    expect(view.body).toMatchObject({ status: 'ended', ended: { byOrgId: kanto.id } });
    expect(view.body.consent).toMatchObject({
      statement: 'Kanto Electric consents to supply border flow metadata under this agreement',
    });
  });
});
