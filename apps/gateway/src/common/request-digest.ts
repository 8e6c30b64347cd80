import { createHash } from 'node:crypto';

/**
 * JSON with object members sorted by name, so the same body digests the same however a client
 * orders its fields. Never throws: a value JSON cannot hold is written by its type name, which
 * still tells two different bodies apart. Iterative, with its own stack: a body nested 40,000
 * levels deep (which JSON.parse accepts) digests like any other instead of overflowing the call
 * stack (a 500 on routes that hash a body no schema had refused).
 */
export function stableJson(value: unknown): string {
  const out: string[] = [];
  const stack: ({ text: string } | { value: unknown })[] = [{ value }];
  while (stack.length > 0) {
    const next = stack.pop() as { text: string } | { value: unknown };
    if ('text' in next) {
      out.push(next.text);
      continue;
    }
    const v = next.value;
    if (v === null || v === undefined) {
      out.push('null');
    } else if (Array.isArray(v)) {
      stack.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i -= 1) {
        stack.push({ value: v[i] as unknown });
        if (i > 0) stack.push({ text: ',' });
      }
      stack.push({ text: '[' });
    } else {
      switch (typeof v) {
        case 'string':
        case 'boolean':
          out.push(JSON.stringify(v));
          break;
        case 'number':
          out.push(Number.isFinite(v) ? JSON.stringify(v) : `"${String(v)}"`);
          break;
        case 'object': {
          const o = v as Record<string, unknown>;
          const keys = Object.keys(o).sort();
          stack.push({ text: '}' });
          for (let i = keys.length - 1; i >= 0; i -= 1) {
            const k = keys[i] as string;
            stack.push({ value: o[k] });
            stack.push({ text: `${JSON.stringify(k)}:` });
            if (i > 0) stack.push({ text: ',' });
          }
          stack.push({ text: '{' });
          break;
        }
        default:
          out.push(`"${typeof v}"`);
      }
    }
  }
  return out.join('');
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
