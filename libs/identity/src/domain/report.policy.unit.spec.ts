import fc from 'fast-check';
import { DEMO_ORGS, DEMO_ORGANISATIONS } from './demo-organisations';
import { ORG_KINDS, SECTORS, type Organisation } from './organisation';
import { canReadReport, reportReadFilter, type ReportItem } from './report.policy';
import { matches, type Doc } from './testing/mongo-matcher';

// ---------------------------------------------------------------- arbitraries

/** A small pool of ids, so viewers and operators collide often. */
const ORG_IDS = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e'];
const orgId = fc.constantFrom(...ORG_IDS);
const sector = fc.constantFrom(...SECTORS.slice(0, 4));

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

const item: fc.Arbitrary<ReportItem> = fc.record({
  operatorId: fc.oneof(orgId, fc.constantFrom(...DEMO_ORGANISATIONS.map((o) => o.id))),
  sector: fc.oneof(sector, fc.constant(null)),
  sharedWithPolice: fc.boolean(),
});

/** An incident document: it carries the sharing flag. */
const incidentDoc = (i: ReportItem): Doc => ({ _id: 'x', title: 'unrelated', ...i });
/** An asset or compliance file: no sharing flag at all. */
const unsharedDoc = ({ operatorId, sector }: ReportItem): Doc => ({ _id: 'x', operatorId, sector });

// ---------------------------------------------------------------- properties

describe('report policy properties', () => {
  const runs = { numRuns: 2000 };

  it('reportReadFilter selects exactly the incident documents canReadReport allows', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(matches(incidentDoc(i), reportReadFilter(v) as Doc)).toBe(canReadReport(v, i));
      }),
      { numRuns: 5000 },
    );
  });

  it('documents without a sharing flag match as if never shared with the police', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(matches(unsharedDoc(i), reportReadFilter(v) as Doc)).toBe(
          canReadReport(v, { ...i, sharedWithPolice: false }),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('combined with a caller query in an $and, both stay in force', () => {
    fc.assert(
      fc.property(viewer, item, sector, (v, i, wanted) => {
        const query = { $and: [reportReadFilter(v), { $or: [{ sector: wanted }] }] };
        expect(matches(incidentDoc(i), query)).toBe(canReadReport(v, i) && i.sector === wanted);
      }),
      runs,
    );
  });

  it('the operator always reads its own, and the cabinet office everything', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        expect(canReadReport(v, { ...i, operatorId: v.id })).toBe(true);
        expect(canReadReport(DEMO_ORGS.nco, i)).toBe(true);
      }),
      runs,
    );
  });

  it('besides the operator, only the office, the sector ministry and the police ever read', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        if (v.id === i.operatorId || !canReadReport(v, i)) return;
        expect(['cabinet-office', 'ministry', 'police']).toContain(v.kind);
        if (v.kind === 'ministry') expect(v.sector).toBe(i.sector);
        if (v.kind === 'police') expect(i.sharedWithPolice).toBe(true);
      }),
      runs,
    );
  });

  it("a vendor reads no operator's report, shared with the police or not", () => {
    fc.assert(
      fc.property(item, (i) => {
        const vendor = DEMO_ORGS.hoshimiSecurity;
        expect(canReadReport(vendor, i)).toBe(i.operatorId === vendor.id);
        expect(reportReadFilter(vendor)).toEqual({ $or: [{ operatorId: vendor.id }] });
      }),
      runs,
    );
  });

  it('sharing with the police adds the police and nobody else', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const shared = canReadReport(v, { ...i, sharedWithPolice: true });
        const unshared = canReadReport(v, { ...i, sharedWithPolice: false });
        if (v.kind === 'police' || v.kind === 'cabinet-office' || v.id === i.operatorId) {
          expect(shared).toBe(true);
        } else {
          expect(shared).toBe(unshared);
        }
      }),
      runs,
    );
  });
});

// ---------------------------------------------------------------- examples

describe('report policy examples', () => {
  const { kantoElectric, tokaiRail, nco, npa, meti } = DEMO_ORGS;
  const report = (sharedWithPolice = false): ReportItem => ({
    operatorId: kantoElectric.id,
    sector: 'electricity',
    sharedWithPolice,
  });
  const readers = (i: ReportItem): string[] =>
    DEMO_ORGANISATIONS.filter((o) => canReadReport(o, i))
      .map((o) => o.id)
      .sort();
  const ids = (...orgs: Organisation[]): string[] => orgs.map((o) => o.id).sort();

  it("an electricity operator's report is read by itself, the office and METI only", () => {
    expect(readers(report())).toEqual(ids(kantoElectric, nco, meti));
  });

  it('shared with the police, the NPA reads it too, and still nobody else', () => {
    expect(readers(report(true))).toEqual(ids(kantoElectric, nco, meti, npa));
  });

  it('a railway report is not read by the electricity ministry', () => {
    expect(
      readers({ operatorId: tokaiRail.id, sector: 'railways', sharedWithPolice: true }),
    ).toEqual(ids(tokaiRail, nco, npa));
  });

  it.each([
    ['the other electricity operator', DEMO_ORGS.setouchiGrid],
    ['the SDF', DEMO_ORGS.sdfCyber],
    ['the telecom operator', DEMO_ORGS.nihonTelecom],
    ['the oversight commission', DEMO_ORGS.oversight],
  ])('%s never reads it', (_, org) => {
    expect(canReadReport(org, report(true))).toBe(false);
    expect(matches(incidentDoc(report(true)), reportReadFilter(org) as Doc)).toBe(false);
  });

  it('reportReadFilter is empty for the office and an $or of plain equalities otherwise', () => {
    expect(reportReadFilter(nco)).toEqual({});
    expect(reportReadFilter(kantoElectric)).toEqual({ $or: [{ operatorId: kantoElectric.id }] });
    expect(reportReadFilter(meti)).toEqual({
      $or: [{ operatorId: meti.id }, { sector: 'electricity' }],
    });
    expect(reportReadFilter(npa)).toEqual({
      $or: [{ operatorId: npa.id }, { sharedWithPolice: true }],
    });
    expect(reportReadFilter(DEMO_ORGS.sdfCyber)).toEqual({
      $or: [{ operatorId: DEMO_ORGS.sdfCyber.id }],
    });
  });

  it('a ministry supervising no sector reads no report', () => {
    const ministry: Organisation = { id: 'gov-mic', name: 'MIC', kind: 'ministry' };
    expect(canReadReport(ministry, { ...report(), sector: null })).toBe(false);
    expect(
      matches(unsharedDoc({ ...report(), sector: null }), reportReadFilter(ministry) as Doc),
    ).toBe(false);
  });
});
