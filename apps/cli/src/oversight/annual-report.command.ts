import { writeFileSync } from 'node:fs';
import { Help, Option, SubCommand } from 'nest-commander';
import { ApiCommand, CONFIG_HELP, note, write, type ApiOptions } from '../api-command';
import { ExitCode, UsageError } from '../exit-codes';
import { renderAnnualReportPdf, reportSections, type AnnualReportView } from './annual-report.pdf';

interface AnnualReportOptions extends ApiOptions {
  year?: number;
  out?: string;
  json?: string;
}

@SubCommand({
  name: 'annual-report',
  description:
    "the commission's annual report to the Diet: figures from the event log, reconciled with the audit log, as a PDF with charts and as JSON (oversight commission)",
})
export class OversightAnnualReportCommand extends ApiCommand<AnnualReportOptions> {
  async run(_: string[], opts: AnnualReportOptions): Promise<void> {
    if (opts.year === undefined) throw new UsageError('--year is required, e.g. --year 2026');
    const report = await this.client(opts).request<AnnualReportView>(
      'GET',
      '/v1/oversight/annual-report',
      { query: { year: opts.year } },
    );
    if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    if (opts.out) writeFileSync(opts.out, await renderAnnualReportPdf(report));
    if (!opts.out && !opts.json) {
      for (const section of reportSections(report.figures)) {
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

Example:
  acd oversight annual-report --year 2026 --out report.pdf --json report.json
${CONFIG_HELP}`;
  }
}
