import type { IHeaders, Message } from 'kafkajs';

/**
 * How large the bus lets one produce request's records for a topic grow. Brokers refuse a record
 * batch larger than `message.max.bytes` (1,048,588 bytes by default, and this bus keeps the
 * default: no record it writes comes near it) with MESSAGE_TOO_LARGE, and kafkajs puts all of
 * one request's records for a partition into one batch. A refused batch in a transaction fails
 * the transaction, and a loop that retries it is stalled for good: so what the bus writes in
 * bulk (dead letters, outputs of a transaction) is sent in requests of at most this many bytes,
 * and a dead letter is cut to fit in one (see `deadLetter`).
 */
export const MAX_REQUEST_BYTES = 1_000_000;

/** Record overhead beyond key, value and headers (length varints, attributes, deltas). */
const RECORD_OVERHEAD = 32;

function bytesOf(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return Buffer.isBuffer(v) ? v.length : Buffer.byteLength(v, 'utf8');
}

/** Bytes of a record's headers on the wire (names and values, first value of each). */
export function headerBytes(headers: IHeaders | undefined): number {
  let n = 0;
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const v of values)
      n += Buffer.byteLength(name, 'utf8') + bytesOf(v as Buffer | string) + 4;
  }
  return n;
}

/** An upper estimate of one record's size inside a record batch. */
export function recordBytes(m: Pick<Message, 'key' | 'value' | 'headers'>): number {
  return (
    RECORD_OVERHEAD +
    bytesOf(m.key as Buffer | string | null | undefined) +
    bytesOf(m.value as Buffer | string | null | undefined) +
    headerBytes(m.headers)
  );
}

/**
 * Consecutive runs of records, each at most `maxBytes` by `recordBytes` (a record larger than
 * that alone in its run): one produce request each, so no batch the bus sends is refused for
 * the sum of records that fit one by one. Order is kept.
 */
export function requestsOf<M extends Pick<Message, 'key' | 'value' | 'headers'>>(
  messages: readonly M[],
  maxBytes: number = MAX_REQUEST_BYTES,
): M[][] {
  const out: M[][] = [];
  let run: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = recordBytes(m);
    if (run.length > 0 && bytes + size > maxBytes) {
      out.push(run);
      run = [];
      bytes = 0;
    }
    run.push(m);
    bytes += size;
  }
  if (run.length > 0) out.push(run);
  return out;
}
