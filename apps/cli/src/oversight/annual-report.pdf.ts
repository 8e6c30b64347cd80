import PDFDocument from 'pdfkit';
import type { AnnualFigures } from '@acd/oversight';
import {
  REPORT_CATALOGUES,
  type ReportLang,
  type RowKey,
  type SectionKey,
} from './annual-report.labels';
import { resolveJapaneseFont, useFont } from './pdf-font';

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

/** The fonts of one language: the standard ones for English, the embedded CJK one for Japanese. */
interface Fonts {
  regular: string;
  bold: string;
}

/** The sections of the report, each a list of figures keyed by their path in the figures. */
export function reportFigures(
  f: AnnualFigures,
): { section: SectionKey; rows: { key: string; value: number }[] }[] {
  const d = f.decisions;
  const o = f.operations;
  const e = f.emergencyNotifications;
  const s = f.supervision;
  const rows = (entries: [RowKey | string, number][]) =>
    entries.map(([key, value]) => ({ key, value }));
  return [
    {
      section: 'requests',
      rows: rows([
        ['requests.collection', f.requests.collection],
        ['requests.operation', f.requests.operation],
        ['requests.emergency', f.requests.emergency],
      ]),
    },
    {
      section: 'decisions',
      rows: rows([
        ['decisions.approved.collection', d.approved.collection],
        ['decisions.denied.collection', d.denied.collection],
        ['decisions.approved.operation', d.approved.operation],
        ['decisions.denied.operation', d.denied.operation],
        ['decisions.votesCast', d.votesCast],
        ['decisions.pendingAtYearEnd', d.pendingAtYearEnd],
      ]),
    },
    {
      section: 'operations',
      rows: rows([
        ['operations.executed', o.executed],
        ...Object.entries(o.byMeasure).map(([m, n]): [string, number] => [
          `operations.byMeasure.${m}`,
          n,
        ]),
        ['operations.abroad', o.abroad],
        ['operations.reported', o.reported],
      ]),
    },
    {
      section: 'emergencyNotifications',
      rows: rows([
        ['emergencyNotifications.executed', e.executed],
        ['emergencyNotifications.onTime', e.onTime],
        ['emergencyNotifications.late', e.late],
        ['emergencyNotifications.missed', e.missed],
        ['emergencyNotifications.outstanding', e.outstanding],
      ]),
    },
    {
      section: 'supervision',
      rows: rows([
        ['supervision.inspectionsOpened', s.inspectionsOpened],
        ['supervision.inspectionsConcluded.no-issues', s.inspectionsConcluded['no-issues']],
        ['supervision.inspectionsConcluded.issues-found', s.inspectionsConcluded['issues-found']],
        ['supervision.recommendationsIssued', s.recommendationsIssued],
        ['supervision.recommendationsAnswered', s.recommendationsAnswered],
        ['supervision.disciplinaryDemands', s.disciplinaryDemands],
        ['supervision.disciplinaryActionsReported', s.disciplinaryActionsReported],
      ]),
    },
    {
      section: 'agreements',
      rows: rows([
        ['agreements.proposed', f.agreements.proposed],
        ['agreements.accepted', f.agreements.accepted],
        ['agreements.declined', f.agreements.declined],
        ['agreements.ended', f.agreements.ended],
      ]),
    },
  ];
}

/** The label of a figure in a language, or undefined for a path the catalogue does not know. */
export function rowLabel(key: string, lang: ReportLang): string | undefined {
  const labels = REPORT_CATALOGUES[lang];
  if (Object.hasOwn(labels.rows, key)) return labels.rows[key as RowKey];
  const measure = /^operations\.byMeasure\.(.+)$/.exec(key)?.[1];
  return measure === undefined ? undefined : labels.unknownMeasure(measure);
}

/** The sections of the report: each a titled table of figures and a bar chart of the same rows. */
export function reportSections(
  f: AnnualFigures,
  lang: ReportLang = 'en',
): { title: string; rows: Row[] }[] {
  const labels = REPORT_CATALOGUES[lang];
  return reportFigures(f).map(({ section, rows }) => ({
    title: labels.sections[section],
    rows: rows.map(({ key, value }): Row => [rowLabel(key, lang) ?? key, value]),
  }));
}

/**
 * Renders the report as a PDF (A4): title, every section as a table and a bar chart, and how it
 * was reconciled. Japanese embeds a CJK font (resolveJapaneseFont); none is a usage error,
 * thrown before anything is written.
 */
export async function renderAnnualReportPdf(
  r: AnnualReportView,
  lang: ReportLang = 'en',
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer> {
  const t = REPORT_CATALOGUES[lang];
  const japaneseFont = lang === 'ja' ? resolveJapaneseFont(env) : undefined;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: lang === 'ja' ? 'ja-JP' : 'en-GB',
    info: {
      Title: t.documentTitle(r.figures.year),
      Author: t.author,
      Subject: t.subject,
      CreationDate: new Date(r.generatedAt),
    },
  });
  let fonts: Fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
  if (japaneseFont) {
    // The Japanese Gothic fonts the packages ship have no bold face: headings are set larger.
    useFont(doc, 'japanese', japaneseFont);
    fonts = { regular: 'japanese', bold: 'japanese' };
  }
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font(fonts.bold).fontSize(18).text(t.title(r.figures.year));
  doc.moveDown(0.3);
  doc
    .font(fonts.regular)
    .fontSize(10)
    .text(t.author)
    .text(t.period(t.date(r.figures.from), t.date(r.figures.to)))
    .text(t.generated(t.date(r.generatedAt)))
    .text(t.computedFrom(r.eventLog.events, r.eventLog.topic));
  doc.moveDown();

  for (const section of reportSections(r.figures, lang)) {
    const needed = 40 + section.rows.length * 30;
    if (doc.y + needed > doc.page.height - MARGIN) doc.addPage();
    doc.font(fonts.bold).fontSize(13).text(section.title, MARGIN, doc.y);
    doc.moveDown(0.3);
    table(doc, fonts, section.rows);
    doc.moveDown(0.5);
    chart(doc, section.rows);
    doc.moveDown();
  }

  if (doc.y + 160 > doc.page.height - MARGIN) doc.addPage();
  doc.font(fonts.bold).fontSize(13).text(t.reconciliation, MARGIN, doc.y);
  doc.moveDown(0.3);
  doc.font(fonts.regular).fontSize(10);
  const head = r.auditLog.head;
  doc.text(r.reconciled ? t.reconciled(r.auditLog.entries) : t.notReconciled);
  if (head) {
    doc.text(t.treeHead(head.treeSize, head.keyId, t.date(new Date(head.timestamp).toISOString())));
    doc.font('Courier').fontSize(8).text(`root ${head.rootHash}`).font(fonts.regular).fontSize(10);
  }
  for (const d of r.differences) {
    doc.text(
      t.difference(d.figure, rowLabel(d.figure, lang), String(d.eventLog), String(d.auditLog)),
    );
  }
  for (const id of r.missingFromAuditLog) doc.text(t.missingFromAuditLog(id));
  for (const id of r.missingFromEventLog) doc.text(t.missingFromEventLog(id));
  if (r.eventLog.undecodable > 0) doc.text(t.undecodable(r.eventLog.undecodable));
  doc.end();
  return done;
}

function table(doc: PDFKit.PDFDocument, fonts: Fonts, rows: Row[]): void {
  doc.font(fonts.regular).fontSize(10);
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
