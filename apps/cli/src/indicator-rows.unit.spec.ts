import fc from 'fast-check';
import { SECTORS, TLP_LEVELS } from '@acd/identity';
import { INDICATOR_TYPES } from '@acd/indicators';
import { UsageError } from './exit-codes';
import {
  bodyToCsvCells,
  csvCell,
  CSV_COLUMNS,
  detectFormat,
  fileKeyPrefix,
  parseIndicatorFile,
  validateLocally,
  type Row,
} from './indicator-rows';

const HEADER = CSV_COLUMNS.join(',');

/** A publish body of the shape a CSV row can carry (no empty strings: an empty cell is "absent"). */
const cellText = fc
  .string({ minLength: 1, maxLength: 40 })
  .map((s) => s.replace(/\r/g, ''))
  .filter((s) => s.trim() === s && s.trim().length > 0);
const listItem = fc
  .string({ minLength: 1, maxLength: 12 })
  .filter((s) => !/[;\r]/.test(s) && s.trim() === s && s.length > 0);
const body = fc.record(
  {
    type: fc.constantFrom(...INDICATOR_TYPES),
    value: cellText,
    tlp: fc.constantFrom(...TLP_LEVELS),
    audience: fc.record({
      orgs: fc.array(listItem, { maxLength: 3 }),
      sectors: fc.subarray([...SECTORS], { maxLength: 3 }),
    }),
    confidence: fc.integer({ min: -5, max: 200 }),
    validFrom: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    validUntil: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    // `~` stands for a line break, so descriptions span lines inside quotes.
    description: fc
      .string({ minLength: 1, maxLength: 80 })
      .map((s) => s.replace(/~/g, '\n'))
      .filter((s) => s.trim() === s && s.length > 0),
    cves: fc.array(listItem, { maxLength: 3 }),
  },
  { requiredKeys: ['type', 'value', 'tlp'] },
);

/** What csvRecordToBody makes of a body: empty lists and audiences are simply absent. */
function canonical(b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...b, tlp: String(b.tlp).toUpperCase() };
  const a = b.audience as { orgs: string[]; sectors: string[] } | undefined;
  if (!a || a.orgs.length + a.sectors.length === 0) delete out.audience;
  if (Array.isArray(b.cves) && b.cves.length === 0) delete out.cves;
  return out;
}

const csvOf = (bodies: Record<string, unknown>[]): string =>
  [HEADER, ...bodies.map((b) => bodyToCsvCells(b).map(csvCell).join(','))].join('\n') + '\n';

const okRows = (rows: Row[]) => rows.filter((r): r is Extract<Row, { ok: true }> => r.ok);

describe('indicator file rows', () => {
  it('every generated row round-trips through CSV (quotes, commas, newlines in cells)', () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 20 }), (bodies) => {
        const parsed = parseIndicatorFile(csvOf(bodies), 'csv');
        expect(parsed.rows.every((r) => r.ok)).toBe(true);
        expect(okRows(parsed.rows).map((r) => r.body)).toEqual(bodies.map(canonical));
        // Rows are numbered by the physical line they start on.
        const lines = parsed.rows.map((r) => r.line);
        expect(lines[0]).toBe(2);
        expect([...lines].sort((a, b) => a - b)).toEqual(lines);
      }),
      { numRuns: 200 },
    );
  });

  it('every generated row round-trips through JSON and JSON Lines', () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 20 }), (bodies) => {
        const json = parseIndicatorFile(JSON.stringify(bodies), 'json');
        expect(okRows(json.rows).map((r) => r.body)).toEqual(bodies);
        expect(json.rows.map((r) => r.line)).toEqual(bodies.map((_, i) => i + 1));
        const jsonl = parseIndicatorFile(bodies.map((b) => JSON.stringify(b)).join('\n'), 'jsonl');
        expect(okRows(jsonl.rows).map((r) => r.body)).toEqual(bodies);
      }),
      { numRuns: 100 },
    );
  });

  it('a malformed line becomes a refused row with its line number; the rows around it survive', () => {
    const malformed = fc.constantFrom(
      'domain,bro"ken.example,GREEN,,,,,,,',
      'ipv4,1.2.3.4,GREEN,,,,,,,,too,many',
      'ipv4,"1.2.3.4"x,GREEN,,,,,,,',
      'ipv4,"unclosed,GREEN,,,,,,,',
      'ipv4',
    );
    fc.assert(
      fc.property(
        fc.array(fc.option(body, { freq: 3, nil: null }), { minLength: 1, maxLength: 15 }),
        malformed,
        (slots, bad) => {
          // null slots are malformed lines; the others are good rows, one per line.
          const bodies = slots.map((b) => (b ? { ...b, description: undefined } : null));
          const lines = bodies.map((b) => (b ? bodyToCsvCells(b).map(csvCell).join(',') : bad));
          const parsed = parseIndicatorFile([HEADER, ...lines].join('\n') + '\n', 'csv');
          const expectedBad = bodies.flatMap((b, i) => (b ? [] : [i + 2]));
          const refused = parsed.rows.filter((r) => !r.ok);
          expect(refused.map((r) => r.line)).toEqual(expectedBad);
          for (const r of refused) if (!r.ok) expect(r.field).toBe('(row)');
          expect(okRows(parsed.rows).map((r) => r.line)).toEqual(
            bodies.flatMap((b, i) => (b ? [i + 2] : [])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a malformed JSON line is refused with its line number; a non-object item too', () => {
    const parsed = parseIndicatorFile(
      '{"type":"ipv4","value":"1.2.3.4","tlp":"GREEN"}\n{"type":\n\n[1]\n',
      'jsonl',
    );
    expect(parsed.rows.map((r) => [r.line, r.ok])).toEqual([
      [1, true],
      [2, false],
      [4, false],
    ]);
  });

  it('refuses a CSV whose header is unusable with a usage error, not a crash', () => {
    expect(() => parseIndicatorFile('type,value\nipv4,1.2.3.4\n', 'csv')).toThrow(UsageError);
    expect(() => parseIndicatorFile('type,value,tlp,colour\n', 'csv')).toThrow(/colour/);
    expect(() => parseIndicatorFile('', 'csv')).toThrow(UsageError);
    expect(() => parseIndicatorFile('{not json', 'json')).toThrow(UsageError);
  });

  it('maps CSV cells: lists by ";", numbers, upper-case TLP, absent empty cells', () => {
    const parsed = parseIndicatorFile(
      `${HEADER}\nIPv4, 10.0.0.1 ,amber,op-a; op-b,electricity;,75,,,,cve-2024-3400\nipv4,10.0.0.2,GREEN,,,high,,,,\n`,
      'csv',
    );
    expect(parsed.rows[0]).toEqual({
      ok: true,
      line: 2,
      body: {
        type: 'ipv4',
        value: '10.0.0.1',
        tlp: 'AMBER',
        audience: { orgs: ['op-a', 'op-b'], sectors: ['electricity'] },
        confidence: 75,
        cves: ['cve-2024-3400'],
      },
    });
    expect(parsed.rows[1]).toMatchObject({ ok: false, line: 3, field: 'confidence' });
  });

  it('detects the format by --format, extension or first character', () => {
    expect(detectFormat('a.csv', '[')).toBe('csv');
    expect(detectFormat('a.jsonl', '{')).toBe('jsonl');
    expect(detectFormat('a.json', ' [')).toBe('json');
    expect(detectFormat('a.json', '{"a":1}\n')).toBe('jsonl');
    expect(detectFormat('a.txt', '[]')).toBe('json');
    expect(detectFormat('a.txt', 'type,value')).toBe('csv');
    expect(detectFormat('a.txt', '', 'NDJSON')).toBe('jsonl');
    expect(() => detectFormat('a.txt', '', 'xml')).toThrow(UsageError);
  });

  it('derives the same idempotency prefix from the same bytes only', () => {
    expect(fileKeyPrefix('a')).toBe(fileKeyPrefix('a'));
    expect(fileKeyPrefix('a')).not.toBe(fileKeyPrefix('b'));
    expect(fileKeyPrefix('a').length).toBeLessThan(100);
  });

  it('validates locally as the bus would (--dry-run)', () => {
    expect(validateLocally({ type: 'ipv4', value: '1.2.3.4', tlp: 'GREEN' })).toBeNull();
    expect(validateLocally({ type: 'ipv4', value: '300.1.1.1', tlp: 'GREEN' })).toMatchObject({
      field: 'value',
    });
    expect(validateLocally({ type: 'bitcoin', value: 'x', tlp: 'GREEN' })).toMatchObject({
      field: 'type',
    });
    expect(validateLocally({ type: 'ipv4', value: '1.2.3.4', tlp: 'PURPLE' })).toMatchObject({
      field: 'tlp',
    });
    expect(validateLocally({ type: 'ipv4', value: '1.2.3.4', tlp: 'AMBER' })).toMatchObject({
      field: 'audience',
    });
  });

  it('refuses locally, as the bus does, an indicator that matches everything', () => {
    expect(validateLocally({ type: 'cidr', value: '0.0.0.0/0', tlp: 'CLEAR' })).toEqual({
      field: 'value',
      reason: 'cidr: 0.0.0.0/0 is the default route: it matches every IPv4 address',
    });
    expect(validateLocally({ type: 'cidr', value: '::/0', tlp: 'CLEAR' })).toMatchObject({
      field: 'value',
    });
    expect(validateLocally({ type: 'domain', value: 'co.jp', tlp: 'CLEAR' })).toMatchObject({
      field: 'value',
    });
    expect(validateLocally({ type: 'cidr', value: '10.0.0.0/8', tlp: 'CLEAR' })).toBeNull();
    // With the bounds the bus runs with (ACD_INDICATOR_MIN_PREFIX_V4=16).
    expect(
      validateLocally(
        { type: 'cidr', value: '10.0.0.0/8', tlp: 'CLEAR' },
        { minPrefixV4: 16, minPrefixV6: 32 },
      ),
    ).toMatchObject({ field: 'value' });
  });
});

describe('STIX 2.1 bundles', () => {
  const bundle = JSON.stringify({
    type: 'bundle',
    id: 'bundle--0f0b5e1a-5a6e-4c0e-9d4c-6f1d3d8f4a11',
    objects: [
      {
        type: 'marking-definition',
        id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
      },
      { type: 'identity', id: 'identity--a5e1c7b2-3d4f-4e5a-8b9c-0d1e2f3a4b5c', name: 'x' },
      {
        type: 'indicator',
        id: 'indicator--1d0e6a8e-6f1b-4b7e-9d3c-2a4b5c6d7e8f',
        pattern_type: 'stix',
        pattern: "[domain-name:value = 'evil.example']",
        valid_from: '2026-12-01T00:00:00Z',
        object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      },
      {
        type: 'indicator',
        id: 'indicator--2d0e6a8e-6f1b-4b7e-9d3c-2a4b5c6d7e8f',
        pattern_type: 'stix',
        pattern: "[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '5.6.7.8']",
        object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      },
      { type: 'malware', id: 'malware--3d0e6a8e-6f1b-4b7e-9d3c-2a4b5c6d7e8f' },
    ],
  });

  it('is recognised by its content, and each object is a row: published, or refused with its reason', () => {
    expect(detectFormat('feed.json', bundle)).toBe('stix');
    const parsed = parseIndicatorFile(bundle, 'stix');
    expect(parsed.unit).toBe('item');
    expect(parsed.rows).toEqual([
      {
        ok: true,
        line: 3,
        body: expect.objectContaining({ type: 'domain', value: 'evil.example', tlp: 'GREEN' }),
      },
      {
        ok: false,
        line: 4,
        field: 'indicator--2d0e6a8e-6f1b-4b7e-9d3c-2a4b5c6d7e8f',
        reason: expect.stringMatching(/single comparison/),
      },
      {
        ok: false,
        line: 5,
        field: 'malware--3d0e6a8e-6f1b-4b7e-9d3c-2a4b5c6d7e8f',
        reason: 'a malware is not an indicator',
      },
    ]);
  });

  it('refuses a bundle without objects as a usage error', () => {
    expect(() => parseIndicatorFile('{"type":"bundle"}', 'stix')).toThrow(UsageError);
  });
});
