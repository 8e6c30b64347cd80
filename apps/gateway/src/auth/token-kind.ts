import { ForbiddenException, SetMetadata } from '@nestjs/common';

/** Which kind of token a route takes: a member's personal one, or the organisation's own. */
export const TOKEN_KIND = 'acd:token-kind';
export type TokenKind = 'member' | 'organisation';

/**
 * The route reads confidential data (incidents, specified important computers, compliance files,
 * oversight requests and operations, traffic metadata, the audit log) or performs an act the
 * audit log records: it must name a person, so only a member's personal token is taken.
 */
export const PersonalTokenOnly = () => SetMetadata(TOKEN_KIND, 'member' satisfies TokenKind);

/** Managing members' tokens is for the organisation's own token only. */
export const OrganisationTokenOnly = () =>
  SetMetadata(TOKEN_KIND, 'organisation' satisfies TokenKind);

export const PERSONAL_TOKEN_REQUIRED =
  "this needs a personal token, so that the audit log can name who read or acted: your organisation's own token issues one with POST /v1/organisation/members/{memberId}/tokens";

export const personalTokenRequired = (): ForbiddenException =>
  new ForbiddenException({
    statusCode: 403,
    error: 'Forbidden',
    code: 'personal-token-required',
    message: PERSONAL_TOKEN_REQUIRED,
  });

export const organisationTokenRequired = (): ForbiddenException =>
  new ForbiddenException({
    statusCode: 403,
    error: 'Forbidden',
    code: 'organisation-token-required',
    message: "only the organisation's own token manages its members' tokens",
  });
