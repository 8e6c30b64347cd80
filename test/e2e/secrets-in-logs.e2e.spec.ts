import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BusUnderTest, type DemoOrg } from '../support/bus';

jest.setTimeout(300_000);

/**
 * Issue 16, item 12: "The gateway never logs tokens or secrets." Written as the requests that
 * would put a secret in a log if anything did: valid and invalid bearer tokens, a token in Basic
 * (TAXII), a token as `?access_token=` on the stream, a fresh member token issued and revoked.
 * Then every log file of the bus (the gateway's and every other service's) is searched for each
 * token and for every password and key the bus was started with.
 */
describe('no token or secret in the logs (issue 16, item 12)', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;

  beforeAll(async () => {
    bus = await BusUnderTest.start('logs', { LOG_LEVEL: 'debug' });
    kanto = bus.byId('op-kanto-electric');
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('logs none of the tokens it was shown, nor any password or key', async () => {
    const shown: string[] = [];
    const own = { ...kanto, token: kanto.adminToken ?? kanto.token };

    // a valid personal token, an organisation's own token, and forged ones
    expect((await bus.get('/v1/indicators?limit=1', kanto)).status).toBe(200);
    expect((await bus.get('/v1/organisation/members', own)).status).toBe(200);
    const forged = `acd_${'x'.repeat(40)}`;
    const wrongShape = 'not-a-token-at-all-but-a-secret-string';
    for (const token of [forged, wrongShape, `${kanto.token.slice(0, -3)}zzz`]) {
      shown.push(token);
      expect((await bus.get('/v1/indicators', { ...kanto, token })).status).toBe(401);
    }
    // Basic on TAXII, right and wrong
    const basic = (user: string, pw: string) =>
      fetch(`${bus.base}/taxii2/`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`,
          accept: 'application/taxii+json;version=2.1',
        },
      });
    expect((await basic(kanto.id, kanto.token)).status).toBe(200);
    expect((await basic(kanto.id, forged)).status).toBe(401);
    // the stream's query token (EventSource cannot send headers)
    const ctrl = new AbortController();
    const stream = await fetch(
      `${bus.base}/v1/stream?access_token=${encodeURIComponent(kanto.token)}`,
      { signal: ctrl.signal },
    );
    expect(stream.status).toBe(200);
    ctrl.abort();
    await fetch(`${bus.base}/v1/stream?access_token=${forged}`).then((r) => r.text());
    // a member token issued (it is in that answer only) and revoked
    const issued = await bus.post('/v1/organisation/members/analyst-7/tokens', own);
    expect(issued.status).toBe(201);
    const member = issued.body as unknown as { token: string; tokenId: string };
    shown.push(member.token);
    expect(
      (await bus.get('/v1/indicators?limit=1', { ...kanto, token: member.token })).status,
    ).toBe(200);
    expect(
      (await bus.request('DELETE', `/v1/organisation/tokens/${member.tokenId}`, own)).status,
    ).toBe(204);
    expect(
      (await bus.get('/v1/indicators?limit=1', { ...kanto, token: member.token })).status,
    ).toBe(401);

    // every token of every demo organisation, and every secret of the bus's environment
    for (const o of bus.orgs) {
      shown.push(o.token, ...(o.adminToken ? [o.adminToken] : []));
      for (const m of o.members ?? []) shown.push(m.token);
    }
    const secrets = [
      bus.env.ACD_ID_KEY,
      bus.env.ACD_PSEUDONYM_KEY,
      bus.env.ACD_AUDIT_SIGNING_KEY,
      decodeURIComponent(new URL(String(bus.env.MONGODB_URI)).password),
      bus.env.KAFKA_SASL_PASSWORD,
    ].filter((s): s is string => typeof s === 'string' && s.length > 0);
    if (bus.env.ACD_KAFKA_USERS_FILE) {
      const users = JSON.parse(readFileSync(bus.env.ACD_KAFKA_USERS_FILE, 'utf8')) as Record<
        string,
        { password: string }
      >;
      secrets.push(...Object.values(users).map((u) => u.password));
    }
    expect(secrets.length).toBeGreaterThanOrEqual(4);

    // give the loggers a moment to flush, then read every log of the bus
    await new Promise((r) => setTimeout(r, 1_000));
    const logs = readdirSync(bus.logDir).filter((f) => f.endsWith('.log'));
    expect(logs).toContain('gateway.log');
    const gatewayLog = readFileSync(join(bus.logDir, 'gateway.log'), 'utf8');
    // the requests above are there (the log is not empty by accident), their credentials are not
    expect(gatewayLog).toContain('/v1/indicators');
    expect(gatewayLog).toContain('access_token=[Redacted]');
    for (const file of logs) {
      const text = readFileSync(join(bus.logDir, file), 'utf8');
      for (const s of [...shown, ...secrets]) {
        if (text.includes(s))
          throw new Error(`${file} holds a token or secret (${s.slice(0, 6)}…)`);
      }
      expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9_-]{8,}/);
      expect(text).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{8,}/);
    }
  });
});
