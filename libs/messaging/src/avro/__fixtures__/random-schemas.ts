/**
 * fast-check arbitraries for Avro schemas and values of those schemas. Values come from
 * fast-check rather than avsc's `type.random()` so failures shrink and replay from a seed.
 */
import fc from 'fast-check';

type Primitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** Where a named type's namespace comes from, to exercise every [FULLNAMES] rule. */
type NamespaceChoice = 'inherit' | 'explicit' | 'null' | 'dotted';

export type Shape =
  | { kind: 'primitive'; name: Primitive; wrapped: boolean }
  | { kind: 'enum'; symbols: number; ns: NamespaceChoice }
  | { kind: 'fixed'; size: number; ns: NamespaceChoice }
  | { kind: 'ref'; index: number }
  | { kind: 'array'; items: Shape }
  | { kind: 'map'; values: Shape }
  | { kind: 'nullable'; of: Shape }
  | { kind: 'record'; fields: Shape[]; ns: NamespaceChoice; noise: boolean };

const PRIMITIVES: Primitive[] = [
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
];
const namespaceChoice = fc.constantFrom<NamespaceChoice>('inherit', 'explicit', 'null', 'dotted');

const leaf: fc.Arbitrary<Shape> = fc.oneof(
  fc.record({
    kind: fc.constant('primitive' as const),
    name: fc.constantFrom(...PRIMITIVES),
    wrapped: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('enum' as const),
    symbols: fc.integer({ min: 1, max: 4 }),
    ns: namespaceChoice,
  }),
  fc.record({
    kind: fc.constant('fixed' as const),
    size: fc.integer({ min: 0, max: 6 }),
    ns: namespaceChoice,
  }),
  fc.record({ kind: fc.constant('ref' as const), index: fc.nat(20) }),
);

function recordShape(depth: number): fc.Arbitrary<Shape> {
  return fc.record({
    kind: fc.constant('record' as const),
    fields: fc.array(shape(depth - 1), { maxLength: 4 }),
    ns: namespaceChoice,
    noise: fc.boolean(),
  });
}

function shape(depth: number): fc.Arbitrary<Shape> {
  if (depth <= 0) return leaf;
  const inner = shape(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('array' as const), items: inner }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('map' as const), values: inner }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('nullable' as const),
        of: inner.filter(
          (s) => s.kind !== 'nullable' && !(s.kind === 'primitive' && s.name === 'null'),
        ),
      }),
    },
    { weight: 1, arbitrary: recordShape(depth) },
  );
}

interface Named {
  fullName: string;
  namespace: string;
  value: fc.Arbitrary<unknown>;
}

export interface RandomSchema {
  /** A record schema as JSON, with docs, aliases and attribute order varied. */
  readonly schema: Record<string, unknown>;
  readonly fullName: string;
  /** Values of that schema, shaped the way avsc reads and writes them. */
  readonly value: fc.Arbitrary<unknown>;
}

const mapKey = fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__');

/** Turns a shape into JSON and a value arbitrary; names are handed out in document order. */
function build(root: Shape): RandomSchema {
  const defined: Named[] = [];
  let counter = 0;

  const nameFor = (ns: NamespaceChoice, enclosing: string) => {
    const short = `T${counter++}`;
    switch (ns) {
      case 'inherit':
        return { attrs: { name: short }, namespace: enclosing, short };
      case 'explicit':
        return {
          attrs: { name: short, namespace: `n${counter % 3}` },
          namespace: `n${counter % 3}`,
          short,
        };
      case 'null':
        return { attrs: { name: short, namespace: '' }, namespace: '', short };
      case 'dotted':
        return {
          attrs: { name: `d${counter % 2}.x.${short}` },
          namespace: `d${counter % 2}.x`,
          short,
        };
    }
  };
  const define = (namespace: string, short: string, value: fc.Arbitrary<unknown>): void => {
    defined.push({ fullName: namespace ? `${namespace}.${short}` : short, namespace, value });
  };

  const go = (s: Shape, enclosing: string): { json: unknown; value: fc.Arbitrary<unknown> } => {
    switch (s.kind) {
      case 'primitive':
        return { json: s.wrapped ? { type: s.name } : s.name, value: primitiveValue(s.name) };
      case 'enum': {
        const n = nameFor(s.ns, enclosing);
        const symbols = Array.from({ length: s.symbols }, (_, i) => `S${i}`);
        const value = fc.constantFrom(...symbols);
        define(n.namespace, n.short, value);
        return { json: { type: 'enum', ...n.attrs, symbols, doc: 'an enum' }, value };
      }
      case 'fixed': {
        const n = nameFor(s.ns, enclosing);
        const value = fc
          .uint8Array({ minLength: s.size, maxLength: s.size })
          .map((b) => Buffer.from(b) as unknown);
        define(n.namespace, n.short, value);
        return { json: { size: s.size, type: 'fixed', ...n.attrs }, value };
      }
      case 'ref': {
        // A short name resolves against the enclosing namespace only (avsc has no fallback to
        // the null namespace), so refer by full name unless that would be read as relative.
        const usable = defined.filter((d) => d.namespace === enclosing || d.fullName.includes('.'));
        const target = usable[s.index % Math.max(usable.length, 1)];
        if (!target) return { json: 'string', value: primitiveValue('string') };
        const short = target.fullName.slice(target.fullName.lastIndexOf('.') + 1);
        const useShort = target.namespace === enclosing && s.index % 2 === 0;
        return { json: useShort ? short : target.fullName, value: target.value };
      }
      case 'array': {
        const items = go(s.items, enclosing);
        return {
          json: { type: 'array', items: items.json },
          value: fc.array(items.value, { maxLength: 4 }),
        };
      }
      case 'map': {
        const values = go(s.values, enclosing);
        return {
          json: { values: values.json, type: 'map' },
          value: fc.dictionary(mapKey, values.value, { maxKeys: 4, noNullPrototype: true }),
        };
      }
      case 'nullable': {
        const of = go(s.of, enclosing);
        return { json: ['null', of.json], value: fc.option(of.value, { nil: null }) };
      }
      case 'record': {
        const n = nameFor(s.ns, enclosing);
        const fields: Record<string, unknown>[] = [];
        const values: Record<string, fc.Arbitrary<unknown>> = {};
        s.fields.forEach((f, i) => {
          const built = go(f, n.namespace);
          const name = `f${i}`;
          values[name] = built.value;
          fields.push(
            s.noise
              ? {
                  doc: `field ${i}`,
                  type: built.json,
                  name,
                  order: 'ascending',
                  aliases: [`g${i}`],
                }
              : { name, type: built.json, doc: `field ${i}` },
          );
        });
        const value = fc.record(values, { noNullPrototype: true });
        define(n.namespace, n.short, value);
        const json = s.noise
          ? { fields, doc: 'a record', aliases: ['Alias'], ...n.attrs, type: 'record' }
          : { type: 'record', ...n.attrs, fields };
        return { json, value };
      }
    }
  };

  const built = go(root, '');
  const top = defined.at(-1);
  if (!top) throw new Error('the root shape is a record');
  return {
    schema: built.json as Record<string, unknown>,
    fullName: top.fullName,
    value: built.value,
  };
}

function primitiveValue(name: Primitive): fc.Arbitrary<unknown> {
  switch (name) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'long':
      return fc.maxSafeInteger();
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'bytes':
      return fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b) as unknown);
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 12 });
  }
}

/** A record schema of nesting depth up to `depth`, with records, enums, fixed, arrays, maps, nullable unions. */
export function randomRecordSchema(depth = 3): fc.Arbitrary<RandomSchema> {
  return recordShape(depth).map(build);
}
