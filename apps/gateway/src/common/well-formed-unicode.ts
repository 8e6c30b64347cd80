import type { Request } from 'express';
import type { FieldIssue } from './zod-validation.pipe';

/**
 * A UTF-16 surrogate that is not half of a pair. JSON lets a client write one (`"\ud800"`), and
 * JavaScript strings hold it, but it is no Unicode character: UTF-8 (Avro's strings, Kafka's
 * headers, MongoDB's documents) cannot encode it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const MALFORMED_REASON = 'is not well-formed Unicode (a lone UTF-16 surrogate)';

export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * NUL (U+0000) is a Unicode character, but no text the bus holds has a use for one, and several
 * stores cannot hold it: PostgreSQL, under FerretDB's PostgreSQL backend, refuses `\u0000` in
 * JSON, so a projector writing it would stop on that event. Refused at the edge like a lone
 * surrogate. (Line breaks are text: summaries, descriptions and notes may span lines, and the
 * fields that may not, identifiers, enums, indicator values, are refused by their own schemas.)
 */

export const NUL_REASON = 'contains a NUL character (U+0000)';

/** Why the gateway refuses a string, or null when it takes it. */
export function refusedString(s: string): string | null {
  if (!isWellFormed(s)) return MALFORMED_REASON;
  if (s.includes('\u0000')) return NUL_REASON;
  return null;
}

/** A place in a value: its key under its parent, and the parent's place (null at the root). */
interface Place {
  key: string;
  parent: Place | null;
}

const pathOf = (place: Place | null): string[] => {
  const path: string[] = [];
  for (let p = place; p; p = p.parent) path.push(p.key);
  return path.reverse();
};

/**
 * The path to the first string (or object key) in a JSON-like value that is not well-formed
 * Unicode, or null when there is none. The walk keeps its own stack and a parent link per
 * place (no path copied per step), so a deeply nested body neither overflows the call stack
 * nor costs more than its size.
 */
export function firstMalformed(value: unknown): { path: string[]; key: boolean } | null {
  const found = firstRefused(value, (s) => (isWellFormed(s) ? null : MALFORMED_REASON));
  return found && { path: found.path, key: found.key };
}

/**
 * The path to the first string (or object key) that `refuse` gives a reason for, with the
 * reason, or null. Iterative, as `firstMalformed` explains.
 */
export function firstRefused(
  value: unknown,
  refuse: (s: string) => string | null = refusedString,
): { path: string[]; key: boolean; reason: string } | null {
  const stack: { value: unknown; place: Place | null }[] = [{ value, place: null }];
  while (stack.length > 0) {
    const { value: v, place } = stack.pop() as { value: unknown; place: Place | null };
    if (typeof v === 'string') {
      const reason = refuse(v);
      if (reason) return { path: pathOf(place), key: false, reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i -= 1)
        stack.push({ value: v[i], place: { key: String(i), parent: place } });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (const [k] of entries) {
        const reason = refuse(k);
        if (reason) return { path: pathOf({ key: k, parent: place }), key: true, reason };
      }
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [k, child] = entries[i] as [string, unknown];
        stack.push({ value: child, place: { key: k, parent: place } });
      }
    }
  }
  return null;
}

/** A printable field name: a malformed key is shown with its surrogates escaped. */
function fieldName(path: string[], fallback: string): string {
  const escaped = path.map((p) =>
    isWellFormed(p)
      ? p
      : p.replace(/[\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`),
  );
  return escaped.join('.') || fallback;
}

/**
 * The first string of a request that is not well-formed Unicode: path parameters, the query,
 * the headers, then the body (every JSON body, whatever route and schema). Express decodes
 * percent-encoding in paths and queries with decodeURIComponent, which refuses an encoded
 * surrogate, and headers arrive as Latin-1, so the body is where one can hide; the rest are
 * checked all the same, in case a parser changes.
 */
export function malformedIssue(req: Request): FieldIssue | null {
  const sources: [string, unknown][] = [
    ['params', req.params],
    ['query', req.query],
    ['headers', req.headers],
    ['body', req.body],
  ];
  for (const [source, value] of sources) {
    const found = firstRefused(value);
    if (!found) continue;
    const field = fieldName(found.path, source === 'body' ? '(body)' : source);
    return {
      field,
      reason: found.key ? `its name ${found.reason}` : found.reason,
    };
  }
  return null;
}

/**
 * Whether a request path's percent-encoding decodes to well-formed UTF-8, segment by segment,
 * as the router will decode path parameters. An encoded surrogate (`%ED%A0%80`) or a stray
 * byte does not; the router would fail on it before any handler and answer with Express's
 * own error page (HTML, with a stack trace outside production).
 */
export function pathDecodes(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  for (const segment of path.split('/')) {
    try {
      if (!isWellFormed(decodeURIComponent(segment))) return false;
    } catch {
      return false;
    }
  }
  return true;
}

interface MinimalResponse {
  status(code: number): { json(body: unknown): void };
}

/**
 * Express middleware, mounted before the router: a path that does not decode answers 400 in
 * the gateway's own shape, naming the path.
 */
export function wellFormedPath(req: Request, res: MinimalResponse, next: () => void): void {
  if (pathDecodes(req.originalUrl ?? req.url ?? '')) return next();
  res.status(400).json({
    statusCode: 400,
    error: 'Bad Request',
    message: '(path): is not percent-encoded UTF-8',
    issues: [{ field: '(path)', reason: 'is not percent-encoded UTF-8' }],
  });
}
