import fc from 'fast-check';
import { emptyAudience, normaliseAudience, type Audience } from './audience';
import { DEMO_ORGS, DEMO_ORGANISATIONS } from './demo-organisations';
import { canRead, type EntitledItem } from './entitlement.policy';
import { ORG_KINDS, SECTORS, type Organisation } from './organisation';
import {
  canReadReference,
  emptyReferenceTerms,
  readableReferenceIds,
  readableReferences,
  referencesOf,
  type FlowMatchTerms,
  type Reference,
  type ReferenceKind,
  type ReferenceTerms,
} from './reference.policy';
import { canReadReport, type ReportItem } from './report.policy';
import { TLP_LEVELS, tlpRank } from './tlp';
import { canReadMatch } from './traffic.policy';

// ---------------------------------------------------------------- arbitraries

const ORG_IDS = ['org-a', 'org-b', 'org-c', 'org-d'];
const orgId = fc.constantFrom(...ORG_IDS);
const sector = fc.constantFrom(...SECTORS.slice(0, 3));

const viewer: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constantFrom(...DEMO_ORGANISATIONS),
  fc
    .record({ id: orgId, kind: fc.constantFrom(...ORG_KINDS), sector, supervises: fc.boolean() })
    .map(({ id, kind, sector, supervises }): Organisation => {
      const base = { id, name: id, kind };
      if (kind === 'operator' || (kind === 'ministry' && supervises)) return { ...base, sector };
      return base;
    }),
);

const audience: fc.Arbitrary<Audience> = fc
  .record({ orgs: fc.array(orgId, { maxLength: 3 }), sectors: fc.array(sector, { maxLength: 2 }) })
  .map(normaliseAudience);

const indicatorTerms: fc.Arbitrary<EntitledItem> = fc.record({
  publisherOrgId: fc.oneof(orgId, fc.constantFrom(DEMO_ORGS.kantoElectric.id)),
  tlp: fc.constantFrom(...TLP_LEVELS),
  audience: fc.oneof(audience, fc.constant(emptyAudience())),
});

const incidentTerms: fc.Arbitrary<ReportItem> = fc.record({
  operatorId: fc.oneof(orgId, fc.constantFrom(DEMO_ORGS.kantoElectric.id)),
  sector: fc.oneof(sector, fc.constant(null)),
  sharedWithPolice: fc.boolean(),
});

const matchTerms: fc.Arbitrary<FlowMatchTerms> = fc.record({
  kind: fc.constant('match' as const),
  telecomOrgId: fc.oneof(orgId, fc.constantFrom(DEMO_ORGS.nihonTelecom.id)),
  indicator: fc.oneof(indicatorTerms, fc.constant(null)),
});

const ID_POOL = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6'];
const kind = fc.constantFrom<ReferenceKind>('indicator', 'incident', 'flow-match');

/** Terms for some of the ids of the pool (the others are unknown to the read model). */
const terms: fc.Arbitrary<ReferenceTerms> = fc
  .record({
    indicator: fc.dictionary(fc.constantFrom(...ID_POOL), indicatorTerms),
    incident: fc.dictionary(fc.constantFrom(...ID_POOL), incidentTerms),
    match: fc.dictionary(fc.constantFrom(...ID_POOL), matchTerms),
  })
  .map(({ indicator, incident, match }) => ({
    indicator: new Map(Object.entries(indicator)),
    incident: new Map(Object.entries(incident)),
    'flow-match': new Map(Object.entries(match)),
  }));

const ids = fc.array(fc.constantFrom(...ID_POOL), { maxLength: 8 });
const refs: fc.Arbitrary<Reference[]> = fc.array(
  fc.record({ kind, id: fc.constantFrom(...ID_POOL) }),
  { maxLength: 8 },
);

/** The policy of each kind, applied directly: the oracle. */
function oracle(v: Organisation, r: Reference, t: ReferenceTerms): boolean {
  if (r.kind === 'indicator') {
    const x = t.indicator.get(r.id);
    return x !== undefined && canRead(v, x);
  }
  if (r.kind === 'incident') {
    const x = t.incident.get(r.id);
    return x !== undefined && canReadReport(v, x);
  }
  const x = t['flow-match'].get(r.id);
  return x !== undefined && canReadMatch(v, x, x.indicator !== null && canRead(v, x.indicator));
}

// ---------------------------------------------------------------- properties

describe('reference policy properties', () => {
  const runs = { numRuns: 3000 };

  it('keeps, in order, exactly the references whose item the reader may read now', () => {
    fc.assert(
      fc.property(viewer, refs, terms, (v, rs, t) => {
        expect(readableReferences(v, rs, t)).toEqual(rs.filter((r) => oracle(v, r, t)));
      }),
      runs,
    );
  });

  it('ids of one kind: the same rule, and never an id that was not cited', () => {
    fc.assert(
      fc.property(viewer, kind, ids, terms, (v, k, xs, t) => {
        const kept = readableReferenceIds(v, k, xs, t);
        expect(kept).toEqual(xs.filter((id) => oracle(v, { kind: k, id }, t)));
        expect(kept.every((id) => xs.includes(id))).toBe(true);
      }),
      runs,
    );
  });

  it('an item the read model does not know is never shown, not even to the cabinet office', () => {
    fc.assert(
      fc.property(viewer, kind, ids, (v, k, xs) => {
        expect(readableReferenceIds(v, k, xs, emptyReferenceTerms())).toEqual([]);
        expect(readableReferenceIds(DEMO_ORGS.nco, k, xs, emptyReferenceTerms())).toEqual([]);
      }),
      runs,
    );
  });

  it('Given known references, When the cabinet office reads them, Then it sees every incident, and every indicator and match but those on a RED or AMBER+STRICT indicator it is not named on (or an unknown one)', () => {
    const { nco } = DEMO_ORGS;
    const strictNotNamed = (ind: EntitledItem): boolean =>
      (ind.tlp === 'RED' || ind.tlp === 'AMBER+STRICT') &&
      ind.publisherOrgId !== nco.id &&
      !ind.audience.orgs.includes(nco.id);
    const hiddenFromOffice = (r: Reference, t: ReferenceTerms): boolean => {
      if (r.kind === 'indicator') {
        const ind = t.indicator.get(r.id);
        return ind !== undefined && strictNotNamed(ind);
      }
      if (r.kind === 'flow-match') {
        const m = t['flow-match'].get(r.id);
        return m !== undefined && (m.indicator === null || strictNotNamed(m.indicator));
      }
      return false;
    };
    fc.assert(
      fc.property(refs, terms, (rs, t) => {
        expect(readableReferences(nco, rs, t)).toEqual(
          rs.filter((r) => isKnown(r, t) && !hiddenFromOffice(r, t)),
        );
      }),
      runs,
    );
  });

  it('narrowing a referenced indicator (a higher label, a smaller audience) never shows its id to anyone new', () => {
    fc.assert(
      fc.property(
        viewer,
        indicatorTerms,
        fc.constantFrom(...TLP_LEVELS),
        fc.func(fc.boolean()),
        (v, before, label, dropOrg) => {
          const after: EntitledItem = {
            ...before,
            tlp: tlpRank(label) > tlpRank(before.tlp) ? label : before.tlp,
            audience: normaliseAudience({
              orgs: before.audience.orgs.filter((o) => !dropOrg(o)),
              sectors: before.audience.sectors,
            }),
          };
          // Only a strict narrowing is a narrowing: an emptied audience under CLEAR/GREEN widens.
          if (after.audience.orgs.length + after.audience.sectors.length === 0) return;
          const at = (x: EntitledItem) => ({
            ...emptyReferenceTerms(),
            indicator: new Map([['r-1', x]]),
          });
          const shownAfter = readableReferenceIds(v, 'indicator', ['r-1'], at(after));
          if (shownAfter.length > 0) {
            expect(readableReferenceIds(v, 'indicator', ['r-1'], at(before))).toEqual(['r-1']);
          }
        },
      ),
      runs,
    );
  });

  it('an incident no longer shared with the police leaves every police view', () => {
    fc.assert(
      fc.property(incidentTerms, (i) => {
        const at = (x: ReportItem) => ({
          ...emptyReferenceTerms(),
          incident: new Map([['r-1', x]]),
        });
        const before = readableReferenceIds(DEMO_ORGS.npa, 'incident', ['r-1'], at(i));
        const after = readableReferenceIds(
          DEMO_ORGS.npa,
          'incident',
          ['r-1'],
          at({ ...i, sharedWithPolice: false }),
        );
        expect(after).toEqual([]);
        expect(before).toEqual(i.sharedWithPolice ? ['r-1'] : []);
      }),
      runs,
    );
  });
});

function isKnown(r: Reference, t: ReferenceTerms): boolean {
  return r.kind === 'flow-match' ? t['flow-match'].has(r.id) : t[r.kind].has(r.id);
}

// ---------------------------------------------------------------- examples

describe('reference policy examples', () => {
  const { kantoElectric, tokaiRail, npa, meti, nco, oversight } = DEMO_ORGS;
  const red: EntitledItem = {
    publisherOrgId: kantoElectric.id,
    tlp: 'RED',
    audience: { orgs: [tokaiRail.id], sectors: [] },
  };
  const green: EntitledItem = {
    publisherOrgId: kantoElectric.id,
    tlp: 'GREEN',
    audience: emptyAudience(),
  };
  const t: ReferenceTerms = {
    ...emptyReferenceTerms(),
    indicator: new Map([
      ['ind-red', red],
      ['ind-green', green],
    ]),
    'flow-match': new Map([
      ['fm-1', { kind: 'match', telecomOrgId: 'tel-x', indicator: green }],
      ['fm-red', { kind: 'match', telecomOrgId: 'tel-x', indicator: red }],
    ]),
  };

  it('the police and the office reading an incident see its GREEN indicator, not its RED one named to another', () => {
    expect(readableReferenceIds(npa, 'indicator', ['ind-red', 'ind-green'], t)).toEqual([
      'ind-green',
    ]);
    expect(readableReferenceIds(meti, 'indicator', ['ind-red', 'ind-green'], t)).toEqual([
      'ind-green',
    ]);
    expect(readableReferenceIds(tokaiRail, 'indicator', ['ind-red', 'ind-green'], t)).toEqual([
      'ind-red',
      'ind-green',
    ]);
    expect(readableReferenceIds(nco, 'indicator', ['ind-red', 'ind-green'], t)).toEqual([
      'ind-green',
    ]);
  });

  it('evidence: a flow match is shown to the office and the commission, not to the agency citing it', () => {
    const evidence: Reference[] = [
      { kind: 'indicator', id: 'ind-green' },
      { kind: 'flow-match', id: 'fm-1' },
    ];
    expect(readableReferences(npa, evidence, t)).toEqual([{ kind: 'indicator', id: 'ind-green' }]);
    expect(readableReferences(oversight, evidence, t)).toEqual(evidence);
    // A match on a RED indicator named to another: the commission sees it, the office does not.
    const onRed: Reference[] = [{ kind: 'flow-match', id: 'fm-red' }];
    expect(readableReferences(oversight, onRed, t)).toEqual(onRed);
    expect(readableReferences(nco, onRed, t)).toEqual([]);
  });

  it('a kind the policy does not know is never shown', () => {
    expect(canReadReference(nco, { kind: 'report' as ReferenceKind, id: 'ind-red' }, t)).toBe(
      false,
    );
  });

  it('referencesOf lists an item’s indicators, then its incidents', () => {
    expect(referencesOf({ indicatorIds: ['a'], incidentIds: ['b', 'c'] })).toEqual([
      { kind: 'indicator', id: 'a' },
      { kind: 'incident', id: 'b' },
      { kind: 'incident', id: 'c' },
    ]);
    expect(referencesOf({})).toEqual([]);
  });
});
