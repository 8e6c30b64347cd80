/**
 * Why a record could not be decoded. The Kafka consumer copies the reason into a dead-letter
 * header, so these strings are part of the operational interface: extend, never rename.
 */
export type AvroDecodeReason =
  | 'too-short'
  | 'bad-magic'
  | 'unknown-fingerprint'
  | 'truncated-body'
  | 'malformed-body'
  | 'trailing-bytes'
  | 'incompatible';

export class AvroDecodeError extends Error {
  override readonly name = 'AvroDecodeError';

  constructor(
    readonly reason: AvroDecodeReason,
    message: string,
    /** Hex of the writer fingerprint, once the header was readable. */
    readonly fingerprint?: string,
  ) {
    super(`${reason}: ${message}`);
  }
}

export type AvroEncodeReason = 'unknown-schema' | 'invalid-value';

export class AvroEncodeError extends Error {
  override readonly name = 'AvroEncodeError';

  constructor(
    readonly reason: AvroEncodeReason,
    message: string,
    /** One entry per offending value, e.g. `observable.kind: expected enum jp.acd.x.Kind`. */
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}\n  ${problems.join('\n  ')}` : message);
  }
}

/** A schema file or document the library refuses to load; the message names the file. */
export class SchemaLoadError extends Error {
  override readonly name = 'SchemaLoadError';

  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }
}
