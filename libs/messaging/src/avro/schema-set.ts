import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { type AvroResolver, createResolver } from './avsc-adapter';
import { type CompiledSchema, compileSchema } from './compiled-schema';
import { AvroDecodeError, AvroEncodeError, SchemaLoadError } from './errors';
import {
  type DecodedRecord,
  type WriterLookup,
  decodeSingleObject,
  encodeSingleObject,
} from './single-object';

export interface SchemaSource {
  /** The parsed JSON of a record schema. */
  readonly schema: unknown;
  readonly version: number;
  readonly file?: string;
}

/** `<Name>.v<N>.avsc`; N counts from 1 without leading zeros so file order cannot be ambiguous. */
const FILE_NAME = /^([A-Za-z_][A-Za-z0-9_]*)\.v([1-9][0-9]*)\.avsc$/;

function recordFullName(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const node = schema as Record<string, unknown>;
  if (node['type'] !== 'record' || typeof node['name'] !== 'string') return undefined;
  const name = node['name'];
  if (name.includes('.')) return name;
  return typeof node['namespace'] === 'string' && node['namespace']
    ? `${node['namespace']}.${name}`
    : name;
}

function listAvscFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.avsc'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Every version of every event schema. The newest version of a name is its reader schema;
 * every version is a writer schema, found by fingerprint.
 */
export class SchemaSet implements WriterLookup {
  private readonly byName = new Map<string, CompiledSchema[]>();
  private readonly byPrint = new Map<bigint, CompiledSchema>();
  private readonly resolvers = new Map<CompiledSchema, AvroResolver | undefined>();

  private constructor(schemas: readonly CompiledSchema[]) {
    const problems: string[] = [];
    for (const schema of schemas) {
      const versions = this.byName.get(schema.fullName) ?? [];
      const label = schema.file ?? `${schema.fullName} v${schema.version}`;
      if (versions.some((v) => v.version === schema.version)) {
        problems.push(`${label}: version ${schema.version} of ${schema.fullName} is defined twice`);
        continue;
      }
      const twin = this.byPrint.get(schema.fingerprint.value);
      if (twin) {
        // Identical wire schemas cannot be told apart by a reader; a doc, default or alias
        // change belongs in the existing file, not in a new version.
        problems.push(
          `${label}: same Parsing Canonical Form as ${twin.fullName} v${twin.version}; ` +
            'a new version must change the wire schema',
        );
        continue;
      }
      versions.push(schema);
      this.byName.set(schema.fullName, versions);
      this.byPrint.set(schema.fingerprint.value, schema);
    }
    if (problems.length) throw new SchemaLoadError(problems.join('\n'));
    for (const versions of this.byName.values()) versions.sort((a, b) => a.version - b.version);
  }

  /**
   * Reads `<dir>/<namespace>/<Name>.v<N>.avsc`. The record's full name must be
   * `<namespace>.<Name>`. All problems are reported together, each naming its file.
   */
  static load(dir: string): SchemaSet {
    const problems: string[] = [];
    const schemas: CompiledSchema[] = [];
    const root = basename(dir);
    for (const path of listAvscFiles(dir)) {
      const rel = relative(dir, path);
      const file = [root, ...rel.split(sep)].join('/');
      try {
        schemas.push(loadFile(path, rel.split(sep), file));
      } catch (error) {
        problems.push(
          error instanceof SchemaLoadError ? error.message : `${file}: ${String(error)}`,
        );
      }
    }
    if (problems.length) throw new SchemaLoadError(problems.join('\n'));
    return new SchemaSet(schemas);
  }

  static fromSchemas(sources: readonly SchemaSource[]): SchemaSet {
    return new SchemaSet(
      sources.map((source) => {
        if (!recordFullName(source.schema)) {
          throw new SchemaLoadError('an event schema must be a named record', source.file);
        }
        if (!Number.isSafeInteger(source.version) || source.version < 1) {
          throw new SchemaLoadError(`version must be a positive integer`, source.file);
        }
        return compileSchema(source.schema, { version: source.version, file: source.file });
      }),
    );
  }

  /** Full names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  has(fullName: string): boolean {
    return this.byName.has(fullName);
  }

  /** Oldest first. */
  versions(fullName: string): readonly CompiledSchema[] {
    return this.byName.get(fullName) ?? [];
  }

  all(): CompiledSchema[] {
    return this.names().flatMap((name) => this.versions(name));
  }

  latest(fullName: string): CompiledSchema {
    const newest = this.byName.get(fullName)?.at(-1);
    if (!newest) throw new AvroEncodeError('unknown-schema', `no schema named ${fullName}`);
    return newest;
  }

  version(fullName: string, version: number): CompiledSchema {
    const found = this.versions(fullName).find((v) => v.version === version);
    if (!found) throw new AvroEncodeError('unknown-schema', `no schema ${fullName} v${version}`);
    return found;
  }

  /** Accepts the value, or the 8 little-endian bytes as they appear on the wire. */
  byFingerprint(fingerprint: bigint | Uint8Array): CompiledSchema | undefined {
    const key =
      typeof fingerprint === 'bigint'
        ? fingerprint
        : Buffer.from(
            fingerprint.buffer,
            fingerprint.byteOffset,
            fingerprint.length,
          ).readBigUInt64LE(0);
    return this.byPrint.get(key);
  }

  /** Throws AvroDecodeError('incompatible') when the newest version cannot read the writer. */
  readerFor(writer: CompiledSchema): {
    reader: CompiledSchema;
    resolver: AvroResolver | undefined;
  } {
    const reader = this.latest(writer.fullName);
    if (reader === writer) return { reader, resolver: undefined };
    if (!this.resolvers.has(writer)) {
      try {
        this.resolvers.set(writer, createResolver(reader.type, writer.type));
      } catch (error) {
        throw new AvroDecodeError(
          'incompatible',
          `${reader.fullName} v${reader.version} cannot read v${writer.version}: ${(error as Error).message}`,
          writer.fingerprint.hex,
        );
      }
    }
    return { reader, resolver: this.resolvers.get(writer) };
  }

  /** Always writes with the newest version. Throws AvroEncodeError. */
  encode(fullName: string, value: unknown): Buffer {
    return encodeSingleObject(this.latest(fullName), value);
  }

  /** Throws AvroDecodeError only. */
  decode(buf: Buffer): DecodedRecord {
    return decodeSingleObject(buf, this);
  }
}

function loadFile(path: string, segments: string[], file: string): CompiledSchema {
  const [namespace, fileName, ...deeper] = segments;
  const match = fileName === undefined ? null : FILE_NAME.exec(fileName);
  if (!namespace || !match || deeper.length) {
    throw new SchemaLoadError('expected <namespace>/<Name>.v<N>.avsc', file);
  }
  const [, name, version] = match;
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SchemaLoadError(`not valid JSON: ${(error as Error).message}`, file);
  }
  const fullName = recordFullName(schema);
  if (!fullName) throw new SchemaLoadError('the top-level schema must be a named record', file);
  if (fullName !== `${namespace}.${name}`) {
    throw new SchemaLoadError(
      `the record is ${fullName}; its path says ${namespace}.${name}`,
      file,
    );
  }
  return compileSchema(schema, { version: Number(version), file });
}
