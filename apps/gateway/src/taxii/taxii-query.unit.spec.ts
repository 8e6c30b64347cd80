import fc from 'fast-check';
import {
  asLogPlace,
  asLogPosition,
  decodeTaxiiCursor,
  encodeTaxiiCursor,
  parseListQuery,
  TAXII_DEFAULT_PAGE,
  TAXII_MAX_PAGE,
  TaxiiQueryError,
} from './taxii-query';

const ID = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';

describe('TAXII query parameters', () => {
  it('reads match[...] whether kept as a name or nested by the query parser', () => {
    const flat = parseListQuery(
      { 'match[id]': ID, 'match[type]': 'indicator,report' },
      { version: 'last' },
    );
    const nested = parseListQuery(
      { match: { id: ID, type: 'indicator,report' } },
      { version: 'last' },
    );
    expect(flat.ids).toEqual(new Set([ID]));
    expect(nested.ids).toEqual(new Set([ID]));
    expect(nested.types).toEqual(new Set(['indicator', 'report']));
  });

  it('defaults: the last version, a page of the default size; limit is capped', () => {
    const q = parseListQuery({}, { version: 'last' });
    expect(q.versions).toMatchObject({ last: true, first: false, all: false });
    expect(q.limit).toBe(TAXII_DEFAULT_PAGE);
    expect(parseListQuery({ limit: '999999' }, { version: 'last' }).limit).toBe(TAXII_MAX_PAGE);
    // 0 (what a client asks after a page cut short and empty) is the default page, not an error.
    expect(parseListQuery({ limit: '0' }, { version: 'last' }).limit).toBe(TAXII_DEFAULT_PAGE);
  });

  it('match[version] takes first, last, all and timestamps together', () => {
    const q = parseListQuery(
      { 'match[version]': 'first,2026-12-06T09:30:00.123456Z,last' },
      { version: 'last' },
    );
    expect(q.versions.first && q.versions.last && !q.versions.all).toBe(true);
    expect([...q.versions.at]).toEqual(['2026-12-06T09:30:00.123Z']);
  });

  it('added_after is rounded down to the millisecond (later milliseconds stay after it)', () => {
    expect(
      parseListQuery({ added_after: '2026-12-06T09:30:00.123999Z' }, { version: 'last' })
        .addedAfter,
    ).toBe(Date.parse('2026-12-06T09:30:00.123Z'));
  });

  it.each([
    [{ limit: '-1' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ added_after: 'yesterday' }, 'added_after'],
    [{ added_after: '2026-12-06T09:30:00+09:00' }, 'added_after'],
    [{ 'match[id]': 'indicator--nope' }, 'match[id]'],
    [{ 'match[version]': 'newest' }, 'match[version]'],
    [{ 'match[type]': ',' }, 'match[type]'],
    [{ limit: ['1', '2'] }, 'limit'],
  ])('%p is a 400 naming %s', (query, field) => {
    try {
      parseListQuery(query as Record<string, unknown>, { version: 'last' });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(TaxiiQueryError);
      expect((err as TaxiiQueryError).field).toBe(field);
    }
  });
});

describe('the TAXII cursor', () => {
  const position = fc.dictionary(
    fc.integer({ min: 0, max: 999 }).map(String),
    fc.record({ n: fc.nat(1e9), i: fc.nat(1000) }),
  );

  it('gives back the position it holds, under the same filters', () => {
    fc.assert(
      fc.property(position, (p) => {
        const f = parseListQuery({ 'match[type]': 'indicator' }, { version: 'last' });
        const s = encodeTaxiiCursor('c', f, p);
        expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(asLogPosition(decodeTaxiiCursor('c', f, s))).toEqual(p);
        const place = encodeTaxiiCursor('c', f, { g: 3, p });
        expect(asLogPlace(decodeTaxiiCursor('c', f, place))).toEqual({
          generation: 3,
          position: p,
        });
      }),
    );
  });

  it('is a 400 under other filters, another collection, or when it is not ours', () => {
    const f = parseListQuery({}, { version: 'last' });
    const s = encodeTaxiiCursor('c', f, { '0': { n: 1, i: 2 } });
    const other = parseListQuery({ 'match[version]': 'all' }, { version: 'last' });
    expect(() => decodeTaxiiCursor('c', other, s)).toThrow(TaxiiQueryError);
    expect(() => decodeTaxiiCursor('d', f, s)).toThrow(TaxiiQueryError);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (junk) => {
        try {
          asLogPosition(decodeTaxiiCursor('c', f, junk));
        } catch (err) {
          expect(err).toBeInstanceOf(TaxiiQueryError);
        }
      }),
    );
  });
});
