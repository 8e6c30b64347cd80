import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import { legacyIndicatorIdFor } from '@acd/indicators';
import {
  createKafka,
  H,
  header,
  readLogToEnd,
  SchemaSet,
  schemasDir,
  TopicNames,
} from '@acd/messaging';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(180_000);

/**
 * Regression tests for issue 10's findings 1, 2 and 4, each written as the attacker's request
 * sequence: a reused Idempotency-Key must never borrow another request's authority or outcome,
 * and an id must not give away who published it.
 */
describe('security: idempotency keys are bound to their request, ids reveal nothing', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let tokai: DemoOrg;
  let nco: DemoOrg;
  let commission: DemoOrg;
  let kafka: Kafka;
  let topics: TopicNames;
  let codec: SchemaSet;

  beforeAll(async () => {
    bus = await BusUnderTest.start('sid');
    kanto = bus.byId('op-kanto-electric');
    tokai = bus.byId('op-tokai-rail');
    nco = bus.byId('gov-nco');
    commission = bus.byId('gov-cyber-oversight-commission');
    const cfg = loadConfig(kafkaSchema, bus.env);
    kafka = createKafka(cfg, 'e2e-security');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    codec = await SchemaSet.load(schemasDir());
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const member = (i: number): DemoOrg => bus.commissionMember(i);

  /** Every event of one type on the indicator events topic, decoded. */
  const indicatorEvents = async (type: string) => {
    const found: { aggregateId: string; eventId: string; data: Record<string, unknown> }[] = [];
    await readLogToEnd(
      kafka,
      topics.of('indicatorEvents'),
      topics.group(`e2e-${randomUUID()}`),
      (b) => {
        for (const m of b.messages) {
          if (header(m.headers, H.eventType) !== type || !m.value) continue;
          found.push({
            aggregateId: header(m.headers, H.aggregateId) ?? '',
            eventId: header(m.headers, H.eventId) ?? '',
            data: codec.decode(m.value).value as Record<string, unknown>,
          });
        }
      },
    );
    return found;
  };

  it('finding 1: a sighting key reused on /reidentify re-identifies nobody', async () => {
    const id = await bus.publish(kanto, { type: 'ipv4', value: '198.51.100.10', tlp: 'GREEN' });
    const key = `sighting-${randomUUID()}`;
    const sighted = await bus.post(
      `/v1/indicators/${id}/sightings`,
      tokai,
      { count: 1 },
      {
        'idempotency-key': key,
      },
    );
    expect(sighted.status).toBe(201);

    // The attack: the same key on the office-only route. Refused at the edge, unmasking nothing.
    const attack = await bus.post(
      `/v1/indicators/${id}/reidentify`,
      tokai,
      { reason: 'I would like to know who published this' },
      { 'idempotency-key': key },
    );
    expect(attack.status).toBe(403);
    expect(JSON.stringify(attack.body)).not.toContain(kanto.id);

    // Even the office may not turn its own earlier sighting's key into a re-identification: the
    // stored outcome belongs to the sighting, not to this request.
    const officeKey = `office-${randomUUID()}`;
    expect(
      (
        await bus.post(
          `/v1/indicators/${id}/sightings`,
          nco,
          { count: 2 },
          {
            'idempotency-key': officeKey,
          },
        )
      ).status,
    ).toBe(201);
    const reused = await bus.post(
      `/v1/indicators/${id}/reidentify`,
      nco,
      { reason: 'Investigation of the grid intrusions, case 2026-17' },
      { 'idempotency-key': officeKey },
    );
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ field: 'Idempotency-Key' });
    expect(reused.body).not.toHaveProperty('currentVersion');
    expect(JSON.stringify(reused.body)).not.toContain(kanto.id);
    expect(await indicatorEvents('PublisherReidentified')).toEqual([]);

    // With a key of its own the office re-identifies, and the act is an event.
    const honest = await bus.post(
      `/v1/indicators/${id}/reidentify`,
      nco,
      { reason: 'Investigation of the grid intrusions, case 2026-17' },
      { 'idempotency-key': `reid-${randomUUID()}` },
    );
    expect(honest).toMatchObject({ status: 200, body: { publisherOrgId: kanto.id } });
    expect(await indicatorEvents('PublisherReidentified')).toHaveLength(1);
  });

  it('finding 4: one key with another body is refused, never a second indicator or a reused event id', async () => {
    const key = `publish-${randomUUID()}`;
    const first = await bus.post(
      '/v1/indicators',
      kanto,
      { type: 'domain', value: 'first.example.net', tlp: 'CLEAR' },
      { 'idempotency-key': key },
    );
    expect(first).toMatchObject({ status: 201, body: { duplicate: false } });

    // The same request again: the stored outcome, no new event.
    const retry = await bus.post(
      '/v1/indicators',
      kanto,
      { tlp: 'CLEAR', value: 'first.example.net', type: 'domain' },
      { 'idempotency-key': key },
    );
    expect(retry).toMatchObject({ status: 200, body: { id: first.body.id, duplicate: true } });

    // Another body under the same key: refused, and nothing published.
    const other = await bus.post(
      '/v1/indicators',
      kanto,
      { type: 'domain', value: 'second.example.net', tlp: 'CLEAR' },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ field: 'Idempotency-Key' });
    // Same indicator, other terms, same key: refused as well (not an update in disguise).
    const changed = await bus.post(
      '/v1/indicators',
      kanto,
      { type: 'domain', value: 'first.example.net', tlp: 'GREEN' },
      { 'idempotency-key': key },
    );
    expect(changed.status).toBe(422);

    // Another organisation with the same key is another request entirely.
    const elsewhere = await bus.post(
      '/v1/indicators',
      tokai,
      { type: 'domain', value: 'second.example.net', tlp: 'CLEAR' },
      { 'idempotency-key': key },
    );
    expect(elsewhere).toMatchObject({ status: 201, body: { duplicate: false } });

    const published = await indicatorEvents('IndicatorPublished');
    expect(published.map((e) => e.data.value).sort()).toEqual(
      expect.arrayContaining(['first.example.net', 'second.example.net']),
    );
    const fromKanto = published.filter((e) => e.data.publisherOrgId === kanto.id);
    expect(fromKanto.filter((e) => e.data.value === 'second.example.net')).toEqual([]);
    const ids = published.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('finding 4: a batch retried with its items swapped is refused item by item', async () => {
    const key = `batch-${randomUUID()}`;
    const items = [
      { type: 'ipv4', value: '198.51.100.21', tlp: 'CLEAR' },
      { type: 'ipv4', value: '198.51.100.22', tlp: 'CLEAR' },
    ];
    const first = await bus.post(
      '/v1/indicators/batch',
      kanto,
      { items },
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(200);
    const results = (first.body as unknown as { results: { status: number }[] }).results;
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    const swapped = await bus.post(
      '/v1/indicators/batch',
      kanto,
      { items: [items[1], items[0]] },
      { 'idempotency-key': key },
    );
    const again = (swapped.body as unknown as { results: { status: number }[] }).results;
    expect(again.map((r) => r.status)).toEqual([422, 422]);
  });

  it("finding 4: a member's key is the member's own; the organisation token with it is refused", async () => {
    const created = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: 'tel-nihon-backbone',
      categories: ['addresses', 'ports'],
      validFrom: new Date().toISOString(),
      validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      justification: 'Botnet traffic transiting Japan towards grid operators',
    });
    expect(created.status).toBe(201);
    const id = String(created.body.requestId);
    await waitFor(
      'request readable by the commission',
      async () => (await bus.get(`/v1/oversight/requests/${id}`, member(0))).status === 200,
      30_000,
      100,
    );
    const key = `vote-${randomUUID()}`;
    const one = await bus.post(
      `/v1/oversight/requests/${id}/votes`,
      member(0),
      { vote: 'approve' },
      {
        'idempotency-key': key,
      },
    );
    expect(one).toMatchObject({ status: 201, body: { duplicate: false, approvals: 1 } });

    // Member 2 with member 1's key: its own vote, counted, not member 1's outcome.
    const two = await bus.post(
      `/v1/oversight/requests/${id}/votes`,
      member(1),
      { vote: 'deny' },
      {
        'idempotency-key': key,
      },
    );
    expect(two).toMatchObject({
      status: 201,
      body: { duplicate: false, approvals: 1, denials: 1 },
    });

    // The organisation-wide token with that key: refused as an organisation token is.
    const orgToken = await bus.post(
      `/v1/oversight/requests/${id}/votes`,
      commission,
      { vote: 'approve' },
      { 'idempotency-key': key },
    );
    expect(orgToken.status).toBe(403);

    // Member 1 retrying its own vote gets its own outcome back.
    const retry = await bus.post(
      `/v1/oversight/requests/${id}/votes`,
      member(0),
      { vote: 'approve' },
      {
        'idempotency-key': key,
      },
    );
    expect(retry).toMatchObject({ status: 200, body: { duplicate: true } });
  });

  it('finding 2: an indicator id cannot be tested against organisation ids', async () => {
    const value = '198.51.100.30';
    const id = await bus.publish(kanto, { type: 'ipv4', value, tlp: 'CLEAR' });
    // The offline attack: hash every organisation id with the visible type and value.
    const guesses = bus.orgs.map((o) => legacyIndicatorIdFor(o.id, 'ipv4', value));
    expect(guesses).not.toContain(id);
    // A republish by the same publisher still lands on the same indicator.
    const again = await bus.post('/v1/indicators', kanto, { type: 'ipv4', value, tlp: 'GREEN' });
    expect(again).toMatchObject({ status: 200, body: { id, version: 2 } });
  });

  it('finding 2, migration: an indicator published under a legacy id keeps it, and a republish lands on it', async () => {
    const value = 'legacy.example.org';
    const legacyId = legacyIndicatorIdFor(kanto.id, 'domain', value);
    // As the gateway wrote it before ids were keyed: the legacy id, a command id of its own.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.of('indicatorCommands'),
      acks: -1,
      messages: [
        {
          key: legacyId,
          value: codec.encode('jp.acd.indicator.PublishIndicator', {
            indicatorId: legacyId,
            indicatorType: 'domain',
            value,
            tlp: 'CLEAR',
            audience: { orgs: [], sectors: [] },
            confidence: 50,
            validFrom: null,
            validUntil: null,
            description: null,
            cves: [],
            killChainPhases: [],
            disclosePublisher: false,
          }),
          headers: {
            [H.commandId]: randomUUID(),
            [H.commandType]: 'PublishIndicator',
            [H.aggregateId]: legacyId,
            [H.orgId]: kanto.id,
            [H.orgKind]: kanto.kind,
            ...(kanto.sector ? { [H.orgSector]: kanto.sector } : {}),
          },
        },
      ],
    });
    await producer.disconnect();
    await waitFor(
      'legacy indicator projected',
      async () => (await bus.get(`/v1/indicators/${legacyId}`, tokai)).status === 200,
      30_000,
      100,
    );
    const republished = await bus.post('/v1/indicators', kanto, {
      type: 'domain',
      value,
      tlp: 'GREEN',
    });
    expect(republished).toMatchObject({ status: 200, body: { id: legacyId, version: 2 } });
    const twins = (await indicatorEvents('IndicatorPublished')).filter(
      (e) => e.data.value === value,
    );
    expect(twins.map((e) => e.aggregateId)).toEqual([legacyId]);
  });
});
