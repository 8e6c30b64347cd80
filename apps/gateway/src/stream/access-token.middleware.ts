import type { NextFunction, Request, Response } from 'express';

/**
 * EventSource cannot send headers, so `GET /v1/stream` (and only it: this middleware is mounted
 * on that route alone) also takes the bearer token as `?access_token=`. It becomes the
 * Authorization header the usual guard checks; a header, when sent, wins. The request logger
 * strips the parameter from logged URLs (`redactAccessToken`).
 */
export function accessTokenFromQuery(req: Request, _res: Response, next: NextFunction): void {
  const token = req.query?.access_token;
  if (!req.headers.authorization && typeof token === 'string' && token.length > 0) {
    req.headers.authorization = `Bearer ${token}`;
  }
  next();
}

/** A URL with any `access_token` query parameter's value replaced, for logs. */
export function redactAccessToken(url: string | undefined): string | undefined {
  if (!url || !url.includes('access_token')) return url;
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[Redacted]');
}
