import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annualFigures, type OversightFact } from '@acd/oversight';
import { renderAnnualReportPdf, type AnnualReportView } from './annual-report.pdf';

const t = Date.parse('2026-05-01T00:00:00Z');
const facts: OversightFact[] = [
  {
    type: 'CollectionAuthorisationRequested',
    occurredAt: t,
    data: { requestId: 'c1', requesterKind: 'cabinet-office' },
  },
  { type: 'RequestApproved', occurredAt: t + 1, data: { requestId: 'c1' } },
  {
    type: 'OperationAuthorisationRequested',
    occurredAt: t,
    data: {
      requestId: 'o1',
      agencyKind: 'police',
      emergencyReason: 'now',
      target: { country: 'US' },
    },
  },
  {
    type: 'OperationExecuted',
    occurredAt: t + 2,
    data: {
      requestId: 'o1',
      emergency: true,
      outcome: 'succeeded',
      measuresTaken: ['access', 'take-down'],
    },
  },
  { type: 'EmergencyNotificationMissed', occurredAt: t + 3, data: { requestId: 'o1' } },
  { type: 'InspectionOpened', occurredAt: t, data: { agencyId: 'gov-npa' } },
];

/** What a reader of the PDF sees: its lines of text, through PDF.js. */
function pdfLines(pdf: Buffer): { pages: string[][]; info: Record<string, unknown> } {
  const dir = mkdtempSync(join(tmpdir(), 'acd-pdf-'));
  const file = join(dir, 'report.pdf');
  writeFileSync(file, pdf);
  const script = join(__dirname, '../../../../test/support/pdf-text.mjs');
  return JSON.parse(execFileSync(process.execPath, [script, file], { encoding: 'utf8' })) as {
    pages: string[][];
    info: Record<string, unknown>;
  };
}

const view = (over: Partial<AnnualReportView> = {}): AnnualReportView => ({
  figures: annualFigures(2026, facts),
  generatedAt: '2027-01-15T01:00:00.000Z',
  eventLog: { topic: 'acd.oversight.events.v1', events: facts.length, undecodable: 0 },
  auditLog: {
    entries: facts.length,
    treeSize: 120,
    head: {
      treeSize: 120,
      rootHash: 'ab'.repeat(32),
      timestamp: Date.parse('2027-01-15T00:59:00Z'),
      keyId: 'k1',
    },
  },
  reconciled: true,
  differences: [],
  missingFromAuditLog: [],
  missingFromEventLog: [],
  ...over,
});

describe('the annual report as a PDF', () => {
  jest.setTimeout(60_000);

  it('says every figure, in its table and its chart, and that it was reconciled', async () => {
    const { pages, info } = pdfLines(await renderAnnualReportPdf(view()));
    const lines = pages.flat();
    expect(info.Title).toBe('Annual report of the oversight commission, 2026');
    expect(lines).toContain('Annual report to the Diet, 2026');
    for (const row of [
      'Collection requests 1',
      'Operation requests 1',
      'of which after acting (emergency) 1',
      'Collection approved 1',
      'Operations executed 1',
      'Measure: access 1',
      'Measure: take-down 1',
      'Measure: disable-malware 0',
      'Targets abroad 1',
      'Missed 1',
      'Notified on time 0',
      'Inspections opened 1',
    ]) {
      // once in the table, once beside its bar
      expect(lines.filter((l) => l === row)).toHaveLength(2);
    }
    expect(lines.some((l) => l.startsWith('Reconciled: every figure above is the same'))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes(`root ${'ab'.repeat(32)}`))).toBe(true);
  });

  it('names each figure and event on which the two records disagree', async () => {
    const { pages } = pdfLines(
      await renderAnnualReportPdf(
        view({
          reconciled: false,
          differences: [{ figure: 'requests.operation', eventLog: 1, auditLog: 0 }],
          missingFromAuditLog: ['evt-42'],
        }),
      ),
    );
    const lines = pages.flat();
    expect(lines).toContain('NOT RECONCILED: the event log and the audit log disagree (below).');
    expect(lines).toContain('Figure requests.operation: event log 1, audit log 0');
    expect(lines).toContain('Event evt-42 is on the event log, not on the audit log');
  });
});
