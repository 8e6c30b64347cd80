/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values an audit entry holds: object members
 * sorted by their names' UTF-16 code units, no whitespace, strings and numbers exactly as
 * ECMAScript's JSON.stringify writes them (which is what RFC 8785 specifies). An outside verifier
 * reproduces the bytes with any RFC 8785 implementation.
 */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a JSON number: ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value))
      throw new TypeError('string with a lone surrogate is not I-JSON');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys
      .map((k) => {
        if (LONE_SURROGATE.test(k)) throw new TypeError('member name with a lone surrogate');
        return `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`;
      })
      .join(',')}}`;
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

/**
 * Turns a decoded Avro value into plain JSON: bytes become base64, dates ISO-8601 instants,
 * bigints decimal strings; undefined members are left out. Anything else non-JSON is refused.
 */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = toJsonValue(v);
    }
    return out;
  }
  throw new TypeError(`not representable as JSON: ${typeof value}`);
}
