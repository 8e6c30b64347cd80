/**
 * CRC-64-AVRO, the Rabin fingerprint of the Avro specification ("Schema Fingerprints").
 *
 * The 64-bit state is kept as two unsigned 32-bit halves so the per-byte loop stays in small
 * integers; BigInt arithmetic there is roughly fifty times slower. BigInt only appears at the
 * edges, where callers want the value as one number.
 */

/** The fingerprint of zero bytes; also the polynomial the table is built from. */
export const CRC64_AVRO_EMPTY = 0xc15d213aa4d7a795n;

const EMPTY_HI = Number(CRC64_AVRO_EMPTY >> 32n);
const EMPTY_LO = Number(CRC64_AVRO_EMPTY & 0xffffffffn);

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    // fp = (fp >>> 1) ^ (EMPTY & -(fp & 1))
    const mask = -(lo & 1);
    lo = ((lo >>> 1) | (hi << 31)) ^ (EMPTY_LO & mask);
    hi = (hi >>> 1) ^ (EMPTY_HI & mask);
  }
  TABLE_HI[i] = hi >>> 0;
  TABLE_LO[i] = lo >>> 0;
}

/** The fingerprint as the two halves of an unsigned 64-bit number. */
export interface Crc64Halves {
  readonly hi: number;
  readonly lo: number;
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

export function crc64AvroHalves(data: Uint8Array | string): Crc64Halves {
  const bytes = toBytes(data);
  let hi = EMPTY_HI;
  let lo = EMPTY_LO;
  for (let i = 0; i < bytes.length; i++) {
    // fp = (fp >>> 8) ^ TABLE[(fp ^ byte) & 0xff]
    const index = (lo ^ (bytes[i] ?? 0)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ (TABLE_LO[index] ?? 0);
    hi = (hi >>> 8) ^ (TABLE_HI[index] ?? 0);
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** The fingerprint as an unsigned 64-bit integer (Java's `long` result, read as unsigned). */
export function crc64Avro(data: Uint8Array | string): bigint {
  const { hi, lo } = crc64AvroHalves(data);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The fingerprint in the byte order single-object encoding puts on the wire: little-endian. */
export function crc64AvroLE(data: Uint8Array | string): Buffer {
  const { hi, lo } = crc64AvroHalves(data);
  const out = Buffer.allocUnsafe(8);
  out.writeUInt32LE(lo, 0);
  out.writeUInt32LE(hi, 4);
  return out;
}
