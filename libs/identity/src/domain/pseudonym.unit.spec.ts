import fc from 'fast-check';
import { DEMO_ORGANISATIONS } from './demo-organisations';
import { ORG_KINDS, type Organisation } from './organisation';
import { GOVERNMENT_KINDS, pseudonymFor, seesPublisher } from './pseudonym';

const orgId = fc.stringMatching(/^[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}$/);
const key = fc.string({ minLength: 16, maxLength: 64 });

describe('publisher pseudonyms', () => {
  it('are stable for one key, differ between organisations and between keys, and never show the id', () => {
    fc.assert(
      fc.property(orgId, orgId, key, key, (a, b, k1, k2) => {
        const p = pseudonymFor(a, k1);
        expect(p).toMatch(/^anon-[A-Za-z0-9_-]{12}$/);
        expect(pseudonymFor(a, k1)).toBe(p);
        if (a !== b) expect(pseudonymFor(b, k1)).not.toBe(p);
        if (k1 !== k2) expect(pseudonymFor(a, k2)).not.toBe(p);
        // A short id can turn up in 12 random characters by chance; a real one (8+) cannot.
        if (a.length >= 8) expect(p).not.toContain(a);
      }),
    );
  });

  it('are distinct across the demo organisations', () => {
    const all = DEMO_ORGANISATIONS.map((o) => pseudonymFor(o.id, 'k'.repeat(32)));
    expect(new Set(all).size).toBe(all.length);
  });

  it('hide the publisher from everyone outside the government unless it consented', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORG_KINDS),
        orgId,
        orgId,
        fc.boolean(),
        (kind, viewerId, publisherOrgId, disclosePublisher) => {
          const viewer = { id: viewerId, name: 'x', kind } as Organisation;
          const sees = seesPublisher(viewer, { publisherOrgId, disclosePublisher });
          const expected =
            disclosePublisher || viewerId === publisherOrgId || GOVERNMENT_KINDS.includes(kind);
          expect(sees).toBe(expected);
          if (kind === 'operator' || kind === 'telecom' || kind === 'vendor') {
            expect(sees).toBe(disclosePublisher || viewerId === publisherOrgId);
          }
        },
      ),
    );
  });
});
