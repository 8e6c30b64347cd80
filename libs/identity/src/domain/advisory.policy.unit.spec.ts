import fc from 'fast-check';
import {
  advisoryAudienceFor,
  advisoryReadFilter,
  advisoryRecipients,
  canReadAdvisory,
  overseesAdvisory,
  sharedAdvisoryAudience,
  type AdvisoryAudience,
  type AdvisoryItem,
} from './advisory.policy';
import { DEMO_ORGS, DEMO_ORGANISATIONS } from './demo-organisations';
import { canRead, type Reader } from './entitlement.policy';
import { ORG_KINDS, SECTORS, type Organisation } from './organisation';
import { matches, type Doc } from './testing/mongo-matcher';
import { asReaders } from './testing/readers';
import { TLP_LEVELS, tlpRank, type Tlp } from './tlp';

// ---------------------------------------------------------------- arbitraries

/** A small pool of ids, so issuers, viewers and audiences collide often. */
const ORG_IDS = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e'];
const orgId = fc.constantFrom(...ORG_IDS);
const sector = fc.constantFrom(...SECTORS.slice(0, 4));
const kind = fc.constantFrom(...ORG_KINDS);
const tlp = fc.constantFrom(...TLP_LEVELS);

const organisation: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constantFrom(...DEMO_ORGANISATIONS),
  fc
    .record({ id: orgId, kind, sector, supervises: fc.boolean() })
    .map(({ id, kind, sector, supervises }): Organisation => {
      const base = { id, name: id, kind };
      if (kind === 'operator' || (kind === 'ministry' && supervises)) return { ...base, sector };
      return base;
    }),
);

const viewer: fc.Arbitrary<Reader> = asReaders(organisation);

const audience: fc.Arbitrary<AdvisoryAudience> = fc
  .record({
    everyone: fc.boolean(),
    orgs: fc.array(fc.oneof(orgId, fc.constantFrom(...DEMO_ORGANISATIONS.map((o) => o.id))), {
      maxLength: 3,
    }),
    sectors: fc.array(sector, { maxLength: 3 }),
    kinds: fc.array(kind, { maxLength: 2 }),
    council: fc.constantFrom(true, false, undefined),
  })
  .map(({ council, ...a }) => (council === undefined ? a : { ...a, council }));

const item: fc.Arbitrary<AdvisoryItem> = fc.record({
  issuerOrgId: fc.oneof(orgId, fc.constantFrom(DEMO_ORGS.nco.id, DEMO_ORGS.npa.id)),
  tlp,
  audience,
});

/** An audience as readers are shown it: `council` always stated (absent meant false). */
const asIssued = (a: AdvisoryAudience): AdvisoryAudience => ({ ...a, council: a.council === true });

const doc = (i: AdvisoryItem): Doc => ({ _id: 'x', title: 'unrelated', status: 'active', ...i });

// ---------------------------------------------------------------- properties

describe('advisory policy properties', () => {
  const runs = { numRuns: 2000 };

  it('advisoryReadFilter selects exactly the documents canReadAdvisory allows', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(matches(doc(i), advisoryReadFilter(v) as Doc)).toBe(canReadAdvisory(v, i));
      }),
      { numRuns: 5000 },
    );
  });

  it('combined with a caller query in an $and, both stay in force', () => {
    fc.assert(
      fc.property(viewer, item, tlp, (v, i, wanted) => {
        const query = { $and: [advisoryReadFilter(v), { $or: [{ tlp: wanted }] }] };
        expect(matches(doc(i), query)).toBe(canReadAdvisory(v, i) && i.tlp === wanted);
      }),
      runs,
    );
  });

  it('Given any advisory, When its issuer reads it, Then it is readable', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(canReadAdvisory(v, { ...i, issuerOrgId: v.id })).toBe(true);
      }),
      runs,
    );
  });

  it('Given any advisory, When the cabinet office reads it, Then it may iff the label is CLEAR, GREEN or AMBER, or the office is named or the issuer', () => {
    fc.assert(
      fc.property(item, (i) => {
        const { nco } = DEMO_ORGS;
        const shareable = i.tlp === 'CLEAR' || i.tlp === 'GREEN' || i.tlp === 'AMBER';
        const named = i.issuerOrgId === nco.id || i.audience.orgs.includes(nco.id);
        expect(canReadAdvisory(nco, i)).toBe(shareable || named);
      }),
      runs,
    );
  });

  it('a vendor reads an advisory iff it is the issuer, is named, its kind is addressed under CLEAR, GREEN or AMBER, or it is for everyone under CLEAR or GREEN; never through a sector', () => {
    const vendor = fc.oneof(
      fc.constant(DEMO_ORGS.hoshimiSecurity),
      orgId.map((id): Organisation => ({ id, name: id, kind: 'vendor' })),
    );
    fc.assert(
      fc.property(vendor, item, (v, i) => {
        const shareable = i.tlp === 'CLEAR' || i.tlp === 'GREEN' || i.tlp === 'AMBER';
        const open = i.tlp === 'CLEAR' || i.tlp === 'GREEN';
        const named = i.issuerOrgId === v.id || i.audience.orgs.includes(v.id);
        const byKind = shareable && i.audience.kinds.includes('vendor');
        expect(canReadAdvisory(v, i)).toBe(named || byKind || (open && i.audience.everyone));
        const everySector = { ...i, audience: { ...i.audience, sectors: [...SECTORS] } };
        expect(canReadAdvisory(v, everySector)).toBe(canReadAdvisory(v, i));
      }),
      runs,
    );
  });

  it('a named organisation reads whatever the label', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) =>
        canReadAdvisory(v, { ...i, audience: { ...i.audience, orgs: [...i.audience.orgs, v.id] } }),
      ),
      runs,
    );
  });

  it.each(['RED', 'AMBER+STRICT'] as const)(
    '%s reaches only the issuer and named organisations (the cabinet office included), whatever else the audience says',
    (label) => {
      fc.assert(
        fc.property(viewer, item, (v, i) => {
          const named = v.id === i.issuerOrgId || i.audience.orgs.includes(v.id);
          const wide = {
            ...i,
            tlp: label,
            audience: {
              ...i.audience,
              everyone: true,
              sectors: [...SECTORS],
              kinds: [...ORG_KINDS],
            },
          };
          expect(canReadAdvisory(v, wide)).toBe(named);
        }),
        runs,
      );
    },
  );

  it('everyone reaches everyone only under CLEAR and GREEN', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const open = { ...i, audience: { ...i.audience, everyone: true } };
        expect(canReadAdvisory(v, open)).toBe(
          canReadAdvisory(v, { ...i, audience: { ...i.audience, everyone: false } }) ||
            i.tlp === 'CLEAR' ||
            i.tlp === 'GREEN',
        );
      }),
      runs,
    );
  });

  it('raising the label never adds a reader', () => {
    fc.assert(
      fc.property(viewer, item, tlp, (v, i, other) => {
        const [lower, higher] = tlpRank(i.tlp) <= tlpRank(other) ? [i.tlp, other] : [other, i.tlp];
        if (canReadAdvisory(v, { ...i, tlp: higher })) {
          expect(canReadAdvisory(v, { ...i, tlp: lower })).toBe(true);
        }
      }),
      runs,
    );
  });

  it('without kinds, an advisory reaches the same readers as an indicator with that audience', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        if (i.audience.everyone) return;
        const { orgs, sectors, council } = i.audience;
        if (orgs.length === 0 && sectors.length === 0 && council !== true) return;
        const asAdvisory = { ...i, audience: { ...i.audience, kinds: [] } };
        const asIndicator = {
          publisherOrgId: i.issuerOrgId,
          tlp: i.tlp,
          audience: { orgs, sectors: sectors as never, ...(council ? { council } : {}) },
        };
        expect(canReadAdvisory(v, asAdvisory)).toBe(canRead(v, asIndicator));
      }),
      runs,
    );
  });
});

// ------------------------------------------------- the audience as each reader sees it

describe('advisory audience as each reader sees it (no co-recipient disclosed)', () => {
  const runs = { numRuns: 3000 };

  it('a reader that is neither the issuer nor the cabinet office sees no named organisation but itself', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const seen = advisoryAudienceFor(v, i);
        if (overseesAdvisory(v, i)) return;
        expect(seen.orgs).toEqual(i.audience.orgs.filter((o) => o === v.id));
        expect(seen.orgs.every((o) => o === v.id)).toBe(true);
      }),
      runs,
    );
  });

  it('the issuer and the cabinet office see the audience exactly as issued', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(advisoryAudienceFor(v, { ...i, issuerOrgId: v.id })).toEqual(asIssued(i.audience));
        expect(advisoryAudienceFor(DEMO_ORGS.nco, i)).toEqual(asIssued(i.audience));
      }),
      runs,
    );
  });

  it('everyone, sectors and kinds are never cut; named organisations only ever are', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const seen = advisoryAudienceFor(v, i);
        expect({ ...seen, orgs: [] }).toEqual({ ...asIssued(i.audience), orgs: [] });
        expect(seen.orgs.every((o) => i.audience.orgs.includes(o))).toBe(true);
      }),
      runs,
    );
  });

  it('what a reader sees does not depend on who else is named', () => {
    fc.assert(
      fc.property(viewer, item, fc.array(orgId, { maxLength: 3 }), (v, i, more) => {
        if (overseesAdvisory(v, i)) return;
        const others = more.filter((o) => o !== v.id);
        const widened = {
          ...i,
          audience: { ...i.audience, orgs: [...i.audience.orgs, ...others] },
        };
        expect(advisoryAudienceFor(v, widened)).toEqual(advisoryAudienceFor(v, i));
      }),
      runs,
    );
  });

  it('the shared audience (a sector or the public topic) is within what every reader sees', () => {
    fc.assert(
      fc.property(fc.array(viewer, { minLength: 1, maxLength: 6 }), item, (vs, i) => {
        const shared = sharedAdvisoryAudience(i);
        expect(shared.orgs).toEqual([]);
        for (const v of vs) {
          const seen = advisoryAudienceFor(v, i);
          expect(shared.orgs.every((o) => seen.orgs.includes(o))).toBe(true);
          expect({ ...shared, orgs: [] }).toEqual({ ...seen, orgs: [] });
        }
      }),
      runs,
    );
  });

  it('the view is a copy: changing it leaves the advisory untouched', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const before = JSON.stringify(i);
        const seen = advisoryAudienceFor(v, i);
        seen.orgs.push('x');
        seen.sectors.push('x');
        seen.kinds.push('x');
        sharedAdvisoryAudience(i).sectors.push('y');
        expect(JSON.stringify(i)).toBe(before);
      }),
      { numRuns: 200 },
    );
  });

  it('a reader without a known kind is an ordinary reader', () => {
    const i: AdvisoryItem = {
      issuerOrgId: DEMO_ORGS.npa.id,
      tlp: 'RED',
      audience: { everyone: false, sectors: [], kinds: [], orgs: ['org-a', 'org-b'] },
    };
    expect(advisoryAudienceFor({ id: 'org-a' }, i).orgs).toEqual(['org-a']);
    expect(advisoryAudienceFor({ id: DEMO_ORGS.npa.id }, i).orgs).toEqual(['org-a', 'org-b']);
  });
});

// ---------------------------------------------------------------- examples

describe('advisory policy examples', () => {
  const {
    kantoElectric,
    setouchiGrid,
    tokaiRail,
    minatoBank,
    nco,
    npa,
    meti,
    sdfCyber,
    hoshimiSecurity,
  } = DEMO_ORGS;
  const at = (label: Tlp, a: Partial<AdvisoryAudience>): AdvisoryItem => ({
    issuerOrgId: npa.id,
    tlp: label,
    audience: { everyone: false, sectors: [], kinds: [], orgs: [], ...a },
  });
  const readers = (i: AdvisoryItem): string[] =>
    DEMO_ORGANISATIONS.filter((o) => canReadAdvisory(o, i))
      .map((o) => o.id)
      .sort();
  const ids = (...orgs: Organisation[]): string[] => orgs.map((o) => o.id).sort();

  it('GREEN for everyone reaches every organisation', () => {
    expect(readers(at('GREEN', { everyone: true }))).toEqual(ids(...DEMO_ORGANISATIONS));
  });

  it('AMBER to the electricity sector reaches its operators, METI, the issuer and the office', () => {
    expect(readers(at('AMBER', { sectors: ['electricity'] }))).toEqual(
      ids(kantoElectric, setouchiGrid, meti, npa, nco),
    );
  });

  it('AMBER to a kind reaches every organisation of that kind', () => {
    expect(readers(at('AMBER', { kinds: ['sdf'] }))).toEqual(ids(sdfCyber, npa, nco));
  });

  it('AMBER to vendors reaches the vendors, the issuer and the office; a sector advisory does not reach a vendor', () => {
    expect(readers(at('AMBER', { kinds: ['vendor'] }))).toEqual(ids(hoshimiSecurity, npa, nco));
    expect(readers(at('GREEN', { sectors: [...SECTORS] }))).not.toContain(hoshimiSecurity.id);
    expect(advisoryReadFilter(hoshimiSecurity)).toEqual({
      $or: [
        { issuerOrgId: hoshimiSecurity.id },
        { 'audience.orgs': hoshimiSecurity.id },
        { 'audience.kinds': 'vendor', tlp: { $in: ['CLEAR', 'GREEN', 'AMBER'] } },
        { 'audience.everyone': true, tlp: { $in: ['CLEAR', 'GREEN'] } },
      ],
    });
  });

  it('RED to named organisations reaches them and the issuer only, not the office', () => {
    expect(readers(at('RED', { orgs: [tokaiRail.id, minatoBank.id] }))).toEqual(
      ids(tokaiRail, minatoBank, npa),
    );
    expect(readers(at('AMBER+STRICT', { orgs: [tokaiRail.id, nco.id] }))).toEqual(
      ids(tokaiRail, npa, nco),
    );
  });

  it('the recipients (the Kafka topics) are the audience the label allows and the issuer, plus the office under CLEAR, GREEN or AMBER', () => {
    const everything = {
      everyone: true,
      sectors: ['gas'],
      kinds: ['sdf'],
      orgs: [tokaiRail.id],
      council: true,
    };
    expect(advisoryRecipients(at('GREEN', everything))).toEqual({
      everyone: true,
      sectors: ['gas'],
      kinds: ['cabinet-office', 'sdf'],
      orgs: [npa.id, tokaiRail.id],
      council: true,
    });
    expect(advisoryRecipients(at('RED', everything))).toEqual({
      everyone: false,
      sectors: [],
      kinds: [],
      orgs: [npa.id, tokaiRail.id],
      council: false,
    });
  });

  it('advisoryReadFilter is an $or of plain conditions, the office reading shareable labels', () => {
    const shareable = { $in: ['CLEAR', 'GREEN', 'AMBER'] };
    expect(advisoryReadFilter(nco)).toEqual({
      $or: [
        { issuerOrgId: nco.id },
        { 'audience.orgs': nco.id },
        { tlp: shareable },
        { 'audience.kinds': 'cabinet-office', tlp: shareable },
        { 'audience.everyone': true, tlp: { $in: ['CLEAR', 'GREEN'] } },
      ],
    });
    expect(advisoryReadFilter(tokaiRail)).toEqual({
      $or: [
        { issuerOrgId: tokaiRail.id },
        { 'audience.orgs': tokaiRail.id },
        { 'audience.sectors': 'railways', tlp: { $in: ['CLEAR', 'GREEN', 'AMBER'] } },
        { 'audience.kinds': 'operator', tlp: { $in: ['CLEAR', 'GREEN', 'AMBER'] } },
        { 'audience.everyone': true, tlp: { $in: ['CLEAR', 'GREEN'] } },
      ],
    });
  });
});
