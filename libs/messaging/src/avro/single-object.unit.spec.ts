import { join } from 'node:path';
import fc from 'fast-check';
import { APACHE_AVRO_SCHEMA_TESTS } from './__fixtures__/apache-avro-schema-tests';
import { randomRecordSchema } from './__fixtures__/random-schemas';
import { isValidValue } from './avsc-adapter';
import { MAX_NESTING } from './body-check';
import { compileSchema } from './compiled-schema';
import { AvroDecodeError, AvroEncodeError } from './errors';
import { SchemaSet } from './schema-set';
import {
  type DecodedRecord,
  decodeSingleObject,
  encodeSingleObject,
  readSingleObjectFingerprint,
} from './single-object';

function publishedFingerprintLE(id: string): Buffer {
  const vector = APACHE_AVRO_SCHEMA_TESTS.find((v) => v.id === id);
  if (vector?.fingerprint === undefined) throw new Error(`no published fingerprint for ${id}`);
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(BigInt(vector.fingerprint));
  return bytes;
}

function decodeFailure(decode: () => unknown): AvroDecodeError {
  try {
    decode();
  } catch (error) {
    if (error instanceof AvroDecodeError) return error;
    throw error;
  }
  throw new Error('decoded without error');
}

const compatibleSet = SchemaSet.load(join(__dirname, '__fixtures__', 'compatible'));
const THING = 'jp.acd.test.ThingHappened';

describe('single-object encoding', () => {
  describe('header layout', () => {
    it('is C3 01, the published fingerprint little-endian, then the body (case 025)', () => {
      // {"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}
      const schema = JSON.parse(APACHE_AVRO_SCHEMA_TESTS.find((v) => v.id === '025')?.input ?? '');
      const buf = encodeSingleObject(compileSchema(schema), { f1: true });
      expect(buf.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
      expect(buf.subarray(2, 10)).toEqual(publishedFingerprintLE('025'));
      expect(buf.subarray(10)).toEqual(Buffer.from([0x01]));
    });

    it('is the whole record for an empty record (case 019)', () => {
      const schema = JSON.parse(APACHE_AVRO_SCHEMA_TESTS.find((v) => v.id === '019')?.input ?? '');
      const buf = encodeSingleObject(compileSchema(schema), {});
      expect(buf).toEqual(
        Buffer.concat([Buffer.from([0xc3, 0x01]), publishedFingerprintLE('019')]),
      );
    });

    it('carries the fingerprint of the writer schema, whatever the value', () => {
      fc.assert(
        fc.property(
          randomRecordSchema(2).chain((s) => fc.tuple(fc.constant(s), s.value)),
          ([s, value]) => {
            const writer = compileSchema(s.schema);
            const buf = encodeSingleObject(writer, value);
            expect(buf.readUInt16BE(0)).toBe(0xc301);
            expect(buf.subarray(2, 10)).toEqual(writer.fingerprint.bytes);
            expect(readSingleObjectFingerprint(buf)).toBe(writer.fingerprint.value);
            expect(buf.subarray(10)).toEqual(writer.type.toBuffer(value));
          },
        ),
        { numRuns: 100 },
      );
    });

    it('accepts an avsc Type as the writer', () => {
      const writer = compatibleSet.latest(THING);
      const value = {
        thingId: 't',
        count: 1,
        label: 'l',
        severity: 'LOW',
        tags: [],
        source: null,
      };
      expect(encodeSingleObject(writer.type, value)).toEqual(encodeSingleObject(writer, value));
    });
  });

  describe('round trip', () => {
    it('decodes what it encodes, for random schemas and values', () => {
      fc.assert(
        fc.property(
          randomRecordSchema().chain((s) => fc.tuple(fc.constant(s), s.value)),
          ([s, value]) => {
            const set = SchemaSet.fromSchemas([{ schema: s.schema, version: 1 }]);
            const decoded = set.decode(set.encode(s.fullName, value));
            expect(decoded).toEqual<DecodedRecord>({
              fullName: s.fullName,
              writerVersion: 1,
              readerVersion: 1,
              fingerprint: set.latest(s.fullName).fingerprint.hex,
              value,
            });
          },
        ),
        { numRuns: 500 },
      );
    });

    it('encodes records larger than its reusable buffer', () => {
      const value = {
        thingId: 'x'.repeat(300_000),
        count: 1,
        label: '長い'.repeat(50_000),
        severity: 'LOW',
        tags: Array.from({ length: 1000 }, (_, i) => `tag-${i}`),
        source: null,
      };
      const decoded = compatibleSet.decode(compatibleSet.encode(THING, value));
      expect(decoded.value).toEqual(value);
    });

    it('reads an older writer into the newest reader, filling defaults and following aliases', () => {
      const v1 = compatibleSet.version(THING, 1);
      const decoded = compatibleSet.decode(
        encodeSingleObject(v1, { thingId: 'thing-1', count: 3, title: 'Old title' }),
      );
      expect(decoded).toMatchObject({ fullName: THING, writerVersion: 1, readerVersion: 3 });
      expect(decoded.value).toEqual({
        thingId: 'thing-1',
        count: 3,
        label: 'Old title',
        severity: 'UNKNOWN',
        tags: [],
        source: null,
      });
    });

    it('reads random older values into valid newest values', () => {
      const reader = compatibleSet.latest(THING);
      for (const writer of compatibleSet.versions(THING)) {
        for (let i = 0; i < 50; i++) {
          const decoded = compatibleSet.decode(encodeSingleObject(writer, writer.type.random()));
          expect(decoded.writerVersion).toBe(writer.version);
          expect(isValidValue(reader.type, decoded.value)).toBe(true);
        }
      }
    });
  });

  describe('encoding errors', () => {
    const set = compatibleSet;
    const valid = { thingId: 't', count: 1, label: 'l', severity: 'LOW', tags: [], source: null };

    it('names the field of an invalid value', () => {
      expect(() => set.encode(THING, { ...valid, severity: 'MEDIUM' })).toThrow(
        /severity: expected enum jp\.acd\.test\.Severity, got "MEDIUM"/,
      );
    });

    it('refuses undeclared fields instead of dropping them', () => {
      expect(() => set.encode(THING, { ...valid, lable: 'typo' })).toThrow(
        /undeclared field\(s\) lable/,
      );
    });

    it('fills fields that have defaults', () => {
      const { severity: _s, tags: _t, source: _src, ...required } = valid;
      expect(set.decode(set.encode(THING, required)).value).toEqual({
        ...required,
        severity: 'UNKNOWN',
        tags: [],
        source: null,
      });
    });

    it('refuses an unknown schema name', () => {
      expect(() => set.encode('jp.acd.test.Nope', {})).toThrow(AvroEncodeError);
    });
  });

  describe('decoding errors', () => {
    const set = compatibleSet;
    const good = set.encode(THING, {
      thingId: 'thing-1',
      count: 2,
      label: 'x',
      severity: 'HIGH',
      tags: ['a', 'b'],
      source: { orgId: 'org-1', channel: 'api' },
    });
    const header = set.latest(THING).header;
    const withBody = (...bytes: number[]) => Buffer.concat([header, Buffer.from(bytes)]);

    it.each([
      ['too-short', Buffer.from([0xc3])],
      ['too-short', good.subarray(0, 9)],
      ['bad-magic', Buffer.from('{"json":"instead"}')],
      ['bad-magic', Buffer.concat([Buffer.from([0xc3, 0x02]), good.subarray(2)])],
      [
        'unknown-fingerprint',
        Buffer.concat([good.subarray(0, 2), Buffer.alloc(8), good.subarray(10)]),
      ],
      ['truncated-body', good.subarray(0, good.length - 1)],
      ['trailing-bytes', Buffer.concat([good, Buffer.from([0])])],
      // thingId of length 1 "a", count 0, label "", severity index 7 of 3
      ['malformed-body', withBody(0x02, 0x61, 0x00, 0x00, 0x0e)],
      // ... severity 0, tags: a block of 2^40 items in a 20-byte record
      [
        'truncated-body',
        withBody(0x02, 0x61, 0x00, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40),
      ],
      // ... tags: one string of invalid UTF-8
      ['malformed-body', withBody(0x02, 0x61, 0x00, 0x00, 0x00, 0x02, 0x02, 0xff, 0x00, 0x00)],
      // thingId with a negative length
      ['malformed-body', withBody(0x01)],
    ] as const)('reports %s', (reason, buf) => {
      expect(decodeFailure(() => set.decode(buf)).reason).toBe(reason);
    });

    it('puts the writer fingerprint on errors found after the header', () => {
      const error = decodeFailure(() => set.decode(good.subarray(0, 12)));
      expect(error.fingerprint).toBe(set.latest(THING).fingerprint.hex);
      expect(error.message).toMatch(/^truncated-body: jp\.acd\.test\.ThingHappened v3: /);
    });

    it('reports incompatible when the newest version cannot read the writer', () => {
      const incompatible = SchemaSet.load(join(__dirname, '__fixtures__', 'incompatible'));
      const v1 = incompatible.version('jp.acd.test.CountChanged', 1);
      const error = decodeFailure(() =>
        incompatible.decode(encodeSingleObject(v1, { thingId: 't', count: 1 })),
      );
      expect(error.reason).toBe('incompatible');
      expect(error.message).toContain('cannot read "int" as "string"');
    });

    describe('against a schema avsc alone would choke on', () => {
      const hostile = SchemaSet.fromSchemas([
        {
          version: 1,
          schema: {
            type: 'record',
            name: 'jp.acd.test.Hostile',
            fields: [
              { name: 'nulls', type: { type: 'array', items: 'null' } },
              { name: 'attrs', type: { type: 'map', values: 'long' } },
              {
                name: 'next',
                type: [
                  'null',
                  {
                    type: 'record',
                    name: 'Node',
                    fields: [{ name: 'next', type: ['null', 'Node'] }],
                  },
                ],
              },
            ],
          },
        },
      ]);
      const head = hostile.latest('jp.acd.test.Hostile').header;
      const body = (...parts: (number[] | Buffer)[]) =>
        Buffer.concat([head, ...parts.map((p) => Buffer.from(p))]);

      it('refuses 2^40 nulls, which occupy no bytes', () => {
        const buf = body([0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00, 0x00, 0x00]);
        const error = decodeFailure(() => hostile.decode(buf));
        expect(error.reason).toBe('malformed-body');
      });

      it('refuses a map key "__proto__"', () => {
        const key = Buffer.from('__proto__');
        const buf = body([0x00, 0x02, key.length * 2], key, [0x02, 0x00, 0x00]);
        expect(decodeFailure(() => hostile.decode(buf)).message).toContain('__proto__');
      });

      it('refuses a long beyond 2^53, which a number cannot hold', () => {
        const buf = body(
          [0x00, 0x02, 0x02, 0x6b],
          [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
          [0x00, 0x00],
        );
        expect(decodeFailure(() => hostile.decode(buf)).reason).toBe('malformed-body');
      });

      it(`refuses nesting deeper than ${MAX_NESTING} levels and accepts a shallower chain`, () => {
        const chain = (depth: number) => body([0x00, 0x00], Array(depth).fill(0x02), [0x00]);
        expect(decodeFailure(() => hostile.decode(chain(MAX_NESTING))).reason).toBe(
          'malformed-body',
        );
        expect(hostile.decode(chain(100)).value).toMatchObject({ nulls: [], attrs: {} });
      });
    });

    it('throws only AvroDecodeError, whatever the bytes', () => {
      const sets = [compatibleSet];
      const writers = compatibleSet.all();
      const hostileBytes = fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        // a known header and then anything
        fc
          .tuple(fc.constantFrom(...writers), fc.uint8Array({ maxLength: 64 }))
          .map(([w, tail]) => Buffer.concat([w.header, tail])),
        // a valid record, damaged
        fc
          .tuple(fc.constantFrom(...writers), fc.nat(), fc.nat(255), fc.integer({ min: 0, max: 3 }))
          .map(([w, at, byte, damage]) => {
            const valid = encodeSingleObject(w, w.type.random());
            const i = 10 + (at % Math.max(valid.length - 10, 1));
            if (damage === 0) return valid.subarray(0, i);
            if (damage === 1) return Buffer.concat([valid, Buffer.from([byte])]);
            const copy = Buffer.from(valid);
            copy[i] = byte;
            return copy;
          }),
      );
      fc.assert(
        fc.property(hostileBytes, (bytes) => {
          const buf = Buffer.from(bytes);
          for (const set of sets) {
            try {
              const decoded = set.decode(buf);
              expect(isValidValue(set.latest(decoded.fullName).type, decoded.value)).toBe(true);
            } catch (error) {
              expect(error).toBeInstanceOf(AvroDecodeError);
            }
          }
        }),
        { numRuns: 3000 },
      );
    });

    it('throws only AvroDecodeError for random schemas and damaged records', () => {
      fc.assert(
        fc.property(
          randomRecordSchema().chain((s) =>
            fc.tuple(fc.constant(s), s.value, fc.uint8Array({ maxLength: 12 }), fc.nat()),
          ),
          ([s, value, noise, at]) => {
            const set = SchemaSet.fromSchemas([{ schema: s.schema, version: 1 }]);
            const valid = set.encode(s.fullName, value);
            const cut = 10 + (at % Math.max(valid.length - 9, 1));
            const damaged = Buffer.concat([valid.subarray(0, cut), noise]);
            try {
              decodeSingleObject(damaged, set);
            } catch (error) {
              expect(error).toBeInstanceOf(AvroDecodeError);
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
