/**
 * The only module that touches avsc directly. avsc's typings are loose (`any` everywhere, and
 * `random()` is declared to return a Type while it returns a value), so everything crossing this
 * boundary is narrowed to `unknown` or to the few shapes we rely on.
 */
import * as avsc from 'avsc';

export type AvroType = avsc.Type;
export type AvroResolver = ReturnType<avsc.Type['createResolver']>;

const TWO_32 = 2 ** 32;

/**
 * avsc's own long type writes zig-zag varints with float arithmetic: below -2^52 it silently
 * writes the wrong number (-(2^52) - 1 comes back as 2^52). This one moves longs through the
 * 8-byte two's complement form avsc packs and unpacks exactly, so every safe integer survives,
 * and anything a JS number cannot hold is refused instead of rounded.
 */
const EXACT_LONG = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer): number => {
    const value = buf.readInt32LE(4) * TWO_32 + buf.readUInt32LE(0);
    if (!Number.isSafeInteger(value)) {
      throw new Error('long outside the range a JavaScript number holds exactly (±2^53)');
    }
    return value;
  },
  toBuffer: (value: number): Buffer => {
    const buf = Buffer.allocUnsafe(8);
    const hi = Math.floor(value / TWO_32);
    buf.writeInt32LE(hi, 4);
    buf.writeUInt32LE(value - hi * TWO_32, 0);
    return buf;
  },
  fromJSON: (value: unknown): number => Number(value),
  toJSON: (value: number): number => value,
  isValid: (value: unknown): boolean => Number.isSafeInteger(value),
  compare: (a: number, b: number): number => (a === b ? 0 : a < b ? -1 : 1),
});

/**
 * `auto` keeps `["null", X]` unions as plain values (null or X), which is what domain code wants,
 * and wraps only unions whose branches avsc cannot tell apart. A fresh registry per schema keeps
 * two versions of one record name from colliding.
 */
export function createType(schema: unknown): AvroType {
  return avsc.Type.forSchema(schema as avsc.Schema, {
    wrapUnions: 'auto',
    registry: {},
    typeHook: (node) => (isLongSchema(node) ? EXACT_LONG : undefined),
  });
}

/** `"long"` or `{"type": "long", ...}`; a registry entry would only catch the first form. */
function isLongSchema(node: unknown): boolean {
  return (
    node === 'long' ||
    (typeof node === 'object' && node !== null && (node as { type?: unknown }).type === 'long')
  );
}

export function isAvroType(value: unknown): value is AvroType {
  return avsc.Type.isType(value);
}

/** Throws avsc's own error ("cannot read ...", "no matching field ...") when not resolvable. */
export function createResolver(reader: AvroType, writer: AvroType): AvroResolver {
  return reader.createResolver(writer);
}

export function randomValue(type: AvroType): unknown {
  return type.random() as unknown;
}

/** avsc reads past the end without throwing and reports it as offset -1. */
export function decodeAt(
  type: AvroType,
  buf: Buffer,
  pos: number,
  resolver: AvroResolver | undefined,
): { value: unknown; offset: number } {
  const { value, offset } = type.decode(buf, pos, resolver);
  return { value: value as unknown, offset };
}

/** Returns the end offset, or a negative number: how many bytes were missing. */
export function encodeInto(type: AvroType, value: unknown, buf: Buffer, pos: number): number {
  return type.encode(value, buf, pos);
}

export function isValidValue(type: AvroType, value: unknown): boolean {
  return type.isValid(value, { noUndeclaredFields: true });
}

/** One line per offending value, with its path; empty when the value is valid. */
export function validationProblems(type: AvroType, value: unknown): string[] {
  const problems: string[] = [];
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path: string[], bad: unknown, badType: AvroType) => {
      problems.push(`${path.join('.') || '(value)'}: ${describeMismatch(bad, badType)}`);
    },
  });
  return problems;
}

function describeMismatch(value: unknown, type: AvroType): string {
  const fields = recordFields(type);
  if (fields && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const declared = new Set(fields.map((f) => f.name));
    const extra = Object.keys(value).filter((k) => !declared.has(k));
    if (extra.length) return `undeclared field(s) ${extra.join(', ')} in ${describeType(type)}`;
  }
  return `expected ${describeType(type)}, got ${preview(value)}`;
}

function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function describeType(type: AvroType): string {
  return type.name ? `${type.typeName} ${type.name}` : JSON.stringify(type.schema());
}

export interface AvroField {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly type: AvroType;
  readonly hasDefault: boolean;
}

/** The record's fields, or undefined for any other type. */
export function recordFields(type: AvroType): AvroField[] | undefined {
  if (!avsc.Type.isType(type, 'record', 'error')) return undefined;
  return (type as avsc.types.RecordType).fields.map((field) => ({
    name: field.name,
    aliases: field.aliases,
    type: field.type,
    hasDefault: field.defaultValue() !== undefined,
  }));
}

export function typeAliases(type: AvroType): readonly string[] {
  return type.aliases ?? [];
}
