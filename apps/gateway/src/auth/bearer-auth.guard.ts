import {
  createParamDecorator,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Reader } from '@acd/identity';
import { OrganisationDirectory } from '@acd/identity';
import { CouncilStanding } from './council-standing';
import {
  organisationTokenRequired,
  personalTokenRequired,
  TOKEN_KIND,
  type TokenKind,
} from './token-kind';

export const PUBLIC = 'acd:public';
/** Routes that take HTTP Basic too (user: the organisation id, password: its token): TAXII's. */
export const BASIC_AUTH_ALLOWED = 'acd:basic-auth';

interface AuthenticatedRequest extends Request {
  /** The caller's organisation as a reader: with its council standing resolved (`councilBound`). */
  organisation?: Reader;
  /** The member (person) a personal token names within the organisation; absent for its own token. */
  subject?: string;
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;
const BASIC = /^Basic ([A-Za-z0-9+/]+=*)$/;
const TOKEN = /^[A-Za-z0-9_\-.~+/]+=*$/;

/** Every route needs a valid bearer token unless marked public (health, docs). */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly directory: OrganisationDirectory,
    private readonly reflector: Reflector,
    private readonly council: CouncilStanding,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization ?? '';
    const basicAllowed = this.reflector.getAllAndOverride<boolean>(BASIC_AUTH_ALLOWED, [
      context.getHandler(),
      context.getClass(),
    ]);
    let token = BEARER.exec(header)?.[1];
    let claimedOrg: string | undefined;
    if (!token && basicAllowed) {
      const basic = basicCredentials(header);
      if (basic) ({ token, orgId: claimedOrg } = basic);
    }
    if (!token)
      throw new UnauthorizedException(
        basicAllowed
          ? 'missing credentials: send Authorization: Bearer <token>, or Basic with your organisation id and token'
          : 'missing bearer token: send Authorization: Bearer <token>',
      );
    const principal = await this.directory.principalByToken(token);
    // Basic names the organisation as well: a token under another organisation's name is as
    // unknown as a wrong token (same answer, so the pair reveals nothing).
    if (!principal || (claimedOrg !== undefined && principal.organisation.id !== claimedOrg))
      throw new UnauthorizedException('unknown or revoked token');
    const kind = this.reflector.getAllAndOverride<TokenKind | undefined>(TOKEN_KIND, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (kind === 'member' && !principal.subject) throw personalTokenRequired();
    if (kind === 'organisation' && principal.subject) throw organisationTokenRequired();
    // Every read path judges council material from this one resolution (decision 0043).
    req.organisation = await this.council.readerOf(principal.organisation);
    if (principal.subject) req.subject = principal.subject;
    return true;
  }
}

/** `Basic base64(orgId:token)`, when it is well formed. */
function basicCredentials(header: string): { orgId: string; token: string } | null {
  const encoded = BASIC.exec(header)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  const orgId = decoded.slice(0, colon);
  const token = decoded.slice(colon + 1);
  if (orgId.length > 200 || !TOKEN.test(token)) return null;
  return { orgId, token };
}

export const CurrentOrg = createParamDecorator((_: unknown, ctx: ExecutionContext): Reader => {
  const org = ctx.switchToHttp().getRequest<AuthenticatedRequest>().organisation;
  if (!org) throw new UnauthorizedException();
  return org;
});

/** The member a personal token names within its organisation; undefined for the organisation's own token. */
export const CurrentSubject = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().subject,
);
