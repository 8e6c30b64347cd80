import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { runCli } from '../support/cli';

jest.setTimeout(300_000);

const H = 3_600_000;
const DAY = 24 * H;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const JP_ADDRESS = '133.242.0.1';

/** The calendar year in Japan (+09:00, no daylight saving time) at this moment. */
const yearInJapan = () => new Date(Date.now() + 9 * H).getUTCFullYear();

/** The lines of text of a PDF, as PDF.js reads them (test/support/pdf-text.mjs). */
function pdfLines(file: string): string[] {
  const out = execFileSync(process.execPath, [join(__dirname, '../support/pdf-text.mjs'), file], {
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { pages: string[][] }).pages.flat();
}

/**
 * The commission's powers besides its votes, and its annual report, through the HTTP API and the
 * `acd` command line with the real processor, projector, scheduler and audit log: an inspection of
 * the police, a recommendation and a disciplinary demand, each answered by the police and hidden
 * from everyone else; then a year of authorisations and operations reported from the event log,
 * reconciled with the audit log, as JSON and as a PDF whose figures are read back.
 */
describe('oversight: inspections, recommendations, disciplinary demands and the annual report', () => {
  let bus: BusUnderTest;
  let npa: DemoOrg;
  let sdf: DemoOrg;
  let nco: DemoOrg;
  let kanto: DemoOrg;
  let telecom: DemoOrg;
  let commission: DemoOrg;
  let members: DemoOrg[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    bus = await BusUnderTest.start('sup', { ACD_EMERGENCY_NOTIFY_WITHIN: 'PT3S' });
    npa = bus.byId('gov-npa');
    sdf = bus.byId('gov-sdf-cyber-defense-command');
    nco = bus.byId('gov-nco');
    kanto = bus.byId('op-kanto-electric');
    telecom = bus.byId('tel-nihon-backbone');
    commission = bus.byId('gov-cyber-oversight-commission');
    members = (commission.members ?? []).map((m) => ({ ...commission, token: m.token }));
    expect(members.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const member = (i: number): DemoOrg => members[i] ?? members[0]!;
  const file = (agency: string, rest = '') => `/v1/oversight/agencies/${agency}${rest}`;

  /** Waits until `who` reads item `id` with at least `status`, and returns it. */
  const readBack = (id: string, who: DemoOrg, status: string) =>
    waitFor(
      `supervision item ${id} ${status} for ${who.id}`,
      async () => {
        const r = await bus.get(`/v1/oversight/supervision/${id}`, who);
        return r.status === 200 && r.body.status === status ? r.body : null;
      },
      30_000,
      100,
    );

  it('the commission inspects the police, recommends and demands; the police answer', async () => {
    const opened = await bus.post(file(npa.id, '/inspections'), member(0), {
      scope: 'How flow matches acquired in 2026 were kept, shared and deleted',
    });
    expect(opened.status).toBe(201);
    ids.inspection = String(opened.body.id);
    expect(opened.headers.get('location')).toBe(`/v1/oversight/supervision/${ids.inspection}`);

    const answered = await bus.post(file(npa.id, `/inspections/${ids.inspection}/answer`), npa, {
      answer: 'Deletion logs and the sharing register for 2026 are attached',
    });
    expect(answered.status).toBe(201);
    const concluded = await bus.post(
      file(npa.id, `/inspections/${ids.inspection}/findings`),
      member(1),
      { conclusion: 'issues-found', findings: 'Matches were kept 30 days past their retention' },
    );
    expect(concluded.status).toBe(201);
    const again = await bus.post(
      file(npa.id, `/inspections/${ids.inspection}/findings`),
      member(2),
      {
        conclusion: 'no-issues',
        findings: 'x',
      },
    );
    expect(again.status).toBe(409);

    const recommended = await bus.post(file(npa.id, '/recommendations'), member(0), {
      recommendation: 'Run the retention sweeper daily and keep its deletion records',
      inspectionId: ids.inspection,
    });
    expect(recommended.status).toBe(201);
    ids.recommendation = String(recommended.body.id);
    expect(
      (
        await bus.post(file(npa.id, `/recommendations/${ids.recommendation}/answer`), npa, {
          answer: 'The sweeper now runs daily',
        })
      ).status,
    ).toBe(201);

    const demanded = await bus.post(file(npa.id, '/disciplinary-demands'), member(2), {
      leak: 'A list of flow matches was mailed to an outside address on 3 March',
      demand: 'Discipline the official who mailed it and report the action',
    });
    expect(demanded.status).toBe(201);
    ids.demand = String(demanded.body.id);
    expect(
      (
        await bus.post(file(npa.id, `/disciplinary-demands/${ids.demand}/action`), npa, {
          actionTaken: 'The official was suspended for one month',
        })
      ).status,
    ).toBe(201);

    const inspection = await readBack(ids.inspection, npa, 'concluded');
    expect(inspection).toMatchObject({
      kind: 'inspection',
      agencyId: npa.id,
      agencyKind: 'police',
      answer: { text: 'Deletion logs and the sharing register for 2026 are attached' },
      findings: { conclusion: 'issues-found' },
    });
    expect(await readBack(ids.demand, commission, 'reported')).toMatchObject({
      leak: 'A list of flow matches was mailed to an outside address on 3 March',
      actionTaken: { text: 'The official was suspended for one month' },
    });
    await readBack(ids.recommendation, npa, 'answered');
    const mine = await bus.get('/v1/oversight/supervision', npa);
    expect((mine.body.items as { id: string }[]).map((i) => i.id).sort()).toEqual(
      [ids.inspection, ids.recommendation, ids.demand].sort(),
    );
  });

  it('attacker: another agency, an operator or the office never see nor touch the police file', async () => {
    for (const who of [sdf, nco, kanto, telecom]) {
      for (const id of [ids.inspection!, ids.recommendation!, ids.demand!]) {
        const r = await bus.get(`/v1/oversight/supervision/${id}`, who);
        expect({ who: who.id, id, status: r.status }).toEqual({ who: who.id, id, status: 404 });
      }
      const list = await bus.get('/v1/oversight/supervision', who);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
      const filtered = await bus.get(`/v1/oversight/supervision?agencyId=${npa.id}`, who);
      expect(filtered.body.items).toEqual([]);
      // Answering in the police file: the item does not exist for them.
      const answer = await bus.post(
        file(npa.id, `/recommendations/${ids.recommendation}/answer`),
        who,
        {
          answer: 'hijacked',
        },
      );
      expect({ who: who.id, status: answer.status }).toEqual({ who: who.id, status: 404 });
      // Creating: only the commission inspects, recommends or demands.
      const open = await bus.post(file(npa.id, '/inspections'), who, { scope: 'x' });
      expect({ who: who.id, status: open.status }).toEqual({ who: who.id, status: 403 });
    }
    // The SDF naming the police item in its own file: no such item there either.
    const crossed = await bus.post(file(sdf.id, `/inspections/${ids.inspection}/answer`), sdf, {
      answer: 'x',
    });
    expect(crossed.status).toBe(404);
    // The commission answers nothing for the agency, and inspects only agencies that exist.
    const commissionAnswers = await bus.post(
      file(npa.id, `/recommendations/${ids.recommendation}/answer`),
      member(0),
      { answer: 'x' },
    );
    expect(commissionAnswers.status).toBe(403);
    const operator = await bus.post(file(kanto.id, '/inspections'), member(0), { scope: 'x' });
    expect(operator.status).toBe(422);
    expect(operator.body.field).toBe('agencyId');
    const nobody = await bus.post(file('gov-nobody', '/inspections'), member(0), { scope: 'x' });
    expect(nobody.status).toBe(422);
    // A recommendation to the SDF citing the police inspection.
    const cited = await bus.post(file(sdf.id, '/recommendations'), member(0), {
      recommendation: 'x',
      inspectionId: ids.inspection,
    });
    expect(cited.status).toBe(422);
    expect(cited.body.field).toBe('inspectionId');
    // The commission's organisation token is not a member's: it reads and records nothing here.
    const orgToken = { ...commission, token: commission.adminToken ?? '' };
    expect(orgToken.token).not.toBe('');
    expect((await bus.get('/v1/oversight/supervision', orgToken)).status).toBe(403);
    expect((await bus.post(file(npa.id, '/inspections'), orgToken, { scope: 'x' })).status).toBe(
      403,
    );
  });

  it('every read of the file is on the audit log, naming the reader', async () => {
    expect((await bus.get(`/v1/oversight/supervision/${ids.inspection}`, member(1))).status).toBe(
      200,
    );
    const reads = await waitFor(
      `reads of ${ids.inspection} on the audit log`,
      async () => {
        const r = await bus.get(`/v1/audit/reads?item=${ids.inspection}`, member(0));
        const rows = (r.body.reads ?? []) as { orgId: string; verified: boolean }[];
        const readers = new Set(rows.map((x) => x.orgId));
        return readers.has(npa.id) && readers.has(commission.id) ? rows : null;
      },
      30_000,
      250,
    );
    expect(reads.every((r) => r.verified)).toBe(true);
    // Nobody else read it: the others' attempts found nothing to read.
    expect([...new Set(reads.map((r) => r.orgId))].sort()).toEqual([commission.id, npa.id].sort());
  });

  it('the annual report: figures from the event log, reconciled with the audit log, as JSON and a PDF', async () => {
    const year = yearInJapan();
    // A collection authorisation, approved.
    const collection = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: telecom.id,
      categories: ['addresses', 'ports'],
      validFrom: at(0),
      validUntil: at(30 * DAY),
      justification: 'Botnet traffic transiting Japan',
    });
    expect(collection.status).toBe(201);
    for (const i of [0, 1, 2]) {
      await bus.post(`/v1/oversight/requests/${collection.body.requestId}/votes`, member(i), {
        vote: 'approve',
      });
    }
    // A police operation: approved, executed with two measures, reported.
    const evidenceId = await bus.publish(kanto, {
      type: 'ipv4',
      value: '198.51.100.78',
      tlp: 'GREEN',
    });
    const operation = {
      target: { type: 'ip', value: JP_ADDRESS },
      justification: 'Command-and-control server steering a botnet against grid operators',
      evidence: [{ type: 'indicator', id: evidenceId }],
      measures: ['access', 'disable-malware'],
      validFrom: at(-60_000),
      validUntil: at(7 * DAY),
      attestation: { belowArmedAttackThreshold: true },
    };
    const op = await bus.post('/v1/oversight/operation-requests', npa, operation);
    expect(op.status).toBe(201);
    const opId = String(op.body.requestId);
    await bus.post(`/v1/oversight/requests/${opId}/votes`, member(0), { vote: 'approve' });
    await bus.post(`/v1/oversight/requests/${opId}/votes`, member(1), { vote: 'deny' });
    await bus.post(`/v1/oversight/requests/${opId}/votes`, member(2), { vote: 'approve' });
    const execution = (over: Record<string, unknown> = {}) => ({
      target: JP_ADDRESS,
      startedAt: at(-2_000),
      endedAt: at(-1_000),
      outcome: 'succeeded',
      summary: 'C2 endpoint disabled',
      measuresTaken: ['access', 'disable-malware'],
      ...over,
    });
    const executed = await waitFor(
      `execution of ${opId}`,
      async () => {
        const r = await bus.post(`/v1/oversight/requests/${opId}/execution`, npa, execution());
        return r.status === 201 ? r : null;
      },
      30_000,
      250,
    );
    expect(executed.status).toBe(201);
    expect(
      (await bus.post(`/v1/oversight/requests/${opId}/report`, npa, { summary: 'Done' })).status,
    ).toBe(201);
    // An emergency operation whose notification (due within 3 s) is missed.
    const emergency = await bus.post('/v1/oversight/emergency-operations', npa, {
      ...operation,
      validFrom: at(-H),
      validUntil: at(DAY),
      emergencyReason: 'Wiper malware detonating; no time to convene',
      execution: execution({ measuresTaken: ['access'] }),
    });
    expect(emergency.status).toBe(201);
    await waitFor(
      'the missed notification on the board',
      async () => {
        const r = await bus.get('/v1/oversight/board', member(0));
        return (r.body.missedNotifications as { requestId: string }[] | undefined)?.find(
          (e) => e.requestId === emergency.body.requestId,
        );
      },
      60_000,
      250,
    );

    const dir = mkdtempSync(join(tmpdir(), 'acd-report-'));
    const pdf = join(dir, 'report.pdf');
    const json = join(dir, 'report.json');
    const env = { ...bus.env, ACD_URL: bus.base, ACD_TOKEN: member(0).token };
    const run = await runCli(
      ['oversight', 'annual-report', '--year', String(year), '--out', pdf, '--json', json],
      env,
    );
    expect({ code: run.code, err: run.err }).toEqual({
      code: 0,
      err: expect.stringContaining('reconciled with the audit log'),
    });
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.reconciled).toBe(true);
    expect(report.differences).toEqual([]);
    expect(report.figures).toMatchObject({
      year,
      requests: { collection: 1, operation: 2, emergency: 1 },
      decisions: {
        approved: { collection: 1, operation: 1 },
        denied: { collection: 0, operation: 0 },
        votesCast: 6,
      },
      operations: {
        executed: 2,
        byAgency: { police: 2 },
        byMeasure: { access: 2, 'disable-malware': 1, 'take-down': 0 },
        reported: 1,
        abroad: 0,
      },
      emergencyNotifications: { executed: 1, onTime: 0, late: 0, missed: 1, outstanding: 0 },
      supervision: {
        inspectionsOpened: 1,
        inspectionsConcluded: { 'no-issues': 0, 'issues-found': 1 },
        recommendationsIssued: 1,
        recommendationsAnswered: 1,
        disciplinaryDemands: 1,
        disciplinaryActionsReported: 1,
      },
    });
    expect(report.eventLog.events).toBe(report.auditLog.entries);

    const lines = pdfLines(pdf);
    expect(lines).toContain(`Annual report to the Diet, ${year}`);
    for (const row of [
      'Collection requests 1',
      'Operation requests 2',
      'of which after acting (emergency) 1',
      'Operations approved 1',
      'Measure: access 2',
      'Measure: disable-malware 1',
      'Missed 1',
      'Inspections opened 1',
      'Recommendations issued 1',
      'Disciplinary demands 1',
    ]) {
      expect(lines.filter((l) => l === row)).toHaveLength(2);
    }
    expect(lines.some((l) => l.startsWith('Reconciled: every figure above is the same'))).toBe(
      true,
    );

    // The Japanese edition: the same figures under the Act's words, in the embedded font.
    const pdfJa = join(dir, 'report-ja.pdf');
    const ja = await runCli(
      ['oversight', 'annual-report', '--year', String(year), '--lang', 'ja', '--out', pdfJa],
      env,
    );
    expect({ code: ja.code, err: ja.err }).toEqual({
      code: 0,
      err: expect.stringContaining('reconciled with the audit log'),
    });
    const jaLines = pdfLines(pdfJa);
    expect(jaLines).toContain(`国会への年次報告（${year}年）`);
    for (const row of [
      '通信情報の取得の承認の求め 1',
      'アクセス・無害化措置の承認の求め 2',
      'うち措置後のもの（緊急時） 1',
      'アクセス・無害化措置：承認 1',
      '措置：アクセス 2',
      '措置：不正プログラムの無害化 1',
      '事後通知：未通知 1',
      '立入検査の開始 1',
      '勧告 1',
      '懲戒処分の要求 1',
    ]) {
      expect(jaLines.filter((l) => l === row)).toHaveLength(2);
    }
    expect(jaLines.join('')).toContain('照合済み：上記のすべての数値は');
    // Without a Japanese font: a usage error naming the fix, and no file.
    const noFont = join(dir, 'no-font.pdf');
    const missing = await runCli(
      ['oversight', 'annual-report', '--year', String(year), '--lang', 'ja', '--out', noFont],
      { ...env, ACD_PDF_FONT: join(dir, 'missing.ttf') },
    );
    expect({ code: missing.code, err: missing.err }).toEqual({
      code: 2,
      err: expect.stringContaining('apt-get install fonts-ipafont-gothic'),
    });
    expect(existsSync(noFont)).toBe(false);

    // Nobody but the commission reads it; a year before the Act is a usage error.
    const bySdf = await runCli(['oversight', 'annual-report', '--year', String(year)], {
      ...env,
      ACD_TOKEN: sdf.token,
    });
    expect(bySdf.code).toBe(1);
    expect((await bus.get(`/v1/oversight/annual-report?year=${year}`, npa)).status).toBe(404);
    expect((await bus.get('/v1/oversight/annual-report?year=2024', member(0))).status).toBe(400);
    const early = await runCli(['oversight', 'annual-report', '--year', '2024'], env);
    expect(early.code).toBe(2);
  });
});
