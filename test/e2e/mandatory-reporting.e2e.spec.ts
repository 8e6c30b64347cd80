import type { Producer } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import { deterministicId } from '@acd/event-sourcing';
import { createKafka, H, SchemaSet, schemasDir, TopicNames } from '@acd/messaging';
import { seedReporting } from '../../apps/cli/src/demo/demo-reporting';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { runDemoStep } from '../support/demo';

jest.setTimeout(240_000);

/** Today's date in Japan, as a court's judgment is dated. */
const japanToday = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

/**
 * The law's reporting cycle through the HTTP API, with the real processor, scheduler and
 * projector: jp-acd's early-warning deadline is shortened to seconds so the scheduler's clock
 * visibly runs out.
 */
describe('mandatory reporting: deadlines, correction orders, referrals to the prosecutors', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let setouchi: DemoOrg;
  let tokai: DemoOrg;
  let bank: DemoOrg;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let meti: DemoOrg;
  let sdf: DemoOrg;

  beforeAll(async () => {
    bus = await BusUnderTest.start('rep', {
      ACD_JP_ACD_EARLY_WARNING: 'PT4S',
      ACD_JP_ACD_NOTIFICATION: 'PT1H',
    });
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

  async function notifyAsset(op: DemoOrg, assetId: string): Promise<void> {
    const res = await bus.post('/v1/assets', op, {
      assetId,
      name: `${assetId} HMI`,
      function: 'substation control',
      location: 'control centre',
      vendor: 'Example Systems',
      product: 'GridView 7',
      exposure: 'partner-network',
    });
    expect(res.status).toBe(201);
  }

  async function openIncident(op: DemoOrg, body: Record<string, unknown>): Promise<string> {
    const res = await bus.post('/v1/incidents', op, {
      title: `Intrusion at ${op.id}`,
      awareAt: new Date().toISOString(),
      impact: 'high',
      ...body,
    });
    expect(res.status).toBe(201);
    return String(res.body.incidentId);
  }

  /** Polls the operator's compliance file (as the office) until `pred` holds. */
  async function fileOf(
    op: DemoOrg,
    what: string,
    pred: (f: Record<string, unknown[]>) => boolean,
  ) {
    return waitFor(
      what,
      async () => {
        const r = await bus.get(`/v1/compliance/${op.id}`, nco);
        const f = r.body as unknown as Record<string, unknown[]>;
        return r.status === 200 && pred(f) ? f : null;
      },
      60_000,
      250,
    );
  }

  const missedCaseOf = (f: Record<string, unknown[]>) =>
    (f.cases as { caseId: string; basis: string }[]).find((c) => c.basis === 'missed-deadline');

  it('an operator misses its early warning, is ordered to report, and complies', async () => {
    await notifyAsset(kanto, 'kanto-hmi-01');
    const unknownAsset = await bus.post('/v1/incidents', kanto, {
      title: 'x',
      awareAt: new Date().toISOString(),
      impact: 'low',
      affectedAssets: ['ghost-99'],
    });
    expect(unknownAsset.status).toBe(422);
    expect(unknownAsset.body).toMatchObject({ field: 'affectedAssets' });

    const incidentId = await openIncident(kanto, { affectedAssets: ['kanto-hmi-01'] });
    // Reports out of order are refused with the reason, and nothing is recorded.
    const outOfOrder = await bus.post(`/v1/incidents/${incidentId}/reports`, kanto, {
      stage: 'NOTIFICATION',
      summary: 'skipping the early warning',
    });
    expect(outOfOrder.status).toBe(409);
    expect(String(outOfOrder.body.message)).toContain('EARLY_WARNING');

    // Nobody files the early warning; four seconds later the scheduler records the miss.
    const file = await fileOf(
      kanto,
      'missed early warning recorded',
      (f) => f.missedDeadlines?.length === 1,
    );
    const caseId = missedCaseOf(file)?.caseId;
    expect(caseId).toBeDefined();

    // Someone else's report on the incident is refused: the office by the domain, others as 404.
    const byOffice = await bus.post(`/v1/incidents/${incidentId}/reports`, nco, {
      stage: 'EARLY_WARNING',
      summary: 'filed by the office',
    });
    expect(byOffice.status).toBe(403);
    const byOther = await bus.post(`/v1/incidents/${incidentId}/reports`, tokai, {
      stage: 'EARLY_WARNING',
      summary: 'filed by another operator',
    });
    expect([403, 404]).toContain(byOther.status);

    const order = await bus.post(`/v1/compliance/${kanto.id}/cases/${caseId}/orders`, nco, {
      instructions: 'File the early-warning report on the substation intrusion.',
      dueAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    expect(order.status).toBe(201);
    const orderId = String(order.body.orderId);
    const byOperator = await bus.post(`/v1/compliance/${kanto.id}/cases/${caseId}/orders`, kanto, {
      instructions: 'I order myself',
      dueAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(byOperator.status).toBe(403);

    const ew = await bus.post(`/v1/incidents/${incidentId}/reports`, kanto, {
      stage: 'EARLY_WARNING',
      summary: 'Ransomware on one HMI; isolated.',
      sharedWithPolice: false,
    });
    expect(ew.status).toBe(201);

    const after = await fileOf(kanto, 'order complied', (f) =>
      (f.orders as { orderId: string; status: string }[]).some(
        (o) => o.orderId === orderId && o.status === 'complied',
      ),
    );
    expect(
      (after.cases as { caseId: string; status: string }[]).find((c) => c.caseId === caseId)
        ?.status,
    ).toBe('resolved');
    // A referral of a complied order is refused.
    const referral = await bus.post(`/v1/compliance/${kanto.id}/orders/${orderId}/referral`, nco, {
      statementOfFacts: 'The early warning was late.',
    });
    expect(referral.status).toBe(409);

    const timeline = await waitFor(
      'timeline shows the late report',
      async () => {
        const r = await bus.get(`/v1/incidents/${incidentId}/timeline`, kanto);
        const ewDeadline = (
          r.body.deadlines as unknown as {
            deadlineId: string;
            status: string;
            filedLate: boolean;
          }[]
        )?.find((d) => d.deadlineId === 'jp-acd/early-warning');
        return r.status === 200 && ewDeadline?.filedLate ? r.body : null;
      },
      30_000,
      250,
    );
    const entries = timeline.entries as unknown as { kind: string; atJst: string }[];
    expect(entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['opened', 'deadline-missed', 'report-filed', 'deadline']),
    );
    expect(entries[0]?.atJst).toMatch(/\+09:00$/);
  });

  it('another operator ignores its order; the office refers it to the prosecutors and records a court’s fine', async () => {
    const incidentId = await openIncident(setouchi, { sharedWithPolice: true });
    const file = await fileOf(
      setouchi,
      'missed early warning recorded',
      (f) => f.missedDeadlines?.length === 1,
    );
    const caseId = missedCaseOf(file)?.caseId;
    const order = await bus.post(`/v1/compliance/${setouchi.id}/cases/${caseId}/orders`, nco, {
      instructions: 'File the early-warning report.',
      dueAt: new Date(Date.now() + 3_000).toISOString(),
    });
    expect(order.status).toBe(201);
    const orderId = String(order.body.orderId);
    const orderPath = `/v1/compliance/${setouchi.id}/orders/${orderId}`;
    const facts = {
      statementOfFacts:
        'The early-warning report was not filed by its deadline, and the correction order to file it was ignored.',
    };
    const fine = (over: Record<string, unknown> = {}) => ({
      outcome: 'fined',
      fineYen: 1_500_000,
      court: 'Okayama Summary Court',
      caseReference: 'Reiwa 8 (i) No. 321',
      decidedOn: japanToday(),
      ...over,
    });

    // Given the order is still open: no referral, and no outcome without a referral.
    expect((await bus.post(`${orderPath}/referral`, nco, facts)).status).toBe(409);
    expect((await bus.post(`${orderPath}/outcome`, nco, fine())).status).toBe(409);

    await fileOf(setouchi, 'order recorded as ignored', (f) =>
      (f.orders as { orderId: string; status: string }[]).some(
        (o) => o.orderId === orderId && o.status === 'ignored',
      ),
    );
    // The office no longer assesses fines: the old route is gone, and says where to go.
    const gone = await bus.post(`${orderPath}/penalty`, nco, { amountYen: 1, reason: 'x' });
    expect(gone.status).toBe(410);
    expect(String(gone.body.message)).toContain('/referral');
    expect((await bus.post(`${orderPath}/referral`, meti, facts)).status).toBe(403);
    const noFacts = await bus.post(`${orderPath}/referral`, nco, { statementOfFacts: ' ' });
    expect(noFacts.status).toBe(400);

    const referred = await bus.post(`${orderPath}/referral`, nco, facts);
    expect(referred.status).toBe(201);
    expect((await bus.post(`${orderPath}/referral`, nco, facts)).status).toBe(409);

    // A fine outside 1..2,000,000 yen, or without its court, is refused at the edge.
    for (const bad of [
      fine({ fineYen: 2_000_001 }),
      fine({ fineYen: 0 }),
      fine({ court: undefined }),
    ]) {
      const r = await bus.post(`${orderPath}/outcome`, nco, bad);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toMatch(/fineYen|court/);
    }
    const future = await bus.post(`${orderPath}/outcome`, nco, fine({ decidedOn: '2099-01-01' }));
    expect(future).toMatchObject({ status: 422, body: { field: 'decidedOn' } });
    const fined = await bus.post(`${orderPath}/outcome`, nco, fine());
    expect(fined.status).toBe(201);
    const second = await bus.post(
      `${orderPath}/outcome`,
      nco,
      fine({ outcome: 'acquitted', fineYen: undefined }),
    );
    expect(second.status).toBe(409);

    const board = await waitFor(
      'board shows the referral and the court’s fine',
      async () => {
        const r = await bus.get('/v1/compliance/board', nco);
        const row = (
          r.body.operators as unknown as { operatorId: string; referrals: { finedYen: number } }[]
        )?.find((o) => o.operatorId === setouchi.id);
        return row?.referrals.finedYen === 1_500_000 ? r.body : null;
      },
      30_000,
      250,
    );
    const electricity = (board.sectors as unknown as Record<string, unknown>[]).find(
      (s) => s.sector === 'electricity',
    );
    expect(electricity).toMatchObject({
      operators: 2,
      referrals: { count: 1, fined: 1, finedYen: 1_500_000, awaitingOutcome: 0 },
      legacyPenalties: { count: 0, totalYen: 0 },
      missedDeadlines: 2,
      missedByRegime: { 'jp-acd': 2, nis2: 0, circia: 0 },
    });
    expect(electricity).not.toHaveProperty('penalties');
    const concluded = await fileOf(setouchi, 'file shows the outcome', (f) =>
      (f.referrals as { orderId: string; outcome: unknown }[]).some(
        (r) => r.orderId === orderId && r.outcome !== null,
      ),
    );
    expect(concluded.referrals).toEqual([
      expect.objectContaining({
        orderId,
        caseId,
        statementOfFacts: facts.statementOfFacts,
        outcome: expect.objectContaining({
          outcome: 'fined',
          fineYen: 1_500_000,
          court: 'Okayama Summary Court',
          caseReference: 'Reiwa 8 (i) No. 321',
          decidedOn: japanToday(),
        }),
      }),
    ]);
    expect(
      (concluded.cases as { caseId: string; status: string }[]).find((c) => c.caseId === caseId),
    ).toMatchObject({ status: 'concluded' });

    // The referral and the outcome are audited acts: the commission finds both in the audit log.
    const commission = bus.org((o) => o.kind === 'oversight-commission');
    await waitFor(
      'referral and outcome in the audit log',
      async () => {
        const r = await bus.get('/v1/audit/entries?limit=1000', commission);
        const audited = (
          (r.body.entries ?? []) as unknown as {
            entry: { eventType: string; aggregateId: string };
          }[]
        )
          .filter((e) => e.entry.aggregateId === setouchi.id)
          .map((e) => e.entry.eventType);
        return ['CaseReferredToProsecutors', 'ProsecutionOutcomeRecorded'].every((t) =>
          audited.includes(t),
        );
      },
      60_000,
      500,
    );

    // The police read this incident because the operator shared it with them, but never the compliance file.
    expect((await bus.get(`/v1/incidents/${incidentId}`, npa)).status).toBe(200);
    expect((await bus.get(`/v1/compliance/${setouchi.id}`, npa)).status).toBe(404);
  });

  it('a third operator, the SDF and the police (unshared) see neither case', async () => {
    const list = await bus.get('/v1/incidents?operatorId=op-kanto-electric', nco);
    const kantoIncident = String(list.body.items?.[0]?.id);
    expect(list.body.items?.length).toBeGreaterThan(0);
    for (const who of [tokai, sdf, npa]) {
      expect((await bus.get(`/v1/incidents/${kantoIncident}`, who)).status).toBe(404);
      expect((await bus.get(`/v1/incidents/${kantoIncident}/timeline`, who)).status).toBe(404);
      expect((await bus.get(`/v1/compliance/${kanto.id}`, who)).status).toBe(404);
    }
    for (const who of [tokai, sdf]) {
      expect((await bus.get(`/v1/compliance/${setouchi.id}`, who)).status).toBe(404);
      const theirs = await bus.get('/v1/incidents', who);
      expect(theirs.body.items?.map((i) => i.operatorId)).not.toContain(kanto.id);
      expect(theirs.body.items?.map((i) => i.operatorId)).not.toContain(setouchi.id);
    }
    const tokaiBoard = await bus.get('/v1/compliance/board', tokai);
    expect(tokaiBoard.body.operators).toEqual([]);
    // The electricity ministry reads both electricity files; the operator reads its own.
    expect((await bus.get(`/v1/compliance/${kanto.id}`, meti)).status).toBe(200);
    expect((await bus.get(`/v1/incidents/${kantoIncident}`, meti)).status).toBe(200);
    expect((await bus.get(`/v1/incidents/${kantoIncident}`, kanto)).status).toBe(200);
  });

  it('a bank falls under jp-acd, NIS2 and CIRCIA, and reads its incident as each report', async () => {
    const incidentId = await openIncident(bank, {
      awareAt: new Date(Date.now() - 60_000).toISOString(),
      ransomPaidAt: new Date(Date.now() - 30_000).toISOString(),
      suspectedActor: 'LockBit affiliate',
    });
    const incident = await waitFor(
      'bank incident projected',
      async () => {
        const r = await bus.get(`/v1/incidents/${incidentId}`, bank);
        return r.status === 200 ? r.body : null;
      },
      30_000,
      200,
    );
    expect(incident.regimes).toEqual(['jp-acd', 'nis2', 'circia']);
    const ids = (incident.deadlines as unknown as { deadlineId: string }[]).map(
      (d) => d.deadlineId,
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        'nis2/early-warning',
        'circia/covered-incident',
        'circia/ransom-payment',
      ]),
    );
    const circia = await bus.get(`/v1/incidents/${incidentId}/report?regime=circia`, bank);
    expect(circia.status).toBe(200);
    expect(circia.body).toMatchObject({ regime: 'circia', applies: true });
    expect(circia.body.ransomPaymentReport).toMatchObject({ submittedAt: null });
    const jp = await bus.get(`/v1/incidents/${incidentId}/report?regime=jp-acd`, bank);
    expect(String(jp.body.awarenessAtJst)).toMatch(/\+09:00$/);
    const bad = await bus.get(`/v1/incidents/${incidentId}/report?regime=gdpr`, bank);
    expect(bad.status).toBe(400);
  });

  it('an incident the office learned of: case, order, the operator opens and reports it', async () => {
    const opened = await bus.post(`/v1/compliance/${tokai.id}/cases`, nco, {
      description: 'Sightings of a known C2 address from this operator; no report received.',
    });
    expect(opened.status).toBe(201);
    const caseId = String(opened.body.caseId);
    const byOperator = await bus.post(`/v1/compliance/${tokai.id}/cases`, tokai, {
      description: 'opening my own case',
    });
    expect(byOperator.status).toBe(403);
    const order = await bus.post(`/v1/compliance/${tokai.id}/cases/${caseId}/orders`, nco, {
      instructions: 'Report the intrusion and file its early warning.',
      dueAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    expect(order.status).toBe(201);
    const orderId = String(order.body.orderId);
    const incidentId = await openIncident(tokai, {
      awareAt: new Date(Date.now() - 2_000).toISOString(),
      orderId,
    });
    const ew = await bus.post(`/v1/incidents/${incidentId}/reports`, tokai, {
      stage: 'EARLY_WARNING',
      summary: 'C2 beacon from a signalling engineer laptop.',
    });
    expect(ew.status).toBe(201);
    const file = await fileOf(tokai, 'order complied', (f) =>
      (f.orders as { orderId: string; status: string }[]).some(
        (o) => o.orderId === orderId && o.status === 'complied',
      ),
    );
    expect(
      (file.cases as { caseId: string; basis: string; status: string; incidentId: string }[]).find(
        (c) => c.caseId === caseId,
      ),
    ).toMatchObject({
      basis: 'unreported-incident',
      status: 'resolved',
      incidentId,
    });
  });

  it('a NIS2 miss shows in its own column, opens no Japanese case, and no order can follow it', async () => {
    // Aware 25 hours ago: jp-acd's early warning and notification and NIS2's early warning
    // have passed; the scheduler records all three.
    const incidentId = await openIncident(bank, {
      awareAt: new Date(Date.now() - 25 * 3_600_000).toISOString(),
    });
    const file = await fileOf(
      bank,
      'three misses of the bank incident recorded',
      (f) =>
        (f.missedDeadlines as { incidentId: string }[]).filter((m) => m.incidentId === incidentId)
          .length === 3,
    );
    const misses = (
      file.missedDeadlines as { incidentId: string; deadlineId: string; caseId: string | null }[]
    ).filter((m) => m.incidentId === incidentId);
    const nis2 = misses.find((m) => m.deadlineId === 'nis2/early-warning');
    expect(nis2).toMatchObject({ regime: 'nis2', caseId: null });
    const cases = (
      file.cases as { caseId: string; incidentId: string; deadlineIds: string[] }[]
    ).filter((c) => c.incidentId === incidentId);
    expect(cases).toHaveLength(1);
    expect(cases[0]?.deadlineIds.sort()).toEqual(['jp-acd/early-warning', 'jp-acd/notification']);

    // The case id a NIS2 miss would have opened, had it opened one: there is no such case.
    const wouldBe = deterministicId(
      'acd:compliance-case',
      `${bank.id}:${incidentId}:nis2/early-warning`,
    );
    const ordered = await bus.post(`/v1/compliance/${bank.id}/cases/${wouldBe}/orders`, nco, {
      instructions: 'File the NIS2 early warning.',
      dueAt: new Date(Date.now() + 60 * 60_000).toISOString(),
    });
    expect(ordered.status).toBe(404);

    const board = await bus.get('/v1/compliance/board', nco);
    const row = (
      board.body.operators as unknown as { operatorId: string; missedByRegime: object }[]
    ).find((o) => o.operatorId === bank.id);
    expect(row?.missedByRegime).toMatchObject({ nis2: 1, circia: 0 });
    await waitFor(
      'the timeline says the NIS2 miss opens no case',
      async () =>
        JSON.stringify((await bus.get(`/v1/incidents/${incidentId}/timeline`, bank)).body).includes(
          'recorded under nis2, which opens no Japanese compliance case',
        ),
      30_000,
      250,
    );
  });

  it('a PenaltyAssessed from an old log replays, and shows as legacy, never as a court’s fine', async () => {
    // The bank's first case (its jp-acd early warning, missed in an earlier test) gets an order
    // that is ignored; an old build would then have "assessed" a penalty. That event is written
    // to the log the way such a build wrote it.
    const before = await fileOf(bank, 'bank case', (f) => (f.cases?.length ?? 0) > 0);
    const caseId = (before.cases as { caseId: string; status: string }[]).find(
      (c) => c.status === 'open',
    )?.caseId;
    const order = await bus.post(`/v1/compliance/${bank.id}/cases/${caseId}/orders`, nco, {
      instructions: 'File the early-warning report.',
      dueAt: new Date(Date.now() + 2_000).toISOString(),
    });
    expect(order.status).toBe(201);
    const orderId = String(order.body.orderId);
    const ignored = await fileOf(bank, 'order ignored', (f) =>
      (f.orders as { orderId: string; status: string }[]).some(
        (o) => o.orderId === orderId && o.status === 'ignored',
      ),
    );
    const version = Number(ignored.version);

    const cfg = loadConfig(kafkaSchema, bus.env);
    const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    const codec = await SchemaSet.load(schemasDir());
    const producer: Producer = createKafka(cfg, 'e2e-legacy').producer();
    await producer.connect();
    const at = Date.now();
    try {
      await producer.send({
        topic: topics.of('reportingEvents'),
        acks: -1,
        messages: [
          {
            key: bank.id,
            value: codec.encode('jp.acd.reporting.PenaltyAssessed', {
              operatorId: bank.id,
              caseId,
              orderId,
              amountYen: 800_000,
              reason: 'Ignored the correction order (assessed by an old build)',
              assessedByOrgId: nco.id,
              assessedAt: at,
            }),
            headers: {
              [H.eventType]: 'PenaltyAssessed',
              [H.eventId]: `legacy-penalty-${orderId}`,
              [H.aggregateId]: bank.id,
              [H.aggregateVersion]: String(version + 1),
              [H.orgId]: nco.id,
              [H.occurredAt]: new Date(at).toISOString(),
              [H.correlationId]: `legacy-${orderId}`,
            },
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }

    const legacyShown = (f: Record<string, unknown[]>) =>
      (f.legacyPenalties as { orderId: string }[]).some((p) => p.orderId === orderId);
    await fileOf(bank, 'legacy penalty projected', legacyShown);
    // Replayed from offset 0 into a fresh collection, the file says the same.
    await bus.runApp('dist/apps/projector/src/main.js', ['rebuild', 'reporting-files']);
    const replayed = await fileOf(bank, 'legacy penalty after a rebuild', legacyShown);
    expect(replayed.legacyPenalties).toEqual([
      expect.objectContaining({ legacy: true, orderId, caseId, amountYen: 800_000 }),
    ]);
    expect(replayed.referrals).toEqual([]);
    expect(
      (replayed.orders as { orderId: string; status: string }[]).find((o) => o.orderId === orderId)
        ?.status,
    ).toBe('penalised');
    const board = await bus.get('/v1/compliance/board', nco);
    const row = (
      board.body.operators as unknown as {
        operatorId: string;
        legacyPenalties: object;
        referrals: object;
      }[]
    ).find((o) => o.operatorId === bank.id);
    expect(row).toMatchObject({
      legacyPenalties: { count: 1, totalYen: 800_000 },
      referrals: { count: 0, fined: 0, finedYen: 0 },
    });

    // The processor folds the old event when it loads the log: restarted, it lets the office
    // refer the order to the prosecutors, since a legacy "assessment" imposed nothing.
    await bus.services.get('reporting')?.stop();
    bus.startService('reporting');
    const referral = await waitFor(
      'referral after the processor reloaded the log',
      async () => {
        const r = await bus.post(
          `/v1/compliance/${bank.id}/orders/${orderId}/referral`,
          nco,
          { statementOfFacts: 'The correction order was ignored.' },
          { 'idempotency-key': `legacy-referral-${orderId}` },
        );
        return r.status === 201 || r.status === 200 ? r : null;
      },
      90_000,
      1_000,
    );
    expect(referral.body.version).toBe(version + 2);
  });

  it('validates input at the edge and documents every route', async () => {
    const bad = await bus.post('/v1/incidents', kanto, {
      title: 'x',
      awareAt: 'yesterday',
      impact: 'catastrophic',
      surprise: true,
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body.issues as unknown as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['awareAt', 'impact']));
    const badStage = await bus.post(
      '/v1/incidents/00000000-0000-5000-8000-000000000000/reports',
      kanto,
      { stage: 'LATE', summary: 's' },
    );
    expect(badStage).toMatchObject({ status: 400 });
    expect((await bus.get('/v1/incidents/not-a-uuid', kanto)).status).toBe(400);
    const future = await bus.post('/v1/incidents', kanto, {
      title: 'From the future',
      awareAt: new Date(Date.now() + 3_600_000).toISOString(),
      impact: 'low',
    });
    expect(future).toMatchObject({ status: 422, body: { field: 'awareAt' } });

    const doc = await bus.get('/docs-json', null);
    expect(Object.keys(doc.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/v1/assets',
        '/v1/incidents',
        '/v1/incidents/{id}/reports',
        '/v1/incidents/{id}/timeline',
        '/v1/incidents/{id}/report',
        '/v1/compliance/board',
        '/v1/compliance/{operatorId}/cases/{caseId}/orders',
        '/v1/compliance/{operatorId}/orders/{orderId}/referral',
        '/v1/compliance/{operatorId}/orders/{orderId}/outcome',
      ]),
    );
  });

  it('the demo seeds an ignored order referred to the prosecutors and a court’s fine, once however often it runs', async () => {
    const first = await runDemoStep(bus, seedReporting);
    const second = await runDemoStep(bus, seedReporting);
    expect(second).toEqual(first);
    const file = await fileOf(kanto, 'the demo’s court fine', (f) =>
      (f.referrals as { outcome: { fineYen: number } | null }[]).some(
        (r) => r.outcome?.fineYen === 1_000_000,
      ),
    );
    expect(file.referrals).toEqual([
      expect.objectContaining({
        outcome: expect.objectContaining({ outcome: 'fined', court: 'Tokyo Summary Court' }),
      }),
    ]);
  });
});
