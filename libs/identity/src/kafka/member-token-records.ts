import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { deterministicId } from '@acd/event-sourcing';
import { eventHeaders, type WireCodec } from '@acd/messaging';
import { generateToken, hashToken } from '../domain/token';
import { memberTokenAggregateId, type TokenAuthority } from '../read/member-token.projection';

/** A member id: what audit entries name. Lower-case letters, digits, dot, dash, underscore. */
export const MEMBER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface IssuedMemberToken {
  tokenId: string;
  /** In clear: the only moment it exists outside its holder. */
  token: string;
  record: Message;
}

/**
 * The identity event that issues `memberId` of `orgId` a personal token. Each token is its own
 * aggregate (issue = version 1, revoke = version 2), so any number of writers may issue and
 * revoke at once without contending for the organisation's version.
 */
export function memberTokenIssued(
  codec: WireCodec,
  orgId: string,
  memberId: string,
  issuedBy: TokenAuthority,
  now = new Date(),
): IssuedMemberToken {
  if (!MEMBER_ID_PATTERN.test(memberId))
    throw new Error(
      `member id "${memberId}" must be 1 to 64 lower-case letters, digits, dots, dashes or underscores`,
    );
  const token = generateToken();
  const tokenId = randomUUID();
  const aggregateId = memberTokenAggregateId(orgId, tokenId);
  const eventId = deterministicId('acd:identity', `${aggregateId}:issued`);
  return {
    tokenId,
    token,
    record: {
      key: orgId,
      value: codec.encode('jp.acd.identity.MemberTokenIssued', {
        orgId,
        tokenId,
        tokenHash: hashToken(token),
        memberId,
        issuedAt: now.getTime(),
        issuedBy,
      }),
      headers: eventHeaders({
        eventId,
        eventType: 'MemberTokenIssued',
        aggregateId,
        aggregateVersion: 1,
        orgId,
        occurredAt: now,
        correlationId: eventId,
        causationId: eventId,
      }),
    },
  };
}

/**
 * The identity event that revokes a member token. Appended under the revoking organisation's
 * own aggregate id for the token, so it can only ever revoke that organisation's token; a second
 * revocation is the same version 2 and changes nothing.
 */
export function memberTokenRevoked(
  codec: WireCodec,
  orgId: string,
  tokenId: string,
  revokedBy: TokenAuthority,
  now = new Date(),
): Message {
  const aggregateId = memberTokenAggregateId(orgId, tokenId);
  const eventId = deterministicId('acd:identity', `${aggregateId}:revoked`);
  return {
    key: orgId,
    value: codec.encode('jp.acd.identity.MemberTokenRevoked', {
      orgId,
      tokenId,
      revokedAt: now.getTime(),
      revokedBy,
    }),
    headers: eventHeaders({
      eventId,
      eventType: 'MemberTokenRevoked',
      aggregateId,
      aggregateVersion: 2,
      orgId,
      occurredAt: now,
      correlationId: eventId,
      causationId: eventId,
    }),
  };
}
