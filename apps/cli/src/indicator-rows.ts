import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  indicatorFromStix,
  STIX_CONTEXT_TYPES,
  createIndicatorDecider,
  DEFAULT_INDICATOR_BREADTH,
  publishableIndicatorValue,
  publishIndicatorSchema,
} from '@acd/indicators';
import type { IndicatorBreadth, PublishIndicator } from '@acd/indicators';
import { UsageError } from './exit-codes';

/** Columns of an indicator CSV file; lists (orgs, sectors, CVEs) are separated by `;`. */
export const CSV_COLUMNS = [
  'type',
  'value',
  'tlp',
  'audience_orgs',
  'audience_sectors',
  'confidence',
  'valid_from',
  'valid_until',
  'description',
  'cves',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: CsvColumn[] = ['type', 'value', 'tlp'];

export type FileFormat = 'csv' | 'json' | 'jsonl' | 'stix';
export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'json', 'jsonl', 'stix'];

/** A row ready to send (a publish body), or a row refused before sending, with where and why. */
export type Row =
  | { ok: true; line: number; body: Record<string, unknown> }
  | { ok: false; line: number; field: string; reason: string };

export interface ParsedFile {
  format: FileFormat;
  /** What `line` counts: physical lines (CSV, JSON Lines) or array items (JSON). */
  unit: 'line' | 'item';
  rows: Row[];
}

/** The format from --format, else from the file's extension, else from its first character. */
export function detectFormat(file: string, text: string, explicit?: string): FileFormat {
  if (explicit) {
    const f = explicit.toLowerCase() === 'ndjson' ? 'jsonl' : explicit.toLowerCase();
    if (!(FILE_FORMATS as readonly string[]).includes(f))
      throw new UsageError(`--format must be csv, json, jsonl or stix, not "${explicit}"`);
    return f as FileFormat;
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (isStixBundle(text)) return 'stix';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return text.trimStart().startsWith('[') ? 'json' : 'jsonl';
  const first = text.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  return 'csv';
}

export function parseIndicatorFile(text: string, format: FileFormat): ParsedFile {
  const body = text.replace(/^\uFEFF/, '');
  switch (format) {
    case 'csv':
      return { format, unit: 'line', rows: parseCsvRows(body) };
    case 'jsonl':
      return { format, unit: 'line', rows: parseJsonLines(body) };
    case 'json':
      return { format, unit: 'item', rows: parseJsonArray(body) };
    case 'stix':
      return { format, unit: 'item', rows: parseStixBundle(body) };
  }
}

/** A stable prefix for the idempotency keys of one file's rows: the same bytes, the same keys. */
export function fileKeyPrefix(text: string): string {
  return `acd-cli-${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
}

// ---------------------------------------------------------------------------------------------
// CSV

const splitList = (s: string): string[] =>
  s
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** One CSV record (already split into cells) as a publish body, or why it cannot be one. */
export function csvRecordToBody(
  header: readonly CsvColumn[],
  cells: readonly string[],
): { ok: true; body: Record<string, unknown> } | { ok: false; field: string; reason: string } {
  if (cells.length !== header.length)
    return {
      ok: false,
      field: '(row)',
      reason: `has ${cells.length} cells; the header has ${header.length}`,
    };
  const get = (c: CsvColumn): string => {
    const i = header.indexOf(c);
    return i < 0 ? '' : (cells[i] ?? '').trim();
  };
  const body: Record<string, unknown> = {};
  for (const c of ['type', 'value', 'tlp'] as const) {
    const v = get(c);
    if (v !== '') body[c] = c === 'value' ? v : c === 'tlp' ? v.toUpperCase() : v.toLowerCase();
  }
  const orgs = splitList(get('audience_orgs'));
  const sectors = splitList(get('audience_sectors'));
  if (orgs.length + sectors.length > 0) body.audience = { orgs, sectors };
  const confidence = get('confidence');
  if (confidence !== '') {
    if (!/^[+-]?\d+$/.test(confidence))
      return {
        ok: false,
        field: 'confidence',
        reason: `must be a whole number, not "${confidence}"`,
      };
    body.confidence = Number(confidence);
  }
  const validFrom = get('valid_from');
  if (validFrom !== '') body.validFrom = validFrom;
  const validUntil = get('valid_until');
  if (validUntil !== '') body.validUntil = validUntil;
  const description = get('description');
  if (description !== '') body.description = description;
  const cves = splitList(get('cves'));
  if (cves.length > 0) body.cves = cves;
  return { ok: true, body };
}

/** The inverse of csvRecordToBody, for files the CLI writes and for tests. */
export function bodyToCsvCells(
  body: Record<string, unknown>,
  header: readonly CsvColumn[] = CSV_COLUMNS,
): string[] {
  const audience = (body.audience ?? {}) as { orgs?: string[]; sectors?: string[] };
  const cell: Record<CsvColumn, string> = {
    type: String(body.type ?? ''),
    value: String(body.value ?? ''),
    tlp: String(body.tlp ?? ''),
    audience_orgs: (audience.orgs ?? []).join(';'),
    audience_sectors: (audience.sectors ?? []).join(';'),
    confidence: body.confidence === undefined ? '' : String(body.confidence),
    valid_from: String(body.validFrom ?? ''),
    valid_until: String(body.validUntil ?? ''),
    description: String(body.description ?? ''),
    cves: ((body.cves as string[] | undefined) ?? []).join(';'),
  };
  return header.map((c) => cell[c]);
}

/** Quotes a cell when CSV needs it. */
export function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function readHeader(cells: string[]): CsvColumn[] {
  const header = cells.map((c) => c.trim().toLowerCase());
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown CSV column(s): ${unknown.join(', ')}; the columns are ${CSV_COLUMNS.join(',')}`,
    );
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new UsageError(`the CSV header lacks the column(s): ${missing.join(', ')}`);
  const dup = header.find((c, i) => header.indexOf(c) !== i);
  if (dup) throw new UsageError(`the CSV header names "${dup}" twice`);
  return header as CsvColumn[];
}

interface CsvRecord {
  cells: string[];
  /** First physical line of the record (1-based). */
  line: number;
}

/**
 * Parses CSV with csv-parse. A malformed record (stray or unclosed quote) does not stop the
 * file: it becomes a refused row at the line where it starts, and parsing resumes on the next
 * physical line, so at most that one line is lost.
 */
export function readCsvRecords(text: string): {
  records: CsvRecord[];
  malformed: { line: number; reason: string }[];
} {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const blank = (line: number): boolean => {
    const start = lineStarts[line - 1] ?? text.length;
    const end = lineStarts[line] ?? text.length;
    return text.slice(start, end).trim() === '';
  };
  const records: CsvRecord[] = [];
  const malformed: { line: number; reason: string }[] = [];
  let fromLine = 1;
  while (fromLine <= lineStarts.length) {
    const offset = lineStarts[fromLine - 1] ?? text.length;
    const slice = text.slice(offset);
    let lastEnd = fromLine - 1;
    try {
      parseCsv(slice, {
        relax_column_count: true,
        skip_empty_lines: true,
        on_record: (record: string[], context: { lines: number }) => {
          const end = context.lines + fromLine - 1;
          const newlines = record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
          records.push({ cells: record, line: end - newlines });
          lastEnd = end;
          return null;
        },
      });
      break;
    } catch (err) {
      let start = lastEnd + 1;
      while (start < lineStarts.length && blank(start)) start++;
      malformed.push({ line: start, reason: csvReason(err) });
      fromLine = start + 1;
    }
  }
  return { records, malformed };
}

function csvReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code ?? '';
  if (code.includes('QUOTE_NOT_CLOSED')) return 'malformed CSV: a quote is never closed';
  if (code.includes('OPENING_QUOTE')) return 'malformed CSV: a quote inside an unquoted cell';
  if (code.includes('CLOSING_QUOTE')) return 'malformed CSV: text after a closing quote';
  return `malformed CSV: ${message.split(':')[0] ?? message}`;
}

function parseCsvRows(text: string): Row[] {
  const { records, malformed } = readCsvRecords(text);
  const [first, ...rest] = records;
  if (!first) throw new UsageError('the CSV file is empty (it needs a header row)');
  if (malformed.some((m) => m.line <= first.line))
    throw new UsageError(`the CSV header (line ${first.line}) is malformed`);
  const header = readHeader(first.cells);
  const rows: Row[] = rest.map((r) => {
    const b = csvRecordToBody(header, r.cells);
    return b.ok
      ? { ok: true, line: r.line, body: b.body }
      : { ok: false, line: r.line, field: b.field, reason: b.reason };
  });
  for (const m of malformed)
    rows.push({ ok: false, line: m.line, field: '(row)', reason: m.reason });
  return rows.sort((a, b) => a.line - b.line);
}

// ---------------------------------------------------------------------------------------------
// JSON

function objectRow(line: number, value: unknown): Row {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, line, field: '(row)', reason: 'must be a JSON object' };
  return { ok: true, line, body: value as Record<string, unknown> };
}

function parseJsonLines(text: string): Row[] {
  const rows: Row[] = [];
  text.split('\n').forEach((raw, i) => {
    const s = raw.trim();
    if (s === '') return;
    try {
      rows.push(objectRow(i + 1, JSON.parse(s)));
    } catch (err) {
      rows.push({
        ok: false,
        line: i + 1,
        field: '(row)',
        reason: `malformed JSON: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  });
  return rows;
}

/** The whole file as one JSON document; malformed, it is a usage error saying what was expected. */
function parseWholeJson(text: string, what: string, hint = ''): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`not ${what}: ${err instanceof Error ? err.message : String(err)}${hint}`);
  }
}

function parseJsonArray(text: string): Row[] {
  const parsed = parseWholeJson(
    text,
    'a JSON array',
    ' (use JSON Lines to keep going past a bad row)',
  );
  if (!Array.isArray(parsed)) throw new UsageError('a JSON file must hold an array of indicators');
  return parsed.map((v, i) => objectRow(i + 1, v));
}

// ---------------------------------------------------------------------------------------------
// STIX 2.1 bundles

function isStixBundle(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    return (JSON.parse(text.replace(/^\uFEFF/, '')) as { type?: unknown }).type === 'bundle';
  } catch {
    return false;
  }
}

/**
 * A STIX 2.1 bundle: each `indicator` becomes a publish body; every other object is refused with
 * its reason (a pattern the bus cannot hold, no TLP marking, not an indicator), except the
 * identities and marking definitions a bundle carries to describe its indicators.
 */
function parseStixBundle(text: string): Row[] {
  const parsed = parseWholeJson(text, 'a STIX bundle');
  const objects = (parsed as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) throw new UsageError('a STIX bundle must hold an objects array');
  const rows: Row[] = [];
  objects.forEach((obj, i) => {
    const type = (obj as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && STIX_CONTEXT_TYPES.has(type)) return;
    const r = indicatorFromStix(obj);
    rows.push(
      r.ok
        ? { ok: true, line: i + 1, body: { ...r.indicator } }
        : { ok: false, line: i + 1, field: r.stixId ?? '(object)', reason: r.reason },
    );
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Local validation (--dry-run)

/**
 * Validates a row as the bus would, without sending it: the same request schema, the same value
 * normalisation and breadth bounds (no default route, no range broader than `breadth`, no
 * top-level domain or public suffix) and the indicators decider's rules for a first publish
 * (e.g. AMBER needs an audience). It cannot know which organisations exist, nor what is already
 * published.
 */
export function validateLocally(
  body: Record<string, unknown>,
  breadth: IndicatorBreadth = DEFAULT_INDICATOR_BREADTH,
): { field: string; reason: string } | null {
  const parsed = publishIndicatorSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { field: issue?.path.join('.') || '(body)', reason: issue?.message ?? 'invalid' };
  }
  const b = parsed.data;
  const n = publishableIndicatorValue(b.type, b.value, breadth);
  if (!n.ok) return { field: 'value', reason: n.reason };
  // Whether the caller may share in the council is its standing on the bus, which a dry run
  // cannot know: the bus decides that one (403 `audience.council`).
  const issuer = { orgId: 'dry-run', kind: 'operator', sector: null, councilBound: true };
  const data = {
    ...b,
    // The bus mints the id under its secret key; any id passes a first publish.
    indicatorId: 'dry-run',
    indicatorType: b.type,
    value: n.value,
    validFrom: b.validFrom ? Date.parse(b.validFrom) : null,
    validUntil: b.validUntil ? Date.parse(b.validUntil) : null,
    description: b.description ?? null,
  } as unknown as PublishIndicator['data'];
  const decider = createIndicatorDecider(breadth);
  try {
    const decision = decider.decide({ type: 'PublishIndicator', data }, decider.initialState, {
      issuedBy: issuer,
      now: new Date(),
    });
    if (!decision.ok)
      return { field: decision.refusal.field ?? '(row)', reason: decision.refusal.reason };
  } catch {
    // The decider is the bus's business; a shape it does not expect is not the file's fault.
  }
  return null;
}
