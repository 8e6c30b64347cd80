/**
 * Avro single-object encoding: `C3 01`, the writer schema's CRC-64-AVRO fingerprint
 * (little-endian), then the Avro binary body. A consumer finds the writer schema from the
 * fingerprint alone, with no registry server.
 */
import {
  type AvroResolver,
  type AvroType,
  decodeAt,
  encodeInto,
  validationProblems,
} from './avsc-adapter';
import { BodyError } from './body-check';
import {
  type CompiledSchema,
  SINGLE_OBJECT_HEADER_LENGTH,
  SINGLE_OBJECT_MAGIC,
  toCompiled,
} from './compiled-schema';
import { AvroDecodeError, AvroEncodeError } from './errors';

export { SINGLE_OBJECT_HEADER_LENGTH, SINGLE_OBJECT_MAGIC } from './compiled-schema';

/** What decoding needs from a schema set; SchemaSet implements it. */
export interface WriterLookup {
  byFingerprint(fingerprint: bigint): CompiledSchema | undefined;
  /** The newest schema of the writer's name, and how to read the writer's bytes into it. */
  readerFor(writer: CompiledSchema): { reader: CompiledSchema; resolver: AvroResolver | undefined };
}

export interface DecodedRecord {
  readonly fullName: string;
  readonly writerVersion: number;
  readonly readerVersion: number;
  /** Writer fingerprint, hex, most significant digit first. */
  readonly fingerprint: string;
  /** The body read into the newest schema of its name. Not validated against any TS type. */
  readonly value: unknown;
}

/** Reads and checks the ten-byte header. Throws AvroDecodeError (too-short, bad-magic). */
export function readSingleObjectFingerprint(buf: Uint8Array): bigint {
  if (buf.length >= 2 && (buf[0] !== SINGLE_OBJECT_MAGIC[0] || buf[1] !== SINGLE_OBJECT_MAGIC[1])) {
    const seen = Buffer.from(buf.subarray(0, 2)).toString('hex');
    throw new AvroDecodeError('bad-magic', `expected c301, found ${seen}`);
  }
  if (buf.length < SINGLE_OBJECT_HEADER_LENGTH) {
    throw new AvroDecodeError(
      'too-short',
      `${buf.length} bytes; the header alone is ${SINGLE_OBJECT_HEADER_LENGTH}`,
    );
  }
  const view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  return view.readBigUInt64LE(2);
}

const SCRATCH_SIZE = 64 * 1024;
let scratch = Buffer.allocUnsafe(SCRATCH_SIZE);

/**
 * Validates the value first: avsc writes some invalid values without complaint (undeclared fields
 * are dropped), and what is written here is the system of record.
 */
export function encodeSingleObject(writer: CompiledSchema | AvroType, value: unknown): Buffer {
  const schema = toCompiled(writer);
  const problems = validationProblems(schema.type, value);
  if (problems.length) {
    throw new AvroEncodeError(
      'invalid-value',
      `value does not match ${schema.fullName} v${schema.version}`,
      problems,
    );
  }
  return writeBody(schema, value);
}

function writeBody(schema: CompiledSchema, value: unknown): Buffer {
  // One allocation per record: encode into a reused buffer, copy out exactly what was written.
  let end = encodeInto(schema.type, value, scratch, SINGLE_OBJECT_HEADER_LENGTH);
  if (end < 0) {
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
    end = encodeInto(schema.type, value, scratch, SINGLE_OBJECT_HEADER_LENGTH);
  }
  const out = Buffer.allocUnsafe(end);
  schema.header.copy(out, 0);
  scratch.copy(out, SINGLE_OBJECT_HEADER_LENGTH, SINGLE_OBJECT_HEADER_LENGTH, end);
  if (scratch.length > 16 * SCRATCH_SIZE) scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
  return out;
}

/**
 * Decodes into the newest schema of the writer's name. Every failure is an AvroDecodeError whose
 * `reason` says which dead-letter bucket the record belongs in; nothing else is thrown.
 */
export function decodeSingleObject(buf: Buffer, schemas: WriterLookup): DecodedRecord {
  const fingerprint = readSingleObjectFingerprint(buf);
  const hex = fingerprint.toString(16).padStart(16, '0');
  const writer = schemas.byFingerprint(fingerprint);
  if (!writer) {
    throw new AvroDecodeError(
      'unknown-fingerprint',
      `no writer schema with fingerprint ${hex}`,
      hex,
    );
  }
  const what = `${writer.fullName} v${writer.version}`;

  let end: number;
  try {
    end = writer.checkBody(buf, SINGLE_OBJECT_HEADER_LENGTH);
  } catch (error) {
    if (error instanceof BodyError) {
      throw new AvroDecodeError(error.reason, `${what}: ${error.message}`, hex);
    }
    throw new AvroDecodeError('malformed-body', `${what}: ${messageOf(error)}`, hex);
  }
  if (end !== buf.length) {
    throw new AvroDecodeError(
      'trailing-bytes',
      `${what}: ${buf.length - end} bytes after the end of the record`,
      hex,
    );
  }

  let reader: CompiledSchema;
  let resolver: AvroResolver | undefined;
  try {
    ({ reader, resolver } = schemas.readerFor(writer));
  } catch (error) {
    if (error instanceof AvroDecodeError) throw error;
    throw new AvroDecodeError('incompatible', `${what}: ${messageOf(error)}`, hex);
  }
  let decoded: { value: unknown; offset: number };
  try {
    decoded = decodeAt(reader.type, buf, SINGLE_OBJECT_HEADER_LENGTH, resolver);
  } catch (error) {
    throw new AvroDecodeError('malformed-body', `${what}: ${messageOf(error)}`, hex);
  }
  if (decoded.offset !== end) {
    // The walk and avsc disagree about where the record ends: trust neither.
    throw new AvroDecodeError('malformed-body', `${what}: inconsistent record length`, hex);
  }
  return {
    fullName: writer.fullName,
    writerVersion: writer.version,
    readerVersion: reader.version,
    fingerprint: hex,
    value: decoded.value,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
