import { randomUUID } from 'node:crypto';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(180_000);

/** The one body of every 404: it tells "does not exist" and "not yours" apart for nobody. */
const NOT_FOUND = { statusCode: 404, error: 'Not Found', message: 'not found' };

/**
 * A command on an aggregate that exists in the log is decided by the processor, never refused at
 * the gateway because a read model lags (issue 11). The projector is stopped for the first
 * scenario, so no read model can catch up at all: every answer there comes from the log.
 */
describe('commands right after a publish, whatever the read models', () => {
  let bus: BusUnderTest;
  beforeAll(async () => {
    bus = await BusUnderTest.start('nolag');
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('publish then revoke at once, many in parallel, with the projector stopped: every revoke is accepted', async () => {
    const kanto = bus.org((o) => o.kind === 'operator' && o.sector === 'electricity');
    // An operator outside the audience (the electricity sector) may not read these indicators.
    const tokai = bus.org((o) => o.kind === 'operator' && o.sector !== 'electricity');
    await bus.services.get('projector')?.stop();
    try {
      const pairs = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const published = await bus.post('/v1/indicators', kanto, {
            type: 'domain',
            value: `c2-${i}-${randomUUID().slice(0, 8)}.nolag.example`,
            tlp: 'AMBER',
            audience: { sectors: ['electricity'] },
            confidence: 50,
          });
          const id = String(published.body.id);
          // No wait: the revoke and the sighting follow the publish's answer immediately.
          const sighted = await bus.post(`/v1/indicators/${id}/sightings`, kanto, { count: 1 });
          const revoked = await bus.post(`/v1/indicators/${id}/revoke`, kanto, {
            reason: 'false positive',
          });
          // Someone who may not read it learns nothing, lag or no lag.
          const stranger = await bus.post(`/v1/indicators/${id}/revoke`, tokai, {
            reason: 'probe',
          });
          return { published, sighted, revoked, stranger };
        }),
      );
      for (const p of pairs) {
        expect(p.published.status).toBe(201);
        expect(p.sighted.status).toBe(201);
        expect(p.revoked).toMatchObject({ status: 200, body: { version: 3, duplicate: false } });
        expect(p.stranger).toMatchObject({ status: 404, body: NOT_FOUND });
      }
    } finally {
      bus.startService('projector');
    }
  });

  it('a stranger revoking, sighting or If-Matching a hidden indicator gets exactly the 404 of a random id', async () => {
    const [kanto, tokai] = bus.orgs.filter((o) => o.kind === 'operator') as [DemoOrg, DemoOrg];
    const hidden = await bus.publish(kanto, {
      type: 'email',
      value: 'ceo@hidden-nolag.example',
      tlp: 'RED',
      audience: { orgs: [kanto.id] },
    });
    const probe = async (id: string) => {
      const answers = [
        await bus.post(`/v1/indicators/${id}/revoke`, tokai, { reason: 'probe' }),
        await bus.post(
          `/v1/indicators/${id}/revoke`,
          tokai,
          { reason: 'probe' },
          { 'if-match': '"7"' },
        ),
        await bus.post(`/v1/indicators/${id}/sightings`, tokai, { count: 1 }),
      ];
      return answers.map((a) => ({
        status: a.status,
        body: a.body,
        contentType: a.headers.get('content-type'),
        length: a.headers.get('content-length'),
      }));
    };
    const ofHidden = await probe(hidden);
    const ofRandom = await probe(randomUUID());
    for (const a of ofHidden) expect(a).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(ofHidden).toEqual(ofRandom);
    // The publisher still revokes it, and the projection catches up.
    const ok = await bus.post(`/v1/indicators/${hidden}/revoke`, kanto, { reason: 'done' });
    expect(ok).toMatchObject({ status: 200, body: { version: 2 } });
    await waitFor(
      'revocation projected',
      async () => (await bus.get(`/v1/indicators/${hidden}`, kanto)).body.status === 'revoked',
      30_000,
      100,
    );
  });
});
