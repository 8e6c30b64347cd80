import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { Help, Option, SubCommand } from 'nest-commander';
import { ApiCommand, CONFIG_HELP, note, write, type ApiOptions } from '../api-command';
import { ExitCode, UsageError } from '../exit-codes';
import { REPORT_LANGS, type ReportLang } from './annual-report.labels';
import { renderAnnualReportPdf, reportSections, type AnnualReportView } from './annual-report.pdf';
import { resolveJapaneseFont } from './pdf-font';

interface AnnualReportOptions extends ApiOptions {
  year?: number;
  out?: string;
  json?: string;
  lang?: ReportLang;
}

@SubCommand({
  name: 'annual-report',
  description:
    "the commission's annual report to the Diet: figures from the event log, reconciled with the audit log, as a PDF with charts and as JSON (oversight commission)",
})
export class OversightAnnualReportCommand extends ApiCommand<AnnualReportOptions> {
  async run(_: string[], opts: AnnualReportOptions): Promise<void> {
    if (opts.year === undefined) throw new UsageError('--year is required, e.g. --year 2026');
    const lang = opts.lang ?? 'en';
    // Before asking the bus: a missing font must not leave a JSON file without its PDF.
    if (opts.out && lang === 'ja') resolveJapaneseFont();
    const report = await this.client(opts).request<AnnualReportView>(
      'GET',
      '/v1/oversight/annual-report',
      { query: { year: opts.year } },
    );
    // Rendered first: a font pdfkit cannot read leaves neither file.
    const pdf = opts.out ? await renderAnnualReportPdf(report, lang) : undefined;
    if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    if (opts.out && pdf) writeWhole(opts.out, pdf);
    if (!opts.out && !opts.json) {
      for (const section of reportSections(report.figures, lang)) {
        write(section.title);
        for (const [label, value] of section.rows) write(`  ${label.padEnd(40)} ${value}`);
      }
    }
    const written = [opts.out, opts.json].filter(Boolean).join(' and ');
    if (written) note(`annual report ${report.figures.year} written to ${written}`);
    if (!report.reconciled) {
      note(
        `NOT RECONCILED with the audit log: ${report.differences.length} figures differ, ${report.missingFromAuditLog.length} events missing from the audit log, ${report.missingFromEventLog.length} from the event log`,
      );
      process.exitCode = ExitCode.refused;
    } else {
      note(`reconciled with the audit log (${report.auditLog.entries} entries)`);
    }
  }

  @Option({
    flags: '--year <year>',
    description: 'the calendar year in Japan, 2025 or later',
    required: true,
  })
  parseYear(value: string): number {
    const n = Number(value);
    if (!/^\d{4}$/.test(value.trim()) || n < 2025)
      throw new UsageError(`--year must be a year from 2025, not "${value}"`);
    return n;
  }

  @Option({ flags: '--out <file.pdf>', description: 'write the report as a PDF with charts' })
  parseOut(value: string): string {
    return value;
  }

  @Option({
    flags: '--lang <en|ja>',
    description:
      'the language of the PDF and of the printed figures (default en); ja embeds a Japanese font: ACD_PDF_FONT, or one of the Debian packages fonts-ipaexfont-gothic, fonts-ipafont-gothic, fonts-noto-cjk',
  })
  parseLang(value: string): ReportLang {
    const lang = REPORT_LANGS.find((l) => l === value.trim().toLowerCase());
    if (!lang) throw new UsageError(`--lang must be ${REPORT_LANGS.join(' or ')}, not "${value}"`);
    return lang;
  }

  @Option({
    flags: '--json <file.json>',
    description: 'write the report and its reconciliation as JSON',
  })
  parseJson(value: string): string {
    return value;
  }

  @Help('after')
  help(): string {
    return `
Without --out or --json the figures are printed. Exit code 1 when the event log and the audit
log disagree (the report says which figure and which event).

--lang ja writes the report in Japanese, with a Japanese font embedded: the file ACD_PDF_FONT
names (a TTF, OTF or TTC; for a TTC, the face after a #), else the first installed of
fonts-ipaexfont-gothic, fonts-ipafont-gothic and fonts-noto-cjk. Without one it stops with exit
code 2 before anything is written (apt-get install fonts-ipafont-gothic).

Examples:
  acd oversight annual-report --year 2026 --out report.pdf --json report.json
  acd oversight annual-report --year 2026 --lang ja --out report-ja.pdf
${CONFIG_HELP}`;
  }
}

/** Writes a file whole or not at all: a reader never finds half a report under its name. */
function writeWhole(file: string, data: Buffer): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}
