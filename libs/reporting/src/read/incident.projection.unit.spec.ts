import type { EventEnvelope } from '@acd/event-sourcing';
import type { ReportingEvent } from '../domain/reporting.events';
import { DAY, foldInMemory, HOUR, ReportingFileHistory } from '../testing/reporting-file-history';
import { evolveIncidentDoc, incidentDocIdOf, incidentProjection } from './incident.projection';
import type { IncidentDoc } from './incident.read-model';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const at = (ms: number) => new Date(ms);

function incident(history: ReportingFileHistory, id: string): IncidentDoc {
  const doc = foldInMemory(incidentProjection, history.envelopes).get(id);
  if (!doc) throw new Error(`no incident document ${id}`);
  return doc;
}

describe('incident read model', () => {
  it('opens with the facts, pending deadlines and the earliest due time', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.notifyAsset('scada-hmi-01', T0 - DAY);
    h.openIncident('inc-1', T0, T0 + HOUR, {
      title: 'Ransomware on engineering workstations',
      detectedAt: T0 - HOUR,
      affectedAssets: ['scada-hmi-01'],
      suspectedActor: 'APT-X',
    });
    const doc = incident(h, 'inc-1');
    expect(doc).toMatchObject({
      _id: 'inc-1',
      version: 2,
      operatorId: 'op-kanto-electric',
      incidentId: 'inc-1',
      sector: 'electricity',
      title: 'Ransomware on engineering workstations',
      awareAt: at(T0),
      detectedAt: at(T0 - HOUR),
      firstSeenAt: null,
      impact: 'moderate',
      status: 'investigating',
      suspectedActor: 'APT-X',
      affectedAssets: ['scada-hmi-01'],
      sharedWithPolice: false,
      ransomPaidAt: null,
      regimes: ['jp-acd'],
      orderId: null,
      reports: [],
      openCaseId: null,
      caseIds: [],
      closed: false,
      closedAt: null,
      openedAt: at(T0 + HOUR),
      updatedAt: at(T0 + HOUR),
      nextDeadlineAt: at(T0 + DAY),
    });
    expect(doc.deadlines).toEqual([
      {
        deadlineId: 'jp-acd/early-warning',
        regime: 'jp-acd',
        obligation: 'early-warning',
        stage: 'EARLY_WARNING',
        dueAt: at(T0 + DAY),
        status: 'pending',
        filedAt: null,
        missedAt: null,
        caseId: null,
      },
      expect.objectContaining({ deadlineId: 'jp-acd/notification', dueAt: at(T0 + 3 * DAY) }),
      expect.objectContaining({ deadlineId: 'jp-acd/final-report', dueAt: at(T0 + 30 * DAY) }),
    ]);
    expect(doc.timeline).toEqual([
      {
        at: at(T0 + HOUR),
        kind: 'opened',
        text: 'Incident opened: Ransomware on engineering workstations. 3 reporting deadline(s) under jp-acd.',
      },
    ]);
  });

  it('missed deadline → case → order → complied late → final report closes', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.openIncident('inc-1', T0, T0);
    h.fileReport('inc-1', 'rep-ew', 'EARLY_WARNING', T0 + 2 * HOUR, { impact: 'high' });
    expect(incident(h, 'inc-1').nextDeadlineAt).toEqual(at(T0 + 3 * DAY));

    h.markMissed('inc-1', 'jp-acd/notification', T0 + 3 * DAY + HOUR);
    const caseId = h.lastCaseId();
    let doc = incident(h, 'inc-1');
    expect(doc.deadlines.find((d) => d.deadlineId === 'jp-acd/notification')).toMatchObject({
      status: 'missed',
      missedAt: at(T0 + 3 * DAY + HOUR),
      filedAt: null,
      caseId,
    });
    expect(doc).toMatchObject({ openCaseId: caseId, caseIds: [caseId] });
    expect(doc.nextDeadlineAt).toEqual(at(T0 + 30 * DAY));

    // The order names only its case: it stays off the incident.
    const ordered = h.issueOrder(caseId, 'order-1', T0 + 10 * DAY, T0 + 4 * DAY);
    expect(ordered.map((e) => e.type)).toEqual(['CorrectionOrderIssued']);
    expect(incident(h, 'inc-1').version).toBe(doc.version);

    h.fileReport('inc-1', 'rep-notif', 'NOTIFICATION', T0 + 5 * DAY, { sharedWithPolice: true });
    doc = incident(h, 'inc-1');
    expect(doc.deadlines.find((d) => d.deadlineId === 'jp-acd/notification')).toMatchObject({
      status: 'missed',
      filedAt: at(T0 + 5 * DAY),
    });
    expect(doc).toMatchObject({ sharedWithPolice: true, openCaseId: null, caseIds: [caseId] });

    h.fileReport('inc-1', 'rep-final', 'FINAL', T0 + 20 * DAY, { status: 'resolved' });
    doc = incident(h, 'inc-1');
    expect(doc).toMatchObject({
      version: h.envelopes.length,
      status: 'resolved',
      impact: 'high',
      closed: true,
      closedAt: at(T0 + 20 * DAY),
      updatedAt: at(T0 + 20 * DAY),
      nextDeadlineAt: null,
    });
    expect(doc.deadlines.map((d) => [d.deadlineId, d.status])).toEqual([
      ['jp-acd/early-warning', 'met'],
      ['jp-acd/notification', 'missed'],
      ['jp-acd/final-report', 'met'],
    ]);
    expect(doc.reports.map((r) => [r.reportId, r.stage, r.changedFields])).toEqual([
      ['rep-ew', 'EARLY_WARNING', ['impact']],
      ['rep-notif', 'NOTIFICATION', ['sharedWithPolice']],
      ['rep-final', 'FINAL', ['status']],
    ]);
    expect(doc.timeline.map((t) => t.kind)).toEqual([
      'opened',
      'report-filed',
      'case-opened',
      'deadline-missed',
      'report-filed',
      'order-complied',
      'report-filed',
      'closed',
    ]);
    expect(doc.timeline[4]?.text).toBe(
      'NOTIFICATION report rep-notif filed: NOTIFICATION report on inc-1. Filed late: jp-acd/notification.',
    );
    expect(doc.timeline[5]).toMatchObject({
      kind: 'order-complied',
      caseId,
      orderId: 'order-1',
      reportId: 'rep-notif',
    });
    // No array directly inside an array: FerretDB v1 cannot store them.
    for (const entry of doc.timeline) {
      expect(Object.values(entry).some(Array.isArray)).toBe(false);
    }
  });

  it('a ransom payment adds its deadline; a report filed after a missed one records both', () => {
    const h = new ReportingFileHistory('op-minato-bank', 'finance');
    h.openIncident('inc-9', T0, T0);
    const doc0 = incident(h, 'inc-9');
    expect(doc0.regimes).toEqual(['jp-acd', 'nis2', 'circia']);
    // Filed after its due time, the early warning is recorded missed (with a case) and late.
    h.fileReport('inc-9', 'rep-ew', 'EARLY_WARNING', T0 + 2 * DAY, { ransomPaidAt: T0 + DAY });
    const doc = incident(h, 'inc-9');
    expect(doc.ransomPaidAt).toEqual(at(T0 + DAY));
    expect(doc.deadlines.filter((d) => d.stage === 'EARLY_WARNING')).toEqual([
      expect.objectContaining({ regime: 'jp-acd', status: 'missed', filedAt: at(T0 + 2 * DAY) }),
      expect.objectContaining({ regime: 'nis2', status: 'missed', filedAt: at(T0 + 2 * DAY) }),
    ]);
    expect(doc.deadlines.find((d) => d.deadlineId === 'circia/ransom-payment')).toMatchObject({
      status: 'pending',
      dueAt: at(T0 + 2 * DAY),
    });
    expect(doc.nextDeadlineAt).toEqual(at(T0 + 2 * DAY));
    expect(doc.caseIds).toHaveLength(1);
  });

  it('an incident opened in answer to an order says so, and its first report complies', () => {
    const h = new ReportingFileHistory('op-tokai-rail', 'railways');
    h.openCase('case-u', T0);
    h.issueOrder('case-u', 'order-u', T0 + 7 * DAY, T0 + HOUR);
    h.openIncident('inc-u', T0 + HOUR, T0 + DAY, { orderId: 'order-u' });
    h.fileReport('inc-u', 'rep-1', 'EARLY_WARNING', T0 + DAY + HOUR);
    const doc = incident(h, 'inc-u');
    expect(doc.orderId).toBe('order-u');
    expect(doc.timeline[0]).toMatchObject({ kind: 'opened', orderId: 'order-u' });
    expect(doc.timeline[0]?.text).toContain('in answer to correction order order-u');
    expect(doc.timeline.map((t) => t.kind)).toEqual(['opened', 'report-filed', 'order-complied']);
    expect(doc.caseIds).toEqual(['case-u']);
  });

  it('routes only events that name an incident to it', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.notifyAsset('a-1', T0);
    h.openCase('case-u', T0);
    h.issueOrder('case-u', 'order-u', T0 + 7 * DAY, T0);
    h.recordIgnored('order-u', T0 + 8 * DAY);
    h.legacyPenalty('order-u', 500_000, T0 + 9 * DAY);
    h.referToProsecutors('order-u', T0 + 9 * DAY);
    h.recordOutcome('order-u', 500_000, T0 + 30 * DAY);
    expect(h.envelopes.map(incidentDocIdOf)).toEqual([null, null, null, null, null, null, null]);
    expect(foldInMemory(incidentProjection, h.envelopes).size).toBe(0);
  });

  it("never lets another operator's events touch an incident with the same id", () => {
    const kanto = new ReportingFileHistory('op-kanto-electric', 'electricity');
    kanto.openIncident('inc-1', T0, T0, { title: 'Kanto incident' });
    const setouchi = new ReportingFileHistory('op-setouchi-grid', 'electricity');
    setouchi.notifyAsset('a', T0);
    setouchi.notifyAsset('b', T0);
    setouchi.openIncident('inc-1', T0, T0, { title: 'Setouchi incident' });
    setouchi.fileReport('inc-1', 'r', 'EARLY_WARNING', T0 + HOUR, { sharedWithPolice: true });
    const docs = foldInMemory(incidentProjection, [...kanto.envelopes, ...setouchi.envelopes]);
    expect(docs.get('inc-1')).toMatchObject({
      operatorId: 'op-kanto-electric',
      title: 'Kanto incident',
      sharedWithPolice: false,
      version: 1,
    });
  });

  it('given a bank incident, when a NIS2 deadline is missed, then the timeline says it opens no Japanese case', () => {
    const h = new ReportingFileHistory('op-minato-bank', 'finance');
    h.openIncident('inc-1', T0, T0);
    h.markMissed('inc-1', 'nis2/early-warning', T0 + DAY + HOUR);
    const doc = incident(h, 'inc-1');
    expect(doc.deadlines.find((d) => d.deadlineId === 'nis2/early-warning')).toMatchObject({
      status: 'missed',
      caseId: null,
    });
    expect(doc.openCaseId).toBeNull();
    expect(doc.caseIds).toEqual([]);
    const missed = doc.timeline.find((t) => t.kind === 'deadline-missed');
    expect(missed?.text).toContain('recorded under nis2, which opens no Japanese compliance case');
    expect(missed).not.toHaveProperty('caseId');
  });

  it('ignores events about an incident it has not seen opened', () => {
    const closed: EventEnvelope<ReportingEvent> = {
      metadata: {
        eventId: 'e',
        eventType: 'IncidentClosed',
        aggregateId: 'op-x',
        aggregateVersion: 3,
        orgId: 'op-x',
        occurredAt: at(T0),
        correlationId: 'c',
        causationId: 'c',
      },
      event: {
        type: 'IncidentClosed',
        data: { operatorId: 'op-x', incidentId: 'inc-x', reportId: 'r', closedAt: T0 },
      },
    };
    expect(evolveIncidentDoc(null, closed)).toBeNull();
  });
});
