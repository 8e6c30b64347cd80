/**
 * Parsing Canonical Form (Avro 1.11 specification, "Parsing Canonical Form for Schemas").
 *
 * Written from the JSON schema instead of taken from avsc's `Type#schema()`: avsc cannot parse
 * some schemas the specification's own test vectors use (the empty union, a record whose field
 * default is invalid), writes `"type":"error"` where Java writes `"record"`, and its output
 * shape depends on which logical types happen to be registered. The unit spec checks that both
 * agree on every schema avsc accepts.
 */
import { crc64AvroHalves } from './crc64-avro';
import { SchemaLoadError } from './errors';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const PRIMITIVES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

export function isPrimitiveName(name: string): boolean {
  return PRIMITIVES.has(name);
}

interface Scope {
  /** Full names defined so far, in document order: a named type must be defined before use. */
  readonly defined: Set<string>;
}

function fail(path: string, message: string): never {
  throw new SchemaLoadError(`${path}: ${message}`);
}

export function isJsonObject(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** [FULLNAMES]: a dotted name is already full; otherwise the namespace attribute or the enclosing one applies. */
export function fullNameOf(
  name: string,
  namespace: unknown,
  enclosing: string,
): { fullName: string; namespace: string } {
  const dot = name.lastIndexOf('.');
  if (dot >= 0) return { fullName: name, namespace: name.slice(0, dot) };
  const ns = typeof namespace === 'string' ? namespace : enclosing;
  return { fullName: ns ? `${ns}.${name}` : name, namespace: ns };
}

function resolveReference(name: string, namespace: string, scope: Scope, path: string): string {
  if (PRIMITIVES.has(name)) return name;
  if (name.includes('.')) {
    if (scope.defined.has(name)) return name;
  } else {
    const qualified = namespace ? `${namespace}.${name}` : name;
    if (scope.defined.has(qualified)) return qualified;
    // Java's Schema.Names falls back to the null namespace; the fingerprint must match Java's.
    if (scope.defined.has(name)) return name;
  }
  return fail(path, `undefined type name "${name}"`);
}

function requireString(node: Record<string, unknown>, key: string, path: string): string {
  const value = node[key];
  if (typeof value !== 'string' || value === '') fail(path, `"${key}" must be a non-empty string`);
  return value;
}

function defineName(
  node: Record<string, unknown>,
  enclosing: string,
  scope: Scope,
  path: string,
): { fullName: string; namespace: string } {
  const named = fullNameOf(requireString(node, 'name', path), node['namespace'], enclosing);
  if (scope.defined.has(named.fullName)) fail(path, `type "${named.fullName}" is defined twice`);
  scope.defined.add(named.fullName);
  return named;
}

/** [INTEGERS]: sizes may arrive quoted or with leading zeros in hand-written schemas. */
function canonicalSize(value: unknown, path: string): number {
  const size =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(size) || size < 0) fail(path, '"size" must be a non-negative integer');
  return size;
}

function write(node: unknown, namespace: string, scope: Scope, path: string): string {
  if (typeof node === 'string') {
    return JSON.stringify(resolveReference(node, namespace, scope, path));
  }
  if (Array.isArray(node)) {
    return `[${node.map((branch, i) => write(branch, namespace, scope, `${path}[${i}]`)).join(',')}]`;
  }
  if (!isJsonObject(node)) return fail(path, 'a schema is a string, an array or an object');

  const type = node['type'];
  if (typeof type !== 'string') return fail(path, '"type" must be a string');
  // [PRIMITIVES] and [STRIP]: logicalType and every other attribute of a primitive go away.
  if (PRIMITIVES.has(type)) return JSON.stringify(type);

  switch (type) {
    case 'record':
    case 'error': {
      const named = defineName(node, namespace, scope, path);
      const fields = node['fields'];
      if (!Array.isArray(fields)) return fail(path, '"fields" must be an array');
      const written = fields.map((field: unknown, i) => {
        const fieldPath = `${path}.fields[${i}]`;
        if (!isJsonObject(field)) return fail(fieldPath, 'a field is an object');
        const name = requireString(field, 'name', fieldPath);
        const fieldType = write(field['type'], named.namespace, scope, `${path}.${name}`);
        return `{"name":${JSON.stringify(name)},"type":${fieldType}}`;
      });
      // Java's SchemaNormalization writes errors as records.
      return `{"name":${JSON.stringify(named.fullName)},"type":"record","fields":[${written.join(',')}]}`;
    }
    case 'enum': {
      const named = defineName(node, namespace, scope, path);
      const symbols = node['symbols'];
      if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string')) {
        return fail(path, '"symbols" must be an array of strings');
      }
      return `{"name":${JSON.stringify(named.fullName)},"type":"enum","symbols":${JSON.stringify(symbols)}}`;
    }
    case 'fixed': {
      const named = defineName(node, namespace, scope, path);
      const size = canonicalSize(node['size'], path);
      return `{"name":${JSON.stringify(named.fullName)},"type":"fixed","size":${size}}`;
    }
    case 'array':
      return `{"type":"array","items":${write(node['items'], namespace, scope, `${path}[]`)}}`;
    case 'map':
      return `{"type":"map","values":${write(node['values'], namespace, scope, `${path}{}`)}}`;
    default:
      // {"type": "some.Name"} is a reference written as an object.
      return JSON.stringify(resolveReference(type, namespace, scope, path));
  }
}

/**
 * The schema's Parsing Canonical Form: the exact text whose UTF-8 bytes are fingerprinted.
 * Takes the parsed JSON of a schema (`"int"` is the string `int`, not the text `"int"`).
 * Throws SchemaLoadError on a malformed schema.
 */
export function parsingCanonicalForm(schema: unknown): string {
  return write(schema, '', { defined: new Set() }, '$');
}

export interface Fingerprint {
  /** CRC-64-AVRO as an unsigned 64-bit integer. */
  readonly value: bigint;
  /** The 8 bytes single-object encoding carries: little-endian. */
  readonly bytes: Buffer;
  /** The value in hexadecimal, most significant digit first, 16 digits. */
  readonly hex: string;
}

export function fingerprintOf(canonicalForm: string): Fingerprint {
  const { hi, lo } = crc64AvroHalves(canonicalForm);
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeUInt32LE(lo, 0);
  bytes.writeUInt32LE(hi, 4);
  const value = (BigInt(hi) << 32n) | BigInt(lo);
  return { value, bytes, hex: value.toString(16).padStart(16, '0') };
}

/** Java's SchemaNormalization.parsingFingerprint("CRC-64-AVRO", schema), with the canonical text. */
export function parsingFingerprint(schema: unknown): Fingerprint & { canonicalForm: string } {
  const canonicalForm = parsingCanonicalForm(schema);
  return { ...fingerprintOf(canonicalForm), canonicalForm };
}
