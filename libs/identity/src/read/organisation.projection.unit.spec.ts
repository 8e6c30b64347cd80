import type { EventEnvelope } from '@acd/event-sourcing';
import { hashToken } from '../domain/token';
import {
  evolveOrganisationDoc,
  type IdentityEvent,
  type OrganisationDoc,
} from './organisation.projection';

let version = 0;
function envelope(event: IdentityEvent): EventEnvelope<IdentityEvent> {
  version += 1;
  return {
    metadata: {
      eventId: `e${version}`,
      eventType: event.type,
      aggregateId: 'gov-cyber-oversight-commission',
      aggregateVersion: version,
      orgId: 'gov-cyber-oversight-commission',
      occurredAt: new Date(0),
      correlationId: 'c',
      causationId: `c${version}`,
    },
    event,
  };
}

describe('organisation projection: tokens and the people they name', () => {
  beforeEach(() => (version = 0));

  const registered = (): OrganisationDoc | null =>
    evolveOrganisationDoc(
      null,
      envelope({
        type: 'OrganisationRegistered',
        data: {
          orgId: 'gov-cyber-oversight-commission',
          name: 'Commission',
          kind: 'oversight-commission',
          sector: null,
          registeredAt: 0,
        },
      }),
    );
  const issued = (doc: OrganisationDoc | null, token: string, subject?: string | null) =>
    evolveOrganisationDoc(
      doc,
      envelope({
        type: 'TokenIssued',
        data: {
          orgId: 'gov-cyber-oversight-commission',
          tokenId: `token-${version + 1}`,
          tokenHash: hashToken(token),
          issuedAt: 0,
          ...(subject === undefined ? {} : { subject }),
        },
      }),
    );

  it('maps a member token to its member and leaves organisation tokens without one', () => {
    let doc = issued(registered(), 'org-wide', null);
    doc = issued(doc, 'member-one', 'member-1');
    doc = issued(doc, 'member-two', 'member-2');
    expect(doc?.tokenHashes).toHaveLength(3);
    expect(doc?.tokenSubjects).toEqual({
      [hashToken('member-one')]: 'member-1',
      [hashToken('member-two')]: 'member-2',
    });
    expect(doc?.tokenSubjects?.[hashToken('org-wide')]).toBeUndefined();
  });

  it('reads a version-1 TokenIssued (no subject field) as an organisation token', () => {
    const doc = issued(registered(), 'legacy');
    expect(doc?.tokenHashes).toEqual([hashToken('legacy')]);
    expect(doc?.tokenSubjects).toEqual({});
  });

  it('stores only hashes: no token appears in the document', () => {
    const doc = issued(registered(), 'secret-token-value', 'member-1');
    expect(JSON.stringify(doc)).not.toContain('secret-token-value');
  });
});
