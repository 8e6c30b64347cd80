import fc from 'fast-check';
import type { Request } from 'express';
import {
  firstMalformed,
  isWellFormed,
  malformedIssue,
  pathDecodes,
  refusedString,
} from './well-formed-unicode';

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff'];

/** Strings that may hold surrogate pairs but no lone surrogate. */
const wellFormed = fc.string({ unit: 'grapheme' });

/** JSON-like values (what a parsed body can be) whose strings are all well-formed. */
const { tree: jsonTree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    wellFormed,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(wellFormed, tie('tree'), { maxKeys: 4 }),
  ),
}));

describe('well-formed Unicode at the edge', () => {
  it('agrees with String.prototype.isWellFormed on any string of code units', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (s, g) => {
        const native = (x: string) => (x as unknown as { isWellFormed(): boolean }).isWellFormed();
        expect(isWellFormed(s)).toBe(native(s));
        expect(isWellFormed(g)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a lone surrogate wherever it sits in a body, and names its path', () => {
    fc.assert(
      fc.property(
        jsonTree,
        fc.constantFrom(...LONE),
        wellFormed,
        wellFormed,
        (tree, lone, before, after) => {
          expect(firstMalformed(tree)).toBeNull();
          const bad = `${before}${lone}${after}`;
          const body = { items: [tree, { value: bad }], note: 'fine' };
          expect(firstMalformed(body)).toEqual({ path: ['items', '1', 'value'], key: false });
          expect(firstMalformed({ nested: { [bad]: 1 } })).toEqual({
            path: ['nested', bad],
            key: true,
          });
        },
      ),
    );
  });

  it('does not overflow on a deeply nested body', () => {
    let deep: unknown = '\ud800';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(firstMalformed(deep)?.path).toHaveLength(100_000);
  });

  it('checks path parameters, query, headers and body, naming the field', () => {
    const req = (over: Partial<Request>) =>
      ({ params: {}, query: {}, headers: {}, body: undefined, ...over }) as Request;
    expect(malformedIssue(req({ body: { description: 'ok \ud83d\ude00' } }))).toBeNull();
    expect(malformedIssue(req({ body: { description: 'x\ud800' } }))).toEqual({
      field: 'description',
      reason: 'is not well-formed Unicode (a lone UTF-16 surrogate)',
    });
    expect(malformedIssue(req({ body: '\udc00' }))).toMatchObject({ field: '(body)' });
    expect(malformedIssue(req({ query: { value: ['a', '\ud800'] } as never }))).toMatchObject({
      field: 'value.1',
    });
    expect(malformedIssue(req({ params: { id: '\ud800' } }))).toMatchObject({ field: 'id' });
    expect(malformedIssue(req({ headers: { 'x-correlation-id': '\ud800' } }))).toMatchObject({
      field: 'x-correlation-id',
    });
    expect(malformedIssue(req({ body: { ['k\ud800']: 1 } }))).toEqual({
      field: 'k\\ud800',
      reason: 'its name is not well-formed Unicode (a lone UTF-16 surrogate)',
    });
  });

  it('refuses NUL in any string or key of a request, naming the field, and nothing else printable', () => {
    const req = (over: Partial<Request>) =>
      ({ params: {}, query: {}, headers: {}, body: undefined, ...over }) as Request;
    expect(malformedIssue(req({ body: { summary: 'two\r\nlines\tand a tab' } }))).toBeNull();
    expect(malformedIssue(req({ body: { items: [{ description: 'a\u0000b' }] } }))).toEqual({
      field: 'items.0.description',
      reason: 'contains a NUL character (U+0000)',
    });
    expect(malformedIssue(req({ body: { ['k\u0000']: 1 } }))).toMatchObject({
      reason: 'its name contains a NUL character (U+0000)',
    });
    expect(malformedIssue(req({ query: { value: 'x\u0000' } as never }))).toMatchObject({
      field: 'value',
    });
    expect(malformedIssue(req({ params: { id: '\u0000' } }))).toMatchObject({ field: 'id' });
    fc.assert(
      fc.property(wellFormed, wellFormed, (before, after) => {
        const s = `${before}\u0000${after}`;
        expect(refusedString(s)).toBe('contains a NUL character (U+0000)');
        expect(refusedString(`${before}${after}`.replaceAll('\u0000', ''))).toBeNull();
      }),
    );
  });

  it('refuses a path whose percent-encoding is not UTF-8, as the router would decode it', () => {
    expect(pathDecodes('/v1/indicators/0b0e5b3a-0000-4000-8000-000000000000')).toBe(true);
    expect(pathDecodes('/v1/assets/op-a/%E2%9C%93?x=%ED%A0%80')).toBe(true);
    expect(pathDecodes('/v1/indicators/%ED%A0%80')).toBe(false);
    expect(pathDecodes('/v1/indicators/%FF')).toBe(false);
    expect(pathDecodes('/v1/%')).toBe(false);
    fc.assert(
      fc.property(fc.array(wellFormed, { maxLength: 4 }), (segments) => {
        expect(pathDecodes(`/${segments.map(encodeURIComponent).join('/')}`)).toBe(true);
      }),
    );
  });
});
