import { ApiClient, ApiError, resolveConfig, UnreachableError } from './api-client';
import {
  CliError,
  ExitCode,
  exitCodeFor,
  exitCodeForStatus,
  exitCodeForSummary,
  UsageError,
} from './exit-codes';

describe('exit codes', () => {
  it('maps HTTP answers: 2xx done, 401 configuration, 502-504 unreachable, other refusals 1', () => {
    expect(exitCodeForStatus(200)).toBe(0);
    expect(exitCodeForStatus(201)).toBe(0);
    expect(exitCodeForStatus(401)).toBe(2);
    for (const s of [400, 403, 404, 409, 413, 422, 500]) expect(exitCodeForStatus(s)).toBe(1);
    for (const s of [502, 503, 504]) expect(exitCodeForStatus(s)).toBe(3);
  });

  it('maps thrown errors, and commander help/version to 0 and its other errors to 2', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(ExitCode.usage);
    expect(exitCodeFor(new UnreachableError('http://h', 'ECONNREFUSED'))).toBe(3);
    expect(exitCodeFor(new ApiError(409, {}, 'conflict'))).toBe(1);
    expect(exitCodeFor(new CliError('x', ExitCode.unreachable))).toBe(3);
    expect(exitCodeFor({ code: 'commander.helpDisplayed' })).toBe(0);
    expect(exitCodeFor({ code: 'commander.version' })).toBe(0);
    expect(exitCodeFor({ code: 'commander.unknownOption' })).toBe(2);
    expect(exitCodeFor({ code: 'commander.missingArgument' })).toBe(2);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });

  it('a bulk command exits 1 as soon as one row is refused', () => {
    expect(exitCodeForSummary({ refused: 0 })).toBe(0);
    expect(exitCodeForSummary({ refused: 1 })).toBe(1);
  });
});

describe('configuration and the API client', () => {
  it('takes --url/--token over ACD_URL/ACD_TOKEN, and refuses a missing token or a bad URL (exit 2)', () => {
    expect(resolveConfig({}, { ACD_TOKEN: 't' })).toEqual({
      url: 'http://127.0.0.1:3000',
      token: 't',
    });
    expect(
      resolveConfig({ url: 'http://h:1/', token: 'a' }, { ACD_URL: 'http://x', ACD_TOKEN: 'b' }),
    ).toEqual({
      url: 'http://h:1',
      token: 'a',
    });
    expect(() => resolveConfig({}, {})).toThrow(/ACD_TOKEN/);
    expect(() => resolveConfig({ url: 'ftp://h', token: 't' }, {})).toThrow(UsageError);
    expect(() => resolveConfig({ url: 'not a url', token: 't' }, {})).toThrow(UsageError);
  });

  const client = (impl: typeof fetch) =>
    new ApiClient({ url: 'http://bus', token: 'secret-token' }, impl);

  it('says the token was refused on 401 and never echoes it', async () => {
    const c = client(async () => new Response('{"message":"Unauthorized"}', { status: 401 }));
    const err = await c.listIndicators({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toContain('the token was refused');
    expect((err as ApiError).message).not.toContain('secret-token');
    expect(exitCodeFor(err)).toBe(2);
  });

  it('says it cannot reach the bus when fetch fails (exit 3)', async () => {
    const c = client(async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const err = await c.listIndicators({}).catch((e: unknown) => e);
    expect((err as Error).message).toBe('cannot reach http://bus: ECONNREFUSED');
    expect(exitCodeFor(err)).toBe(3);
  });

  it('explains refusals by field and reason, and sends the token and the query', async () => {
    let seen: { url: string; auth: string | null } | undefined;
    const c = client(async (input, init) => {
      seen = { url: String(input), auth: new Headers(init?.headers).get('authorization') };
      return new Response(
        JSON.stringify({ message: 'type: bad', issues: [{ field: 'type', reason: 'bad' }] }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      );
    });
    const err = await c.listIndicators({ type: 'x', limit: 5 }).catch((e: unknown) => e);
    expect((err as ApiError).message).toBe('type: bad');
    expect(exitCodeFor(err)).toBe(1);
    expect(seen).toEqual({
      url: 'http://bus/v1/indicators?type=x&limit=5',
      auth: 'Bearer secret-token',
    });
  });
});
