import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canRead, type Organisation, type Sector } from '@acd/identity';
import { BusUnderTest, freePort, waitFor, type DemoOrg } from '../support/bus';
import { SseClient } from '../support/sse';

jest.setTimeout(300_000);

const asOrg = (o: DemoOrg): Organisation =>
  ({
    id: o.id,
    name: o.name,
    kind: o.kind,
    ...(o.sector ? { sector: o.sector } : {}),
  }) as Organisation;

const auth = (o: DemoOrg) => ({ authorization: `Bearer ${o.token}` });

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Runs `fn` over `items` with at most `n` at once. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next;
        next += 1;
        await fn(items[i]!);
      }
    }),
  );
}

/** RSS of the gateway must stay under this with one stalled client while 2,000 events flow. */
const GATEWAY_RSS_BOUND_MIB = 320;

describe('GET /v1/stream (server-sent events)', () => {
  let bus: BusUnderTest;
  let a: DemoOrg;
  let b: DemoOrg;
  let police: DemoOrg;
  let nco: DemoOrg;
  let n = 0;
  const nextValue = () => {
    n += 1;
    return `10.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
  };

  const open = (who: DemoOrg, query = '', headers: Record<string, string> = {}) =>
    SseClient.open(bus.base, `/v1/stream${query}`, { ...auth(who), ...headers });

  /** The stream has sent its starting position, so whatever is published from now on reaches it. */
  const started = (c: SseClient) => waitFor('stream start', async () => c.lastId, 30_000, 20);

  beforeAll(async () => {
    bus = await BusUnderTest.start('stream', { ACD_STREAM_HEARTBEAT_MS: '1000' });
    const operators = bus.orgs.filter((o) => o.kind === 'operator' && o.sector);
    a = operators[0]!;
    b = operators.find((o) => o.sector !== a.sector) ?? operators[1]!;
    police = bus.org((o) => o.kind === 'police');
    nco = bus.org((o) => o.kind === 'cabinet-office');
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('sends each viewer exactly the indicators it may read, and nothing else', async () => {
    // The office reads CLEAR, GREEN and AMBER whoever they name, RED and AMBER+STRICT only named.
    const viewers = [a, police, nco];
    const clients = await Promise.all(viewers.map((v) => open(v)));
    for (const c of clients) {
      expect(c.status).toBe(200);
      expect(String(c.headers['content-type'])).toMatch(/^text\/event-stream/);
      await started(c);
    }
    const matrix: { tlp: string; audience: Record<string, string[]> }[] = [
      { tlp: 'CLEAR', audience: {} },
      { tlp: 'GREEN', audience: {} },
      { tlp: 'GREEN', audience: { sectors: [b.sector!] } },
      { tlp: 'AMBER', audience: { sectors: [a.sector!] } },
      { tlp: 'AMBER', audience: { orgs: [police.id] } },
      { tlp: 'AMBER+STRICT', audience: { orgs: [a.id] } },
      { tlp: 'RED', audience: { orgs: [police.id] } },
      { tlp: 'RED', audience: { orgs: [nco.id] } },
    ];
    const published: { id: string; tlp: string; audience: Record<string, string[]> }[] = [];
    for (const m of matrix) {
      const res = await bus.post('/v1/indicators', b, { type: 'ipv4', value: nextValue(), ...m });
      expect([200, 201]).toContain(res.status);
      published.push({ id: String(res.body.id), ...m });
    }
    // A revocation of an item only the police may read (besides b and the office: it is AMBER).
    const hidden = published[4]!;
    expect(
      (await bus.post(`/v1/indicators/${hidden.id}/revoke`, b, { reason: 'retracted by b' }))
        .status,
    ).toBe(200);
    const expectedFor = (v: DemoOrg) =>
      published
        .filter((p) =>
          canRead(asOrg(v), {
            publisherOrgId: b.id,
            tlp: p.tlp as never,
            audience: {
              orgs: p.audience.orgs ?? [],
              sectors: (p.audience.sectors ?? []) as Sector[],
            },
          }),
        )
        .map((p) => p.id)
        .sort();
    expect(expectedFor(a).length).toBeGreaterThan(0);
    expect(expectedFor(police)).toContain(hidden.id);
    expect(expectedFor(a)).not.toContain(hidden.id);

    await waitFor(
      'police receives its indicators and the revocation',
      async () =>
        clients[1]!.published().length >= expectedFor(police).length &&
        clients[1]!.events.some((e) => e.type === 'IndicatorRevoked'),
      30_000,
      50,
    );
    await waitFor(
      'a receives its indicators',
      async () => clients[0]!.published().length >= expectedFor(a).length,
      30_000,
      50,
    );
    await waitFor(
      'the office receives its indicators',
      async () => clients[2]!.published().length >= expectedFor(nco).length,
      30_000,
      50,
    );
    expect(expectedFor(nco)).toContain(published[7]!.id); // RED named to the office
    expect(expectedFor(nco)).not.toContain(published[6]!.id); // RED named to the police
    // Whatever else might come would have come with the revocation (same partition order) or by
    // now; give stragglers a moment.
    await new Promise((r) => setTimeout(r, 1_500));
    viewers.forEach((v, i) => {
      const c = clients[i]!;
      expect([...c.published()].sort()).toEqual(expectedFor(v));
      const allowed = new Set(expectedFor(v));
      for (const e of c.events) expect(allowed.has(e.id)).toBe(true);
    });
    expect(
      clients[1]!.events.filter((e) => e.type === 'IndicatorRevoked').map((e) => e.id),
    ).toEqual([hidden.id]);
    expect(clients[0]!.events.some((e) => e.type === 'IndicatorRevoked')).toBe(false);
    // The publisher of an item is not named to operators unless it consented.
    const first = clients[0]!.events[0]!;
    expect(JSON.stringify(first.data)).not.toContain(`"${b.id}"`);
    clients.forEach((c) => c.close());
  });

  it('resumes after a disconnect with Last-Event-ID: no gap, no repeat', async () => {
    const first = await open(nco);
    await started(first);
    const before: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await bus.post('/v1/indicators', a, {
        type: 'ipv4',
        value: nextValue(),
        tlp: 'CLEAR',
      });
      before.push(String(res.body.id));
    }
    await waitFor('six events', async () => first.published().length >= 6, 30_000, 50);
    const kept = first.events.slice(0, 3);
    const resumeAt = kept[2]!.position;
    first.close();

    const after: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await bus.post('/v1/indicators', a, {
        type: 'ipv4',
        value: nextValue(),
        tlp: 'CLEAR',
      });
      after.push(String(res.body.id));
    }
    const rest = [...before, ...after].filter((id) => !kept.some((e) => e.id === id)).sort();

    // Header form, and the EventSource form (token and position in the query string).
    const byHeader = await open(nco, '', { 'last-event-id': resumeAt });
    const byQuery = await SseClient.open(
      bus.base,
      `/v1/stream?access_token=${encodeURIComponent(nco.token)}&lastEventId=${resumeAt}&kinds=indicator`,
      {},
    );
    for (const c of [byHeader, byQuery]) {
      expect(c.status).toBe(200);
      await waitFor('the rest', async () => c.published().length >= rest.length, 30_000, 50);
    }
    await new Promise((r) => setTimeout(r, 1_500));
    for (const c of [byHeader, byQuery]) {
      const ids = c.published();
      expect(ids.length).toBe(rest.length); // no repeat
      expect([...ids].sort()).toEqual(rest); // no gap
      c.close();
    }

    // Never logged: the token sent in the query string.
    const log = readFileSync(join(bus.logDir, 'gateway.log'), 'utf8');
    expect(log).toContain('access_token=[Redacted]');
    expect(log).not.toContain(nco.token);
  });

  it('answers 400 to a malformed Last-Event-ID or kind, 401 without a token', async () => {
    for (const bad of [
      '%%%',
      'bm90IGpzb24',
      Buffer.from('{"indicator":[-1]}').toString('base64url'),
    ]) {
      const c = await open(nco, '', { 'last-event-id': bad });
      expect(c.status).toBe(400);
      expect(c.body()).toContain('Last-Event-ID');
    }
    expect((await open(nco, '?lastEventId=xyz!')).status).toBe(400);
    expect((await open(nco, '?kinds=weather')).status).toBe(400);
    expect((await SseClient.open(bus.base, '/v1/stream', {})).status).toBe(401);
    expect((await SseClient.open(bus.base, '/v1/stream?access_token=acd_forged', {})).status).toBe(
      401,
    );
    // The query token is accepted on the stream only.
    const other = await bus.get(
      `/v1/indicators?access_token=${encodeURIComponent(nco.token)}`,
      null,
    );
    expect(other.status).toBe(401);
  });

  it('a client that stops reading slows nobody and keeps the gateway within its memory bound', async () => {
    const pid = bus.services.get('gateway')?.pid;
    if (!pid) throw new Error('no gateway pid');
    const stalled = await SseClient.open(bus.base, '/v1/stream', auth(nco), { read: false });
    expect(stalled.status).toBe(200);
    const fast = await open(nco);
    await started(fast);

    const rssBefore = rssMiB(pid);
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMiB(pid))), 200);
    const total = 2_000;
    // Long descriptions so the stalled client's socket buffers fill well before the end.
    const description = 'x'.repeat(4_000);
    const bodies = Array.from({ length: total }, () => ({
      type: 'ipv4',
      value: nextValue(),
      tlp: 'CLEAR',
      description,
    }));
    const t0 = Date.now();
    const ids: string[] = [];
    try {
      await pool(bodies, 24, async (body) => {
        const res = await bus.post('/v1/indicators', a, body);
        if (res.status !== 201 && res.status !== 200)
          throw new Error(`publish ${res.status} ${JSON.stringify(res.body)}`);
        ids.push(String(res.body.id));
      });
    } catch (err) {
      // The sampler must not outlive the test: it would fail every suite after this one.
      clearInterval(sampler);
      throw err;
    }
    const publishedAt = Date.now();
    try {
      await waitFor(
        'fast client receives all',
        async () => fast.published().length >= total,
        60_000,
        50,
      );
    } catch (err) {
      const got = new Set(fast.published());
      const missing = ids.map((id, i) => (got.has(id) ? -1 : i)).filter((i) => i >= 0);
      clearInterval(sampler);
      throw new Error(`${String(err)}; missing publish indices ${missing.slice(0, 50).join(',')}`);
    }
    const lagMs = Date.now() - publishedAt;
    clearInterval(sampler);
    rssMax = Math.max(rssMax, rssMiB(pid));

    const log = readFileSync(join(bus.logDir, 'gateway.log'), 'utf8');
    console.log(
      `stream load: ${total} indicators published in ${publishedAt - t0} ms; fast client complete ${lagMs} ms after the last publish (${(fast.bytes / 1048576).toFixed(1)} MiB); gateway RSS ${rssBefore.toFixed(0)} -> max ${rssMax.toFixed(0)} MiB`,
    );
    expect(new Set(fast.published()).size).toBe(total);
    expect(lagMs).toBeLessThan(10_000);
    expect(rssMax).toBeLessThan(GATEWAY_RSS_BOUND_MIB);
    // The stalled client really was stalled (its stream paused), and still holds its slot.
    expect(log).toContain('stream paused: the client is not reading');
    stalled.close();
    fast.close();
    await waitFor(
      'both streams closed',
      async () =>
        (readFileSync(join(bus.logDir, 'gateway.log'), 'utf8').match(/stream closed/g) ?? [])
          .length >=
        (log.match(/stream closed/g) ?? []).length + 2,
      15_000,
      100,
    );
  });

  it('refuses streams beyond ACD_STREAM_MAX_CLIENTS with 503 and Retry-After', async () => {
    const capped = new BusUnderTest({ ...bus.env, ACD_STREAM_MAX_CLIENTS: '1' });
    // Reuse the running bus's servers and data: only a second gateway, with a cap of one.
    const port = await freePort();
    capped.env.PORT = String(port);
    capped.base = `http://127.0.0.1:${port}`;
    capped.orgs = bus.orgs;
    capped.startService('gateway');
    try {
      await waitFor(
        'capped gateway',
        async () => (await fetch(`${capped.base}/health`).catch(() => null))?.ok,
        90_000,
        300,
      );
      const one = await SseClient.open(capped.base, '/v1/stream', auth(nco));
      expect(one.status).toBe(200);
      const two = await SseClient.open(capped.base, '/v1/stream', auth(nco));
      expect(two.status).toBe(503);
      expect(two.headers['retry-after']).toBe('5');
      one.close();
      await waitFor(
        'slot released',
        async () => {
          const c = await SseClient.open(capped.base, '/v1/stream', auth(nco));
          c.close();
          return c.status === 200;
        },
        15_000,
        200,
      );
    } finally {
      await capped.stop();
    }
  });
});
