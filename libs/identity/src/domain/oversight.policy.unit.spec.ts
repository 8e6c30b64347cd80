import fc from 'fast-check';
import { DEMO_ORGS, DEMO_ORGANISATIONS } from './demo-organisations';
import { ORG_KINDS, type Organisation } from './organisation';
import {
  canReadCouncilMember,
  canReadOversight,
  canReadSupervision,
  councilMemberReadFilter,
  type CouncilStanding,
  oversightReadFilter,
  supervisionReadFilter,
  type OversightItem,
} from './oversight.policy';
import { matches, type Doc } from './testing/mongo-matcher';

// ---------------------------------------------------------------- arbitraries

/** A small pool of ids, so viewers, requesters and telecoms collide often. */
const ORG_IDS = ['org-a', 'org-b', 'org-c', ...DEMO_ORGANISATIONS.map((o) => o.id)];
const orgId = fc.constantFrom(...ORG_IDS);

const viewer: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constantFrom(...DEMO_ORGANISATIONS),
  fc
    .record({ id: orgId, kind: fc.constantFrom(...ORG_KINDS) })
    .map(({ id, kind }): Organisation => ({ id, name: id, kind })),
);

const item: fc.Arbitrary<OversightItem> = fc.oneof(
  fc.record({
    kind: fc.constant('collection' as const),
    requestedBy: orgId,
    telecomId: orgId,
    status: fc.constantFrom('pending' as const, 'approved' as const, 'denied' as const),
  }),
  fc.record({
    kind: fc.constant('operation' as const),
    requestedBy: orgId,
    telecomId: fc.constant(null),
    status: fc.constantFrom('pending' as const, 'approved' as const, 'denied' as const),
  }),
);

/** The read model's document: operations carry no telecomId field at all. */
const docOf = (i: OversightItem): Doc => ({
  _id: 'x',
  justification: 'unrelated',
  kind: i.kind,
  requestedBy: i.requestedBy,
  status: i.status,
  ...(i.telecomId === null ? {} : { telecomId: i.telecomId }),
});

// ---------------------------------------------------------------- properties

describe('oversight policy properties', () => {
  const runs = { numRuns: 3000 };

  it('oversightReadFilter selects exactly the documents canReadOversight allows', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(matches(docOf(i), oversightReadFilter(v) as Doc)).toBe(canReadOversight(v, i));
      }),
      { numRuns: 10_000 },
    );
  });

  it('combined with a caller query in an $and, both stay in force', () => {
    fc.assert(
      fc.property(viewer, item, fc.constantFrom('collection', 'operation'), (v, i, kind) => {
        const query = { $and: [oversightReadFilter(v), { kind }] };
        expect(matches(docOf(i), query)).toBe(canReadOversight(v, i) && i.kind === kind);
      }),
      runs,
    );
  });

  it('the commission reads everything, the requester its own', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(canReadOversight(DEMO_ORGS.oversight, i)).toBe(true);
        expect(canReadOversight(v, { ...i, requestedBy: v.id })).toBe(true);
      }),
      runs,
    );
  });

  it("a vendor reads no collection request or operation of anyone else's, even as the telecom named", () => {
    fc.assert(
      fc.property(item, (i) => {
        const vendor = DEMO_ORGS.hoshimiSecurity;
        const named = { ...i, telecomId: i.kind === 'collection' ? vendor.id : null };
        expect(canReadOversight(vendor, named)).toBe(i.requestedBy === vendor.id);
      }),
      runs,
    );
  });

  it('an operation is read by its requester and the commission, nobody else', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        if (i.kind !== 'operation' || !canReadOversight(v, i)) return;
        expect(v.kind === 'oversight-commission' || v.id === i.requestedBy).toBe(true);
      }),
      runs,
    );
  });

  it('besides requester and commission, a collection request is read by the cabinet office, and by its telecom once approved', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        if (v.id === i.requestedBy || v.kind === 'oversight-commission') return;
        if (!canReadOversight(v, i)) return;
        expect(i.kind).toBe('collection');
        if (v.kind === 'telecom') {
          expect(i.telecomId).toBe(v.id);
          expect(i.status).toBe('approved');
        } else {
          expect(v.kind).toBe('cabinet-office');
        }
      }),
      runs,
    );
  });
});

describe('supervision policy properties', () => {
  it('supervisionReadFilter selects exactly the documents canReadSupervision allows', () => {
    fc.assert(
      fc.property(viewer, orgId, (v, agencyId) => {
        const doc: Doc = { _id: 'x', kind: 'inspection', agencyId };
        expect(matches(doc, supervisionReadFilter(v) as Doc)).toBe(
          canReadSupervision(v, { agencyId }),
        );
      }),
      { numRuns: 10_000 },
    );
  });

  it("an agency's file is read by the agency and the commission, nobody else", () => {
    fc.assert(
      fc.property(viewer, orgId, (v, agencyId) => {
        expect(canReadSupervision(v, { agencyId })).toBe(
          v.kind === 'oversight-commission' || v.id === agencyId,
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('among the demo organisations, a police file is read by the police and the commission only', () => {
    const readers = DEMO_ORGANISATIONS.filter((o) =>
      canReadSupervision(o, { agencyId: DEMO_ORGS.npa.id }),
    ).map((o) => o.id);
    expect(readers.sort()).toEqual([DEMO_ORGS.npa.id, DEMO_ORGS.oversight.id].sort());
  });
});

// ---------------------------------------------------------------- examples

describe('oversight policy examples', () => {
  const { npa, sdfCyber, nco, nihonTelecom, oversight, kantoElectric, meti } = DEMO_ORGS;
  const readers = (i: OversightItem): string[] =>
    DEMO_ORGANISATIONS.filter((o) => canReadOversight(o, i))
      .map((o) => o.id)
      .sort();
  const ids = (...orgs: Organisation[]): string[] => orgs.map((o) => o.id).sort();

  it('a police operation is read by the police and the commission only (not the SDF, not the office)', () => {
    const op: OversightItem = {
      kind: 'operation',
      requestedBy: npa.id,
      telecomId: null,
      status: 'approved',
    };
    expect(readers(op)).toEqual(ids(npa, oversight));
  });

  it('a collection authorisation: office and commission; the named telecom once approved', () => {
    const pending: OversightItem = {
      kind: 'collection',
      requestedBy: nco.id,
      telecomId: nihonTelecom.id,
      status: 'pending',
    };
    expect(readers(pending)).toEqual(ids(nco, oversight));
    expect(readers({ ...pending, status: 'approved' })).toEqual(ids(nco, oversight, nihonTelecom));
  });

  it('filters are plain $or of equalities, empty for the commission', () => {
    expect(oversightReadFilter(oversight)).toEqual({});
    expect(oversightReadFilter(kantoElectric)).toEqual({
      $or: [{ requestedBy: kantoElectric.id }],
    });
    expect(oversightReadFilter(sdfCyber)).toEqual({ $or: [{ requestedBy: sdfCyber.id }] });
    expect(oversightReadFilter(nco)).toEqual({
      $or: [{ requestedBy: nco.id }, { kind: 'collection' }],
    });
    expect(oversightReadFilter(nihonTelecom)).toEqual({
      $or: [
        { requestedBy: nihonTelecom.id },
        { kind: 'collection', telecomId: nihonTelecom.id, status: 'approved' },
      ],
    });
    expect(
      canReadOversight(meti, {
        kind: 'collection',
        requestedBy: nco.id,
        telecomId: null,
        status: 'approved',
      }),
    ).toBe(false);
  });
});

describe('council roster policy properties', () => {
  const standing = fc.constantFrom<CouncilStanding>('admitted', 'bound', 'removed', null);
  const status = fc.constantFrom('admitted' as const, 'bound' as const, 'removed' as const);

  it('councilMemberReadFilter selects exactly the entries canReadCouncilMember allows', () => {
    fc.assert(
      fc.property(viewer, standing, orgId, status, (v, own, memberId, st) => {
        const doc: Doc = { _id: memberId, status: st, orgKind: 'operator' };
        expect(matches(doc, councilMemberReadFilter(v, own) as Doc)).toBe(
          canReadCouncilMember(v, own, { orgId: memberId, status: st }),
        );
      }),
      { numRuns: 10_000 },
    );
  });

  it('an outsider, an admitted member not yet bound and a removed one read their own entry only', () => {
    fc.assert(
      fc.property(
        viewer.filter((v) => v.kind !== 'cabinet-office' && v.kind !== 'oversight-commission'),
        fc.constantFrom<CouncilStanding>('admitted', 'removed', null),
        orgId,
        status,
        (v, own, memberId, st) => {
          expect(canReadCouncilMember(v, own, { orgId: memberId, status: st })).toBe(
            memberId === v.id,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a bound member reads the current members, never a removed one's entry but its own", () => {
    fc.assert(
      fc.property(
        viewer.filter((v) => v.kind !== 'cabinet-office' && v.kind !== 'oversight-commission'),
        orgId,
        status,
        (v, memberId, st) => {
          expect(canReadCouncilMember(v, 'bound', { orgId: memberId, status: st })).toBe(
            memberId === v.id || st !== 'removed',
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the office and the commission read the whole roster, removed members included', () => {
    for (const o of [DEMO_ORGS.nco, DEMO_ORGS.oversight]) {
      expect(canReadCouncilMember(o, null, { orgId: 'org-a', status: 'removed' })).toBe(true);
      expect(councilMemberReadFilter(o, null)).toEqual({});
    }
  });
});
