import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as avsc from 'avsc';
import { createType } from './avsc-adapter';
import { AvroDecodeError, SchemaLoadError } from './errors';
import { lintSchemas } from './lint';
import { SchemaSet } from './schema-set';

const THING = 'jp.acd.test.ThingHappened';
const fixtures = join(__dirname, '__fixtures__');

function record(name: string, fields: object[], extra: object = {}): object {
  return { type: 'record', name, doc: `${name}.`, fields, ...extra };
}

describe('SchemaSet', () => {
  describe('load', () => {
    const set = SchemaSet.load(join(fixtures, 'compatible'));

    it('reads every version, oldest first, and names files relative to the folder', () => {
      expect(set.names()).toEqual([THING]);
      expect(set.versions(THING).map((v) => [v.version, v.file])).toEqual([
        [1, 'compatible/jp.acd.test/ThingHappened.v1.avsc'],
        [2, 'compatible/jp.acd.test/ThingHappened.v2.avsc'],
        [3, 'compatible/jp.acd.test/ThingHappened.v3.avsc'],
      ]);
      expect(set.latest(THING).version).toBe(3);
    });

    it('finds each version by its fingerprint, as a number or as wire bytes', () => {
      for (const version of set.versions(THING)) {
        expect(set.byFingerprint(version.fingerprint.value)).toBe(version);
        expect(set.byFingerprint(version.fingerprint.bytes)).toBe(version);
      }
      expect(set.byFingerprint(0n)).toBeUndefined();
    });

    it('encodes with the newest version', () => {
      const buf = set.encode(THING, {
        thingId: 't',
        count: 1,
        label: 'l',
        severity: 'LOW',
        tags: [],
        source: null,
      });
      expect(buf.subarray(2, 10)).toEqual(set.latest(THING).fingerprint.bytes);
    });

    it('reads an empty folder as an empty set', () => {
      const dir = mkdtempSync(join(tmpdir(), 'avro-empty-'));
      try {
        expect(SchemaSet.load(dir).names()).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('load refuses a folder that breaks the layout, naming each file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'avro-layout-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const write = (path: string, content: unknown) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(
        join(dir, path),
        typeof content === 'string' ? content : JSON.stringify(content),
      );
    };
    const loadError = (): string => {
      try {
        SchemaSet.load(dir);
      } catch (error) {
        if (error instanceof SchemaLoadError) return error.message;
        throw error;
      }
      throw new Error('loaded without error');
    };

    it.each([
      [
        'a record named differently from its path',
        'jp.acd.x/Other.v1.avsc',
        /the record is jp\.acd\.x\.Thing; its path says jp\.acd\.x\.Other/,
      ],
      [
        'a file name without a version',
        'jp.acd.x/Thing.avsc',
        /expected <namespace>\/<Name>\.v<N>\.avsc/,
      ],
      ['a version with a leading zero', 'jp.acd.x/Thing.v01.avsc', /expected <namespace>/],
      ['a file outside a namespace folder', 'Thing.v1.avsc', /expected <namespace>/],
      ['a file nested too deep', 'jp/acd/x/Thing.v1.avsc', /expected <namespace>/],
      [
        'a namespace folder that disagrees',
        'jp.acd.y/Thing.v1.avsc',
        /its path says jp\.acd\.y\.Thing/,
      ],
    ])('%s', (_, path, message) => {
      write(path, record('Thing', [], { namespace: 'jp.acd.x' }));
      const text = loadError();
      expect(text).toMatch(message);
      expect(text).toContain(path);
    });

    it('invalid JSON, an invalid schema and a non-record, all at once', () => {
      write('jp.acd.x/Broken.v1.avsc', '{"type": "record",');
      write('jp.acd.x/Bad.v1.avsc', record('jp.acd.x.Bad', [{ name: 'a', type: 'Nope' }]));
      write('jp.acd.x/Plain.v1.avsc', '"string"');
      const text = loadError();
      expect(text).toMatch(/Broken\.v1\.avsc: not valid JSON/);
      expect(text).toMatch(/Bad\.v1\.avsc: invalid Avro schema: .*Nope/);
      expect(text).toMatch(/Plain\.v1\.avsc: the top-level schema must be a named record/);
    });

    it('a new version that leaves the wire schema unchanged', () => {
      const fields = [{ name: 'a', type: 'int', doc: 'A.' }];
      write('jp.acd.x/Thing.v1.avsc', record('jp.acd.x.Thing', fields));
      write('jp.acd.x/Thing.v2.avsc', record('jp.acd.x.Thing', fields, { doc: 'Reworded.' }));
      expect(loadError()).toMatch(
        /Thing\.v2\.avsc: same Parsing Canonical Form as jp\.acd\.x\.Thing v1/,
      );
    });
  });

  describe('fromSchemas', () => {
    it('refuses two definitions of one version', () => {
      const schema = record('jp.acd.x.Thing', []);
      expect(() =>
        SchemaSet.fromSchemas([
          { schema, version: 1 },
          { schema: record('jp.acd.x.Thing', [{ name: 'a', type: 'int' }]), version: 1 },
        ]),
      ).toThrow(/version 1 of jp\.acd\.x\.Thing is defined twice/);
    });

    it('reports an incompatible writer at decode time, not at load time', () => {
      const set = SchemaSet.fromSchemas([
        { schema: record('jp.acd.x.Thing', [{ name: 'a', type: 'int' }]), version: 1 },
        { schema: record('jp.acd.x.Thing', [{ name: 'a', type: 'string' }]), version: 2 },
      ]);
      const v1 = set.version('jp.acd.x.Thing', 1);
      expect(() => set.readerFor(v1)).toThrow(AvroDecodeError);
    });
  });

  describe('longs', () => {
    const schema = record('jp.acd.x.Counter', [{ name: 'n', type: 'long' }]);
    const set = SchemaSet.fromSchemas([{ schema, version: 1 }]);
    const extremes = [
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      -(2 ** 52) - 1,
      2 ** 52,
      -(2 ** 31) - 1,
      0,
      -1,
    ];

    it.each(extremes)('round-trips %d exactly', (n) => {
      expect(set.decode(set.encode('jp.acd.x.Counter', { n })).value).toEqual({ n });
    });

    it('is needed: avsc on its own corrupts longs below -2^52', () => {
      const plain = avsc.Type.forSchema(schema as avsc.Schema);
      const n = -(2 ** 52) - 1;
      expect(plain.fromBuffer(plain.toBuffer({ n }))).not.toEqual({ n });
      const exact = createType(schema);
      expect(exact.fromBuffer(exact.toBuffer({ n }))).toEqual({ n });
    });

    it('refuses unsafe integers when encoding', () => {
      expect(() => set.encode('jp.acd.x.Counter', { n: 2 ** 53 })).toThrow(/n: expected/);
      expect(() => set.encode('jp.acd.x.Counter', { n: 1.5 })).toThrow(/n: expected/);
    });
  });
});

describe('lintSchemas', () => {
  it('passes the fixture schemas', () => {
    expect(lintSchemas(SchemaSet.load(join(fixtures, 'compatible')))).toEqual([]);
    expect(lintSchemas(SchemaSet.load(join(fixtures, 'incompatible')))).toEqual([]);
  });

  it('finds every field without a doc, nested records included', () => {
    const inner = {
      type: 'record',
      name: 'Inner',
      fields: [
        { name: 'ok', type: 'int', doc: 'Documented.' },
        { name: 'bare', type: 'int' },
      ],
    };
    const set = SchemaSet.fromSchemas([
      {
        file: 'schemas/jp.acd.x/Outer.v1.avsc',
        version: 1,
        schema: record('jp.acd.x.Outer', [
          { name: 'blank', type: 'string', doc: '  ' },
          { name: 'direct', type: inner, doc: 'Documented.' },
          { name: 'list', type: { type: 'array', items: 'Inner' }, doc: 'Reference only.' },
          {
            name: 'maybe',
            doc: 'Documented.',
            type: [
              'null',
              {
                type: 'map',
                values: { type: 'record', name: 'Deep', fields: [{ name: 'x', type: 'int' }] },
              },
            ],
          },
        ]),
      },
    ]);
    expect(lintSchemas(set)).toEqual([
      { file: 'schemas/jp.acd.x/Outer.v1.avsc', path: 'blank', message: 'field has no doc' },
      { file: 'schemas/jp.acd.x/Outer.v1.avsc', path: 'direct.bare', message: 'field has no doc' },
      { file: 'schemas/jp.acd.x/Outer.v1.avsc', path: 'maybe{}.x', message: 'field has no doc' },
    ]);
  });

  it('reports a missing historical version', () => {
    const set = SchemaSet.fromSchemas([
      { schema: record('jp.acd.x.Thing', []), version: 1 },
      {
        schema: record('jp.acd.x.Thing', [{ name: 'a', type: 'int', default: 0, doc: 'A.' }]),
        version: 3,
      },
    ]);
    expect(lintSchemas(set)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('version 2 of jp.acd.x.Thing is missing'),
      }),
    ]);
  });
});
