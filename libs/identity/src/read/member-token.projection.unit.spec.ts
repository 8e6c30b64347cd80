import fc from 'fast-check';
import type { EventEnvelope } from '@acd/event-sourcing';
import {
  evolveMemberToken,
  memberTokenAggregateId,
  memberTokenProjection,
  type MemberTokenDoc,
} from './member-token.projection';

type Ev = { type: string; data: Record<string, unknown> };

const envelope = (aggregateId: string, version: number, event: Ev): EventEnvelope<Ev> => ({
  metadata: {
    eventId: `${aggregateId}:${version}`,
    eventType: event.type,
    aggregateId,
    aggregateVersion: version,
    orgId: String(event.data.orgId),
    occurredAt: new Date(0),
    correlationId: 'c',
    causationId: 'c',
  },
  event,
});

const issued = (orgId: string, tokenId: string, memberId = 'analyst-1') =>
  envelope(memberTokenAggregateId(orgId, tokenId), 1, {
    type: 'MemberTokenIssued',
    data: {
      orgId,
      tokenId,
      tokenHash: `hash-${orgId}-${tokenId}`,
      memberId,
      issuedAt: 1_000,
      issuedBy: 'organisation',
    },
  });

/** A revocation as the gateway appends it: under the revoking organisation's own aggregate id. */
const revoked = (orgId: string, tokenId: string) =>
  envelope(memberTokenAggregateId(orgId, tokenId), 2, {
    type: 'MemberTokenRevoked',
    data: { orgId, tokenId, revokedAt: 2_000, revokedBy: 'organisation' },
  });

/** The projection runner's fold: one document per aggregate, versions applied once. */
function project(events: EventEnvelope<Ev>[]): Map<string, MemberTokenDoc> {
  const docs = new Map<string, MemberTokenDoc>();
  for (const e of events) {
    const id = memberTokenProjection.documentIdOf!(e as never);
    if (id === null) continue;
    const doc = docs.get(id) ?? null;
    if (doc && e.metadata.aggregateVersion <= doc.version) continue;
    const next = evolveMemberToken(doc, e as never);
    if (next) docs.set(id, next);
  }
  return docs;
}

const live = (docs: Map<string, MemberTokenDoc>, orgId: string, tokenId: string) => {
  const d = docs.get(memberTokenAggregateId(orgId, tokenId));
  return d !== undefined && d.revokedAt === null;
};

describe('member tokens', () => {
  it('Given a token issued to a member, then it names the member and is live', () => {
    const docs = project([issued('op-a', 't1')]);
    expect(docs.get(memberTokenAggregateId('op-a', 't1'))).toMatchObject({
      orgId: 'op-a',
      memberId: 'analyst-1',
      tokenHash: 'hash-op-a-t1',
      revokedAt: null,
    });
  });

  it('Given a live token, when its organisation revokes it, then it is revoked with when and by whom', () => {
    const docs = project([issued('op-a', 't1'), revoked('op-a', 't1')]);
    expect(docs.get(memberTokenAggregateId('op-a', 't1'))).toMatchObject({
      revokedAt: new Date(2_000),
      revokedBy: 'organisation',
    });
  });

  it('Given another organisation, when it revokes the token id, then the token stays live, and its own revocation still works afterwards', () => {
    const docs = project([issued('op-a', 't1'), revoked('op-b', 't1')]);
    expect(live(docs, 'op-a', 't1')).toBe(true);
    expect(
      live(
        project([issued('op-a', 't1'), revoked('op-b', 't1'), revoked('op-a', 't1')]),
        'op-a',
        't1',
      ),
    ).toBe(false);
  });

  it('Given a revocation before its issue (a guessed id), then the token never becomes live, in a rebuild or a replay alike', () => {
    const events = [revoked('op-a', 't9'), issued('op-a', 't9')];
    expect(live(project(events), 'op-a', 't9')).toBe(false);
    expect(live(project([...events, ...events]), 'op-a', 't9')).toBe(false);
  });

  it('Given an issue event under a foreign aggregate id, then it is ignored', () => {
    const forged = envelope(memberTokenAggregateId('op-b', 't1'), 1, issued('op-a', 't1').event);
    expect(project([forged]).size).toBe(0);
  });

  it('Given organisation events on the same topic, then this read model ignores them', () => {
    expect(
      memberTokenProjection.documentIdOf!(
        envelope('op-a', 1, { type: 'OrganisationRegistered', data: { orgId: 'op-a' } }) as never,
      ),
    ).toBeNull();
  });

  it('for any interleaving of issues and revocations by any organisation, a token is live iff its organisation issued it and never revoked it (before or after); a replay over the projected state gives the same documents', () => {
    const orgs = ['op-a', 'op-b', 'gov-nco'];
    const tokens = ['t1', 't2', 't3'];
    const step = fc.record({
      kind: fc.constantFrom('issue', 'revoke'),
      org: fc.constantFrom(...orgs),
      token: fc.constantFrom(...tokens),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        // Token ids are UUIDs minted per issue: an id is issued once, by one organisation.
        const owner = new Map<string, string>();
        const events = steps.flatMap((s) => {
          if (s.kind === 'issue') {
            if (owner.has(s.token)) return [];
            owner.set(s.token, s.org);
            return [issued(s.org, s.token)];
          }
          return [revoked(s.org, s.token)];
        });
        const docs = project(events);
        for (const t of tokens)
          for (const o of orgs) {
            const isOwner = owner.get(t) === o;
            const revokedByOwner = steps.some(
              (s) => s.kind === 'revoke' && s.org === o && s.token === t,
            );
            expect(live(docs, o, t)).toBe(isOwner && !revokedByOwner);
          }
        const twice = project([...events, ...events]);
        expect([...twice.entries()]).toEqual([...docs.entries()]);
      }),
      { numRuns: 300 },
    );
  });
});
