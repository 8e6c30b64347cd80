import { createHash } from 'node:crypto';

/**
 * JSON with object members sorted by name, so the same body digests the same however a client
 * orders its fields. Never throws: a value JSON cannot hold is written by its type name, which
 * still tells two different bodies apart.
 */
export function stableJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : `"${String(value)}"`;
    case 'object': {
      const o = value as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
        .join(',')}}`;
    }
    default:
      return `"${typeof value}"`;
  }
}

/** SHA-256 over parts separated by NUL, hex. */
export function digestOf(...parts: string[]): string {
  const h = createHash('sha256');
  parts.forEach((p, i) => {
    if (i > 0) h.update('\u0000');
    h.update(p);
  });
  return h.digest('hex');
}

/** What a retried request must repeat exactly: method, path (with its ids) and body. */
export function requestDigest(method: string, path: string, body: unknown): string {
  return digestOf(method.toUpperCase(), path, stableJson(body));
}
