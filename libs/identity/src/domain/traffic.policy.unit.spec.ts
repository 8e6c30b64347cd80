import fc from 'fast-check';
import { DEMO_ORGANISATIONS, DEMO_ORGS } from './demo-organisations';
import { ORG_KINDS, SECTORS, type Organisation } from './organisation';
import {
  canReadMatch,
  canReadTraffic,
  trafficReadFilter,
  type TrafficItem,
} from './traffic.policy';
import { matches, type Doc } from './testing/mongo-matcher';

const ORG_IDS = ['org-a', 'org-b', 'org-c', ...DEMO_ORGANISATIONS.map((o) => o.id)];
const orgId = fc.constantFrom(...ORG_IDS);

const viewer: fc.Arbitrary<Organisation> = fc.oneof(
  fc.constantFrom(...DEMO_ORGANISATIONS),
  fc
    .record({ id: orgId, kind: fc.constantFrom(...ORG_KINDS), sector: fc.constantFrom(...SECTORS) })
    .map(({ id, kind, sector }): Organisation =>
      kind === 'operator' ? { id, name: id, kind, sector } : { id, name: id, kind },
    ),
);

const item: fc.Arbitrary<TrafficItem> = fc.record({
  kind: fc.constantFrom('submission' as const, 'match' as const),
  telecomOrgId: orgId,
});

/** A stored document: the entitlement fields among unrelated ones. */
const docOf = (i: TrafficItem): Doc => ({ _id: 'x', batchId: 'b', received: 3, ...i });

describe('traffic policy properties', () => {
  it('trafficReadFilter selects exactly the documents canReadTraffic allows', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        const filter = trafficReadFilter(v);
        const selected = filter !== null && matches(docOf(i), filter as Doc);
        expect(selected).toBe(canReadTraffic(v, i));
      }),
      { numRuns: 5000 },
    );
  });

  it('combined with a caller query in an $and, both stay in force', () => {
    fc.assert(
      fc.property(viewer, item, orgId, (v, i, wanted) => {
        const filter = trafficReadFilter(v);
        const selected =
          filter !== null && matches(docOf(i), { $and: [filter, { telecomOrgId: wanted }] });
        expect(selected).toBe(canReadTraffic(v, i) && i.telecomOrgId === wanted);
      }),
      { numRuns: 2000 },
    );
  });

  it('a telecom operator reads its own submissions only, never matches', () => {
    fc.assert(
      fc.property(item, (i) => {
        const tel = DEMO_ORGS.nihonTelecom;
        expect(canReadTraffic(tel, i)).toBe(i.kind === 'submission' && i.telecomOrgId === tel.id);
      }),
    );
  });

  it('a vendor reads no submission and no match, its own id or not', () => {
    fc.assert(
      fc.property(item, fc.boolean(), (i, indicatorReadable) => {
        const vendor = DEMO_ORGS.hoshimiSecurity;
        const own = { ...i, telecomOrgId: vendor.id };
        expect(canReadTraffic(vendor, i)).toBe(false);
        expect(canReadTraffic(vendor, own)).toBe(false);
        expect(canReadMatch(vendor, own, indicatorReadable)).toBe(false);
        expect(trafficReadFilter(vendor)).toBeNull();
      }),
    );
  });

  it('the office and the commission read everything; police, SDF and ministries nothing', () => {
    fc.assert(
      fc.property(viewer, item, (v, i) => {
        if (v.kind === 'cabinet-office' || v.kind === 'oversight-commission') {
          expect(canReadTraffic(v, i)).toBe(true);
        }
        if (['police', 'sdf', 'ministry'].includes(v.kind)) {
          expect(canReadTraffic(v, i)).toBe(false);
          expect(trafficReadFilter(v)).toBeNull();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("an operator (submitting under an agreement) reads its own submissions and their matches, nobody else's", () => {
    fc.assert(
      fc.property(item, fc.boolean(), (i, indicatorReadable) => {
        const op = DEMO_ORGS.kantoElectric;
        expect(canReadTraffic(op, i)).toBe(i.telecomOrgId === op.id);
        if (i.kind === 'match') {
          expect(canReadMatch(op, i, indicatorReadable)).toBe(
            i.telecomOrgId === op.id && indicatorReadable,
          );
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('Given a match on an indicator the viewer may not read, When the office asks, Then it does not exist; the commission alone still reads it', () => {
    fc.assert(
      fc.property(viewer, item, fc.boolean(), (v, i, indicatorReadable) => {
        const m: TrafficItem = { ...i, kind: 'match' };
        const expected =
          canReadTraffic(v, m) && (indicatorReadable || v.kind === 'oversight-commission');
        expect(canReadMatch(v, m, indicatorReadable)).toBe(expected);
        if (!indicatorReadable) expect(canReadMatch(DEMO_ORGS.nco, m, false)).toBe(false);
        if (canReadMatch(v, m, indicatorReadable)) expect(canReadTraffic(v, m)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
