import { readFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { Help, Option, SubCommand } from 'nest-commander';
import { loadConfig } from '@acd/config';
import { indicatorSchema } from '@acd/indicators';
import type { IndicatorBreadth } from '@acd/indicators';
import { ApiClient, ApiError, resolveConfig, type BatchItemResult } from './api-client';
import { ApiCommand, CONFIG_HELP, note, positiveInt, write, type ApiOptions } from './api-command';
import { CliError, ExitCode, exitCodeForSummary, UsageError } from './exit-codes';
import {
  CSV_COLUMNS,
  detectFormat,
  fileKeyPrefix,
  parseIndicatorFile,
  validateLocally,
  type Row,
} from './indicator-rows';

interface PublishOptions extends ApiOptions {
  format?: string;
  dryRun?: boolean;
  batchSize?: number;
  maxErrorsShown?: number;
  json?: boolean;
}

export interface RefusedRow {
  line: number;
  field: string;
  reason: string;
  status?: number;
}

export interface PublishSummary {
  file: string;
  rows: number;
  accepted: number;
  /** 201: a new indicator. */
  new: number;
  /** 200: an indicator you had published, updated or unchanged. */
  updatedOrUnchanged: number;
  /** Already published by an earlier run of the same file (same idempotency key): nothing written. */
  duplicate: number;
  refused: number;
  refusedRows: RefusedRow[];
  dryRun: boolean;
  seconds: number;
}

/** The API's body limit is 256 kB by default; batches stay well below it. */
const MAX_BATCH_BYTES = 200_000;
const IN_FLIGHT = 2;

interface Batch {
  rows: Extract<Row, { ok: true }>[];
}

/** Splits rows into batches of at most `size` items and MAX_BATCH_BYTES of JSON. */
export function batchesOf(rows: Extract<Row, { ok: true }>[], size: number): Batch[] {
  const out: Batch[] = [];
  let cur: Batch = { rows: [] };
  let bytes = 0;
  for (const r of rows) {
    const b = JSON.stringify(r.body).length + 1;
    if (cur.rows.length > 0 && (cur.rows.length >= size || bytes + b > MAX_BATCH_BYTES)) {
      out.push(cur);
      cur = { rows: [] };
      bytes = 0;
    }
    cur.rows.push(r);
    bytes += b;
  }
  if (cur.rows.length > 0) out.push(cur);
  return out;
}

/** Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise. */
class Progress {
  private bar?: SingleBar;
  private lastLine = 0;
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly quiet: boolean,
  ) {
    if (quiet) return;
    if (process.stderr.isTTY) {
      this.bar = new SingleBar(
        {
          format:
            'publishing [{bar}] {percentage}% | {value}/{total} rows | {refused} refused | ETA {eta_formatted}',
          stream: process.stderr,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      this.bar.start(total, 0, { refused: 0 });
    } else {
      note(`publishing ${total} rows`);
      this.lastLine = Date.now();
    }
  }

  tick(n: number, refused: number): void {
    this.done += n;
    if (this.bar) return this.bar.update(this.done, { refused });
    if (!this.quiet && Date.now() - this.lastLine >= 2000) {
      this.lastLine = Date.now();
      const pct = Math.floor((this.done / Math.max(1, this.total)) * 100);
      note(`published ${this.done}/${this.total} rows (${pct}%), ${refused} refused`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

/**
 * Sends the rows in batches to POST /v1/indicators/batch and tallies each row's outcome. A
 * batch too large for the gateway (413) is split; a bus that is unavailable is retried a few
 * times, then the command ends with exit code 3 (run it again: nothing is published twice).
 */
export async function publishRows(
  client: ApiClient,
  rows: Extract<Row, { ok: true }>[],
  keyPrefix: string,
  batchSize: number,
  onBatch: (results: { row: Extract<Row, { ok: true }>; result: BatchItemResult }[]) => void,
): Promise<void> {
  const queue = batchesOf(rows, batchSize);
  const send = async (batch: Batch): Promise<void> => {
    const key = `${keyPrefix}-${batch.rows[0]?.line ?? 0}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const { results } = await client.publishBatch(
          batch.rows.map((r) => r.body),
          key,
        );
        onBatch(batch.rows.map((row, i) => ({ row, result: resultAt(results, i) })));
        return;
      } catch (err) {
        if (err instanceof ApiError && err.status === 413) {
          if (batch.rows.length === 1) {
            const tooLarge = {
              index: 0,
              status: 413,
              error: { message: 'too large for the gateway', field: '(row)' },
            };
            onBatch([{ row: batch.rows[0]!, result: tooLarge }]);
            return;
          }
          const half = Math.ceil(batch.rows.length / 2);
          await send({ rows: batch.rows.slice(0, half) });
          await send({ rows: batch.rows.slice(half) });
          return;
        }
        const retriable = err instanceof CliError && err.exitCode === ExitCode.unreachable;
        if (!retriable || attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, async () => {
    for (let b = queue.shift(); b; b = queue.shift()) await send(b);
  });
  await Promise.all(workers);
}

function resultAt(results: BatchItemResult[], i: number): BatchItemResult {
  return (
    results.find((r) => r.index === i) ?? {
      index: i,
      status: 500,
      error: { message: 'the gateway gave no result for this row' },
    }
  );
}

export function formatSummary(s: PublishSummary, unit: 'line' | 'item', maxShown: number): string {
  const lines: string[] = [];
  const verb = s.dryRun ? 'valid' : 'accepted';
  lines.push(
    `${s.rows} rows in ${s.file}: ${s.accepted} ${verb}` +
      (s.dryRun
        ? ''
        : ` (${s.new} new, ${s.updatedOrUnchanged} updated or unchanged, ${s.duplicate} already published by an earlier run)`) +
      `, ${s.refused} refused` +
      (s.dryRun ? ' (dry run: nothing was sent)' : '') +
      ` in ${s.seconds.toFixed(1)} s`,
  );
  if (s.refusedRows.length > 0) {
    const shown = s.refusedRows.slice(0, maxShown);
    lines.push(
      shown.length < s.refusedRows.length
        ? `refused rows (first ${shown.length} of ${s.refusedRows.length}; --max-errors-shown for more):`
        : 'refused rows:',
    );
    for (const r of shown) lines.push(`  ${unit} ${r.line}: ${r.field}: ${r.reason}`);
  }
  return lines.join('\n');
}

@SubCommand({
  name: 'publish',
  arguments: '<file>',
  argsDescription: { file: 'a CSV, JSON (array) or JSON Lines file of indicators' },
  description:
    'publish every indicator of a file; a bad row is refused on its own and never stops the good ones',
})
export class IndicatorsPublishCommand extends ApiCommand<PublishOptions> {
  async run([file]: string[], opts: PublishOptions): Promise<void> {
    if (!file) throw new UsageError('which file? acd indicators publish <file>');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    const started = Date.now();
    const format = detectFormat(file, text, opts.format);
    const parsed = parseIndicatorFile(text, format);
    const maxShown = opts.maxErrorsShown ?? 20;
    const refusedRows: RefusedRow[] = [];
    const summary: PublishSummary = {
      file,
      rows: parsed.rows.length,
      accepted: 0,
      new: 0,
      updatedOrUnchanged: 0,
      duplicate: 0,
      refused: 0,
      refusedRows,
      dryRun: Boolean(opts.dryRun),
      seconds: 0,
    };
    const good: Extract<Row, { ok: true }>[] = [];
    const breadth = opts.dryRun ? localBreadth() : undefined;
    for (const r of parsed.rows) {
      if (!r.ok) refusedRows.push({ line: r.line, field: r.field, reason: r.reason });
      else if (opts.dryRun) {
        const bad = validateLocally(r.body, breadth);
        if (bad) refusedRows.push({ line: r.line, ...bad });
        else summary.accepted++;
      } else good.push(r);
    }
    if (!opts.dryRun && good.length > 0) {
      const client = new ApiClient(resolveConfig(opts));
      const progress = new Progress(parsed.rows.length, Boolean(opts.json));
      progress.tick(parsed.rows.length - good.length, refusedRows.length);
      try {
        await publishRows(client, good, fileKeyPrefix(text), opts.batchSize ?? 500, (done) => {
          for (const { row, result } of done) {
            if (result.status === 201 || result.status === 200) {
              summary.accepted++;
              if (result.duplicate) summary.duplicate++;
              else if (result.status === 201) summary.new++;
              else summary.updatedOrUnchanged++;
            } else {
              refusedRows.push({
                line: row.line,
                field: result.error?.field ?? '(row)',
                reason: result.error?.message ?? `HTTP ${result.status}`,
                status: result.status,
              });
            }
          }
          progress.tick(done.length, refusedRows.length);
        });
      } finally {
        progress.stop();
      }
    }
    refusedRows.sort((a, b) => a.line - b.line);
    summary.refused = refusedRows.length;
    summary.seconds = (Date.now() - started) / 1000;
    if (opts.json) write(JSON.stringify(summary));
    else write(formatSummary(summary, parsed.unit, maxShown));
    process.exitCode = exitCodeForSummary(summary);
  }

  @Option({
    flags: '--format <format>',
    description:
      'csv, json, jsonl or stix (a STIX 2.1 bundle; default: from the extension and content)',
  })
  parseFormat(value: string): string {
    return value;
  }

  @Option({
    flags: '--dry-run',
    description: 'validate locally and send nothing (no token needed)',
  })
  parseDryRun(): boolean {
    return true;
  }

  @Option({
    flags: '--batch-size <n>',
    description: 'rows per request, 1 to 500 (default 500)',
  })
  parseBatchSize(value: string): number {
    return positiveInt('--batch-size', 500)(value);
  }

  @Option({
    flags: '--max-errors-shown <n>',
    description: 'how many refused rows the summary lists (default 20)',
  })
  parseMaxErrors(value: string): number {
    if (value === '0') return 0;
    return positiveInt('--max-errors-shown')(value);
  }

  @Option({ flags: '--json', description: 'print the summary as JSON (every refused row)' })
  parseJson(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `
CSV: a header row naming some of these columns (type, value and tlp are required):
  ${CSV_COLUMNS.join(',')}
Lists are separated by ";". JSON: an array of publish bodies
as in POST /v1/indicators, or JSON Lines (one body per line).

Re-running the same file publishes nothing twice: every row carries an idempotency key derived
from the file's contents. Rows refused by the bus are listed with their line, field and reason.

Examples:
  acd indicators publish iocs.csv
  acd indicators publish --dry-run iocs.csv
  ACD_TOKEN=... acd indicators publish --json feed.jsonl > summary.json
${CONFIG_HELP}`;
  }
}

/**
 * The breadth bounds a dry run applies: the bus's defaults, or ACD_INDICATOR_MIN_PREFIX_V4/V6
 * when set (to the values the bus runs with).
 */
function localBreadth(): IndicatorBreadth {
  try {
    return loadConfig(indicatorSchema);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
