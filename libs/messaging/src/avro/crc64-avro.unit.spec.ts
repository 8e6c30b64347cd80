import fc from 'fast-check';
import {
  APACHE_AVRO_SCHEMA_TESTS,
  GOAVRO_CRC64_VECTORS,
} from './__fixtures__/apache-avro-schema-tests';
import { CRC64_AVRO_EMPTY, crc64Avro, crc64AvroLE } from './crc64-avro';

/** The specification's algorithm, bit by bit in BigInt, with no table: slow and obviously right. */
function referenceCrc64Avro(bytes: Uint8Array): bigint {
  const mask64 = (1n << 64n) - 1n;
  let fp = CRC64_AVRO_EMPTY;
  for (const byte of bytes) {
    fp ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) {
      fp = (fp >> 1n) ^ (CRC64_AVRO_EMPTY & (fp & 1n ? mask64 : 0n));
    }
  }
  return fp;
}

const published = APACHE_AVRO_SCHEMA_TESTS.flatMap((v) =>
  v.fingerprint === undefined ? [] : [{ ...v, fingerprint: v.fingerprint }],
);

describe('CRC-64-AVRO', () => {
  it('has at least the vectors the Avro project publishes', () => {
    expect(published.length).toBeGreaterThanOrEqual(20);
  });

  it.each(published)(
    'fingerprints the canonical form of schema-tests.txt case $id as published',
    ({ canonical, fingerprint }) => {
      const expected = BigInt.asUintN(64, BigInt(fingerprint));
      expect(crc64Avro(canonical)).toBe(expected);

      const le = Buffer.alloc(8);
      le.writeBigUInt64LE(expected);
      expect(crc64AvroLE(canonical)).toEqual(le);
    },
  );

  it.each(GOAVRO_CRC64_VECTORS)('matches goavro for $input', ({ input, hex }) => {
    expect(crc64Avro(input).toString(16)).toBe(hex);
  });

  it('gives EMPTY for no input', () => {
    expect(crc64Avro(new Uint8Array())).toBe(0xc15d213aa4d7a795n);
  });

  it('puts the least significant byte first', () => {
    // "int" = 0x7275d51a3f395c8f (goavro), so the wire bytes are 8f 5c 39 3f 1a d5 75 72.
    expect(crc64AvroLE('"int"').toString('hex')).toBe('8f5c393f1ad57572');
  });

  it('equals the table-free computation on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(crc64Avro(bytes)).toBe(referenceCrc64Avro(bytes));
      }),
    );
  });

  it('hashes a string as its UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(crc64Avro(text)).toBe(crc64Avro(Buffer.from(text, 'utf8')));
      }),
    );
  });
});
