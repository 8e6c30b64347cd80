/**
 * A tiny MongoDB matcher for the policy specs: it understands exactly the operators the
 * entitlement filters are allowed to emit (those FerretDB v1 supports), and throws on anything
 * else, so a filter that starts relying on another operator fails its spec.
 */

export type Doc = Record<string, unknown>;

function valueAt(doc: Doc, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Doc)[key]
          : undefined,
      doc,
    );
}

/** MongoDB equality: a scalar matches an equal field or an array field holding it. */
function fieldEquals(field: unknown, expected: unknown): boolean {
  if (Array.isArray(field) && !Array.isArray(expected)) return field.includes(expected);
  return field === expected;
}

function isPlainObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function matches(doc: Doc, query: Doc): boolean {
  return Object.entries(query).every(([key, condition]) => {
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(condition)) throw new Error(`${key} needs an array`);
      const branches = condition as Doc[];
      return key === '$or'
        ? branches.some((q) => matches(doc, q))
        : branches.every((q) => matches(doc, q));
    }
    if (key.startsWith('$')) throw new Error(`operator ${key} is not allowed at top level`);
    const field = valueAt(doc, key);
    if (!isPlainObject(condition)) return fieldEquals(field, condition);
    return Object.entries(condition).every(([op, operand]) => {
      switch (op) {
        case '$eq':
          return fieldEquals(field, operand);
        case '$in':
          if (!Array.isArray(operand)) throw new Error('$in needs an array');
          return operand.some((o) => fieldEquals(field, o));
        default:
          throw new Error(`operator ${op} is not allowed`);
      }
    });
  });
}
