import { readFileSync } from 'node:fs';
import { Help, Option, SubCommand } from 'nest-commander';
import { ApiCommand, CONFIG_HELP, write, type ApiOptions } from './api-command';
import { UsageError } from './exit-codes';

interface ReportOptions extends ApiOptions {
  stage?: string;
  summary?: string;
  impact?: string;
  status?: string;
  suspectedActor?: string;
  affectedAssets?: string[];
  indicatorIds?: string[];
  sharedWithPolice?: boolean;
  ransomPaidAt?: string;
  idempotencyKey?: string;
  json?: boolean;
}

const list = (v: string, prev: string[] | undefined): string[] => [
  ...(prev ?? []),
  ...v
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Reads a JSON object from a file ("-" for standard input), or refuses with exit code 2. */
export function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${file} must hold one JSON object`);
  return value as Record<string, unknown>;
}

@SubCommand({
  name: 'report',
  arguments: '<incidentId>',
  argsDescription: { incidentId: 'the incident (UUID) the report is about' },
  description: 'file a staged report on one of your incidents (POST /v1/incidents/:id/reports)',
})
export class IncidentsReportCommand extends ApiCommand<ReportOptions> {
  async run([incidentId]: string[], opts: ReportOptions): Promise<void> {
    if (!incidentId) throw new UsageError('which incident? acd incidents report <incidentId>');
    if (!opts.stage)
      throw new UsageError(
        '--stage is required (EARLY_WARNING, NOTIFICATION, INTERIM, FINAL or RANSOM_PAYMENT)',
      );
    if (!opts.summary) throw new UsageError('--summary is required');
    const client = this.client(opts);
    const body = {
      stage: opts.stage.toUpperCase().replace(/-/g, '_'),
      summary: opts.summary,
      ...(opts.impact ? { impact: opts.impact.toLowerCase() } : {}),
      ...(opts.status ? { status: opts.status.toLowerCase() } : {}),
      ...(opts.suspectedActor ? { suspectedActor: opts.suspectedActor } : {}),
      ...(opts.affectedAssets ? { affectedAssets: opts.affectedAssets } : {}),
      ...(opts.indicatorIds ? { indicatorIds: opts.indicatorIds } : {}),
      ...(opts.sharedWithPolice !== undefined ? { sharedWithPolice: opts.sharedWithPolice } : {}),
      ...(opts.ransomPaidAt ? { ransomPaidAt: opts.ransomPaidAt } : {}),
    };
    const res = await client.fileReport(incidentId, body, opts.idempotencyKey);
    if (opts.json) write(JSON.stringify(res));
    else
      write(
        `${body.stage} report ${res.reportId} filed on incident ${incidentId}` +
          (res.duplicate ? ' (already filed: a retry)' : ''),
      );
  }

  @Option({
    flags: '--stage <stage>',
    description: 'EARLY_WARNING, NOTIFICATION, INTERIM, FINAL (closes it) or RANSOM_PAYMENT',
  })
  parseStage(v: string): string {
    return v;
  }

  @Option({ flags: '--summary <text>', description: 'what you know now' })
  parseSummary(v: string): string {
    return v;
  }

  @Option({ flags: '--impact <level>', description: 'none, low, moderate, high or severe' })
  parseImpact(v: string): string {
    return v;
  }

  @Option({
    flags: '--status <status>',
    description: 'investigating, contained, recovering or resolved',
  })
  parseStatus(v: string): string {
    return v;
  }

  @Option({ flags: '--suspected-actor <name>', description: 'who you think is behind it' })
  parseActor(v: string): string {
    return v;
  }

  @Option({
    flags: '--affected-assets <ids>',
    description: 'asset ids, comma-separated (repeatable)',
  })
  parseAssets(v: string, prev?: string[]): string[] {
    return list(v, prev);
  }

  @Option({
    flags: '--indicator-ids <ids>',
    description: 'indicator ids, comma-separated (repeatable)',
  })
  parseIndicators(v: string, prev?: string[]): string[] {
    return list(v, prev);
  }

  @Option({ flags: '--shared-with-police', description: 'share the incident with the police' })
  parseShared(): boolean {
    return true;
  }

  @Option({
    flags: '--ransom-paid-at <iso>',
    description: 'when a ransom was paid (ISO-8601 with a zone)',
  })
  parseRansom(v: string): string {
    return v;
  }

  @Option({
    flags: '--idempotency-key <key>',
    description: 'retrying with the same key files once',
  })
  parseKey(v: string): string {
    return v;
  }

  @Option({ flags: '--json', description: 'print the answer as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `
Exit code 1 when the bus refuses the report (e.g. 409: out of order, or the incident is closed).

Examples:
  acd incidents report 0b6c... --stage EARLY_WARNING --summary "ransomware on the billing servers"
  acd incidents report 0b6c... --stage NOTIFICATION --summary "contained" --impact high --status contained
${CONFIG_HELP}`;
  }
}
