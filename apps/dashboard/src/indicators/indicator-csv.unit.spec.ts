import fc from 'fast-check';
import {
  CSV_COLUMNS,
  chunk,
  csvRecordToBody,
  parseIndicatorCsv,
  readCsvRecords,
} from './indicator-csv';

/**
 * The CLI's reader (csv-parse underneath), the reference the console must agree with. Required
 * at run time only: the dashboard's type check does not follow the CLI into the Node libs.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cli = require('../../../cli/src/indicator-rows') as {
  CSV_COLUMNS: readonly string[];
  readCsvRecords(text: string): {
    records: { cells: string[]; line: number }[];
    malformed: { line: number; reason: string }[];
  };
  csvRecordToBody(
    header: readonly string[],
    cells: readonly string[],
  ): { ok: true; body: Record<string, unknown> } | { ok: false; field: string; reason: string };
  bodyToCsvCells(body: Record<string, unknown>, header?: readonly string[]): string[];
  csvCell(s: string): string;
};

const reasonKind: Record<string, string> = {
  'malformed CSV: a quote is never closed': 'quoteNotClosed',
  'malformed CSV: a quote inside an unquoted cell': 'openingQuote',
  'malformed CSV: text after a closing quote': 'closingQuote',
};

/** Text made mostly of the characters that matter to a CSV reader. */
const csvish = fc
  .array(
    fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', '""', ';', 'x"y', '\n\n', 'é', '\r'),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('indicator CSV, as the CLI reads it', () => {
  it('uses the same columns as the CLI', () => {
    expect([...CSV_COLUMNS]).toEqual([...cli.CSV_COLUMNS]);
  });

  it('finds the same records, lines and malformed lines as the CLI for any text', () => {
    fc.assert(
      fc.property(csvish, (text) => {
        const ours = readCsvRecords(text);
        const theirs = cli.readCsvRecords(text);
        expect(ours.records).toEqual(theirs.records);
        expect(ours.malformed.map((m) => [m.line, m.kind])).toEqual(
          theirs.malformed.map((m) => [m.line, reasonKind[m.reason] ?? m.reason]),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('turns any record into the same body, or refuses the same field, as the CLI', () => {
    const header = fc.shuffledSubarray([...CSV_COLUMNS], { minLength: 1 });
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('12', '-3', '+7', ' A;b ;', 'Amber'),
    );
    fc.assert(
      fc.property(header, fc.array(cell, { maxLength: 12 }), (h, cells) => {
        const ours = csvRecordToBody(h, cells);
        const theirs = cli.csvRecordToBody(h, cells);
        expect(ours.ok).toBe(theirs.ok);
        if (ours.ok && theirs.ok) expect(ours.body).toEqual(theirs.body);
        if (!ours.ok && !theirs.ok) expect(ours.field).toBe(theirs.field);
      }),
    );
  });

  it('reads back every body the CLI writes as a CSV file, line for line', () => {
    const listItem = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    const body = fc.record(
      {
        type: fc.constantFrom('ipv4', 'domain', 'sha256'),
        value: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== ''),
        tlp: fc.constantFrom('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'),
        audience: fc.record({
          orgs: fc.array(listItem, { minLength: 1, maxLength: 3 }),
          sectors: fc.array(listItem, { maxLength: 2 }),
        }),
        confidence: fc.integer({ min: 0, max: 100 }),
        description: fc
          .string({ minLength: 1, maxLength: 30 })
          .filter((s) => s.trim() === s && s !== ''),
      },
      { requiredKeys: ['type', 'value', 'tlp'] },
    );
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 8 }), fc.boolean(), (bodies, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const text =
          [
            CSV_COLUMNS.join(','),
            ...bodies.map((b) => cli.bodyToCsvCells(b).map(cli.csvCell).join(',')),
          ].join(eol) + eol;
        const file = parseIndicatorCsv(text);
        if (!file.ok) throw new Error(`refused: ${JSON.stringify(file.problem)}`);
        expect(file.rows.every((r) => r.ok)).toBe(true);
        expect(file.rows.map((r) => (r.ok ? r.body : null))).toEqual(bodies);
        // Each row is numbered by the physical line it starts on.
        const starts = file.rows.map((r) => r.line);
        expect(starts[0]).toBe(2);
        expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      }),
    );
  });

  it('refuses a malformed line on its own and keeps the rows around it', () => {
    const file = parseIndicatorCsv(
      'type,value,tlp\nipv4,198.51.100.7,green\nipv4,"198.51.100.8,GREEN\nwat"x,1,2\ndomain,evil.example,CLEAR\n',
    );
    expect(file).toEqual({
      ok: true,
      rows: [
        { ok: true, line: 2, body: { type: 'ipv4', value: '198.51.100.7', tlp: 'GREEN' } },
        {
          ok: false,
          line: 3,
          field: '(row)',
          problem: { code: 'malformed', kind: 'closingQuote' },
        },
        {
          ok: false,
          line: 4,
          field: '(row)',
          problem: { code: 'malformed', kind: 'openingQuote' },
        },
        { ok: true, line: 5, body: { type: 'domain', value: 'evil.example', tlp: 'CLEAR' } },
      ],
    });
  });

  it('says why a file cannot be read at all', () => {
    expect(parseIndicatorCsv('')).toEqual({ ok: false, problem: { code: 'empty' } });
    expect(parseIndicatorCsv('\uFEFFtype,value,colour\n')).toEqual({
      ok: false,
      problem: { code: 'unknownColumns', columns: ['colour'] },
    });
    expect(parseIndicatorCsv('type,value\n')).toEqual({
      ok: false,
      problem: { code: 'missingColumns', columns: ['tlp'] },
    });
    expect(parseIndicatorCsv('type,value,tlp,TLP\n')).toEqual({
      ok: false,
      problem: { code: 'duplicateColumn', column: 'tlp' },
    });
    expect(parseIndicatorCsv('type,"value\n')).toEqual({
      ok: false,
      problem: { code: 'empty' },
    });
  });

  it('splits rows into batches of the API limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 1200 }),
        fc.integer({ min: 1, max: 500 }),
        (xs, n) => {
          const parts = chunk(xs, n);
          expect(parts.flat()).toEqual(xs);
          expect(parts.every((p) => p.length >= 1 && p.length <= n)).toBe(true);
        },
      ),
    );
  });
});
