import { type AvroType, createType, isAvroType } from './avsc-adapter';
import { type BodyChecker, compileBodyCheck } from './body-check';
import { type Fingerprint, fingerprintOf, parsingCanonicalForm } from './canonical-form';
import { SchemaLoadError } from './errors';

export const SINGLE_OBJECT_MAGIC: Readonly<Buffer> = Buffer.from([0xc3, 0x01]);
export const SINGLE_OBJECT_HEADER_LENGTH = 10;

/** One writer schema, with everything encoding and decoding need worked out once at load time. */
export interface CompiledSchema {
  /** The record's full name; for an unnamed schema, its canonical form. */
  readonly fullName: string;
  readonly version: number;
  /** Where the schema came from, relative to the schema folder's parent, for messages. */
  readonly file: string | undefined;
  /** The schema as written, docs and defaults included. */
  readonly schema: unknown;
  readonly canonicalForm: string;
  readonly fingerprint: Fingerprint;
  readonly type: AvroType;
  /** `C3 01` followed by the fingerprint: the first ten bytes of every record it writes. */
  readonly header: Buffer;
  readonly checkBody: BodyChecker;
}

export interface CompileOptions {
  readonly version?: number;
  readonly file?: string;
}

export function compileSchema(schema: unknown, options: CompileOptions = {}): CompiledSchema {
  const { version = 1, file } = options;
  let type: AvroType;
  let canonicalForm: string;
  try {
    type = createType(schema);
    canonicalForm = parsingCanonicalForm(schema);
  } catch (error) {
    throw new SchemaLoadError(`invalid Avro schema: ${(error as Error).message}`, file);
  }
  return compiled(type, schema, canonicalForm, version, file);
}

const fromTypes = new WeakMap<AvroType, CompiledSchema>();

/** Keeps the caller's avsc Type (and any logical types it carries) for encoding. */
export function compileType(type: AvroType): CompiledSchema {
  let result = fromTypes.get(type);
  if (!result) {
    const schema: unknown = type.schema();
    result = compiled(type, schema, parsingCanonicalForm(schema), 1, undefined);
    fromTypes.set(type, result);
  }
  return result;
}

export function toCompiled(writer: CompiledSchema | AvroType): CompiledSchema {
  return isAvroType(writer) ? compileType(writer) : writer;
}

function compiled(
  type: AvroType,
  schema: unknown,
  canonicalForm: string,
  version: number,
  file: string | undefined,
): CompiledSchema {
  const fingerprint = fingerprintOf(canonicalForm);
  return {
    fullName: type.name ?? canonicalForm,
    version,
    file,
    schema,
    canonicalForm,
    fingerprint,
    type,
    header: Buffer.concat([SINGLE_OBJECT_MAGIC, fingerprint.bytes]),
    checkBody: compileBodyCheck(canonicalForm),
  };
}
