export { CRC64_AVRO_EMPTY, crc64Avro, crc64AvroLE } from './crc64-avro';
export {
  type Fingerprint,
  type JsonValue,
  fingerprintOf,
  parsingCanonicalForm,
  parsingFingerprint,
} from './canonical-form';
export { type CompiledSchema, compileSchema, compileType } from './compiled-schema';
export {
  AvroDecodeError,
  type AvroDecodeReason,
  AvroEncodeError,
  type AvroEncodeReason,
  SchemaLoadError,
} from './errors';
export {
  type DecodedRecord,
  type WriterLookup,
  SINGLE_OBJECT_HEADER_LENGTH,
  SINGLE_OBJECT_MAGIC,
  decodeSingleObject,
  encodeSingleObject,
  readSingleObjectFingerprint,
} from './single-object';
export { SchemaSet, type SchemaSource } from './schema-set';
export { type LintViolation, lintSchemas } from './lint';
export {
  type CompatibilityOptions,
  type CompatibilityProblem,
  checkBackwardTransitive,
} from './compatibility';
export { type AvroType } from './avsc-adapter';
