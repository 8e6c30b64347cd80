import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, TopicNames, withAdmin } from '@acd/messaging';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { seedOversight } from '../../apps/cli/src/demo/demo-oversight';
import { runDemoStep } from '../support/demo';

jest.setTimeout(240_000);

const H = 3_600_000;
const DAY = 24 * H;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Addresses the IP-to-country dataset knows: one in Japan, one in the United States. */
const JP_ADDRESS = '133.242.0.1';
const US_ADDRESS = '45.33.32.156';

/**
 * The oversight commission through the HTTP API with the real processor, projector and
 * scheduler: a collection authorisation voted through; a police operation requested, approved,
 * executed and reported while the SDF and an operator see none of it; a target abroad refused
 * until the Foreign Minister was consulted; and an emergency operation whose agency misses its
 * (here three-second) notification deadline, shown on the commission's board.
 */
describe('oversight: authorisations, operations and the emergency path', () => {
  let bus: BusUnderTest;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let sdf: DemoOrg;
  let telecom: DemoOrg;
  let kanto: DemoOrg;
  let commission: DemoOrg;
  let members: DemoOrg[];
  /** An indicator every agency may read (GREEN, no audience): the evidence the requests cite. */
  let evidenceId: string;
  /** A RED indicator only its publisher and named organisations read: not the police's to cite. */
  let hiddenId: string;

  beforeAll(async () => {
    bus = await BusUnderTest.start('ovs', { ACD_EMERGENCY_NOTIFY_WITHIN: 'PT3S' });
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    sdf = bus.byId('gov-sdf-cyber-defense-command');
    telecom = bus.byId('tel-nihon-backbone');
    kanto = bus.byId('op-kanto-electric');
    commission = bus.byId('gov-cyber-oversight-commission');
    members = (commission.members ?? []).map((m) => ({ ...commission, token: m.token }));
    expect(members).toHaveLength(5);
    evidenceId = await bus.publish(kanto, {
      type: 'ipv4',
      value: '198.51.100.77',
      tlp: 'GREEN',
      description: 'C2 server seen steering the grid intrusions',
    });
    hiddenId = await bus.publish(kanto, {
      type: 'domain',
      value: 'c2.kanto-only.example',
      tlp: 'RED',
      audience: { orgs: ['op-setouchi-grid'] },
    });
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const member = (i: number): DemoOrg => {
    const m = members[i];
    if (!m) throw new Error(`no member ${i}`);
    return m;
  };

  /** Waits until `who` reads the request at `version` or later, and returns it. */
  const readBack = async (id: string, who: DemoOrg, version: number) =>
    waitFor(
      `request ${id} v${version} readable by ${who.id}`,
      async () => {
        const r = await bus.get(`/v1/oversight/requests/${id}`, who);
        return r.status === 200 && Number(r.body.version) >= version ? r.body : null;
      },
      30_000,
      100,
    );

  const approveByThree = async (id: string) => {
    const first = await bus.post(`/v1/oversight/requests/${id}/votes`, member(0), {
      vote: 'approve',
    });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('pending');
    const second = await bus.post(`/v1/oversight/requests/${id}/votes`, member(1), {
      vote: 'deny',
      reason: 'Evidence is thin',
    });
    expect(second.body.status).toBe('pending');
    const third = await bus.post(`/v1/oversight/requests/${id}/votes`, member(2), {
      vote: 'approve',
      reason: 'Proportionate',
    });
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({
      requestId: id,
      status: 'approved',
      approvals: 2,
      denials: 1,
    });
    return third;
  };

  const operationBody = (over: Record<string, unknown> = {}) => ({
    target: { type: 'ip', value: JP_ADDRESS },
    justification: 'Command-and-control server steering a botnet against grid operators',
    evidence: [{ type: 'indicator', id: evidenceId }],
    measures: ['access', 'disable-malware'],
    validFrom: at(-60_000),
    validUntil: at(7 * DAY),
    attestation: { belowArmedAttackThreshold: true },
    ...over,
  });

  /** The order the SDF act on, given a minute ago. */
  const pmOrder = {
    givenAt: at(-60_000),
    grounds: 'A particularly sophisticated, organised attack from abroad on defence suppliers',
    reference: 'PMO-CD-2026-014',
  };

  /** Waits until the commission's board lists request `id` under `list`; returns that entry. */
  const boardEntry = (list: 'pending' | 'missedNotifications', id: string, timeoutMs = 30_000) =>
    waitFor(
      `request ${id} in the board's ${list}`,
      async () => {
        const r = await bus.get('/v1/oversight/board', member(0));
        return (r.body[list] as Record<string, unknown>[] | undefined)?.find(
          (e) => e.requestId === id,
        );
      },
      timeoutMs,
      250,
    );

  const CONSULTED = 'The Foreign Minister was consulted and raised no objection';

  /**
   * The rule abroad, for whichever agency asked: an approved request on a target abroad is
   * refused until the agency records the Foreign Minister's consultation, then executed.
   * Resolves with the request as the agency reads it afterwards.
   */
  const executeAbroadAfterConsulting = async (id: string, agency: DemoOrg) => {
    const act = execution({ target: US_ADDRESS });
    const refused = await bus.post(`/v1/oversight/requests/${id}/execution`, agency, act);
    expect(refused.status).toBe(409);
    expect(refused.body.field).toBe('consultation');
    const consulted = await bus.post(`/v1/oversight/requests/${id}/consultations`, agency, {
      consultedAt: at(-5_000),
      summary: CONSULTED,
    });
    expect(consulted.status).toBe(201);
    const accepted = await bus.post(`/v1/oversight/requests/${id}/execution`, agency, act);
    expect(accepted.status).toBe(201);
    return readBack(id, agency, Number(accepted.body.version));
  };

  /** The end offset of every partition of the oversight commands topic: what reached Kafka. */
  const commandOffsets = async () => {
    const cfg = loadConfig(kafkaSchema, bus.env);
    const topic = new TopicNames(cfg.ACD_TOPIC_PREFIX).of('oversightCommands');
    const offsets = await withAdmin(createKafka(cfg, 'e2e-oversight-offsets'), (admin) =>
      admin.fetchTopicOffsets(topic),
    );
    return offsets.map((o) => `${o.partition}:${o.high}`).sort();
  };

  const execution = (over: Record<string, unknown> = {}) => ({
    target: JP_ADDRESS,
    startedAt: at(-20_000),
    endedAt: at(-10_000),
    outcome: 'succeeded',
    summary: 'Accessed the server and disabled the bot controller',
    measuresTaken: ['access', 'disable-malware'],
    ...over,
  });

  it('the oversight routes are in the OpenAPI document', async () => {
    const doc = (await bus.get('/docs-json', null)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/oversight/collection-requests',
        '/v1/oversight/operation-requests',
        '/v1/oversight/emergency-operations',
        '/v1/oversight/requests/{id}/votes',
        '/v1/oversight/requests/{id}/consultations',
        '/v1/oversight/requests/{id}/execution',
        '/v1/oversight/requests/{id}/notification',
        '/v1/oversight/requests/{id}/report',
        '/v1/oversight/requests/{id}',
        '/v1/oversight/requests',
        '/v1/oversight/operations',
        '/v1/oversight/board',
      ]),
    );
  });

  it('a collection authorisation: requested by the office, voted through, then visible to its telecom', async () => {
    const bad = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: telecom.id,
      categories: ['addresses', 'contents'],
      validFrom: at(0),
      validUntil: at(30 * DAY),
      justification: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ field: 'categories.1' })]);

    const notTelecom = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: kanto.id,
      categories: ['addresses'],
      validFrom: at(0),
      validUntil: at(30 * DAY),
      justification: 'Botnet traffic transiting Japan',
    });
    expect(notTelecom.status).toBe(422);
    expect(notTelecom.body.field).toBe('telecomId');

    const byPolice = await bus.post('/v1/oversight/collection-requests', npa, {
      telecomId: telecom.id,
      categories: ['addresses'],
      validFrom: at(0),
      validUntil: at(30 * DAY),
      justification: 'Botnet traffic transiting Japan',
    });
    expect(byPolice.status).toBe(403);

    const created = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: telecom.id,
      categories: ['addresses', 'ports', 'timings'],
      validFrom: at(0),
      validUntil: at(30 * DAY),
      justification: 'Botnet traffic transiting Japan towards grid operators',
    });
    expect(created.status).toBe(201);
    const id = String(created.body.requestId);
    expect(created.body).toMatchObject({ requestId: id, version: 1, status: 'pending' });
    const pending = await readBack(id, nco, 1);
    expect(pending).toMatchObject({ kind: 'collection', status: 'pending', expiresAt: null });

    // A pending request is the government's deliberation: not the telecom's, nor anyone else's.
    expect((await bus.get(`/v1/oversight/requests/${id}`, telecom)).status).toBe(404);
    expect((await bus.get(`/v1/oversight/requests/${id}`, kanto)).status).toBe(404);
    expect((await bus.get(`/v1/oversight/requests/${id}`, npa)).status).toBe(404);

    // Who may not vote: the commission's organisation token, and anyone not in the commission.
    const orgToken = await bus.post(`/v1/oversight/requests/${id}/votes`, commission, {
      vote: 'approve',
    });
    expect(orgToken.status).toBe(403);
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/votes`, npa, { vote: 'approve' })).status,
    ).toBe(404);
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/votes`, nco, { vote: 'approve' })).status,
    ).toBe(403);
    const badVote = await bus.post(`/v1/oversight/requests/${id}/votes`, member(0), {
      vote: 'maybe',
    });
    expect(badVote.status).toBe(400);
    expect(badVote.body.issues).toEqual([expect.objectContaining({ field: 'vote' })]);

    const first = await bus.post(`/v1/oversight/requests/${id}/votes`, member(0), {
      vote: 'approve',
    });
    expect(first.body.status).toBe('pending');
    const twice = await bus.post(`/v1/oversight/requests/${id}/votes`, member(0), { vote: 'deny' });
    expect(twice.status).toBe(409);
    await bus.post(`/v1/oversight/requests/${id}/votes`, member(1), { vote: 'approve' });
    const third = await bus.post(`/v1/oversight/requests/${id}/votes`, member(3), {
      vote: 'approve',
    });
    expect(third.body).toMatchObject({ status: 'approved', approvals: 3, denials: 0 });
    const late = await bus.post(`/v1/oversight/requests/${id}/votes`, member(4), { vote: 'deny' });
    expect(late.status).toBe(409);

    const approved = await readBack(id, nco, Number(third.body.version));
    expect(approved).toMatchObject({ status: 'approved', live: true, expired: false });
    expect(Date.parse(String(approved.expiresAt))).toBeGreaterThan(Date.now() + 29 * DAY);

    // Approved, the named telecom reads what it may supply, without the justification.
    const seen = await bus.get(`/v1/oversight/requests/${id}`, telecom);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      status: 'approved',
      categories: ['addresses', 'ports', 'timings'],
    });
    expect(seen.body.justification).toBeUndefined();
    expect((await bus.get('/v1/oversight/requests', telecom)).body.items?.map((i) => i.id)).toEqual(
      [id],
    );
    expect((await bus.get(`/v1/oversight/requests/${id}`, kanto)).status).toBe(404);

    // The board carries the audit log's newest signed head once the votes are appended to it,
    // signed by the key the audit API publishes.
    const board = await waitFor(
      'the audit head on the board',
      async () => {
        const b = await bus.get('/v1/oversight/board', member(0));
        // the request and its three votes at least
        return ((b.body.auditHead as { treeSize?: number } | null)?.treeSize ?? 0) >= 4 ? b : null;
      },
      30_000,
      200,
    );
    expect(board.status).toBe(200);
    const head = board.body.auditHead as { treeSize: number; keyId: string; signature: string };
    expect(head.treeSize).toBeGreaterThanOrEqual(4);
    expect(head.signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const key = await bus.get('/v1/audit/public-key', member(0));
    expect(head.keyId).toBe(key.body.keyId);
    expect((await bus.get('/v1/oversight/board', kanto)).status).toBe(404);
    expect(board.body.approvals).toEqual(
      expect.arrayContaining([expect.objectContaining({ requestId: id, live: true })]),
    );
  });

  it("evidence must exist and be the agency's to cite", async () => {
    const cite = (evidence: { type: string; id: string }[]) =>
      bus.post('/v1/oversight/operation-requests', npa, operationBody({ evidence }));
    const hidden = await cite([
      { type: 'indicator', id: evidenceId },
      { type: 'indicator', id: hiddenId },
    ]);
    expect(hidden.status).toBe(422);
    expect(hidden.body.field).toBe('evidence.1.id');
    const noMatch = await cite([{ type: 'flow-match', id: 'fm-never-recorded' }]);
    expect(noMatch.status).toBe(422);
    expect(noMatch.body.field).toBe('evidence.0.id');
    const noIncident = await cite([{ type: 'incident', id: 'no-such-incident' }]);
    expect(noIncident.status).toBe(422);
    // Nothing was requested: the police's list holds only what the other tests create.
    const mine = await bus.get('/v1/oversight/requests?kind=operation', npa);
    expect(
      (mine.body.items ?? []).filter((i) => JSON.stringify(i.evidence ?? []).includes(hiddenId)),
    ).toEqual([]);
  });

  it('a police operation: requested, approved, executed and reported; the SDF and an operator see nothing', async () => {
    const created = await bus.post('/v1/oversight/operation-requests', npa, operationBody());
    expect(created.status).toBe(201);
    const id = String(created.body.requestId);
    const requested = await readBack(id, npa, 1);
    // The dataset places the address in Japan; no country had to be declared.
    expect(requested).toMatchObject({
      kind: 'operation',
      status: 'pending',
      stage: 'requested',
      target: { type: 'ip', value: JP_ADDRESS, country: 'JP' },
    });

    const tooEarly = await bus.post(`/v1/oversight/requests/${id}/execution`, npa, execution());
    expect(tooEarly.status).toBe(409);

    // The pending request is on the commission's board, with the votes so far.
    await bus.post(`/v1/oversight/requests/${id}/votes`, member(4), { vote: 'approve' });
    const board = await waitFor(
      'vote on the board',
      async () => {
        const r = await bus.get('/v1/oversight/board', member(0));
        const entry = (r.body.pending as Record<string, unknown>[] | undefined)?.find(
          (p) => p.requestId === id,
        );
        return entry && entry.votesCast === 1 ? entry : null;
      },
      30_000,
      100,
    );
    expect(board).toMatchObject({
      approvals: 1,
      quorum: 3,
      awaiting: ['member-1', 'member-2', 'member-3', 'member-4'],
    });

    await bus.post(`/v1/oversight/requests/${id}/votes`, member(0), { vote: 'approve' });
    const decided = await bus.post(`/v1/oversight/requests/${id}/votes`, member(1), {
      vote: 'approve',
    });
    expect(decided.body.status).toBe('approved');

    expect(
      (await bus.post(`/v1/oversight/requests/${id}/execution`, sdf, execution())).status,
    ).toBe(404);
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/execution`, member(0), execution())).status,
    ).toBe(403);
    const beyond = await bus.post(
      `/v1/oversight/requests/${id}/execution`,
      npa,
      execution({ measuresTaken: ['access', 'take-down'] }),
    );
    expect(beyond.status).toBe(422);
    expect(beyond.body.field).toBe('measuresTaken');
    const elsewhere = await bus.post(
      `/v1/oversight/requests/${id}/execution`,
      npa,
      execution({ target: '133.242.0.2' }),
    );
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.field).toBe('target');
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/report`, npa, { summary: 'x' })).status,
    ).toBe(409);

    const done = await bus.post(`/v1/oversight/requests/${id}/execution`, npa, execution());
    expect(done.status).toBe(201);
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/execution`, npa, execution())).status,
    ).toBe(409);
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/report`, sdf, { summary: 'x' })).status,
    ).toBe(404);
    const reported = await bus.post(`/v1/oversight/requests/${id}/report`, npa, {
      summary: 'Botnet controller disabled; no collateral effect observed',
    });
    expect(reported.status).toBe(201);

    const final = await readBack(id, npa, Number(reported.body.version));
    expect(final).toMatchObject({
      status: 'approved',
      stage: 'reported',
      execution: {
        outcome: 'succeeded',
        measuresTaken: ['access', 'disable-malware'],
        emergency: false,
      },
      report: { summary: 'Botnet controller disabled; no collateral effect observed' },
    });
    // The agency sees the counts, not how each member voted.
    expect((final.decision as Record<string, unknown>).votes).toBeUndefined();
    const own = await bus.get('/v1/oversight/operations', npa);
    expect(own.body.items?.map((i) => i.id)).toContain(id);

    // Nobody else: 404 on the item, empty lists, no board.
    for (const outsider of [sdf, kanto, telecom, nco]) {
      expect((await bus.get(`/v1/oversight/requests/${id}`, outsider)).status).toBe(404);
      const ops = await bus.get('/v1/oversight/operations', outsider);
      expect(ops.status).toBe(200);
      expect(ops.body.items).toEqual([]);
      expect((await bus.get('/v1/oversight/board', outsider)).status).toBe(404);
    }
    expect((await bus.get('/v1/oversight/requests', sdf)).body.items).toEqual([]);
    expect((await bus.get('/v1/oversight/requests', kanto)).body.items).toEqual([]);

    const commissionView = await bus.get('/v1/oversight/board', member(2));
    expect(commissionView.body.operations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: id, stage: 'reported', status: 'approved' }),
      ]),
    );
  });

  it('a declared country that contradicts the dataset is refused, naming the field', async () => {
    const res = await bus.post(
      '/v1/oversight/operation-requests',
      npa,
      operationBody({ target: { type: 'ip', value: '8.8.8.8', country: 'JP' } }),
    );
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('target.country');
  });

  it('a target abroad: the police act only after consulting the Foreign Minister', async () => {
    const abroad = operationBody({ target: { type: 'ip', value: US_ADDRESS } });
    const created = await bus.post('/v1/oversight/operation-requests', npa, abroad);
    expect(created.status).toBe(201);
    const id = String(created.body.requestId);
    await approveByThree(id);
    const after = await executeAbroadAfterConsulting(id, npa);
    expect(after).toMatchObject({
      target: { country: 'US' },
      stage: 'executed',
      primeMinisterOrder: null,
      attestation: { belowArmedAttackThreshold: true },
      legacy: false,
      consultation: { summary: CONSULTED },
    });
  });

  it("the SDF abroad on the Prime Minister's order: the commission sees the order and the attestation, approves, and execution waits for the Foreign Minister", async () => {
    const created = await bus.post(
      '/v1/oversight/operation-requests',
      sdf,
      operationBody({
        target: { type: 'ip', value: US_ADDRESS },
        primeMinisterOrder: pmOrder,
        attestation: {
          belowArmedAttackThreshold: true,
          justification: 'Blocking one staging server; no kinetic or lasting effect',
        },
      }),
    );
    expect(created.status).toBe(201);
    const id = String(created.body.requestId);

    // What the members weigh when they vote: the order and the attestation, on the board.
    const pending = await boardEntry('pending', id);
    expect(pending).toMatchObject({
      requesterKind: 'sdf',
      target: { country: 'US' },
      primeMinisterOrder: {
        givenAt: new Date(pmOrder.givenAt).toISOString(),
        grounds: pmOrder.grounds,
        reference: pmOrder.reference,
      },
      attestation: {
        belowArmedAttackThreshold: true,
        justification: 'Blocking one staging server; no kinetic or lasting effect',
      },
      legacy: false,
    });
    await approveByThree(id);

    // The consultation is the requesting agency's to record: not the police's (they do not see it).
    const byPolice = await bus.post(`/v1/oversight/requests/${id}/consultations`, npa, {
      consultedAt: at(-5_000),
      summary: 'x',
    });
    expect(byPolice.status).toBe(404);
    const after = await executeAbroadAfterConsulting(id, sdf);
    expect(after).toMatchObject({
      requesterKind: 'sdf',
      stage: 'executed',
      status: 'approved',
      primeMinisterOrder: { reference: pmOrder.reference },
      consultation: { summary: CONSULTED },
    });
  });

  it('refused at the edge, naming the field, with nothing sent to Kafka: the SDF without an order, the police with one, any request without the attestation', async () => {
    const before = await commandOffsets();
    const abroad = { target: { type: 'ip', value: US_ADDRESS } };
    const noAttestation = operationBody(abroad) as Record<string, unknown>;
    delete noAttestation.attestation;
    const attempts: [DemoOrg, string, unknown, string][] = [
      [sdf, '/v1/oversight/operation-requests', operationBody(abroad), 'primeMinisterOrder'],
      [
        npa,
        '/v1/oversight/operation-requests',
        operationBody({ primeMinisterOrder: pmOrder }),
        'primeMinisterOrder',
      ],
      [npa, '/v1/oversight/operation-requests', noAttestation, 'attestation'],
      [
        sdf,
        '/v1/oversight/operation-requests',
        operationBody({
          primeMinisterOrder: pmOrder,
          attestation: { belowArmedAttackThreshold: false },
        }),
        'attestation.belowArmedAttackThreshold',
      ],
      [
        sdf,
        '/v1/oversight/operation-requests',
        operationBody({ primeMinisterOrder: { ...pmOrder, grounds: ' ' } }),
        'primeMinisterOrder.grounds',
      ],
      [
        sdf,
        '/v1/oversight/emergency-operations',
        {
          ...operationBody({ validFrom: at(-H), validUntil: at(DAY) }),
          emergencyReason: 'Wiper malware detonating; no time to convene',
          execution: execution({ startedAt: at(-2_000), endedAt: at(-1_000) }),
        },
        'primeMinisterOrder',
      ],
      [
        npa,
        '/v1/oversight/emergency-operations',
        {
          ...noAttestation,
          emergencyReason: 'Wiper malware detonating; no time to convene',
          execution: execution({ startedAt: at(-2_000), endedAt: at(-1_000) }),
        },
        'attestation',
      ],
    ];
    for (const [who, path, body, field] of attempts) {
      const r = await bus.post(path, who, body);
      expect({ who: who.id, field, status: r.status }).toEqual({ who: who.id, field, status: 400 });
      expect(r.body.issues).toEqual([expect.objectContaining({ field })]);
    }
    expect(await commandOffsets()).toEqual(before);
  });

  it('the emergency path: acted first, the notification missed, recorded once on the board, then ratified', async () => {
    const body = {
      ...operationBody({ validFrom: at(-H), validUntil: at(DAY) }),
      emergencyReason: 'Wiper malware detonating across hospital networks; no time to convene',
      execution: execution({ startedAt: at(-2_000), endedAt: at(-1_000) }),
    };
    // Abroad, the emergency does not lift the consultation rule.
    const abroad = await bus.post('/v1/oversight/emergency-operations', npa, {
      ...body,
      target: { type: 'ip', value: US_ADDRESS },
      execution: { ...body.execution, target: US_ADDRESS },
    });
    expect(abroad.status).toBe(409);
    expect(abroad.body.field).toBe('consultation');

    const created = await bus.post('/v1/oversight/emergency-operations', npa, body, {
      'idempotency-key': 'emergency-1',
    });
    expect(created.status).toBe(201);
    const id = String(created.body.requestId);
    const retried = await bus.post('/v1/oversight/emergency-operations', npa, body, {
      'idempotency-key': 'emergency-1',
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ requestId: id, duplicate: true });

    // Nobody notified the commission within three seconds: the scheduler records the miss.
    const missed = await boardEntry('missedNotifications', id, 60_000);
    expect(missed).toMatchObject({ agencyId: npa.id, notifiedAt: null });

    // Reporting first is refused; the late notification is still recorded, as late.
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/report`, npa, { summary: 'x' })).status,
    ).toBe(409);
    const notified = await bus.post(`/v1/oversight/requests/${id}/notification`, npa, {
      summary: 'We disabled the wiper controller before we could ask for approval',
    });
    expect(notified.status).toBe(201);
    expect(
      (await bus.post(`/v1/oversight/requests/${id}/notification`, npa, { summary: 'again' }))
        .status,
    ).toBe(409);

    const seen = await readBack(id, member(0), Number(notified.body.version));
    expect(seen).toMatchObject({
      status: 'pending',
      stage: 'executed',
      emergency: { late: true, missed: true },
      execution: { emergency: true },
    });

    // The commission still votes: ratification.
    await approveByThree(id);
    const reported = await bus.post(`/v1/oversight/requests/${id}/report`, npa, {
      summary: 'Wiper neutralised; hospitals restored from backups',
    });
    expect(reported.status).toBe(201);

    const board = await waitFor(
      'ratified emergency on the board',
      async () => {
        const r = await bus.get('/v1/oversight/board', member(1));
        const op = (r.body.operations as Record<string, unknown>[] | undefined)?.find(
          (o) => o.requestId === id,
        );
        return op?.stage === 'reported' ? r.body : null;
      },
      30_000,
      100,
    );
    const entries = (board.missedNotifications as Record<string, unknown>[]).filter(
      (m) => m.requestId === id,
    );
    expect(entries).toEqual([expect.objectContaining({ late: true })]);
    expect(board.operations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          requestId: id,
          status: 'approved',
          emergency: true,
          notificationMissed: true,
        }),
      ]),
    );
  });
  it('the demo seeds a pending, a reported and a collection request, twice without doubling', async () => {
    // The demo cites two of the indicators `npm start` publishes before it.
    await bus.publish(kanto, { type: 'ipv4', value: '203.0.113.10', tlp: 'CLEAR' });
    await bus.publish(kanto, { type: 'domain', value: 'update-check.example.net', tlp: 'GREEN' });
    const run = () => runDemoStep(bus, seedOversight);
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const { collection, reported, pending } = first.oversight;
    const reportedDoc = await readBack(String(reported), npa, 7);
    expect(reportedDoc).toMatchObject({ status: 'approved', stage: 'reported', version: 7 });
    const pendingDoc = await readBack(String(pending), sdf, 2);
    expect(pendingDoc).toMatchObject({ status: 'pending', version: 2, decision: { votesCast: 1 } });
    const collectionDoc = await readBack(String(collection), telecom, 5);
    expect(collectionDoc).toMatchObject({
      status: 'approved',
      live: true,
      version: 5,
      categories: ['addresses', 'attack-commands', 'ports', 'protocols', 'timings', 'volumes'],
    });
    // The SDF's pending request is not the police's to see, nor the police's operation the SDF's.
    expect((await bus.get(`/v1/oversight/requests/${String(pending)}`, npa)).status).toBe(404);
    expect((await bus.get(`/v1/oversight/requests/${String(reported)}`, sdf)).status).toBe(404);
  });
});
