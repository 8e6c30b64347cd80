import { readLogToEnd, createKafka, H, header } from '@acd/messaging';
import { kafkaSchema, loadConfig } from '@acd/config';
import { BusUnderTest, waitFor } from '../support/bus';

jest.setTimeout(120_000);

/** Events of one aggregate as the log holds them: the ground truth every answer must match. */
async function eventsFor(bus: BusUnderTest, aggregateId: string): Promise<string[]> {
  const cfg = loadConfig(kafkaSchema, bus.env);
  const kafka = createKafka(cfg, 'e2e-reader');
  const types: string[] = [];
  await readLogToEnd(
    kafka,
    `${cfg.ACD_TOPIC_PREFIX}acd.indicator.events.v1`,
    `${cfg.ACD_TOPIC_PREFIX}e2e`,
    (batch) => {
      for (const m of batch.messages) {
        if (header(m.headers, H.aggregateId) === aggregateId)
          types.push(header(m.headers, H.eventType) ?? '?');
      }
    },
  );
  return types;
}

describe('commands through HTTP', () => {
  let bus: BusUnderTest;
  beforeAll(async () => {
    bus = await BusUnderTest.start('cmd');
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('a retried publish with the same Idempotency-Key yields no second event', async () => {
    const op = bus.org((o) => o.kind === 'operator');
    const body = { type: 'domain', value: 'Retry.Example.ORG.', tlp: 'GREEN', confidence: 40 };
    const headers = { 'idempotency-key': 'publish-retry-1' };
    const first = await bus.post('/v1/indicators', op, body, headers);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, duplicate: false });
    const again = await bus.post('/v1/indicators', op, body, headers);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      version: 1,
      duplicate: true,
      eventIds: first.body.eventIds,
    });
    // A retried sighting (same key) counts once; a new key counts again.
    const id = String(first.body.id);
    await waitFor(
      'projection',
      async () => (await bus.get(`/v1/indicators/${id}`, op)).status === 200,
      20_000,
      100,
    );
    const s1 = await bus.post(
      `/v1/indicators/${id}/sightings`,
      op,
      { count: 2 },
      { 'idempotency-key': 's-1' },
    );
    const s2 = await bus.post(
      `/v1/indicators/${id}/sightings`,
      op,
      { count: 2 },
      { 'idempotency-key': 's-1' },
    );
    const s3 = await bus.post(
      `/v1/indicators/${id}/sightings`,
      op,
      { count: 2 },
      { 'idempotency-key': 's-2' },
    );
    expect([s1.status, s2.status, s3.status]).toEqual([201, 201, 201]);
    expect(s2.body.duplicate).toBe(true);
    await waitFor(
      'sightings projected',
      async () => (await bus.get(`/v1/indicators/${id}`, op)).body.version === 3,
      20_000,
      100,
    );
    const doc = await bus.get(`/v1/indicators/${id}`, op);
    expect(doc.body.value).toBe('retry.example.org');
    expect(doc.body.sightings).toMatchObject({ count: 4 });
    expect(await eventsFor(bus, id)).toEqual([
      'IndicatorPublished',
      'IndicatorSighted',
      'IndicatorSighted',
    ]);
  });

  it('the same type and value from the same publisher updates, never duplicates', async () => {
    const op = bus.org((o) => o.kind === 'operator');
    const a = await bus.post('/v1/indicators', op, {
      type: 'ipv6',
      value: '2001:DB8:0:0::1',
      tlp: 'CLEAR',
    });
    const b = await bus.post('/v1/indicators', op, {
      type: 'ipv6',
      value: '2001:db8::1',
      tlp: 'GREEN',
      confidence: 90,
    });
    const c = await bus.post('/v1/indicators', op, {
      type: 'ipv6',
      value: '2001:db8::0:1',
      tlp: 'GREEN',
      confidence: 90,
    });
    expect(a.status).toBe(201);
    expect(b).toMatchObject({ status: 200, body: { id: a.body.id, version: 2 } });
    expect(c).toMatchObject({ status: 200, body: { id: a.body.id, version: 2, eventIds: [] } });
    expect(await eventsFor(bus, String(a.body.id))).toEqual([
      'IndicatorPublished',
      'IndicatorUpdated',
    ]);
  });

  it('two concurrent commands on stale state cannot both succeed', async () => {
    const op = bus.org((o) => o.kind === 'operator');
    const id = await bus.publish(op, {
      type: 'md5',
      value: 'D41D8CD98F00B204E9800998ECF8427E',
      tlp: 'GREEN',
    });
    const results = await Promise.all(
      [60, 70, 80, 90].map((confidence) =>
        bus.post(
          '/v1/indicators',
          op,
          { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', tlp: 'GREEN', confidence },
          { 'if-match': '"1"' },
        ),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409]);
    expect(results.find((r) => r.status === 409)?.body).toMatchObject({ currentVersion: 2 });
    expect(await eventsFor(bus, id)).toEqual(['IndicatorPublished', 'IndicatorUpdated']);
  });

  it('only the publisher revokes; others get 403 (if they can read it) or 404', async () => {
    const [a, b] = bus.orgs.filter((o) => o.kind === 'operator');
    const id = await bus.publish(a!, {
      type: 'sha1',
      value: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      tlp: 'GREEN',
    });
    expect((await bus.post(`/v1/indicators/${id}/revoke`, b!, { reason: 'not mine' })).status).toBe(
      403,
    );
    const red = await bus.publish(a!, {
      type: 'email',
      value: 'ceo@Phish.example',
      tlp: 'RED',
      audience: { orgs: [a!.id] },
    });
    expect((await bus.post(`/v1/indicators/${red}/revoke`, b!, { reason: 'hidden' })).status).toBe(
      404,
    );
    const ok = await bus.post(`/v1/indicators/${id}/revoke`, a!, { reason: 'false positive' });
    expect(ok).toMatchObject({ status: 200, body: { version: 2 } });
    const twice = await bus.post(`/v1/indicators/${id}/revoke`, a!, { reason: 'again' });
    expect(twice.status).toBe(409);
    await waitFor(
      'revocation projected',
      async () => (await bus.get(`/v1/indicators/${id}`, a!)).body.status === 'revoked',
      20_000,
      100,
    );
  });

  it('answers bad input with 400 naming the field, oversized bodies with 413, and publishes nothing', async () => {
    const op = bus.org((o) => o.kind === 'operator');
    const cases: [unknown, string][] = [
      [{ type: 'ipv4', value: '300.1.2.3', tlp: 'GREEN' }, 'value'],
      [{ type: 'ipv4', value: '1.2.3.4', tlp: 'ORANGE' }, 'tlp'],
      [{ type: 'bitcoin', value: 'x', tlp: 'GREEN' }, 'type'],
      [{ type: 'ipv4', value: '1.2.3.4', tlp: 'GREEN', confidence: 101 }, 'confidence'],
      [{ type: 'ipv4', value: '1.2.3.4', tlp: 'GREEN', validFrom: 'yesterday' }, 'validFrom'],
      [{ type: 'ipv4', value: '1.2.3.4', tlp: 'GREEN', cves: ['CVE-1'] }, 'cves.0'],
      [{ type: 'ipv4', value: '1.2.3.4', tlp: 'GREEN', surprise: true }, '(body)'],
      // A malformed organisation id; whether a well-formed one exists is not told to an
      // operator (security-oracles.e2e.spec.ts).
      [
        { type: 'ipv4', value: '1.2.3.4', tlp: 'AMBER', audience: { orgs: ['No Such Org'] } },
        'audience.orgs.0',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await bus.post('/v1/indicators', op, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      const issues = res.body.issues as { field: string; reason: string }[];
      expect(issues.map((i) => i.field)).toContain(field);
      expect(issues.every((i) => i.reason.length > 0)).toBe(true);
    }
    expect((await bus.post('/v1/indicators', op, '{"type":')).status).toBe(400);
    const huge = { type: 'ipv4', value: '1.2.3.4', tlp: 'GREEN', description: 'x'.repeat(300_000) };
    expect((await bus.post('/v1/indicators', op, huge)).status).toBe(413);
    const amber = await bus.post('/v1/indicators', op, {
      type: 'ipv4',
      value: '1.2.3.4',
      tlp: 'AMBER',
    });
    expect(amber).toMatchObject({ status: 422, body: { field: 'audience' } });
    expect((await bus.get('/v1/indicators/not-a-uuid', op)).status).toBe(400);
    expect((await bus.get('/v1/indicators/00000000-0000-5000-8000-000000000000', op)).status).toBe(
      404,
    );
    const list = await bus.get('/v1/indicators?type=ipv4&value=1.2.3.4', op);
    expect(list.body.items).toEqual([]);
  });

  it('serves its OpenAPI document and a health check', async () => {
    const doc = await bus.get('/docs-json', null);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/v1/indicators',
        '/v1/indicators/{id}',
        '/v1/indicators/{id}/revoke',
        '/v1/indicators/{id}/sightings',
        '/health',
      ]),
    );
    const health = await bus.get('/health', null);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
