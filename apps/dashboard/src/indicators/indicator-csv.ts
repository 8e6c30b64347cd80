/**
 * Indicator CSV files, read exactly as `acd indicators publish` reads them (apps/cli,
 * `indicator-rows.ts`): the same columns, lists separated by `;`, `type` lower-cased and `tlp`
 * upper-cased, and a malformed line refused on its own with its line number while parsing
 * resumes on the next line. The CLI parses with csv-parse; the browser bundle carries this small
 * parser instead, and a property test holds the two to the same rows for any text.
 */

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
const REQUIRED_COLUMNS: readonly CsvColumn[] = ['type', 'value', 'tlp'];

/** Why a row was refused before sending, as a code the console translates. */
export type RowProblem =
  | { code: 'cellCount'; cells: number; columns: number }
  | { code: 'notWholeNumber'; value: string }
  | { code: 'malformed'; kind: MalformedKind };

export type MalformedKind = 'quoteNotClosed' | 'openingQuote' | 'closingQuote';

export type CsvRow =
  | { ok: true; line: number; body: Record<string, unknown> }
  | { ok: false; line: number; field: string; problem: RowProblem };

/** Why the whole file cannot be read (the CLI's usage errors). */
export type FileProblem =
  | { code: 'empty' }
  | { code: 'headerMalformed'; line: number }
  | { code: 'unknownColumns'; columns: string[] }
  | { code: 'missingColumns'; columns: string[] }
  | { code: 'duplicateColumn'; column: string };

export type CsvFile = { ok: true; rows: CsvRow[] } | { ok: false; problem: FileProblem };

export interface CsvRecord {
  cells: string[];
  /** First physical line of the record (1-based). */
  line: number;
}

interface Pass {
  /** Records with the line (as csv-parse counts them, 1-based within the pass) they end on. */
  records: { cells: string[]; lines: number }[];
  error: MalformedKind | null;
}

const CR = '\r';
const LF = '\n';

/**
 * One pass of csv-parse's state machine (relax_column_count, skip_empty_lines, default quote,
 * escape and delimiter) from `offset` to the first error. The record delimiter is discovered as
 * csv-parse discovers it (the first CRLF, LF or CR outside quotes, then only that one), and lines
 * are counted as it counts them (each CR or LF it visits), so line numbers agree with the CLI's.
 */
function parsePass(text: string, offset: number): Pass {
  const records: Pass['records'] = [];
  let delimiter: string | null = null;
  let lines = 1;
  let wasRowDelimiter = false;
  let quoting = false;
  let wasQuoting = false;
  let escaping = false;
  let field = '';
  let record: string[] = [];
  const discover = (at: number): string | null =>
    text.startsWith('\r\n', at) ? '\r\n' : text[at] === LF ? LF : text[at] === CR ? CR : null;
  const endField = () => {
    record.push(field);
    field = '';
    wasQuoting = false;
  };
  const endRecord = () => {
    endField();
    records.push({ cells: record, lines });
    record = [];
  };
  for (let pos = offset; pos < text.length; pos++) {
    if (wasRowDelimiter) {
      lines++;
      wasRowDelimiter = false;
    }
    if (!quoting && delimiter === null) delimiter = discover(pos);
    const chr = text[pos] as string;
    if (chr === CR || chr === LF) wasRowDelimiter = true;
    if (escaping) {
      escaping = false;
      field += chr;
      continue;
    }
    if (quoting && chr === '"' && pos + 1 < text.length && text[pos + 1] === '"') {
      escaping = true;
      continue;
    }
    if (chr === '"') {
      if (quoting) {
        const next = text[pos + 1];
        const atRecordEnd =
          delimiter === null ? discover(pos + 1) !== null : text.startsWith(delimiter, pos + 1);
        if (next === undefined || next === ',' || atRecordEnd) {
          quoting = false;
          wasQuoting = true;
          continue;
        }
        return { records, error: 'closingQuote' };
      }
      if (field.length !== 0) return { records, error: 'openingQuote' };
      quoting = true;
      continue;
    }
    if (!quoting) {
      if (delimiter !== null && text.startsWith(delimiter, pos)) {
        if (!(record.length === 0 && field.length === 0 && !wasQuoting)) endRecord();
        pos += delimiter.length - 1;
        continue;
      }
      if (chr === ',') {
        endField();
        continue;
      }
    }
    field += chr;
  }
  if (quoting) return { records, error: 'quoteNotClosed' };
  if (wasQuoting || record.length !== 0 || field.length !== 0) endRecord();
  return { records, error: null };
}

/**
 * Every record of the text with its first line, and the malformed ones: as the CLI does, a
 * malformed record is refused at the first non-blank line after the last good record, and
 * parsing starts again on the line after it.
 */
export function readCsvRecords(text: string): {
  records: CsvRecord[];
  malformed: { line: number; kind: MalformedKind }[];
} {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const blank = (line: number): boolean => {
    const start = lineStarts[line - 1] ?? text.length;
    const end = lineStarts[line] ?? text.length;
    return text.slice(start, end).trim() === '';
  };
  const records: CsvRecord[] = [];
  const malformed: { line: number; kind: MalformedKind }[] = [];
  let fromLine = 1;
  while (fromLine <= lineStarts.length) {
    const pass = parsePass(text, lineStarts[fromLine - 1] ?? text.length);
    let lastEnd = fromLine - 1;
    for (const r of pass.records) {
      const end = r.lines + fromLine - 1;
      const newlines = r.cells.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
      records.push({ cells: r.cells, line: end - newlines });
      lastEnd = end;
    }
    if (pass.error === null) break;
    let start = lastEnd + 1;
    while (start < lineStarts.length && blank(start)) start++;
    malformed.push({ line: start, kind: pass.error });
    fromLine = start + 1;
  }
  return { records, malformed };
}

const splitList = (s: string): string[] =>
  s
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** One record (already split into cells) as a publish body, or why it cannot be one. */
export function csvRecordToBody(
  header: readonly CsvColumn[],
  cells: readonly string[],
): { ok: true; body: Record<string, unknown> } | { ok: false; field: string; problem: RowProblem } {
  if (cells.length !== header.length)
    return {
      ok: false,
      field: '(row)',
      problem: { code: 'cellCount', cells: cells.length, columns: header.length },
    };
  const get = (c: CsvColumn): string => {
    const i = header.indexOf(c);
    return i < 0 ? '' : (cells[i] ?? '').trim();
  };
  const body: Record<string, unknown> = {};
  const type = get('type');
  if (type !== '') body.type = type.toLowerCase();
  const value = get('value');
  if (value !== '') body.value = value;
  const tlp = get('tlp');
  if (tlp !== '') body.tlp = tlp.toUpperCase();
  const orgs = splitList(get('audience_orgs'));
  const sectors = splitList(get('audience_sectors'));
  if (orgs.length + sectors.length > 0) body.audience = { orgs, sectors };
  const confidence = get('confidence');
  if (confidence !== '') {
    if (!/^[+-]?\d+$/.test(confidence))
      return {
        ok: false,
        field: 'confidence',
        problem: { code: 'notWholeNumber', value: confidence },
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

function readHeader(cells: readonly string[]): CsvColumn[] | FileProblem {
  const header = cells.map((c) => c.trim().toLowerCase());
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) return { code: 'unknownColumns', columns: unknown };
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) return { code: 'missingColumns', columns: missing };
  const dup = header.find((c, i) => header.indexOf(c) !== i);
  if (dup) return { code: 'duplicateColumn', column: dup };
  return header as CsvColumn[];
}

/** A whole CSV file: its rows in line order, or why the file cannot be read at all. */
export function parseIndicatorCsv(input: string): CsvFile {
  const text = input.replace(/^\uFEFF/, '');
  const { records, malformed } = readCsvRecords(text);
  const [first, ...rest] = records;
  if (!first) return { ok: false, problem: { code: 'empty' } };
  if (malformed.some((m) => m.line <= first.line))
    return { ok: false, problem: { code: 'headerMalformed', line: first.line } };
  const header = readHeader(first.cells);
  if (!Array.isArray(header)) return { ok: false, problem: header };
  const rows: CsvRow[] = rest.map((r) => {
    const b = csvRecordToBody(header, r.cells);
    return b.ok
      ? { ok: true, line: r.line, body: b.body }
      : { ok: false, line: r.line, field: b.field, problem: b.problem };
  });
  for (const m of malformed)
    rows.push({
      ok: false,
      line: m.line,
      field: '(row)',
      problem: { code: 'malformed', kind: m.kind },
    });
  return { ok: true, rows: rows.sort((a, b) => a.line - b.line) };
}

/** Batches of at most `size` rows, each a slice of the rows ready to send. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
