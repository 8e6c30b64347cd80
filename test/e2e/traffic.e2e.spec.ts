import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { C2_FOREIGN, CN, JP_A, JP_B, US, flowRecord, topicsWritten } from '../support/flows';
import { seedTraffic } from '../../apps/cli/src/demo/demo-traffic';
import { runDemoStep } from '../support/demo';

jest.setTimeout(300_000);

const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const flow = flowRecord;

/**
 * Cross-border flow metadata through the HTTP API with every service running: no submission
 * without a live collection authorisation (voted through by the commission); domestic flows
 * refused and counted; matches against published indicators visible to the cabinet office and
 * the commission, not to the telecom, an operator, the police or the SDF; a match cited as
 * evidence in an operation request.
 */
describe('traffic: flow metadata under a collection authorisation', () => {
  let bus: BusUnderTest;
  let telecom: DemoOrg;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let sdf: DemoOrg;
  let kanto: DemoOrg;
  let commission: DemoOrg;
  let members: DemoOrg[];
  const indicatorIds: Record<string, string> = {};

  beforeAll(async () => {
    bus = await BusUnderTest.start('trf', {
      ACD_FLOW_BATCH_MAX_BODY: '1mb',
      ACD_FLOW_BATCH_MAX_FLOWS: '3000',
      ACD_FLOW_CHUNK_SIZE: '500',
    });
    telecom = bus.byId('tel-nihon-backbone');
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    sdf = bus.byId('gov-sdf-cyber-defense-command');
    kanto = bus.byId('op-kanto-electric');
    commission = bus.byId('gov-cyber-oversight-commission');
    members = (commission.members ?? []).map((m) => ({ ...commission, token: m.token }));

    // Indicators the matcher will know: an address and a domain.
    for (const [name, body] of [
      ['address', { type: 'ipv4', value: C2_FOREIGN, tlp: 'GREEN' }],
      [
        'domain',
        {
          type: 'domain',
          value: 'evil-c2.example',
          tlp: 'AMBER',
          audience: { sectors: ['electricity'] },
        },
      ],
    ] as const) {
      const r = await bus.post('/v1/indicators', kanto, body, { 'Idempotency-Key': `trf-${name}` });
      expect(r.status).toBe(201);
      indicatorIds[name] = String(r.body.indicatorId ?? r.body.id);
    }
  });
  afterAll(async () => {
    await bus?.stop();
  });

  /** A metadata query states its purpose (400 without one). */
  const mq = (path: string, purpose = 'threat-analysis') =>
    `${path}${path.includes('?') ? '&' : '?'}purpose=${purpose}`;

  const submit = (body: unknown, key: string, who: DemoOrg = telecom) =>
    bus.post('/v1/traffic/flow-batches', who, body, { 'Idempotency-Key': key });

  /**
   * High watermarks of traffic topics: what has been written to them at all. Only the gateway
   * writes the flows topic; the matcher also writes the events topic, at any time.
   */
  const written = (names: string[] = ['acd.traffic.flows.v1', 'acd.traffic.events.v1']) =>
    topicsWritten(bus, names);

  it('refuses a whole submission without a live collection authorisation, and one by a non-telecom', async () => {
    const refused = await submit({ flows: [flow()] }, 'no-auth-1');
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toBe('no-live-authorisation');
    expect(String(refused.body.message)).toMatch(/no collection authorisation/);
    const byOperator = await submit({ flows: [flow()] }, 'op-1', kanto);
    expect(byOperator.status).toBe(403);
    // Nothing reached Kafka.
    expect(await written()).toMatch(/^[0,]+ \| [0,]+$/);
    // Nothing was recorded.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await bus.get(mq('/v1/traffic/flow-batches'), nco)).body.items).toEqual([]);
  });

  it('accepts cross-border flows once the commission approved collection; refuses domestic ones', async () => {
    const created = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: telecom.id,
      categories: ['addresses', 'ports', 'protocols', 'volumes', 'timings'],
      validFrom: at(-60_000),
      validUntil: at(30 * DAY),
      justification: 'Botnet command traffic transiting Japan towards grid operators',
    });
    expect(created.status).toBe(201);
    const requestId = String(created.body.requestId);
    for (const m of members.slice(0, 3)) {
      const v = await bus.post(`/v1/oversight/requests/${requestId}/votes`, m, { vote: 'approve' });
      expect(v.status).toBe(201);
    }
    await waitFor(
      'authorisation approved and readable',
      async () =>
        (await bus.get(`/v1/oversight/requests/${requestId}`, nco)).body.status === 'approved',
      60_000,
    );

    const flows = [
      flow({ srcAddress: C2_FOREIGN, dstAddress: JP_A }), // 0: matches the address indicator
      flow({ srcAddress: JP_A, dstAddress: JP_B }), // 1: domestic
      flow({ srcAddress: JP_B, dstAddress: JP_A, protocol: 17 }), // 2: domestic
      flow({ srcAddress: CN, dstAddress: US, domain: 'cdn.evil-c2.example' }), // 3: transit, domain match
      flow({ srcPort: 70_000 }), // 4: invalid
      flow({ srcAddress: '10.1.2.3', dstAddress: JP_A }), // 5: private to Japan: not provably abroad
      flow({ srcAddress: US, dstAddress: JP_B, protocol: 'icmp', srcPort: null, dstPort: null }), // 6: plain
    ];
    const accepted = await submit({ flows }, 'batch-1');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      authorisationId: requestId,
      received: 7,
      accepted: 3,
      refusedDomestic: 2,
      refusedUnlocated: 1,
      invalid: [{ index: 4, field: 'srcPort', reason: 'must be an integer from 0 to 65535' }],
      duplicate: false,
    });
    const batchId = String(accepted.body.batchId);

    // The same Idempotency-Key again: the same batch, nothing published a second time.
    const before = await written(['acd.traffic.flows.v1']);
    const again = await submit({ flows }, 'batch-1');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ batchId, accepted: 3, duplicate: true });
    expect(await written(['acd.traffic.flows.v1'])).toBe(before);

    // The key with other flows (issue 10, finding 4): refused, not answered as a duplicate whose
    // new flows would silently vanish; nothing published.
    const reused = await submit({ flows: [flow({ srcAddress: CN, dstAddress: JP_B })] }, 'batch-1');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ field: 'Idempotency-Key' });
    expect(await written(['acd.traffic.flows.v1'])).toBe(before);

    // The telecom sees its submission with the counts; an operator sees nothing.
    const own = await waitFor(
      'submission readable by the telecom',
      async () => {
        const r = await bus.get(mq('/v1/traffic/flow-batches', 'submission-check'), telecom);
        return r.body.items?.length ? r.body.items : null;
      },
      60_000,
    );
    expect(own).toEqual([
      expect.objectContaining({
        batchId,
        received: 7,
        accepted: 3,
        refusedDomestic: 2,
        invalid: 1,
      }),
    ]);
    expect((await bus.get(mq('/v1/traffic/flow-batches'), kanto)).body.items).toEqual([]);
    expect((await bus.get(mq(`/v1/traffic/flow-batches/${batchId}`), kanto)).status).toBe(404);

    // The matches reach the cabinet office: the address on flow 0, the parent domain on flow 3.
    const matches = await waitFor(
      'matches readable by the office',
      async () => {
        const r = await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), nco);
        return (r.body.items?.length ?? 0) >= 2 ? r.body.items : null;
      },
      90_000,
      500,
    );
    expect(matches).toHaveLength(2);
    const byIndicator = Object.fromEntries(
      matches.map((m) => [String((m.indicator as { id: string }).id), m]),
    );
    expect(byIndicator[indicatorIds.address ?? '']).toMatchObject({
      flowIndex: 0,
      matchedOn: 'address',
      endpoint: 'source',
      indicator: { type: 'ipv4', value: C2_FOREIGN, tlp: 'GREEN' },
      flow: { srcAddress: C2_FOREIGN, dstAddress: JP_A, dstCountry: 'JP' },
    });
    expect(byIndicator[indicatorIds.domain ?? '']).toMatchObject({
      flowIndex: 3,
      matchedOn: 'domain',
      endpoint: null,
      indicator: { type: 'domain', value: 'evil-c2.example', tlp: 'AMBER' },
      flow: { domain: 'cdn.evil-c2.example', srcCountry: 'CN', dstCountry: 'US' },
    });
    // Nothing domestic ever reached the matcher.
    expect(
      matches.every(
        (m) =>
          (m.flow as { srcCountry: string }).srcCountry !== 'JP' ||
          (m.flow as { dstCountry: string }).dstCountry !== 'JP',
      ),
    ).toBe(true);

    const matchId = String(matches[0]?.id);
    expect((await bus.get(mq(`/v1/traffic/matches/${matchId}`), nco)).status).toBe(200);
    expect(
      (await bus.get(mq(`/v1/traffic/matches/${matchId}`), members[0] as DemoOrg)).status,
    ).toBe(200);
    for (const who of [telecom, kanto, npa, sdf]) {
      expect((await bus.get(mq(`/v1/traffic/matches/${matchId}`), who)).status).toBe(404);
      expect((await bus.get(mq('/v1/traffic/matches'), who)).body.items).toEqual([]);
    }
    const filtered = await bus.get(
      mq(`/v1/traffic/matches?indicatorId=${indicatorIds.domain}`),
      nco,
    );
    expect(filtered.body.items?.map((m) => m.flowIndex)).toEqual([3]);

    // The commission reads the matches, and of the matched indicators only those it may read:
    // the GREEN address, not the AMBER domain for the electricity sector (its id, label and value
    // are left out; the flow still shows what it was). Filtering by that id finds nothing.
    const member = members[0] as DemoOrg;
    const asCommission = await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), member);
    expect(
      Object.fromEntries((asCommission.body.items ?? []).map((m) => [m.flowIndex, m.indicator])),
    ).toEqual({
      0: { id: indicatorIds.address, type: 'ipv4', value: C2_FOREIGN, tlp: 'GREEN' },
      3: null,
    });
    expect(JSON.stringify(asCommission.body)).not.toContain(String(indicatorIds.domain));
    expect(
      (await bus.get(mq(`/v1/traffic/matches?indicatorId=${indicatorIds.domain}`), member)).body
        .items,
    ).toEqual([]);

    // A match is evidence an operation request can cite.
    const operation = await bus.post('/v1/oversight/operation-requests', npa, {
      target: { type: 'ip', value: C2_FOREIGN },
      justification: 'Command-and-control server seen in cross-border flow metadata',
      evidence: [{ type: 'flow-match', id: matchId }],
      measures: ['access'],
      validFrom: at(-60_000),
      validUntil: at(7 * DAY),
      attestation: { belowArmedAttackThreshold: true },
    });
    expect(operation.status).toBe(201);

    // The duplicate published nothing: still exactly two matches, one submission.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(
      (await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), nco)).body.items,
    ).toHaveLength(2);
    expect((await bus.get(mq('/v1/traffic/flow-batches'), nco)).body.items).toHaveLength(1);
  });

  it('answers contents and bad shapes with 400, and sizes with 413; big batches have their own limit', async () => {
    const withPayload = await submit({ flows: [flow({ payload: 'GET / HTTP/1.1' })] }, 'bad-1');
    expect(withPayload.status).toBe(400);
    expect(withPayload.body.issues).toEqual([
      expect.objectContaining({ field: 'flows.0', reason: expect.stringMatching(/payload/) }),
    ]);
    const wrongType = await submit({ flows: [flow({ bytes: 'many' })] }, 'bad-2');
    expect(wrongType.status).toBe(400);
    expect(String(wrongType.body.message)).toMatch(/^flows\.0\.bytes/);

    // ~400 KB: over the global 256kb, under this route's 1mb (set for this test).
    const big = Array.from({ length: 2_000 }, (_, i) => flow({ srcPort: 1024 + i }));
    expect(JSON.stringify({ flows: big }).length).toBeGreaterThan(300_000);
    const bigAnswer = await submit({ flows: big }, 'big-1');
    expect(bigAnswer.status).toBe(202);
    expect(bigAnswer.body.accepted).toBe(2_000);

    const tooMany = await submit({ flows: Array.from({ length: 3_001 }, () => flow()) }, 'many-1');
    expect(tooMany.status).toBe(413);
    expect(String(tooMany.body.message)).toMatch(/at most 3000 per request/);

    const padded = Array.from({ length: 2_500 }, () => flow({ observationPoint: 'x'.repeat(250) }));
    const tooBig = await submit({ flows: padded }, 'huge-1');
    expect(tooBig.status).toBe(413);
    expect(String(tooBig.body.message)).toMatch(/ACD_FLOW_BATCH_MAX_BODY/);

    // Every other route keeps the global limit.
    const elsewhere = await bus.post('/v1/indicators', kanto, {
      type: 'ipv4',
      value: '192.0.2.1',
      tlp: 'CLEAR',
      description: 'x'.repeat(300_000),
    });
    expect(elsewhere.status).toBe(413);
  });

  it('the demo submits its batches, matches the demo indicators, and twice publishes nothing again', async () => {
    // The indicators `npm start` publishes that flow metadata can match.
    for (const [key, body] of [
      ['demo-ip', { type: 'ipv4', value: '203.0.113.10', tlp: 'CLEAR' }],
      ['demo-domain', { type: 'domain', value: 'update-check.example.net', tlp: 'GREEN' }],
      [
        'demo-cidr',
        { type: 'cidr', value: '192.0.2.0/24', tlp: 'RED', audience: { orgs: [nco.id] } },
      ],
    ] as const) {
      expect(
        (await bus.post('/v1/indicators', kanto, body, { 'Idempotency-Key': key })).status,
      ).toBe(201);
    }
    const run = () => runDemoStep(bus, seedTraffic);
    const totals = {
      batches: 3,
      received: 104,
      accepted: 100,
      refusedDomestic: 4,
      refusedUnlocated: 0,
      invalid: 0,
    };
    expect(await run()).toEqual({ ...totals, duplicates: 0 });
    expect(await run()).toEqual({ ...totals, duplicates: 3 });

    const demoMatches = await waitFor(
      'demo matches readable by the office',
      async () => {
        const r = await bus.get(mq('/v1/traffic/matches?limit=1000'), nco);
        const demo = (r.body.items ?? []).filter((m) =>
          ['203.0.113.10', 'update-check.example.net', '192.0.2.0/24'].includes(
            String((m.indicator as { value: string }).value),
          ),
        );
        return demo.length >= 4 ? demo : null;
      },
      90_000,
      500,
    );
    expect(demoMatches.map((m) => m.matchedOn).sort()).toEqual([
      'address',
      'cidr',
      'domain',
      'domain',
    ]);
  });

  it('Given a flow that matches a RED indicator named to another operator, When the office reads matches, Then the match does not exist for it; the commission sees the flow with the indicator withheld', async () => {
    const hiddenValue = '8.8.8.8';
    const tokai = bus.byId('op-tokai-rail');
    const red = await bus.post(
      '/v1/indicators',
      kanto,
      { type: 'ipv4', value: hiddenValue, tlp: 'RED', audience: { orgs: [tokai.id] } },
      { 'Idempotency-Key': 'trf-red-hidden' },
    );
    expect(red.status).toBe(201);
    const redId = String(red.body.indicatorId ?? red.body.id);
    await waitFor(
      'the RED indicator projected',
      async () => (await bus.get(`/v1/indicators/${redId}`, tokai)).status === 200,
      30_000,
      100,
    );
    // With a flow on the GREEN indicator in the same batch.
    const flows = [flow({ srcAddress: hiddenValue }), flow({ srcAddress: C2_FOREIGN })];
    const member = members[0] as DemoOrg;
    const sent = await submit({ flows }, 'red-hidden-1');
    expect(sent.status).toBe(202);
    const batchId = String(sent.body.batchId);
    await waitFor(
      'both flows matched (the commission reads every match)',
      async () =>
        ((await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), member)).body.items?.length ??
          0) >= 2,
      90_000,
      500,
    );
    const asCommission = (await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), member)).body
      .items!;
    const hiddenMatch = asCommission.find((m) => m.flowIndex === 0)!;
    expect(hiddenMatch.indicator).toBeNull();

    // The office: the GREEN match, and nothing of the RED one, by list, filter or id.
    const asOffice = await bus.get(mq(`/v1/traffic/matches?batchId=${batchId}`), nco);
    expect(asOffice.body.items?.map((m) => m.flowIndex)).toEqual([1]);
    expect(JSON.stringify(asOffice.body)).not.toContain(hiddenValue);
    const all = await bus.get(mq('/v1/traffic/matches?limit=1000'), nco);
    expect(JSON.stringify(all.body)).not.toContain(String(hiddenMatch.id));
    expect(JSON.stringify(all.body)).not.toContain(hiddenValue);
    expect((await bus.get(mq(`/v1/traffic/matches?indicatorId=${redId}`), nco)).body.items).toEqual(
      [],
    );
    const byId = await bus.get(mq(`/v1/traffic/matches/${String(hiddenMatch.id)}`), nco);
    const unknown = await bus.get(
      mq('/v1/traffic/matches/00000000-0000-4000-8000-000000000000'),
      nco,
    );
    expect(byId.status).toBe(404);
    expect(byId.body).toEqual(unknown.body);
  });

  it('refuses flows carrying categories the authorisation in force does not cover', async () => {
    // A newer authorisation (it runs longer, so it is the one in force) without protocols and volumes.
    const created = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: telecom.id,
      categories: ['addresses', 'ports', 'timings'],
      validFrom: at(-60_000),
      validUntil: at(60 * DAY),
      justification: 'Narrower collection: endpoints and timings only',
    });
    expect(created.status).toBe(201);
    const requestId = String(created.body.requestId);
    for (const m of members.slice(0, 3)) {
      await bus.post(`/v1/oversight/requests/${requestId}/votes`, m, { vote: 'approve' });
    }
    await waitFor(
      'narrower authorisation approved',
      async () =>
        (await bus.get(`/v1/oversight/requests/${requestId}`, nco)).body.status === 'approved',
      60_000,
    );
    const before = await written(['acd.traffic.flows.v1']);
    const refused = await submit({ flows: [flow()] }, 'narrow-1');
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toBe('categories-not-authorised');
    expect(String(refused.body.message)).toMatch(/does not cover: protocols, volumes/);
    expect(await written(['acd.traffic.flows.v1'])).toBe(before);
  });

  it('Given a metadata query without a purpose (or with one not listed), When it is made, Then 400 naming the purposes, and nothing is recorded; with a purpose, the audit record of the query carries it', async () => {
    const marker = `purpose-${Date.now()}`;
    const purposes =
      'threat-analysis, incident-response, operation-preparation, oversight-audit, submission-check';
    for (const path of [
      `/v1/traffic/matches?batchId=${marker}`,
      `/v1/traffic/matches?batchId=${marker}&purpose=curiosity`,
      '/v1/traffic/matches/00000000-0000-4000-8000-000000000000',
      '/v1/traffic/flow-batches',
      '/v1/traffic/flow-batches/00000000-0000-4000-8000-000000000000',
      '/v1/aggregates/traffic?days=7',
    ]) {
      const res = await bus.get(path, nco);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(String(res.body.message)).toMatch(
        path.includes('curiosity')
          ? `purpose: must be one of ${purposes}`
          : `purpose: a metadata query states its purpose: one of ${purposes}`,
      );
    }
    const note = 'incident 2026-118, C2 beaconing';
    const ok = await bus.get(
      `/v1/traffic/matches?batchId=${marker}-ok&purpose=incident-response&purposeNote=${encodeURIComponent(note)}`,
      nco,
    );
    expect(ok.status).toBe(200);
    const counts = await bus.get('/v1/aggregates/traffic?days=7&purpose=oversight-audit', nco);
    expect(counts.status).toBe(200);

    type Entry = {
      entry: { eventType: string; orgId: string; payload: { route: string; query: string } };
    };
    const reads = async (): Promise<Entry['entry'][]> => {
      const out: Entry['entry'][] = [];
      let from: number | null = 0;
      while (from !== null) {
        const page = await bus.get(`/v1/audit/entries?from=${from}&limit=1000`, commission);
        out.push(...((page.body.entries ?? []) as unknown as Entry[]).map((e) => e.entry));
        from = (page.body.next as number | null) ?? null;
      }
      return out.filter((e) => e.eventType === 'ReadRecorded' && e.orgId === nco.id);
    };
    const recorded = await waitFor(
      'the purposed queries in the audit log',
      async () => {
        const all = await reads();
        const counted = all.find((e) => e.payload.route === 'GET /v1/aggregates/traffic');
        return all.some((e) => e.payload.query.includes(`${marker}-ok`)) && counted ? all : null;
      },
      60_000,
      500,
    );
    const query = (e: Entry['entry']) => JSON.parse(e.payload.query) as Record<string, unknown>;
    expect(recorded.filter((e) => query(e).batchId === `${marker}-ok`).map(query)).toEqual([
      { batchId: `${marker}-ok`, limit: 100, purpose: 'incident-response', purposeNote: note },
    ]);
    expect(
      recorded.filter((e) => e.payload.route === 'GET /v1/aggregates/traffic').map(query),
    ).toContainEqual({ days: 7, purpose: 'oversight-audit' });
    // The refused attempts came first, from the same organisation: had they been recorded, they
    // would be in the log before the purposed one.
    expect(recorded.filter((e) => query(e).batchId === marker)).toEqual([]);
    for (const e of recorded.filter((x) => x.payload.route.startsWith('GET /v1/traffic/'))) {
      expect(query(e).purpose).toEqual(expect.any(String));
    }
  });

  it('documents the traffic routes in the OpenAPI document', async () => {
    const doc = await bus.get('/docs-json', null);
    const paths = Object.keys((doc.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/traffic/flow-batches',
        '/v1/traffic/flow-batches/{id}',
        '/v1/traffic/matches',
        '/v1/traffic/matches/{id}',
      ]),
    );
  });
});
