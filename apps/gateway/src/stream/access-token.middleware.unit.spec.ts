import type { NextFunction, Request, Response } from 'express';
import { accessTokenFromQuery, redactAccessToken } from './access-token.middleware';

const run = (query: Record<string, unknown>, authorization?: string) => {
  const req = { query, headers: authorization ? { authorization } : {} } as unknown as Request;
  const next = jest.fn() as NextFunction;
  accessTokenFromQuery(req, {} as Response, next);
  expect(next).toHaveBeenCalled();
  return req.headers.authorization;
};

describe('access token in the query string (GET /v1/stream only)', () => {
  it('becomes the bearer header; a header, when sent, wins', () => {
    expect(run({ access_token: 'acd_abc' })).toBe('Bearer acd_abc');
    expect(run({ access_token: 'acd_abc' }, 'Bearer acd_header')).toBe('Bearer acd_header');
    expect(run({})).toBeUndefined();
    expect(run({ access_token: ['a', 'b'] })).toBeUndefined();
  });

  it('is redacted from logged URLs, wherever it sits in the query', () => {
    expect(redactAccessToken('/v1/stream?access_token=acd_secret')).toBe(
      '/v1/stream?access_token=[Redacted]',
    );
    expect(redactAccessToken('/v1/stream?kinds=indicator&access_token=acd_secret&from=end')).toBe(
      '/v1/stream?kinds=indicator&access_token=[Redacted]&from=end',
    );
    expect(redactAccessToken('/v1/stream?kinds=indicator')).toBe('/v1/stream?kinds=indicator');
    expect(redactAccessToken(undefined)).toBeUndefined();
  });
});
