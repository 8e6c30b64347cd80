import fc from 'fast-check';
import { APACHE_AVRO_SCHEMA_TESTS } from './__fixtures__/apache-avro-schema-tests';
import { randomRecordSchema } from './__fixtures__/random-schemas';
import { createType } from './avsc-adapter';
import { parsingCanonicalForm, parsingFingerprint } from './canonical-form';
import { SchemaLoadError } from './errors';

/** avsc's idea of the canonical form, or undefined when avsc refuses the schema. */
function avscCanonical(schema: unknown): string | undefined {
  try {
    return JSON.stringify(createType(schema).schema());
  } catch {
    return undefined;
  }
}

describe('Parsing Canonical Form', () => {
  it.each(APACHE_AVRO_SCHEMA_TESTS)(
    'gives the published canonical form for schema-tests.txt case $id',
    ({ input, canonical, fingerprint }) => {
      const result = parsingFingerprint(JSON.parse(input));
      expect(result.canonicalForm).toBe(canonical);
      if (fingerprint !== undefined) {
        expect(result.value).toBe(BigInt.asUintN(64, BigInt(fingerprint)));
      }
    },
  );

  it('agrees with avsc on every published case avsc can parse', () => {
    const refused: string[] = [];
    for (const { id, input, canonical } of APACHE_AVRO_SCHEMA_TESTS) {
      const theirs = avscCanonical(JSON.parse(input));
      if (theirs === undefined) refused.push(id);
      else expect(theirs).toBe(canonical);
    }
    // The empty union, and a boolean field whose default is the string "true".
    expect(refused).toEqual(['016', '026']);
  });

  it('agrees with avsc on random record schemas', () => {
    fc.assert(
      fc.property(randomRecordSchema(), ({ schema }) => {
        expect(parsingCanonicalForm(schema)).toBe(avscCanonical(schema));
      }),
      { numRuns: 150 },
    );
  });

  it('is a fixed point unless a null-namespace type sits inside a namespaced one', () => {
    fc.assert(
      fc.property(randomRecordSchema(), ({ schema }) => {
        const canonical = parsingCanonicalForm(schema);
        const names = definedNames(JSON.parse(canonical));
        fc.pre(names.every((n) => n.includes('.')) || names.every((n) => !n.includes('.')));
        expect(parsingCanonicalForm(JSON.parse(canonical))).toBe(canonical);
      }),
    );
  });

  it('loses the null namespace of a nested type, as the specification does', () => {
    // The form names the inner type "Inner"; read back as a schema, "Inner" inherits "a".
    // Fingerprints stay distinct, but a canonical form is not always a faithful schema.
    const schema = {
      type: 'record',
      name: 'Outer',
      namespace: 'a',
      fields: [{ name: 'x', type: { type: 'fixed', name: 'Inner', namespace: '', size: 1 } }],
    };
    const canonical = parsingCanonicalForm(schema);
    expect(canonical).toContain('"name":"Inner"');
    expect(parsingCanonicalForm(JSON.parse(canonical))).toContain('"name":"a.Inner"');
  });

  it('ignores docs, aliases, defaults, order, logical types and whitespace', () => {
    const plain = {
      type: 'record',
      name: 'Sighting',
      namespace: 'jp.acd.test',
      fields: [{ name: 'at', type: 'long' }],
    };
    const decorated = JSON.parse(`{
      "doc": "when and where", "aliases": ["Seen"], "fields": [
        {"default": 0, "order": "descending", "doc": "epoch ms", "name": "at",
         "type": {"type": "long", "logicalType": "timestamp-millis"}}
      ], "namespace": "jp.acd.test", "name": "Sighting", "type": "record", "x-owner": "team"
    }`) as unknown;
    expect(parsingCanonicalForm(decorated)).toBe(parsingCanonicalForm(plain));
    expect(parsingCanonicalForm(plain)).toBe(
      '{"name":"jp.acd.test.Sighting","type":"record","fields":[{"name":"at","type":"long"}]}',
    );
  });

  it('writes a named type in full once, then by full name', () => {
    const schema = {
      type: 'record',
      name: 'Pair',
      namespace: 'a.b',
      fields: [
        { name: 'left', type: { type: 'enum', name: 'Side', symbols: ['L', 'R'] } },
        { name: 'right', type: 'Side' },
        { name: 'other', type: { type: 'Side' } },
      ],
    };
    expect(parsingCanonicalForm(schema)).toBe(
      '{"name":"a.b.Pair","type":"record","fields":[' +
        '{"name":"left","type":{"name":"a.b.Side","type":"enum","symbols":["L","R"]}},' +
        '{"name":"right","type":"a.b.Side"},{"name":"other","type":"a.b.Side"}]}',
    );
  });

  it('resolves a short name in the null namespace the way Java does', () => {
    const schema = {
      type: 'record',
      name: 'Outer',
      namespace: 'c',
      fields: [
        { name: 'a', type: { type: 'record', name: 'Inner', namespace: '', fields: [] } },
        { name: 'b', type: 'Inner' },
      ],
    };
    expect(parsingCanonicalForm(schema)).toContain('{"name":"b","type":"Inner"}');
  });

  it('writes errors as records, as Java does, and normalises quoted sizes', () => {
    expect(parsingCanonicalForm({ type: 'error', name: 'Oops', fields: [] })).toBe(
      '{"name":"Oops","type":"record","fields":[]}',
    );
    expect(parsingCanonicalForm({ type: 'fixed', name: 'F', size: '015' })).toBe(
      '{"name":"F","type":"fixed","size":15}',
    );
  });

  it.each([
    ['an undefined name', { type: 'record', name: 'R', fields: [{ name: 'a', type: 'Nope' }] }],
    [
      'a name defined twice',
      {
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: { type: 'enum', name: 'E', symbols: [] } },
          { name: 'b', type: { type: 'enum', name: 'E', symbols: [] } },
        ],
      },
    ],
    ['a record without fields', { type: 'record', name: 'R' }],
    ['a number', 42],
  ])('refuses %s', (_, schema) => {
    expect(() => parsingCanonicalForm(schema)).toThrow(SchemaLoadError);
  });
});

function definedNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(definedNames);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own = ['record', 'enum', 'fixed'].includes(String(record['type']))
    ? [String(record['name'])]
    : [];
  const fields = Array.isArray(record['fields']) ? (record['fields'] as { type: unknown }[]) : [];
  return [
    ...own,
    ...fields.flatMap((f) => definedNames(f.type)),
    ...definedNames(record['items']),
    ...definedNames(record['values']),
  ];
}
