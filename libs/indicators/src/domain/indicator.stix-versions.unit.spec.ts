import fc from 'fast-check';
import {
  canRead,
  DEMO_ORGANISATIONS,
  ORG_KINDS,
  SECTORS,
  TLP_LEVELS,
  type Organisation,
} from '@acd/identity/domain';
import {
  versionReadable,
  versionSelected,
  type StixAccess,
  type VersionMatch,
} from './indicator.stix-versions';

const ORG_IDS = ['org-a', 'org-b', 'org-c', 'org-d'];
const orgId = fc.constantFrom(...ORG_IDS);
const sector = fc.constantFrom(...SECTORS.slice(0, 3));

const viewer: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constantFrom(...DEMO_ORGANISATIONS),
  fc
    .record({ id: orgId, kind: fc.constantFrom(...ORG_KINDS), sector })
    .map(({ id, kind, sector }): Organisation =>
      kind === 'operator'
        ? ({ id, name: id, kind, sector } as Organisation)
        : ({ id, name: id, kind } as Organisation),
    ),
);

const access = (pub: string): fc.Arbitrary<StixAccess> =>
  fc.record({
    pub: fc.constant(pub),
    tlp: fc.constantFrom(...TLP_LEVELS),
    ao: fc.array(orgId, { maxLength: 2 }),
    as: fc.array(sector, { maxLength: 2 }),
  });

/** An object's versions: one publisher, 1 to 5 versions with their own markings. */
const history = orgId.chain((pub) => fc.array(access(pub), { minLength: 1, maxLength: 5 }));

const match: fc.Arbitrary<VersionMatch> = fc.record({
  last: fc.boolean(),
  first: fc.boolean(),
  all: fc.boolean(),
  at: fc.constant(new Set<string>()),
});

const admits = (v: Organisation, a: StixAccess) =>
  canRead(v, {
    publisherOrgId: a.pub,
    tlp: a.tlp,
    audience: { orgs: [...a.ao], sectors: [...a.as] } as never,
  });

/** What each version of a history looks like to the selection (version k modified at k). */
const factsOf = (h: StixAccess[]) =>
  h.map((own, k) => ({
    own,
    latest: h[h.length - 1] as StixAccess,
    superseded: k < h.length - 1,
    earlier: h.slice(0, k),
    modified: `v${k}`,
  }));

const ALL: VersionMatch = { last: false, first: false, all: true, at: new Set() };

describe('which versions of a STIX object a reader gets', () => {
  it('never a version whose own markings, or whose object’s latest markings, leave the reader out', () => {
    fc.assert(
      fc.property(viewer, history, match, (v, h, m) => {
        for (const f of factsOf(h)) {
          if (versionSelected(v, f, m)) {
            expect(admits(v, f.own)).toBe(true);
            expect(admits(v, f.latest)).toBe(true);
          }
        }
      }),
    );
  });

  it('all: exactly the readable versions; none at all once the latest leaves the reader out', () => {
    fc.assert(
      fc.property(viewer, history, (v, h) => {
        const all = factsOf(h).filter((f) =>
          versionSelected(v, f, { last: false, first: false, all: true, at: new Set() }),
        );
        const latestAdmits = admits(v, h[h.length - 1] as StixAccess);
        expect(all.length).toBe(latestAdmits ? h.filter((a) => admits(v, a)).length : 0);
      }),
    );
  });

  it('last: the latest version, when the reader may read it, and nothing else', () => {
    fc.assert(
      fc.property(viewer, history, (v, h) => {
        const last = factsOf(h).filter((f) =>
          versionSelected(v, f, { last: true, first: false, all: false, at: new Set() }),
        );
        expect(last.map((f) => f.modified)).toEqual(
          admits(v, h[h.length - 1] as StixAccess) ? [`v${h.length - 1}`] : [],
        );
      }),
    );
  });

  it('first: the earliest version the reader may read, at most one', () => {
    fc.assert(
      fc.property(viewer, history, (v, h) => {
        const first = factsOf(h).filter((f) =>
          versionSelected(v, f, { last: false, first: true, all: false, at: new Set() }),
        );
        const readable = factsOf(h).filter((f) => versionReadable(v, f.own, f.latest));
        expect(first).toEqual(readable.slice(0, 1));
      }),
    );
  });

  it('Given any history, When its publisher asks for all, Then it gets every version', () => {
    fc.assert(
      fc.property(history, (h) => {
        const publisher = {
          id: h[0]!.pub,
          name: 'p',
          kind: 'operator',
          sector: SECTORS[0],
        } as Organisation;
        expect(factsOf(h).every((f) => versionSelected(publisher, f, ALL))).toBe(true);
      }),
    );
  });

  it('Given any history, When the cabinet office asks for all, Then it gets every version iff none is RED or AMBER+STRICT, else what the markings name it on', () => {
    const office = DEMO_ORGANISATIONS.find((o) => o.kind === 'cabinet-office') as Organisation;
    const named = (a: StixAccess) => a.ao.includes(office.id);
    const withOffice = history.chain((h) =>
      fc
        .array(fc.boolean(), { minLength: h.length, maxLength: h.length })
        .map((adds) => h.map((a, k) => (adds[k] ? { ...a, ao: [...a.ao, office.id] } : a))),
    );
    fc.assert(
      fc.property(withOffice, (h) => {
        const strict = (a: StixAccess) => a.tlp === 'RED' || a.tlp === 'AMBER+STRICT';
        const got = factsOf(h).filter((f) => versionSelected(office, f, ALL));
        if (h.every((a) => !strict(a))) expect(got).toHaveLength(h.length);
        const latest = h[h.length - 1] as StixAccess;
        const expected =
          strict(latest) && !named(latest) ? [] : h.filter((a) => !strict(a) || named(a));
        expect(got.map((f) => f.own)).toEqual(expected);
      }),
    );
  });
});
