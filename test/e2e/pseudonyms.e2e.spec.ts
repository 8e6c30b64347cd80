import { createKafka, H, header, readLogToEnd, SchemaSet, schemasDir } from '@acd/messaging';
import { kafkaSchema, loadConfig } from '@acd/config';
import { BusUnderTest, type DemoOrg } from '../support/bus';

jest.setTimeout(120_000);

/** Submitter pseudonyms: outside the government a publisher is a stable pseudonym unless it consented. */
describe('publisher pseudonyms and re-identification', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let tokai: DemoOrg;
  let telecom: DemoOrg;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let first = '';
  let second = '';
  let named = '';

  beforeAll(async () => {
    bus = await BusUnderTest.start('pse');
    kanto = bus.byId('op-kanto-electric');
    tokai = bus.byId('op-tokai-rail');
    telecom = bus.byId('tel-nihon-backbone');
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    first = await bus.publish(kanto, { type: 'ipv4', value: '198.51.100.77', tlp: 'GREEN' });
    second = await bus.publish(kanto, { type: 'domain', value: 'c2.example.org', tlp: 'CLEAR' });
    named = await bus.publish(kanto, {
      type: 'domain',
      value: 'named.example.org',
      tlp: 'CLEAR',
      disclosePublisher: true,
    });
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const publisherAs = async (who: DemoOrg, id: string) =>
    (await bus.get(`/v1/indicators/${id}`, who)).body.publisher as unknown as {
      orgId: string | null;
      pseudonym: string | null;
      named: boolean;
      sector: string | null;
    };

  it('operators and telecoms outside the government see one stable pseudonym', async () => {
    const a = await publisherAs(tokai, first);
    const b = await publisherAs(tokai, second);
    const c = await publisherAs(telecom, first);
    expect(a).toMatchObject({ orgId: null, named: false, sector: 'electricity' });
    expect(a.pseudonym).toMatch(/^anon-/);
    expect(b.pseudonym).toBe(a.pseudonym);
    expect(c.pseudonym).toBe(a.pseudonym);
    expect(JSON.stringify(await bus.get(`/v1/indicators/${first}`, tokai))).not.toContain(kanto.id);
    const list = await bus.get('/v1/indicators?limit=100', tokai);
    const anonymous = (list.body.items ?? []).filter((i) => i.id !== named);
    expect(anonymous).toHaveLength(2);
    expect(JSON.stringify(anonymous)).not.toContain(kanto.id);
    // A consenting publisher is named without its pseudonym, which would unmask the others.
    expect(await publisherAs(tokai, named)).toMatchObject({ orgId: kanto.id, pseudonym: null });
  });

  it('the publisher itself, government bodies, and everyone for a consenting publisher see the name', async () => {
    expect(await publisherAs(kanto, first)).toMatchObject({ orgId: kanto.id, named: true });
    expect(await publisherAs(npa, first)).toMatchObject({ orgId: kanto.id, named: true });
    expect(await publisherAs(nco, first)).toMatchObject({ orgId: kanto.id, named: true });
    expect(await publisherAs(tokai, named)).toMatchObject({ orgId: kanto.id, named: true });
  });

  it('only the cabinet office re-identifies, with a reason, and the act is an event', async () => {
    const reason = 'Tokai Rail asked to coordinate the takedown of this address';
    expect((await bus.post(`/v1/indicators/${first}/reidentify`, npa, { reason })).status).toBe(
      403,
    );
    expect((await bus.post(`/v1/indicators/${first}/reidentify`, tokai, { reason })).status).toBe(
      403,
    );
    expect(
      (await bus.post(`/v1/indicators/${first}/reidentify`, nco, { reason: 'why' })).status,
    ).toBe(400);
    expect((await bus.post(`/v1/indicators/${named}/reidentify`, nco, { reason })).status).toBe(
      409,
    );
    const pseudonym = (await publisherAs(tokai, first)).pseudonym;
    const ok = await bus.post(`/v1/indicators/${first}/reidentify`, nco, { reason });
    expect(ok).toMatchObject({
      status: 200,
      body: { indicatorId: first, pseudonym, publisherOrgId: kanto.id },
    });

    const cfg = loadConfig(kafkaSchema, bus.env);
    const codec = await SchemaSet.load(schemasDir());
    const recorded: Record<string, unknown>[] = [];
    await readLogToEnd(
      createKafka(cfg, 'e2e-reader'),
      `${cfg.ACD_TOPIC_PREFIX}acd.indicator.events.v1`,
      `${cfg.ACD_TOPIC_PREFIX}e2e`,
      (batch) => {
        for (const m of batch.messages) {
          if (header(m.headers, H.eventType) === 'PublisherReidentified' && m.value)
            recorded.push(codec.decode(m.value).value as Record<string, unknown>);
        }
      },
    );
    expect(recorded).toEqual([
      expect.objectContaining({
        indicatorId: first,
        pseudonym,
        publisherOrgId: kanto.id,
        reidentifiedByOrgId: nco.id,
        reason,
      }),
    ]);
  });

  it('Given a RED indicator named to another operator, When the office asks who published it, Then 404 as for an unknown id', async () => {
    const red = await bus.publish(kanto, {
      type: 'ipv4',
      value: '198.51.100.78',
      tlp: 'RED',
      audience: { orgs: [tokai.id] },
    });
    const reason = 'Coordinating the takedown of this address with the submitter';
    const hidden = await bus.post(`/v1/indicators/${red}/reidentify`, nco, { reason });
    const unknown = await bus.post(
      '/v1/indicators/00000000-0000-4000-8000-000000000000/reidentify',
      nco,
      { reason },
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect(JSON.stringify(hidden.body)).not.toContain(kanto.id);
  });
});
