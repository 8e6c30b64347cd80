import { incidentProjection, type AssetDoc, type IncidentDoc } from '@acd/reporting';
import { DAY, foldInMemory, HOUR, ReportingFileHistory } from '@acd/reporting/testing';
import { incidentTimeline, jst, regimeReport } from './reporting.presenter';

const T0 = Date.parse('2026-11-20T15:30:00Z');

function incidentOf(history: ReportingFileHistory, id: string): IncidentDoc {
  const doc = foldInMemory(incidentProjection, history.envelopes).get(id);
  if (!doc) throw new Error(`no incident ${id}`);
  return doc;
}

describe('times for people', () => {
  it('shows JST with its offset, across the date line', () => {
    expect(jst(new Date('2026-11-22T00:00:00Z'))).toBe('2026-11-22T09:00:00+09:00');
    expect(jst(new Date('2026-11-22T15:00:00.250Z'))).toBe('2026-11-23T00:00:00+09:00');
    expect(jst(null)).toBeNull();
    // The string is still the same instant.
    expect(Date.parse(jst(new Date(T0)) ?? '')).toBe(T0);
  });
});

describe('incident timeline', () => {
  it('marks each deadline met, missed and filed late, or pending, in time order', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.openIncident('inc-1', T0, T0 + HOUR);
    h.markMissed('inc-1', 'jp-acd/early-warning', T0 + DAY + 1);
    h.fileReport('inc-1', 'r-1', 'EARLY_WARNING', T0 + DAY + 2 * HOUR);
    h.fileReport('inc-1', 'r-2', 'NOTIFICATION', T0 + 2 * DAY);
    const t = incidentTimeline(incidentOf(h, 'inc-1'), new Date(T0 + 3 * DAY));

    const verdicts = Object.fromEntries(t.deadlines.map((d) => [d.deadlineId, d.verdict]));
    expect(verdicts).toEqual({
      'jp-acd/early-warning': `missed, filed late ${jst(new Date(T0 + DAY + 2 * HOUR))}`,
      'jp-acd/notification': `met (filed ${jst(new Date(T0 + 2 * DAY))})`,
      'jp-acd/final-report': 'pending',
    });
    const times = t.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(t.entries.map((e) => e.kind)).toEqual([
      'opened',
      'deadline',
      'case-opened',
      'deadline-missed',
      'report-filed',
      'report-filed',
      'deadline',
      'deadline',
    ]);
    expect(t.entries.every((e) => e.atJst?.endsWith('+09:00'))).toBe(true);
  });

  it('calls a pending deadline overdue once its time has passed', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.openIncident('inc-1', T0, T0);
    const t = incidentTimeline(incidentOf(h, 'inc-1'), new Date(T0 + DAY + 1));
    expect(t.deadlines.find((d) => d.deadlineId === 'jp-acd/early-warning')?.verdict).toBe(
      'overdue',
    );
  });
});

describe('one incident as three regimes’ reports', () => {
  const bank = () => {
    const h = new ReportingFileHistory('op-minato-bank', 'finance');
    h.notifyAsset('core-01', T0 - DAY);
    h.openIncident('inc-b', T0, T0 + 2 * HOUR, {
      affectedAssets: ['core-01'],
      ransomPaidAt: T0 + 2 * HOUR,
      suspectedActor: 'ransomware affiliate',
      firstSeenAt: T0 - 3 * HOUR,
    });
    h.fileReport('inc-b', 'r-ew', 'EARLY_WARNING', T0 + 3 * HOUR);
    h.fileReport('inc-b', 'r-n', 'NOTIFICATION', T0 + 4 * HOUR);
    return incidentOf(h, 'inc-b');
  };
  const assets = new Map<string, AssetDoc>([
    [
      'core-01',
      {
        _id: 'op-minato-bank:core-01',
        version: 1,
        operatorId: 'op-minato-bank',
        sector: 'finance',
        assetId: 'core-01',
        name: 'Core banking host',
        function: 'payments',
        location: 'Tokyo DC',
        vendor: 'Example',
        product: 'CoreBank 5',
        exposure: 'internal',
        installedAt: null,
        notifiedAt: new Date(T0 - DAY),
        status: 'active',
        retiredAt: null,
        retirementReason: null,
        updatedAt: new Date(T0 - DAY),
      },
    ],
  ]);

  it('renders the Japanese report in JST, addressed to the Cabinet and the sector minister', () => {
    const r = regimeReport(bank(), 'jp-acd', assets);
    expect(r).toMatchObject({
      regime: 'jp-acd',
      applies: true,
      awarenessAtJst: jst(new Date(T0)),
      specifiedImportantComputers: [{ assetId: 'core-01', name: 'Core banking host' }],
    });
    expect((r as { recipients: string[] }).recipients[1]).toContain('finance');
  });

  it('renders NIS2 and CIRCIA from the same facts, with their own deadlines', () => {
    const nis2 = regimeReport(bank(), 'nis2', assets) as Record<string, unknown>;
    expect(nis2.earlyWarning).toMatchObject({
      reportId: 'r-ew',
      suspectedUnlawfulOrMalicious: true,
    });
    expect((nis2.deadlines as { deadlineId: string }[]).map((d) => d.deadlineId)).toEqual([
      'nis2/early-warning',
      'nis2/notification',
      'nis2/final-report',
    ]);
    const circia = regimeReport(bank(), 'circia', assets) as Record<string, unknown>;
    expect(circia.coveredCyberIncidentReport).toMatchObject({
      reportId: 'r-n',
      unauthorizedAccessFirstSeen: new Date(T0 - 3 * HOUR).toISOString(),
      suspectedActor: 'ransomware affiliate',
    });
    expect(circia.ransomPaymentReport).toMatchObject({
      paidAt: new Date(T0 + 2 * HOUR).toISOString(),
      submittedAt: null,
    });
  });

  it('says when a regime does not cover the incident', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.openIncident('inc-e', T0, T0);
    expect(regimeReport(incidentOf(h, 'inc-e'), 'nis2', new Map())).toMatchObject({
      applies: false,
    });
  });
});
