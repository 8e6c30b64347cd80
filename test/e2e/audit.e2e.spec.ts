import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { AuditSigningKey } from '@acd/audit';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { runCli } from '../support/cli';

jest.setTimeout(240_000);

interface EntryView {
  entry: { index: number; eventType: string; orgId: string; payload: Record<string, unknown> };
}

/**
 * Through the running bus: a RED read and a re-identification land in the audit log; only the
 * commission sees the log; `acd audit verify` passes on the intact log, checks proofs, and names
 * the entry an administrator altered in MongoDB.
 */
describe('audit log end to end', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let tokai: DemoOrg;
  let nco: DemoOrg;
  let commission: DemoOrg;
  let keyFile: string;
  let redId: string;

  const acd = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runCli(['audit', 'verify', ...args], {
      ...bus.env,
      ACD_URL: bus.base,
      ACD_TOKEN: commission.token,
      ...extra,
    });

  const entries = async (): Promise<EntryView[]> =>
    ((await bus.get('/v1/audit/entries?limit=1000', commission)).body.entries ??
      []) as unknown as EntryView[];

  beforeAll(async () => {
    bus = await BusUnderTest.start('aud');
    kanto = bus.byId('op-kanto-electric');
    tokai = bus.byId('op-tokai-rail');
    nco = bus.byId('gov-nco');
    commission = bus.org((o) => o.kind === 'oversight-commission');
    keyFile = join(bus.logDir, 'audit-public.pem');
    writeFileSync(keyFile, AuditSigningKey.parse(bus.env.ACD_AUDIT_SIGNING_KEY!).publicKeyPem());
    redId = await bus.publish(kanto, {
      type: 'ipv4',
      value: '203.0.113.41',
      tlp: 'RED',
      audience: { orgs: ['op-tokai-rail'] },
    });
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('records a RED read before answering, and only the commission sees the log (others 404)', async () => {
    expect((await bus.get(`/v1/indicators/${redId}`, tokai)).status).toBe(200);
    for (const who of [kanto, tokai, nco])
      expect((await bus.get('/v1/audit/head', who)).status).toBe(404);
    const read = await waitFor(
      'the read in the audit log',
      async () =>
        (await entries()).find(
          (e) => e.entry.eventType === 'ReadRecorded' && e.entry.orgId === 'op-tokai-rail',
        ),
      60_000,
      500,
    );
    expect(read.entry.payload).toMatchObject({
      route: 'GET /v1/indicators/:id',
      items: [{ kind: 'indicator', id: redId, tlp: 'RED' }],
    });
  });

  it('records stream deliveries of RED items before they are written', async () => {
    const ac = new AbortController();
    const res = await fetch(`${bus.base}/v1/stream?kinds=indicator&from=beginning`, {
      headers: { authorization: `Bearer ${tokai.token}` },
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(redId)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    ac.abort();
    expect(text).toContain(redId);
    const delivery = await waitFor(
      'the stream delivery in the audit log',
      async () =>
        (await entries()).find(
          (e) => e.entry.eventType === 'ReadRecorded' && e.entry.payload.route === 'GET /v1/stream',
        ),
      60_000,
      500,
    );
    expect(delivery.entry.payload).toMatchObject({
      orgId: 'op-tokai-rail',
      items: [{ kind: 'indicator', id: redId, tlp: 'RED' }],
    });
  });

  it('documents the audit API in OpenAPI', async () => {
    const doc = (await bus.get('/docs-json', null)).body as { paths: Record<string, unknown> };
    for (const path of [
      '/v1/audit/head',
      '/v1/audit/public-key',
      '/v1/audit/entries',
      '/v1/audit/proofs/inclusion',
      '/v1/audit/proofs/consistency',
    ])
      expect(doc.paths).toHaveProperty([path]);
  });

  it('records a re-identification', async () => {
    // RED is for named recipients only: the office re-identifies what it was given.
    const namedToOffice = await bus.publish(kanto, {
      type: 'ipv4',
      value: '203.0.113.42',
      tlp: 'RED',
      audience: { orgs: ['op-tokai-rail', 'gov-nco'] },
    });
    const res = await bus.post(`/v1/indicators/${namedToOffice}/reidentify`, nco, {
      reason: 'court order for the investigation',
    });
    expect(res.status).toBe(200);
    await waitFor(
      're-identification in the audit log',
      async () => (await entries()).some((e) => e.entry.eventType === 'PublisherReidentified'),
      60_000,
      500,
    );
  });

  it('appends every read exactly once when the appender is killed mid-stream', async () => {
    const tokaiGets = (list: EntryView[]) =>
      list.filter(
        (e) =>
          e.entry.orgId === 'op-tokai-rail' && e.entry.payload.route === 'GET /v1/indicators/:id',
      ).length;
    const initial = await entries();
    const before = initial.length;
    const getsBefore = tokaiGets(initial);
    const reads = 120;
    const kill = (async () => {
      await new Promise((r) => setTimeout(r, 400));
      bus.services.get('audit')?.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1_000));
      bus.startService('audit');
    })();
    for (let i = 0; i < reads; i += 10)
      await Promise.all(
        Array.from({ length: 10 }, async () =>
          expect((await bus.get(`/v1/indicators/${redId}?n=${i}`, tokai)).status).toBe(200),
        ),
      );
    await kill;
    const all = await waitFor(
      'every read appended after the restart',
      async () => {
        const got = await entries();
        return got.length >= before + reads ? got : null;
      },
      90_000,
      500,
    );
    await new Promise((r) => setTimeout(r, 2_000)); // a duplicate would show by now
    const final = await entries();
    expect(final.length).toBe(all.length);
    expect(tokaiGets(final) - getsBefore).toBe(reads);
    expect(final.map((e) => e.entry.index)).toEqual(final.map((_, i) => i));
    const sources = final.map((e) => JSON.stringify((e.entry as { source?: unknown }).source));
    expect(new Set(sources).size).toBe(sources.length);
  });

  it('validates proof requests at the edge', async () => {
    const bad = await bus.get('/v1/audit/proofs/inclusion?index=-1', commission);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/index/);
    const big = await bus.get('/v1/audit/proofs/consistency?first=1&second=999999', commission);
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body)).toMatch(/second/);
  });

  it('acd audit verify passes on the intact log, checks proofs, and warns without a trusted key', async () => {
    const full = await acd(['--public-key', keyFile]);
    expect(full).toMatchObject({
      code: 0,
      out: expect.stringMatching(/audit log verified: \d+ entries/),
    });
    const size = (await bus.get('/v1/audit/head', commission)).body.treeSize as number;
    expect((await acd(['--public-key', keyFile, '--entry', '0'])).out).toMatch(/verified: entry 0/);
    expect(
      (await acd(['--public-key', keyFile, '--from-size', '1', '--to-size', String(size)])).out,
    ).toMatch(/is a prefix of/);
    const fallback = await acd([]);
    expect(fallback.err).toMatch(/WARNING: no trusted public key/);
    const topic = await acd(['--public-key', keyFile, '--source', 'topic']);
    expect(topic.out).toMatch(/audit log verified/);
    expect((await acd(['--entry', '0', '--from-size', '1', '--to-size', '2'])).code).toBe(2);
    expect((await acd(['--public-key', keyFile], { ACD_URL: 'http://127.0.0.1:1' })).code).toBe(3);
  });

  it('names the entry altered in MongoDB, exit 1', async () => {
    const mongo = await MongoClient.connect(bus.env.MONGODB_URI!);
    try {
      const docs = mongo.db().collection<{ _id: number; orgId: string }>('audit_entries');
      await docs.updateOne({ _id: 1 }, { $set: { orgId: 'someone-else' } });
      const altered = await acd(['--public-key', keyFile]);
      expect(altered).toMatchObject({ code: 1, out: expect.stringMatching(/FAILED at entry 1:/) });
      const other = join(bus.logDir, 'other.pem');
      writeFileSync(
        other,
        AuditSigningKey.parse(Buffer.alloc(32, 5).toString('base64')).publicKeyPem(),
      );
      const forged = await acd(['--public-key', other, '--source', 'topic']);
      expect(forged).toMatchObject({
        code: 1,
        out: expect.stringMatching(/FAILED at entry 0: its tree head signature/),
      });
    } finally {
      await mongo.close();
    }
  });
});
