import type { Collection, Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { Projection } from '@acd/persistence';

/** Who issued or revoked a member's token. */
export type TokenAuthority = 'organisation' | 'bus-admin';

export type MemberTokenEvent =
  | {
      type: 'MemberTokenIssued';
      data: {
        orgId: string;
        tokenId: string;
        tokenHash: string;
        memberId: string;
        issuedAt: number;
        issuedBy: string;
      };
    }
  | {
      type: 'MemberTokenRevoked';
      data: { orgId: string; tokenId: string; revokedAt: number; revokedBy: string };
    };

/**
 * One member's token. Its aggregate (and `_id`) is `member-token:<orgId>:<tokenId>`: the
 * organisation is part of the id, so a revocation another organisation appends under a guessed
 * token id lands on an aggregate nobody issued and changes nothing.
 */
export interface MemberTokenDoc {
  _id: string;
  version: number;
  orgId: string;
  tokenId: string;
  /** SHA-256 only: a stolen read model yields no usable token. */
  tokenHash: string;
  memberId: string;
  /** Null for a tombstone: a revocation that came before (or without) its issue. */
  issuedAt: Date | null;
  issuedBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

export const memberTokenAggregateId = (orgId: string, tokenId: string): string =>
  `member-token:${orgId}:${tokenId}`;

export function evolveMemberToken(
  doc: MemberTokenDoc | null,
  { metadata, event }: EventEnvelope<{ type: string; data: unknown }>,
): MemberTokenDoc | null {
  const e = event as MemberTokenEvent;
  switch (e.type) {
    case 'MemberTokenIssued':
      if (doc) return null;
      if (metadata.aggregateId !== memberTokenAggregateId(e.data.orgId, e.data.tokenId))
        return null;
      return {
        _id: metadata.aggregateId,
        version: metadata.aggregateVersion,
        orgId: e.data.orgId,
        tokenId: e.data.tokenId,
        tokenHash: e.data.tokenHash,
        memberId: e.data.memberId,
        issuedAt: new Date(e.data.issuedAt),
        issuedBy: e.data.issuedBy,
        revokedAt: null,
        revokedBy: null,
      };
    case 'MemberTokenRevoked':
      if (doc?.revokedAt) return null;
      // A revocation ahead of its issue (a guessed or mistyped id) leaves a tombstone at
      // version 2, so the issue, should it come, is skipped: a rebuild and a replay after a
      // crash then agree. Another organisation's revocation lands on its own aggregate id.
      if (!doc)
        return {
          _id: metadata.aggregateId,
          version: metadata.aggregateVersion,
          orgId: e.data.orgId,
          tokenId: e.data.tokenId,
          tokenHash: '',
          memberId: '',
          issuedAt: null,
          issuedBy: '',
          revokedAt: new Date(e.data.revokedAt),
          revokedBy: e.data.revokedBy,
        };
      return {
        ...doc,
        version: metadata.aggregateVersion,
        revokedAt: new Date(e.data.revokedAt),
        revokedBy: e.data.revokedBy,
      };
    default:
      return null;
  }
}

export const memberTokenProjection: Projection<{ type: string; data: unknown }, MemberTokenDoc> = {
  name: 'member-tokens',
  collection: 'member_tokens',
  topic: 'identityEvents',
  evolve: evolveMemberToken,
  documentIdOf: ({ metadata, event }) =>
    event.type === 'MemberTokenIssued' || event.type === 'MemberTokenRevoked'
      ? metadata.aggregateId
      : null,
  async createIndexes(collection: Collection<MemberTokenDoc>) {
    await collection.createIndex({ orgId: 1, memberId: 1 });
  },
};

export interface MemberTokenView {
  tokenId: string;
  memberId: string;
  issuedAt: string;
  issuedBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export const memberTokenView = (d: MemberTokenDoc): MemberTokenView => ({
  tokenId: d.tokenId,
  memberId: d.memberId,
  issuedAt: d.issuedAt ? d.issuedAt.toISOString() : '',
  issuedBy: d.issuedBy,
  revokedAt: d.revokedAt ? d.revokedAt.toISOString() : null,
  revokedBy: d.revokedBy,
});

/** The member tokens of one organisation, as its admin sees them (never a hash). */
export class MemberTokens {
  constructor(private readonly db: Db) {}

  private get collection(): Collection<MemberTokenDoc> {
    return this.db.collection<MemberTokenDoc>(memberTokenProjection.collection);
  }

  async ofOrganisation(orgId: string, limit = 1_000): Promise<MemberTokenView[]> {
    const docs = await this.collection
      .find({ orgId, issuedAt: { $ne: null } })
      .sort({ memberId: 1, issuedAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map(memberTokenView);
  }

  async one(orgId: string, tokenId: string): Promise<MemberTokenDoc | null> {
    return this.collection.findOne({ _id: memberTokenAggregateId(orgId, tokenId) });
  }
}
