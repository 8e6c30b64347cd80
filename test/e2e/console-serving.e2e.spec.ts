import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusUnderTest } from '../support/bus';

jest.setTimeout(300_000);

const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const INDEX = '<!doctype html><html lang="en"><title>console fixture</title><p>console</p>';
const SCRIPT = 'console.log("fixture");\n';
/** In the file a traversal out of the console's directory would reach: never served. */
const OUTSIDE = 'outside-the-console';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request sent with its path exactly as written: fetch would normalise `/assets/../..` away
 * before sending, and an attacker's client does not.
 */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { hostname, port } = new URL(base);
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectConsoleHeaders(a: Answer): void {
  expect(a.headers['content-security-policy']).toBe(CSP);
  expect(a.headers['x-content-type-options']).toBe('nosniff');
  expect(a.headers['referrer-policy']).toBe('no-referrer');
}

/**
 * The built console's layout, one level below a directory that holds a package.json, like
 * dist/dashboard in the repository, and with files named like the API's routes.
 */
function writeFixture(): string {
  const top = mkdtempSync(join(tmpdir(), 'acd-console-'));
  writeFileSync(join(top, 'package.json'), JSON.stringify({ secret: OUTSIDE }));
  const dir = join(top, 'dist', 'dashboard');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  mkdirSync(join(dir, 'v1'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-3f2a9c1b.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.env'), OUTSIDE);
  writeFileSync(join(dir, 'health'), 'shadow');
  writeFileSync(join(dir, 'docs-json'), 'shadow');
  writeFileSync(join(dir, 'v1', 'nope'), 'shadow');
  return dir;
}

describe('the gateway serves the web console at /', () => {
  const dir = writeFixture();
  let bus: BusUnderTest;

  beforeAll(async () => {
    bus = await BusUnderTest.start('console', { ACD_DASHBOARD_DIR: dir });
  });
  afterAll(async () => {
    await bus?.stop();
    rmSync(join(dir, '..', '..'), { recursive: true, force: true });
  });

  it('answers / with index.html, without a token, revalidated, with its security headers', async () => {
    const page = await raw(bus.base, '/', { accept: BROWSER });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toBe(INDEX);
    expect(page.headers['cache-control']).toBe('no-cache');
    expectConsoleHeaders(page);

    const head = await raw(bus.base, '/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expectConsoleHeaders(head);
  });

  it('serves hashed assets as immutable, other files revalidated', async () => {
    const script = await raw(bus.base, '/assets/index-3f2a9c1b.js', { accept: '*/*' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.body).toBe(SCRIPT);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectConsoleHeaders(script);

    const icon = await raw(bus.base, '/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers index.html for a route of the console a browser navigates to', async () => {
    for (const path of ['/indicators', '/incidents/inc-1/timeline', '/advisories?tlp=amber']) {
      const page = await raw(bus.base, path, { accept: BROWSER });
      expect({ path, status: page.status, body: page.body }).toEqual({
        path,
        status: 200,
        body: INDEX,
      });
      expect(page.headers['cache-control']).toBe('no-cache');
      expectConsoleHeaders(page);
    }
    // Not asked for HTML: the API's own 404, as before there was a console.
    const json = await raw(bus.base, '/indicators', { accept: 'application/json' });
    expect(json.status).toBe(404);
    expect(JSON.parse(json.body)).toMatchObject({ statusCode: 404 });
  });

  it('answers a missing asset, a directory and a dotfile with 404, never the page', async () => {
    for (const [path, accept] of [
      ['/assets/index-00000000.js', '*/*'],
      ['/assets/index-00000000.js', BROWSER],
      ['/assets', BROWSER],
      ['/assets/', BROWSER],
      ['/.env', BROWSER],
      ['/.env', '*/*'],
    ] as const) {
      const a = await raw(bus.base, path, { accept });
      expect({ path, accept, status: a.status }).toEqual({ path, accept, status: 404 });
      expect(a.body).not.toContain('<html');
      expect(a.body).not.toContain(OUTSIDE);
      expectConsoleHeaders(a);
    }
  });

  it('never climbs out of its directory', async () => {
    for (const path of [
      '/..%2f..%2fpackage.json',
      '/assets/../../package.json',
      '/../../package.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/%2e%2e%5c%2e%2e%5cpackage.json',
      '/..%5c..%5cpackage.json',
      '/index.html%00.js',
    ]) {
      for (const accept of [BROWSER, '*/*']) {
        const a = await raw(bus.base, path, { accept });
        expect({ path, accept, status: a.status }).toEqual({ path, accept, status: 404 });
        expect(a.body).not.toContain(OUTSIDE);
      }
    }
  });

  it('never shadows the API, whatever files the console holds', async () => {
    for (const accept of [BROWSER, 'application/json']) {
      const nope = await raw(bus.base, '/v1/nope', { accept });
      expect(nope.status).toBe(404);
      expect(nope.headers['content-type']).toMatch(/^application\/json/);
      expect(nope.body).toBe(
        '{"message":"Cannot GET /v1/nope","error":"Not Found","statusCode":404}',
      );
      expect(nope.headers['content-security-policy']).toBeUndefined();

      const health = await raw(bus.base, '/health', { accept });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });

      const openapi = await raw(bus.base, '/docs-json', { accept });
      expect(openapi.status).toBe(200);
      expect(JSON.parse(openapi.body)).toHaveProperty('openapi');

      const docs = await raw(bus.base, '/docs', { accept });
      expect(docs.status).toBe(200);
      expect(docs.body).toContain('swagger');

      // The router ignores case and a trailing slash; so does the console's step aside. Each
      // answers as the API does without a token (TAXII may refuse the media type first).
      for (const path of ['/V1/indicators', '/v1/indicators/', '/taxii2/', '/Taxii2/api/']) {
        const a = await raw(bus.base, path, { accept });
        expect({ path, status: a.status }).toEqual({ path, status: expect.any(Number) });
        expect([401, 406]).toContain(a.status);
        expect(a.headers['content-type']).toMatch(/json/);
      }
    }
    const op = bus.org((o) => o.kind === 'operator');
    expect((await bus.get('/v1/indicators?limit=1', op)).status).toBe(200);
    // Writes are the API's: POST / is not the console's.
    const post = await raw(bus.base, '/', { accept: BROWSER }, 'POST');
    expect(post.status).toBe(404);
    expect(post.body).toBe('{"message":"Cannot POST /","error":"Not Found","statusCode":404}');
  });

  it('answers 404 naming the build command while the console is not built', async () => {
    const away = `${dir}.away`;
    renameSync(dir, away);
    try {
      for (const [path, accept] of [
        ['/', '*/*'],
        ['/', BROWSER],
        ['/indicators', BROWSER],
      ] as const) {
        const a = await raw(bus.base, path, { accept });
        expect({ path, status: a.status }).toEqual({ path, status: 404 });
        expect(a.body).toContain('npm run build:dashboard');
        expectConsoleHeaders(a);
      }
      const nope = await raw(bus.base, '/v1/nope', { accept: BROWSER });
      expect(nope.body).toBe(
        '{"message":"Cannot GET /v1/nope","error":"Not Found","statusCode":404}',
      );
    } finally {
      renameSync(away, dir);
    }
    // A build that appears later is served at once, without a restart.
    expect((await raw(bus.base, '/', { accept: BROWSER })).body).toBe(INDEX);
  });
});
