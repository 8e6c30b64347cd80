import { StaleIfUnavailable } from './stale-if-unavailable';
import type { Collection, Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { hashToken } from '../domain/token';
import { type Organisation } from '../domain/organisation';
import type { Projection } from '@acd/persistence';
import { memberTokenProjection, type MemberTokenDoc } from './member-token.projection';

export type IdentityEvent =
  | {
      type: 'OrganisationRegistered';
      data: {
        orgId: string;
        name: string;
        kind: string;
        sector: string | null;
        registeredAt: number;
      };
    }
  | {
      type: 'TokenIssued';
      data: {
        orgId: string;
        tokenId: string;
        tokenHash: string;
        issuedAt: number;
        subject?: string | null;
      };
    };

export interface OrganisationDoc {
  _id: string;
  version: number;
  name: string;
  kind: string;
  sector: string | null;
  /** SHA-256 hashes only: a stolen read model yields no usable token. */
  tokenHashes: string[];
  tokenIds: string[];
  /**
   * Token hash -> the person it belongs to, for tokens issued to one person of the organisation
   * (commission members vote with theirs). Organisation-wide tokens have no entry.
   */
  tokenSubjects?: Record<string, string>;
  registeredAt: Date;
}

/**
 * Who presented a token: the organisation, and the member (person) within it when the token is
 * a personal one. Without `subject` it is the organisation's own token, which manages members
 * but may not read confidential data or act where the act must name a person.
 */
export interface Principal {
  organisation: Organisation;
  subject?: string;
}

export function evolveOrganisationDoc(
  doc: OrganisationDoc | null,
  { metadata, event }: EventEnvelope<IdentityEvent>,
): OrganisationDoc | null {
  switch (event.type) {
    case 'OrganisationRegistered':
      return {
        _id: event.data.orgId,
        version: metadata.aggregateVersion,
        name: event.data.name,
        kind: event.data.kind,
        sector: event.data.sector,
        tokenHashes: doc?.tokenHashes ?? [],
        tokenIds: doc?.tokenIds ?? [],
        tokenSubjects: doc?.tokenSubjects ?? {},
        registeredAt: new Date(event.data.registeredAt),
      };
    case 'TokenIssued':
      if (!doc) return null;
      return {
        ...doc,
        version: metadata.aggregateVersion,
        tokenHashes: [...doc.tokenHashes, event.data.tokenHash],
        tokenIds: [...doc.tokenIds, event.data.tokenId],
        tokenSubjects: event.data.subject
          ? { ...doc.tokenSubjects, [event.data.tokenHash]: event.data.subject }
          : (doc.tokenSubjects ?? {}),
      };
    default:
      return null;
  }
}

export const organisationProjection: Projection<IdentityEvent, OrganisationDoc> = {
  name: 'organisations',
  collection: 'organisations',
  topic: 'identityEvents',
  evolve: evolveOrganisationDoc,
  async createIndexes(collection: Collection<OrganisationDoc>) {
    await collection.createIndex({ tokenHashes: 1 });
  },
};

export function toOrganisation(doc: OrganisationDoc): Organisation {
  return {
    id: doc._id,
    name: doc.name,
    kind: doc.kind,
    ...(doc.sector ? { sector: doc.sector } : {}),
  } as Organisation;
}

/**
 * Resolves bearer tokens; a short cache keeps the hot path off the database, and answers for a
 * token it has seen while the store is unreachable (at most `staleMs`, see StaleIfUnavailable).
 */
export class OrganisationDirectory {
  private readonly cache: StaleIfUnavailable<Principal | null>;

  constructor(
    private readonly db: Db,
    ttlMs = 5_000,
    staleMs = 10 * 60_000,
  ) {
    this.cache = new StaleIfUnavailable(ttlMs, staleMs);
  }

  private get collection() {
    return this.db.collection<OrganisationDoc>(organisationProjection.collection);
  }

  async byToken(token: string): Promise<Organisation | null> {
    return (await this.principalByToken(token))?.organisation ?? null;
  }

  async principalByToken(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    return this.cache.get(
      hash,
      async () => (await this.organisationToken(hash)) ?? (await this.memberToken(hash)),
    );
  }

  /** Forgets a token at once (this gateway revoked it); other gateways forget it within the TTL. */
  forget(tokenHash: string): void {
    this.cache.delete(tokenHash);
  }

  private async organisationToken(hash: string): Promise<Principal | null> {
    const doc = await this.collection.findOne({ tokenHashes: hash });
    if (!doc) return null;
    const subject = doc.tokenSubjects?.[hash];
    return { organisation: toOrganisation(doc), ...(subject ? { subject } : {}) };
  }

  private async memberToken(hash: string): Promise<Principal | null> {
    const token = await this.db
      .collection<MemberTokenDoc>(memberTokenProjection.collection)
      .findOne({ tokenHash: hash, revokedAt: null });
    if (!token) return null;
    const org = await this.collection.findOne({ _id: token.orgId });
    return org ? { organisation: toOrganisation(org), subject: token.memberId } : null;
  }

  async byId(id: string): Promise<Organisation | null> {
    const doc = await this.collection.findOne({ _id: id });
    return doc ? toOrganisation(doc) : null;
  }
}
