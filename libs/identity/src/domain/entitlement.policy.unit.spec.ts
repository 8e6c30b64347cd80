import fc from 'fast-check';
import { emptyAudience, normaliseAudience, type Audience } from './audience';
import { DEMO_ORGS, DEMO_ORGANISATIONS } from './demo-organisations';
import {
  canRead,
  canReadClass,
  OPEN_BY_DEFAULT_TLPS,
  entitlementClassOf,
  entitlementFields,
  readFilter,
  restrictToReadable,
  type EntitledItem,
  type Reader,
} from './entitlement.policy';
import { ORG_KINDS, SECTORS, type Organisation, type Sector } from './organisation';
import { matches, type Doc } from './testing/mongo-matcher';
import { asReaders } from './testing/readers';
import { TLP_LEVELS, tlpRank, type Tlp } from './tlp';

// ---------------------------------------------------------------- arbitraries

/** A small pool of ids, so publishers, viewers and audiences collide often. */
const ORG_IDS = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e'];
const orgId = fc.constantFrom(...ORG_IDS);
const sector = fc.constantFrom(...SECTORS.slice(0, 4));
const tlp = fc.constantFrom(...TLP_LEVELS);

const organisation: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constantFrom(...DEMO_ORGANISATIONS),
  fc
    .record({ id: orgId, kind: fc.constantFrom(...ORG_KINDS), sector, supervises: fc.boolean() })
    .map(({ id, kind, sector, supervises }): Organisation => {
      const base = { id, name: id, kind };
      if (kind === 'operator' || (kind === 'ministry' && supervises)) return { ...base, sector };
      return base;
    }),
);

const viewer: fc.Arbitrary<Reader> = asReaders(organisation);

const audience: fc.Arbitrary<Audience> = fc
  .record({
    // The office's own id among the names, so that "named" is as common as "not named".
    orgs: fc.array(fc.oneof(orgId, fc.constant(DEMO_ORGS.nco.id)), { maxLength: 3 }),
    sectors: fc.array(sector, { maxLength: 3 }),
    council: fc.boolean(),
  })
  .map(({ council, ...a }) => (council ? { ...a, council } : a));

const item: fc.Arbitrary<EntitledItem> = fc.record({
  publisherOrgId: fc.oneof(orgId, fc.constantFrom(...DEMO_ORGANISATIONS.map((o) => o.id))),
  tlp,
  audience: fc.oneof(audience, fc.constant(emptyAudience())),
});

/** A vendor: the demo one, or one under any id. It has no sector. */
const vendor: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constant(DEMO_ORGS.hoshimiSecurity),
  orgId.map((id): Organisation => ({ id, name: id, kind: 'vendor' })),
);

/** A cabinet office: the demo one, or one under any id. */
const office: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constant(DEMO_ORGS.nco),
  orgId.map((id): Organisation => ({ id, name: id, kind: 'cabinet-office' })),
);

// ---------------------------------------------------------------- properties

describe('entitlement policy properties', () => {
  const runs = { numRuns: 2000 };

  it('a count by entitlement class judges every item exactly as canRead does', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        // Through JSON, as the counters store the class.
        const cls = JSON.parse(JSON.stringify(entitlementClassOf(i))) as ReturnType<
          typeof entitlementClassOf
        >;
        expect(canReadClass(v, i.tlp, cls)).toBe(canRead(v, i));
      }),
      runs,
    );
  });

  it('only items every viewer may read lose their publisher and audience in a count', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        if (entitlementClassOf(i) === null) expect(canRead(v, i)).toBe(true);
      }),
      runs,
    );
  });

  it('the publisher always reads its own item', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => canRead(v, { ...i, publisherOrgId: v.id })),
      runs,
    );
  });

  it('for every item and every cabinet office: it reads a RED or AMBER+STRICT item iff named or its publisher, and every CLEAR, GREEN and AMBER item', () => {
    fc.assert(
      fc.property(office, item, (o, i) => {
        const strict = i.tlp === 'RED' || i.tlp === 'AMBER+STRICT';
        const named = i.publisherOrgId === o.id || i.audience.orgs.includes(o.id);
        expect(canRead(o, i)).toBe(strict ? named : true);
      }),
      { numRuns: 5000 },
    );
  });

  it('for every item and every cabinet office, readFilter agrees with canRead', () => {
    fc.assert(
      fc.property(office, item, (o, i) => {
        const doc: Doc = { _id: 'x', ...entitlementFields(i) };
        expect(matches(doc, readFilter(o) as Doc)).toBe(canRead(o, i));
      }),
      runs,
    );
  });

  it('a named organisation reads the item whatever its label', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) =>
        canRead(v, { ...i, audience: { ...i.audience, orgs: [...i.audience.orgs, v.id] } }),
      ),
      runs,
    );
  });

  it.each(['RED', 'AMBER+STRICT'] as const)(
    '%s reaches only its publisher and named organisations, whatever the sectors',
    (label) => {
      fc.assert(
        fc.property(viewer, item, (v, i) => {
          const strict = { ...i, tlp: label };
          const named = v.id === i.publisherOrgId || i.audience.orgs.includes(v.id);
          expect(canRead(v, strict)).toBe(named);
          const everySector = { ...strict, audience: { ...i.audience, sectors: [...SECTORS] } };
          expect(canRead(v, everySector)).toBe(named);
        }),
        runs,
      );
    },
  );

  it('a vendor off the council reads an item iff it published it, is named, or the item is open to everyone; no sector ever reaches it', () => {
    fc.assert(
      fc.property(vendor, item, (v, i) => {
        const own = i.publisherOrgId === v.id || i.audience.orgs.includes(v.id);
        const open =
          OPEN_BY_DEFAULT_TLPS.includes(i.tlp) &&
          i.audience.orgs.length === 0 &&
          i.audience.sectors.length === 0 &&
          i.audience.council !== true;
        expect(canRead(v, i)).toBe(own || open);
        const everySector = { ...i, audience: { ...i.audience, sectors: [...SECTORS] } };
        expect(canRead(v, everySector)).toBe(own);
      }),
      runs,
    );
  });

  it('CLEAR with an empty audience is readable by everyone', () => {
    fc.assert(
      fc.property(viewer, orgId, (v, publisher) =>
        canRead(v, { publisherOrgId: publisher, tlp: 'CLEAR', audience: emptyAudience() }),
      ),
      runs,
    );
  });

  it('raising the label never adds a reader', () => {
    fc.assert(
      fc.property(viewer, item, tlp, (v, i, other) => {
        const [lower, higher] = tlpRank(i.tlp) <= tlpRank(other) ? [i.tlp, other] : [other, i.tlp];
        if (canRead(v, { ...i, tlp: higher })) expect(canRead(v, { ...i, tlp: lower })).toBe(true);
      }),
      runs,
    );
  });

  it('normalising the audience never changes who reads', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const normalised = { ...i, audience: normaliseAudience(i.audience) };
        expect(canRead(v, normalised)).toBe(canRead(v, i));
      }),
      runs,
    );
  });

  it('readFilter selects exactly the documents canRead allows', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const doc: Doc = { _id: 'x', title: 'unrelated field', ...entitlementFields(i) };
        expect(matches(doc, readFilter(v) as Doc)).toBe(canRead(v, i));
      }),
      { numRuns: 5000 },
    );
  });

  it('restrictToReadable keeps the caller query and the entitlement both in force', () => {
    fc.assert(
      fc.property(viewer, item, tlp, (v, i, wanted) => {
        const doc: Doc = { ...entitlementFields(i) };
        const query = { $or: [{ tlp: wanted }] };
        const expected = canRead(v, i) && i.tlp === wanted;
        expect(matches(doc, restrictToReadable(v, query) as Doc)).toBe(expected);
      }),
      runs,
    );
  });
});

// ---------------------------------------------------------------- examples

describe('entitlement policy examples', () => {
  const {
    kantoElectric,
    setouchiGrid,
    tokaiRail,
    minatoBank,
    nco,
    npa,
    meti,
    oversight,
    hoshimiSecurity,
  } = DEMO_ORGS;
  const publisher = kantoElectric.id;
  const at = (label: Tlp, orgs: string[] = [], sectors: Sector[] = []): EntitledItem => ({
    publisherOrgId: publisher,
    tlp: label,
    audience: { orgs, sectors },
  });
  const readers = (i: EntitledItem): string[] =>
    DEMO_ORGANISATIONS.filter((o) => canRead(o, i))
      .map((o) => o.id)
      .sort();
  const ids = (...orgs: Organisation[]): string[] => orgs.map((o) => o.id).sort();
  const all = ids(...DEMO_ORGANISATIONS);

  it.each(['CLEAR', 'GREEN'] as const)('%s with no audience is for everyone', (label) => {
    expect(readers(at(label))).toEqual(all);
  });

  it.each(['CLEAR', 'GREEN'] as const)('%s with an audience is for that audience only', (label) => {
    expect(readers(at(label, [npa.id], ['railways']))).toEqual(
      ids(kantoElectric, nco, npa, tokaiRail),
    );
  });

  it('AMBER reaches listed organisations and members of listed sectors', () => {
    expect(readers(at('AMBER', [minatoBank.id], ['electricity']))).toEqual(
      ids(kantoElectric, setouchiGrid, meti, minatoBank, nco),
    );
  });

  it('AMBER with no audience stays with publisher and cabinet office', () => {
    expect(readers(at('AMBER'))).toEqual(ids(kantoElectric, nco));
  });

  it('AMBER+STRICT ignores sectors', () => {
    expect(readers(at('AMBER+STRICT', [tokaiRail.id], ['electricity', 'finance']))).toEqual(
      ids(kantoElectric, tokaiRail),
    );
  });

  it('RED reaches named organisations only', () => {
    expect(readers(at('RED', [npa.id, oversight.id], [...SECTORS]))).toEqual(
      ids(kantoElectric, npa, oversight),
    );
    expect(readers(at('RED'))).toEqual(ids(kantoElectric));
    expect(readers(at('RED', [nco.id]))).toEqual(ids(kantoElectric, nco));
  });

  describe('the council (Act art. 45)', () => {
    const shared = (label: Tlp, orgs: string[] = []): EntitledItem => ({
      ...at(label, orgs),
      audience: { orgs, sectors: [], council: true },
    });
    const bound = (o: Organisation): Reader => ({ ...o, councilBound: true });
    const readersAmong = (i: EntitledItem, viewers: Reader[]): string[] =>
      viewers
        .filter((v) => canRead(v, i))
        .map((v) => v.id)
        .sort();

    it.each(['CLEAR', 'GREEN', 'AMBER'] as const)(
      '%s shared in the council reaches its bound members, the publisher and the office only',
      (label) => {
        const viewers = DEMO_ORGANISATIONS.map((o) =>
          o.id === tokaiRail.id || o.id === npa.id ? bound(o) : o,
        );
        expect(readersAmong(shared(label), viewers)).toEqual(
          ids(kantoElectric, nco, npa, tokaiRail),
        );
      },
    );

    it('a member admitted but not bound, or whose standing was not resolved, reads none of it', () => {
      expect(canRead({ ...minatoBank, councilBound: false }, shared('GREEN'))).toBe(false);
      expect(canRead(minatoBank, shared('CLEAR'))).toBe(false);
    });

    it('a council audience is an audience: CLEAR shared in the council is not for everyone', () => {
      expect(readers(shared('CLEAR'))).toEqual(ids(kantoElectric, nco));
    });

    it('the council never widens AMBER+STRICT or RED (named recipients only)', () => {
      for (const label of ['AMBER+STRICT', 'RED'] as const) {
        expect(canRead(bound(tokaiRail), shared(label))).toBe(false);
        expect(canRead(bound(tokaiRail), shared(label, [tokaiRail.id]))).toBe(true);
      }
    });

    it('readFilter gains one clause for a bound member, and a count keeps the council apart', () => {
      expect(readFilter(bound(tokaiRail))).toEqual({
        $or: [
          { publisherOrgId: tokaiRail.id },
          { 'audience.orgs': tokaiRail.id },
          { 'audience.sectors': 'railways', tlp: { $in: ['CLEAR', 'GREEN', 'AMBER'] } },
          { 'audience.council': true, tlp: { $in: ['CLEAR', 'GREEN', 'AMBER'] } },
          { audienceEmpty: true, tlp: { $in: ['CLEAR', 'GREEN'] } },
        ],
      });
      expect(readFilter(tokaiRail)).toEqual(readFilter({ ...tokaiRail, councilBound: false }));
      expect(entitlementClassOf(shared('CLEAR'))).toEqual({
        pub: kantoElectric.id,
        orgs: [],
        sectors: [],
        council: true,
      });
      expect(entitlementFields(shared('GREEN'))).toMatchObject({
        audience: { orgs: [], sectors: [], council: true },
        audienceEmpty: false,
      });
    });
  });

  it('a vendor reads community items, and AMBER or RED ones only when named', () => {
    expect(readers(at('GREEN'))).toContain(hoshimiSecurity.id);
    expect(readers(at('GREEN', [], ['electricity']))).not.toContain(hoshimiSecurity.id);
    expect(readers(at('AMBER', [], [...SECTORS]))).not.toContain(hoshimiSecurity.id);
    expect(readers(at('RED', [hoshimiSecurity.id]))).toEqual(ids(kantoElectric, hoshimiSecurity));
    expect(readFilter(hoshimiSecurity)).toEqual({
      $or: [
        { publisherOrgId: hoshimiSecurity.id },
        { 'audience.orgs': hoshimiSecurity.id },
        { audienceEmpty: true, tlp: { $in: ['CLEAR', 'GREEN'] } },
      ],
    });
  });

  it('readFilter is an $or of plain conditions, for the cabinet office too', () => {
    expect(readFilter(nco)).toEqual({
      $or: [
        { publisherOrgId: nco.id },
        { 'audience.orgs': nco.id },
        { tlp: { $in: ['CLEAR', 'GREEN', 'AMBER'] } },
        { audienceEmpty: true, tlp: { $in: ['CLEAR', 'GREEN'] } },
      ],
    });
    expect(readFilter(tokaiRail)).toEqual({
      $or: [
        { publisherOrgId: tokaiRail.id },
        { 'audience.orgs': tokaiRail.id },
        { 'audience.sectors': 'railways', tlp: { $in: ['CLEAR', 'GREEN', 'AMBER'] } },
        { audienceEmpty: true, tlp: { $in: ['CLEAR', 'GREEN'] } },
      ],
    });
    expect(readFilter(npa)).toEqual({
      $or: [
        { publisherOrgId: npa.id },
        { 'audience.orgs': npa.id },
        { audienceEmpty: true, tlp: { $in: ['CLEAR', 'GREEN'] } },
      ],
    });
  });

  it('entitlementFields stores a normalised audience and whether it is empty', () => {
    expect(
      entitlementFields({
        publisherOrgId: publisher,
        tlp: 'AMBER',
        audience: { orgs: ['op-b', 'op-a', 'op-b'], sectors: ['water', 'gas'] },
      }),
    ).toEqual({
      publisherOrgId: publisher,
      tlp: 'AMBER',
      audience: { orgs: ['op-a', 'op-b'], sectors: ['gas', 'water'] },
      audienceEmpty: false,
    });
    expect(entitlementFields(at('GREEN')).audienceEmpty).toBe(true);
  });

  it('the test matcher follows MongoDB array semantics', () => {
    const doc = { audience: { orgs: ['a', 'b'] }, tlp: 'RED' };
    expect(matches(doc, { 'audience.orgs': 'b' })).toBe(true);
    expect(matches(doc, { 'audience.orgs': 'c' })).toBe(false);
    expect(matches(doc, { tlp: { $in: ['AMBER', 'RED'] } })).toBe(true);
    expect(matches(doc, { $or: [{ tlp: 'CLEAR' }, { 'audience.orgs': { $eq: 'a' } }] })).toBe(true);
    expect(() => matches(doc, { 'audience.orgs': { $size: 0 } })).toThrow('$size');
  });
});
