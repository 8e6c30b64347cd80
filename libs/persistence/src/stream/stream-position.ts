/**
 * A position in the live stream: for each source kind, the next offset to read in each partition
 * of its topic (array index = partition). It is what the SSE `id:` of every event carries, so
 * `Last-Event-ID` resumes exactly after the last event the client received.
 *
 * Wire form: base64url (no padding) of the JSON `{"<kind>":[<offset of p0>,<offset of p1>,...]}`,
 * e.g. `{"indicator":[12,0,5,0,0,3]}` → `eyJpbmRpY2F0b3IiOlsxMiwwLDUsMCwwLDNdfQ`. Compact, opaque
 * to clients, and safe in an HTTP header and a query string.
 *
 * Meaning of what a position leaves out: a partition beyond the end of a kind's array (the topic
 * grew) is read from its beginning, so nothing is skipped; a kind missing altogether (the client
 * asked for more kinds than before) starts where a fresh connection would.
 */
export type StreamPosition = Record<string, number[]>;

export const MAX_POSITION_LENGTH = 4096;
const MAX_PARTITIONS = 1024;
const KIND = /^[a-z][a-z0-9-]{0,31}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export class InvalidPositionError extends Error {
  constructor(reason: string) {
    super(`not a stream position this API issued: ${reason}`);
  }
}

export function encodePosition(position: StreamPosition): string {
  const kinds = Object.keys(position).sort();
  const ordered: StreamPosition = {};
  for (const k of kinds) ordered[k] = position[k] ?? [];
  return Buffer.from(JSON.stringify(ordered), 'utf8').toString('base64url');
}

/** Parses a position; throws `InvalidPositionError` for anything this API could not have issued. */
export function decodePosition(text: string): StreamPosition {
  if (text.length === 0 || text.length > MAX_POSITION_LENGTH)
    throw new InvalidPositionError(`length must be 1 to ${MAX_POSITION_LENGTH}`);
  if (!BASE64URL.test(text)) throw new InvalidPositionError('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPositionError('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidPositionError('not an object');
  const out: StreamPosition = {};
  for (const [kind, offsets] of Object.entries(parsed)) {
    if (!KIND.test(kind)) throw new InvalidPositionError(`bad kind ${JSON.stringify(kind)}`);
    if (!Array.isArray(offsets) || offsets.length > MAX_PARTITIONS)
      throw new InvalidPositionError(`offsets of ${kind} must be an array`);
    for (const o of offsets as unknown[]) {
      if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0)
        throw new InvalidPositionError(`offsets of ${kind} must be non-negative integers`);
    }
    out[kind] = [...(offsets as number[])];
  }
  return out;
}

/** Mutable position of one connection; `snapshot()` is what goes into the next `id:`. */
export class PositionTracker {
  private readonly offsets = new Map<string, number[]>();

  constructor(start: StreamPosition) {
    for (const [kind, offs] of Object.entries(start)) this.offsets.set(kind, [...offs]);
  }

  /** Next offset to read; undefined when the position says nothing about the partition. */
  next(kind: string, partition: number): number | undefined {
    return this.offsets.get(kind)?.[partition];
  }

  /** Records that everything below `nextOffset` in the partition has been dealt with. */
  advance(kind: string, partition: number, nextOffset: number): void {
    let offs = this.offsets.get(kind);
    if (!offs) {
      offs = [];
      this.offsets.set(kind, offs);
    }
    while (offs.length <= partition) offs.push(0);
    if ((offs[partition] ?? 0) < nextOffset) offs[partition] = nextOffset;
  }

  snapshot(): StreamPosition {
    return Object.fromEntries([...this.offsets.entries()].map(([k, v]) => [k, [...v]]));
  }

  encode(): string {
    return encodePosition(this.snapshot());
  }
}
