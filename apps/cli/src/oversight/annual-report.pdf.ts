import PDFDocument from 'pdfkit';
import type { AnnualFigures } from '@acd/oversight';

/** What the gateway answers at GET /v1/oversight/annual-report (the parts the PDF shows). */
export interface AnnualReportView {
  figures: AnnualFigures;
  generatedAt: string;
  eventLog: { topic: string; events: number; undecodable: number };
  auditLog: {
    entries: number;
    treeSize: number;
    head: { treeSize: number; rootHash: string; timestamp: number; keyId: string } | null;
  };
  reconciled: boolean;
  differences: {
    figure: string;
    eventLog: number | string | null;
    auditLog: number | string | null;
  }[];
  missingFromAuditLog: string[];
  missingFromEventLog: string[];
}

type Row = [label: string, value: number];

const MARGIN = 56;
const PAGE_WIDTH = 595.28; // A4
const CONTENT = PAGE_WIDTH - 2 * MARGIN;
const BAR_COLOURS = ['#1f4e79', '#c55a11', '#548235', '#7f6000', '#7030a0'];

const jst = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Tokyo',
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(new Date(iso)) + ' JST';

/** The sections of the report: each a titled table of figures and a bar chart of the same rows. */
export function reportSections(f: AnnualFigures): { title: string; rows: Row[] }[] {
  const d = f.decisions;
  const o = f.operations;
  const e = f.emergencyNotifications;
  const s = f.supervision;
  return [
    {
      title: 'Requests for authorisation',
      rows: [
        ['Collection requests', f.requests.collection],
        ['Operation requests', f.requests.operation],
        ['of which after acting (emergency)', f.requests.emergency],
      ],
    },
    {
      title: 'Decisions of the commission',
      rows: [
        ['Collection approved', d.approved.collection],
        ['Collection denied', d.denied.collection],
        ['Operations approved', d.approved.operation],
        ['Operations denied', d.denied.operation],
        ['Votes cast', d.votesCast],
        ['Pending at the end of the year', d.pendingAtYearEnd],
      ],
    },
    {
      title: 'Operations executed, by measure taken',
      rows: [
        ['Operations executed', o.executed],
        ...Object.entries(o.byMeasure).map(([m, n]): Row => [`Measure: ${m}`, n]),
        ['Targets abroad', o.abroad],
        ['Operations reported', o.reported],
      ],
    },
    {
      title: 'Emergency notifications to the commission',
      rows: [
        ['Executed on the emergency path', e.executed],
        ['Notified on time', e.onTime],
        ['Notified late', e.late],
        ['Missed', e.missed],
        ['Outstanding', e.outstanding],
      ],
    },
    {
      title: 'Inspections, recommendations and disciplinary demands',
      rows: [
        ['Inspections opened', s.inspectionsOpened],
        ['Inspections concluded: no issues', s.inspectionsConcluded['no-issues']],
        ['Inspections concluded: issues found', s.inspectionsConcluded['issues-found']],
        ['Recommendations issued', s.recommendationsIssued],
        ['Recommendations answered', s.recommendationsAnswered],
        ['Disciplinary demands', s.disciplinaryDemands],
        ['Disciplinary actions reported', s.disciplinaryActionsReported],
      ],
    },
    {
      title: 'Agreements with operators',
      rows: [
        ['Agreements proposed', f.agreements.proposed],
        ['Agreements accepted', f.agreements.accepted],
        ['Agreements declined', f.agreements.declined],
        ['Agreements ended', f.agreements.ended],
      ],
    },
  ];
}

/** Renders the report as a PDF (A4): title, every section as a table and a bar chart, and how it was reconciled. */
export function renderAnnualReportPdf(r: AnnualReportView): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `Annual report of the oversight commission, ${r.figures.year}`,
      Author: 'Cyber Communications Information Supervisory Commission',
      Subject: 'Report to the Diet under the Active Cyber Defense Act (Act No. 42 of 2025)',
      CreationDate: new Date(r.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(18).text(`Annual report to the Diet, ${r.figures.year}`);
  doc.moveDown(0.3);
  doc
    .font('Helvetica')
    .fontSize(10)
    .text('Cyber Communications Information Supervisory Commission')
    .text(`Period: ${jst(r.figures.from)} to ${jst(r.figures.to)} (the calendar year in Japan)`)
    .text(`Generated: ${jst(r.generatedAt)}`)
    .text(
      `Computed from the event log (${r.eventLog.events} oversight events read from ${r.eventLog.topic}), not from any read model.`,
    );
  doc.moveDown();

  for (const section of reportSections(r.figures)) {
    const needed = 40 + section.rows.length * 30;
    if (doc.y + needed > doc.page.height - MARGIN) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(13).text(section.title, MARGIN, doc.y);
    doc.moveDown(0.3);
    table(doc, section.rows);
    doc.moveDown(0.5);
    chart(doc, section.rows);
    doc.moveDown();
  }

  if (doc.y + 160 > doc.page.height - MARGIN) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(13).text('Reconciliation with the audit log', MARGIN, doc.y);
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(10);
  const head = r.auditLog.head;
  doc.text(
    r.reconciled
      ? `Reconciled: every figure above is the same when computed from the audit log's ${r.auditLog.entries} copies of these events.`
      : 'NOT RECONCILED: the event log and the audit log disagree (below).',
  );
  if (head) {
    doc.text(
      `Audit log signed tree head: size ${head.treeSize}, key ${head.keyId}, signed ${jst(new Date(head.timestamp).toISOString())}`,
    );
    doc.font('Courier').fontSize(8).text(`root ${head.rootHash}`).font('Helvetica').fontSize(10);
  }
  for (const d of r.differences) {
    doc.text(
      `Figure ${d.figure}: event log ${String(d.eventLog)}, audit log ${String(d.auditLog)}`,
    );
  }
  for (const id of r.missingFromAuditLog)
    doc.text(`Event ${id} is on the event log, not on the audit log`);
  for (const id of r.missingFromEventLog)
    doc.text(`Event ${id} is on the audit log, not on the event log`);
  if (r.eventLog.undecodable > 0) {
    doc.text(`${r.eventLog.undecodable} records of the event log could not be decoded`);
  }
  doc.end();
  return done;
}

function table(doc: PDFKit.PDFDocument, rows: Row[]): void {
  doc.font('Helvetica').fontSize(10);
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.text(label, MARGIN, y, { width: CONTENT - 80, lineBreak: false });
    doc.text(String(value), MARGIN + CONTENT - 80, y, {
      width: 80,
      align: 'right',
      lineBreak: false,
    });
    doc.moveDown(0.2);
    doc.y = y + 14;
  }
}

/** Horizontal bars, one per row, scaled to the largest value (an empty chart says so). */
function chart(doc: PDFKit.PDFDocument, rows: Row[]): void {
  const max = Math.max(0, ...rows.map(([, v]) => v));
  const labelWidth = 190;
  const barArea = CONTENT - labelWidth - 40;
  const top = doc.y;
  doc.fontSize(8);
  rows.forEach(([label, value], i) => {
    const y = top + i * 14;
    doc
      .fillColor('#333333')
      .text(label, MARGIN, y + 2, { width: labelWidth - 6, lineBreak: false, ellipsis: true });
    const width = max === 0 ? 0 : Math.max(value > 0 ? 1 : 0, (value / max) * barArea);
    doc.rect(MARGIN + labelWidth, y, width, 10).fill(BAR_COLOURS[i % BAR_COLOURS.length]!);
    doc
      .fillColor('#333333')
      .text(String(value), MARGIN + labelWidth + width + 4, y + 2, { lineBreak: false });
  });
  doc
    .moveTo(MARGIN + labelWidth, top - 2)
    .lineTo(MARGIN + labelWidth, top + rows.length * 14)
    .stroke('#999999');
  doc.fillColor('black').fontSize(10);
  doc.x = MARGIN;
  doc.y = top + rows.length * 14 + 4;
}
