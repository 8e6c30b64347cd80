import type { EventEnvelope } from '@acd/event-sourcing';
import type { ReportingEvent } from '../domain/reporting.events';
import { DAY, foldInMemory, HOUR, ReportingFileHistory } from '../testing/reporting-file-history';
import { evolveReportingFileDoc, reportingFileProjection } from './reporting-file.projection';
import { currentFileDoc, type ReportingFileDoc } from './reporting-file.read-model';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const at = (ms: number) => new Date(ms);

function file(h: ReportingFileHistory): ReportingFileDoc {
  const doc = foldInMemory(reportingFileProjection, h.envelopes).get(h.operatorId);
  if (!doc) throw new Error(`no file for ${h.operatorId}`);
  return doc;
}

const pendingIds = (doc: ReportingFileDoc) =>
  doc.pendingDeadlines.map((p) => `${p.incidentId} ${p.deadlineId}`);

describe('reporting file read model (compliance board)', () => {
  it('missed deadline → case → order → complied', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.notifyAsset('hmi', T0 - DAY);
    expect(file(h)).toMatchObject({
      _id: 'op-kanto-electric',
      operatorId: 'op-kanto-electric',
      sector: 'electricity',
      incidents: [],
      pendingDeadlines: [],
    });

    h.openIncident('inc-1', T0, T0, { title: 'Intrusion at substation' });
    expect(pendingIds(file(h))).toEqual([
      'inc-1 jp-acd/early-warning',
      'inc-1 jp-acd/notification',
      'inc-1 jp-acd/final-report',
    ]);
    expect(file(h).incidents).toEqual([{ incidentId: 'inc-1', title: 'Intrusion at substation' }]);

    h.fileReport('inc-1', 'rep-ew', 'EARLY_WARNING', T0 + HOUR);
    h.markMissed('inc-1', 'jp-acd/notification', T0 + 3 * DAY + HOUR);
    const caseId = h.lastCaseId();
    let doc = file(h);
    expect(pendingIds(doc)).toEqual(['inc-1 jp-acd/final-report']);
    expect(doc.missedDeadlines).toEqual([
      {
        incidentId: 'inc-1',
        deadlineId: 'jp-acd/notification',
        regime: 'jp-acd',
        dueAt: at(T0 + 3 * DAY),
        recordedAt: at(T0 + 3 * DAY + HOUR),
        caseId,
        filedAt: null,
      },
    ]);
    // The decider opens the case before recording the miss; the case still lists it.
    expect(doc.cases).toEqual([
      {
        caseId,
        basis: 'missed-deadline',
        incidentId: 'inc-1',
        description: expect.stringContaining('jp-acd notification report (NOTIFICATION)'),
        status: 'open',
        openedAt: at(T0 + 3 * DAY + HOUR),
        openedByOrgId: 'acd-deadline-scheduler',
        deadlineIds: ['jp-acd/notification'],
      },
    ]);

    h.issueOrder(caseId, 'order-1', T0 + 10 * DAY, T0 + 4 * DAY);
    expect(file(h).orders).toEqual([
      {
        orderId: 'order-1',
        caseId,
        instructions: 'File the missing report',
        dueAt: at(T0 + 10 * DAY),
        status: 'open',
        issuedAt: at(T0 + 4 * DAY),
        compliedAt: null,
        reportId: null,
        ignoredAt: null,
      },
    ]);

    h.fileReport('inc-1', 'rep-notif', 'NOTIFICATION', T0 + 5 * DAY);
    doc = file(h);
    expect(doc.orders[0]).toMatchObject({
      status: 'complied',
      compliedAt: at(T0 + 5 * DAY),
      reportId: 'rep-notif',
    });
    expect(doc.cases[0]?.status).toBe('resolved');
    expect(doc.missedDeadlines[0]?.filedAt).toEqual(at(T0 + 5 * DAY));
    expect(pendingIds(doc)).toEqual(['inc-1 jp-acd/final-report']);
    expect(doc.referrals).toEqual([]);
    expect(doc.legacyPenalties).toEqual([]);
    expect(doc.version).toBe(h.envelopes.length);
    expect(doc.updatedAt).toEqual(at(T0 + 5 * DAY));
  });

  const ignoredOrder = () => {
    const h = new ReportingFileHistory('op-setouchi-grid', 'electricity');
    h.openIncident('inc-1', T0, T0);
    h.markMissed('inc-1', 'jp-acd/early-warning', T0 + DAY + HOUR);
    h.issueOrder(h.lastCaseId(), 'order-1', T0 + 2 * DAY, T0 + DAY + 2 * HOUR);
    h.recordIgnored('order-1', T0 + 2 * DAY + HOUR);
    return h;
  };

  it('given an ignored order, when the office refers it and a court fines, then the file shows the referral and the fine', () => {
    const h = ignoredOrder();
    const caseId = h.lastCaseId();
    let doc = file(h);
    expect(doc.orders[0]).toMatchObject({ status: 'ignored', ignoredAt: at(T0 + 2 * DAY + HOUR) });
    expect(doc.cases[0]?.status).toBe('open');

    h.referToProsecutors('order-1', T0 + 3 * DAY);
    doc = file(h);
    expect(doc.orders[0]?.status).toBe('referred');
    expect(doc.cases[0]?.status).toBe('referred');
    expect(doc.referrals).toEqual([
      {
        orderId: 'order-1',
        caseId,
        statementOfFacts: 'Correction order order-1 was ignored',
        referredAt: at(T0 + 3 * DAY),
        referredByOrgId: 'gov-nco',
        outcome: null,
      },
    ]);

    h.recordOutcome('order-1', 1_500_000, T0 + 40 * DAY);
    doc = file(h);
    expect(doc.orders[0]?.status).toBe('concluded');
    expect(doc.cases[0]?.status).toBe('concluded');
    expect(doc.referrals[0]?.outcome).toEqual({
      outcome: 'fined',
      fineYen: 1_500_000,
      court: 'Tokyo Summary Court',
      caseReference: 'case-order-1',
      decidedOn: '2026-12-30',
      recordedAt: at(T0 + 40 * DAY),
      recordedByOrgId: 'gov-nco',
    });
    expect(doc.legacyPenalties).toEqual([]);
    expect(pendingIds(doc)).toEqual(['inc-1 jp-acd/notification', 'inc-1 jp-acd/final-report']);
  });

  it('given an old log with PenaltyAssessed, when replayed, then the file shows it as legacy, not as a court fine', () => {
    const h = ignoredOrder();
    const caseId = h.lastCaseId();
    h.legacyPenalty('order-1', 1_000_000, T0 + 3 * DAY);
    const doc = file(h);
    expect(doc.orders[0]?.status).toBe('penalised');
    expect(doc.cases[0]?.status).toBe('penalised');
    expect(doc.referrals).toEqual([]);
    expect(doc.legacyPenalties).toEqual([
      {
        legacy: true,
        orderId: 'order-1',
        caseId,
        amountYen: 1_000_000,
        reason: 'Order ignored',
        assessedAt: at(T0 + 3 * DAY),
        assessedByOrgId: 'gov-nco',
      },
    ]);
  });

  it('given a document stored before decision 0033 (with penalties), when read or folded, then its penalties read as legacy', () => {
    const h = ignoredOrder();
    h.legacyPenalty('order-1', 700_000, T0 + 3 * DAY);
    const { referrals: _r, legacyPenalties, ...rest } = file(h);
    const stored = {
      ...rest,
      penalties: legacyPenalties.map(({ legacy: _l, ...p }) => p),
    } as unknown as ReportingFileDoc;
    expect(currentFileDoc(stored)).toMatchObject({ referrals: [], legacyPenalties });
    expect(currentFileDoc(stored)).not.toHaveProperty('penalties');
    h.referToProsecutors('order-1', T0 + 4 * DAY);
    const next = evolveReportingFileDoc(stored, h.envelopes.at(-1)!);
    expect(next?.legacyPenalties).toEqual(legacyPenalties);
    expect(next?.referrals.map((r) => r.orderId)).toEqual(['order-1']);
  });

  it('given a bank under jp-acd, NIS2 and CIRCIA, when NIS2 and jp-acd deadlines are missed, then each miss names its regime and only jp-acd has a case', () => {
    const h = new ReportingFileHistory('op-minato-bank', 'finance');
    h.openIncident('inc-1', T0, T0);
    h.markMissed('inc-1', 'nis2/early-warning', T0 + DAY + HOUR);
    let doc = file(h);
    expect(doc.missedDeadlines).toEqual([
      expect.objectContaining({ deadlineId: 'nis2/early-warning', regime: 'nis2', caseId: null }),
    ]);
    expect(doc.cases).toEqual([]);
    h.markMissed('inc-1', 'jp-acd/early-warning', T0 + DAY + HOUR);
    doc = file(h);
    const caseId = h.lastCaseId();
    expect(doc.missedDeadlines.map((m) => [m.regime, m.caseId])).toEqual([
      ['nis2', null],
      ['jp-acd', caseId],
    ]);
    expect(doc.cases).toEqual([
      expect.objectContaining({ caseId, deadlineIds: ['jp-acd/early-warning'] }),
    ]);
  });

  it('the final report closes the incident and clears its pending deadlines', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.openIncident('inc-1', T0, T0);
    h.openIncident('inc-2', T0 + HOUR, T0 + HOUR);
    h.fileReport('inc-1', 'r1', 'EARLY_WARNING', T0 + 2 * HOUR);
    h.fileReport('inc-1', 'r2', 'NOTIFICATION', T0 + DAY);
    h.fileReport('inc-1', 'r3', 'FINAL', T0 + 2 * DAY);
    const doc = file(h);
    expect(doc.incidents).toEqual([expect.objectContaining({ incidentId: 'inc-2' })]);
    expect(doc.closedIncidents).toBe(1);
    expect(doc.pendingDeadlines.map((p) => p.incidentId)).toEqual(['inc-2', 'inc-2', 'inc-2']);
    expect(pendingIds(doc)).toEqual([
      'inc-2 jp-acd/early-warning',
      'inc-2 jp-acd/notification',
      'inc-2 jp-acd/final-report',
    ]);
    expect(doc.missedDeadlines).toEqual([]);
  });

  it('closing drops whatever is still pending on the incident', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.openIncident('inc-1', T0, T0);
    // A close the decider would only emit after a final report, fed directly to the pure evolve.
    const closed: EventEnvelope<ReportingEvent> = {
      metadata: { ...h.envelopes[0]!.metadata, eventType: 'IncidentClosed', aggregateVersion: 2 },
      event: {
        type: 'IncidentClosed',
        data: { operatorId: h.operatorId, incidentId: 'inc-1', reportId: 'r', closedAt: T0 + DAY },
      },
    };
    const doc = evolveReportingFileDoc(file(h), closed);
    expect(doc?.pendingDeadlines).toEqual([]);
    expect(doc?.incidents).toEqual([]);
    expect(doc?.closedIncidents).toBe(1);
  });

  it('an unreported incident: case, order, the incident opened in answer, its report complies', () => {
    const h = new ReportingFileHistory('op-tokai-rail', 'railways');
    h.openCase('case-u', T0, 'C2 traffic from the signalling network');
    expect(file(h)).toMatchObject({ sector: 'railways', incidents: [] });
    expect(file(h).cases[0]).toMatchObject({
      basis: 'unreported-incident',
      incidentId: null,
      openedByOrgId: 'gov-nco',
      deadlineIds: [],
    });
    h.issueOrder('case-u', 'order-u', T0 + 7 * DAY, T0 + HOUR);
    h.openIncident('inc-u', T0 + HOUR, T0 + DAY, { orderId: 'order-u' });
    expect(file(h).cases[0]).toMatchObject({ incidentId: 'inc-u', status: 'open' });
    h.fileReport('inc-u', 'rep-1', 'EARLY_WARNING', T0 + DAY + HOUR);
    const doc = file(h);
    expect(doc.cases[0]).toMatchObject({ incidentId: 'inc-u', status: 'resolved' });
    expect(doc.orders[0]).toMatchObject({ status: 'complied', reportId: 'rep-1' });
  });

  it('stores no array directly inside an array (FerretDB v1 cannot)', () => {
    const h = new ReportingFileHistory('op-setouchi-grid', 'electricity');
    h.openIncident('inc-1', T0, T0);
    h.markMissed('inc-1', 'jp-acd/early-warning', T0 + DAY + HOUR);
    const doc = file(h);
    for (const value of Object.values(doc)) {
      if (Array.isArray(value)) expect(value.some(Array.isArray)).toBe(false);
    }
  });
});
