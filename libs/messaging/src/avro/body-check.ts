/**
 * A bounds-checked walk over an Avro binary body, run before avsc decodes it.
 *
 * avsc trusts the bytes: an array block count of 2^40 in a 12-byte record makes it allocate and
 * loop 2^40 times, reading past the end of the buffer, and a map key "__proto__" silently
 * replaces the decoded object's prototype. One such record would stall a consumer, so every
 * count, length, index and nesting level is checked against the bytes actually present, and
 * the walk tells a truncated body from a malformed one for the dead-letter reason.
 */
import { isUtf8 } from 'node:buffer';
import { isJsonObject } from './canonical-form';

export type BodyErrorReason = 'truncated-body' | 'malformed-body';

export class BodyError extends Error {
  constructor(
    readonly reason: BodyErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Deeper data than this is refused before avsc's recursive reader can overflow the stack. */
export const MAX_NESTING = 512;
/** Items that occupy no bytes (null, empty records) cannot be bounded by the buffer length. */
export const MAX_ZERO_WIDTH_ITEMS = 1_000_000;

interface Cursor {
  buf: Buffer;
  pos: number;
  depth: number;
  zeroWidthBudget: number;
}

type Check = (c: Cursor) => void;

interface Compiled {
  check: Check;
  /** A lower bound on the bytes one value occupies, to bound counts before looping. */
  minBytes: number;
}

/** Walks one value from `start`; returns the offset just past it. Throws BodyError. */
export type BodyChecker = (buf: Buffer, start: number) => number;

function truncated(what: string): never {
  throw new BodyError('truncated-body', `${what} runs past the end of the record`);
}

function malformed(what: string): never {
  throw new BodyError('malformed-body', what);
}

/** Zig-zag varint. Exact below 2^53; beyond that only the sign and rough size matter here. */
function readVarint(c: Cursor, maxBytes: number, what: string): number {
  const { buf } = c;
  let pos = c.pos;
  if (pos >= buf.length) truncated(what);
  let byte = buf[pos++] ?? 0;
  const negative = (byte & 1) === 1;
  let magnitude = (byte & 0x7f) >>> 1;
  let multiplier = 64;
  let count = 1;
  while (byte & 0x80) {
    if (count === maxBytes) malformed(`${what}: varint longer than ${maxBytes} bytes`);
    if (pos >= buf.length) truncated(what);
    byte = buf[pos++] ?? 0;
    count++;
    magnitude += (byte & 0x7f) * multiplier;
    multiplier *= 128;
  }
  c.pos = pos;
  return negative ? -magnitude - 1 : magnitude;
}

function readLength(c: Cursor, what: string): number {
  const length = readVarint(c, 10, what);
  if (length < 0) malformed(`${what}: negative length ${length}`);
  if (length > c.buf.length - c.pos) truncated(what);
  return length;
}

function readIndex(c: Cursor, count: number, what: string): number {
  const index = readVarint(c, 10, what);
  if (index < 0 || index >= count)
    malformed(`${what}: index ${index} out of range 0..${count - 1}`);
  return index;
}

function skipFixed(c: Cursor, size: number, what: string): void {
  if (size > c.buf.length - c.pos) truncated(what);
  c.pos += size;
}

function enter(c: Cursor): void {
  if (++c.depth > MAX_NESTING) malformed(`nesting deeper than ${MAX_NESTING} levels`);
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

const PRIMITIVE_CHECKS: Readonly<Record<string, Compiled>> = {
  null: { check: () => undefined, minBytes: 0 },
  boolean: {
    check: (c) => {
      if (c.pos >= c.buf.length) truncated('boolean');
      const byte = c.buf[c.pos++];
      if (byte !== 0 && byte !== 1) malformed(`boolean byte ${byte}`);
    },
    minBytes: 1,
  },
  int: {
    check: (c) => {
      const value = readVarint(c, 5, 'int');
      if (value < INT_MIN || value > INT_MAX) malformed(`int ${value} out of range`);
    },
    minBytes: 1,
  },
  long: {
    check: (c) => {
      // avsc represents longs as JS numbers and refuses anything it cannot hold exactly.
      if (!Number.isSafeInteger(readVarint(c, 10, 'long'))) {
        malformed('long outside the range a JavaScript number holds exactly (±2^53)');
      }
    },
    minBytes: 1,
  },
  float: { check: (c) => skipFixed(c, 4, 'float'), minBytes: 4 },
  double: { check: (c) => skipFixed(c, 8, 'double'), minBytes: 8 },
  bytes: {
    check: (c) => {
      const length = readLength(c, 'bytes'); // before reading c.pos: the length moves it
      c.pos += length;
    },
    minBytes: 1,
  },
  string: { check: (c) => skipString(c, 'string'), minBytes: 1 },
};

function skipString(c: Cursor, what: string): void {
  const length = readLength(c, what);
  const start = c.pos;
  c.pos += length;
  // avsc would substitute U+FFFD without a word; corrupted text must not enter a read model.
  if (!isAscii(c.buf, start, c.pos) && !isUtf8(c.buf.subarray(start, c.pos))) {
    malformed(`${what}: invalid UTF-8`);
  }
}

/** Most strings on the bus are ids and codes; a JS loop beats a native call for those. */
function isAscii(buf: Buffer, start: number, end: number): boolean {
  if (end - start > 64) return false;
  for (let i = start; i < end; i++) if ((buf[i] ?? 0) > 0x7f) return false;
  return true;
}

function skipMapKey(c: Cursor): void {
  const start = c.pos;
  skipString(c, 'map key');
  // The length prefix of "__proto__" is one byte (0x12), so the key starts at start + 1.
  if (c.pos - start === 10 && c.buf.toString('latin1', start + 1, c.pos) === '__proto__') {
    malformed('map key "__proto__" cannot be represented in a JavaScript object');
  }
}

function blocks(what: string, minItemBytes: number, item: Check): Check {
  return (c) => {
    enter(c);
    for (;;) {
      let count = readVarint(c, 10, `${what} block count`);
      if (count === 0) break;
      let blockEnd = -1;
      if (count < 0) {
        // A negative count is followed by the block's size in bytes, so readers can skip it.
        count = -count;
        const size = readLength(c, `${what} block size`);
        blockEnd = c.pos + size;
      }
      if (minItemBytes > 0) {
        if (count * minItemBytes > c.buf.length - c.pos) truncated(`${what} of ${count} items`);
      } else {
        c.zeroWidthBudget -= count;
        if (c.zeroWidthBudget < 0) {
          malformed(`${what}: more than ${MAX_ZERO_WIDTH_ITEMS} zero-width items in one record`);
        }
      }
      for (let i = 0; i < count; i++) item(c);
      if (blockEnd >= 0 && c.pos !== blockEnd)
        malformed(`${what} block size does not match its items`);
    }
    c.depth--;
  };
}

/** Compiles from Parsing Canonical Form, where every name is full and defined before use. */
export function compileBodyCheck(canonicalForm: string): BodyChecker {
  const named = new Map<string, Compiled>();

  const compile = (node: unknown): Compiled => {
    if (typeof node === 'string') {
      const primitive = PRIMITIVE_CHECKS[node];
      if (primitive) return primitive;
      const target = named.get(node);
      if (!target) throw new Error(`undefined type name "${node}" in canonical form`);
      // Still being compiled means recursion: dispatch late, count no bytes for the bound.
      return { check: (c) => target.check(c), minBytes: target.minBytes };
    }
    if (Array.isArray(node)) {
      const branches = node.map(compile);
      return {
        check: (c) => {
          const branch = branches[readIndex(c, branches.length, 'union branch')];
          enter(c);
          branch?.check(c);
          c.depth--;
        },
        minBytes: 1,
      };
    }
    if (!isJsonObject(node)) throw new Error('invalid canonical form');
    switch (node['type']) {
      case 'record': {
        const entry: Compiled = { check: () => undefined, minBytes: 0 };
        named.set(String(node['name']), entry);
        const fields = (node['fields'] as { type: unknown }[]).map((f) => compile(f.type));
        const checks = fields.map((f) => f.check);
        entry.minBytes = fields.reduce((sum, f) => sum + f.minBytes, 0);
        entry.check = (c) => {
          enter(c);
          for (const check of checks) check(c);
          c.depth--;
        };
        return entry;
      }
      case 'enum': {
        const count = (node['symbols'] as unknown[]).length;
        const entry: Compiled = {
          check: (c) => void readIndex(c, count, `enum ${String(node['name'])}`),
          minBytes: 1,
        };
        named.set(String(node['name']), entry);
        return entry;
      }
      case 'fixed': {
        const size = Number(node['size']);
        const what = `fixed ${String(node['name'])}`;
        const entry: Compiled = { check: (c) => skipFixed(c, size, what), minBytes: size };
        named.set(String(node['name']), entry);
        return entry;
      }
      case 'array': {
        const items = compile(node['items']);
        return { check: blocks('array', items.minBytes, items.check), minBytes: 1 };
      }
      case 'map': {
        const values = compile(node['values']);
        const entry: Check = (c) => {
          skipMapKey(c);
          values.check(c);
        };
        return { check: blocks('map', 1 + values.minBytes, entry), minBytes: 1 };
      }
      default:
        throw new Error(`unexpected type ${JSON.stringify(node['type'])} in canonical form`);
    }
  };

  const root = compile(JSON.parse(canonicalForm)).check;
  return (buf, start) => {
    const cursor: Cursor = { buf, pos: start, depth: 0, zeroWidthBudget: MAX_ZERO_WIDTH_ITEMS };
    root(cursor);
    return cursor.pos;
  };
}
