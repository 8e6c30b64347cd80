import {
  createParamDecorator,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Organisation } from '@acd/identity';
import { OrganisationDirectory } from '@acd/identity';

export const PUBLIC = 'acd:public';

interface AuthenticatedRequest extends Request {
  organisation?: Organisation;
  /** The person the token names within the organisation (a commission member), if any. */
  subject?: string;
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;

/** Every route needs a valid bearer token unless marked public (health, docs). */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly directory: OrganisationDirectory,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = BEARER.exec(req.headers.authorization ?? '');
    const token = match?.[1];
    if (!token)
      throw new UnauthorizedException('missing bearer token: send Authorization: Bearer <token>');
    const principal = await this.directory.principalByToken(token);
    if (!principal) throw new UnauthorizedException('unknown or revoked token');
    req.organisation = principal.organisation;
    if (principal.subject) req.subject = principal.subject;
    return true;
  }
}

export const CurrentOrg = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Organisation => {
    const org = ctx.switchToHttp().getRequest<AuthenticatedRequest>().organisation;
    if (!org) throw new UnauthorizedException();
    return org;
  },
);

/** The person the bearer token names within its organisation; undefined for organisation tokens. */
export const CurrentSubject = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().subject,
);
