import { indicatorStixId } from '@acd/indicators';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { streamUntil } from '../support/sse';

jest.setTimeout(300_000);

const TAXII = 'application/taxii+json;version=2.1';
const COLLECTION = '/taxii2/api/collections/indicators';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const RED_VALUE = '198.51.100.66';

type Json = Record<string, unknown>;

/**
 * TLP:RED means named recipients only, and the cabinet office is no exception (decision 0036):
 * the office supervises every sector and reads every incident report, but an operator's RED
 * indicator named to another operator is not the office's to read. The attacker here is the
 * office itself, asking for the indicator on every path the bus has; every answer must be the
 * answer for an indicator that does not exist (404, not 403, by id: decision 0019).
 */
describe('the cabinet office asks for an operator’s RED indicator named to another operator', () => {
  let bus: BusUnderTest;
  let publisher: DemoOrg;
  let recipient: DemoOrg;
  let office: DemoOrg;
  let police: DemoOrg;
  let red = '';
  let toOffice = '';
  let marker = '';
  let advisory = '';
  let officeVolumeBefore: Json = {};

  const volume = async (who: DemoOrg): Promise<Json> => {
    const res = await bus.get('/v1/aggregates/indicators?days=2', who);
    expect(res.status).toBe(200);
    return res.body as Json;
  };

  const taxii = async (path: string, who: DemoOrg) => {
    const res = await fetch(`${bus.base}${path}`, {
      headers: { accept: TAXII, authorization: `Bearer ${who.token}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, text };
  };

  beforeAll(async () => {
    // Heartbeats each second, so a replay can be read on for a while after what it waits for.
    bus = await BusUnderTest.start('redoffice', { ACD_STREAM_HEARTBEAT_MS: '1000' });
    const operators = bus.orgs.filter((o) => o.kind === 'operator');
    [publisher, recipient] = operators as [DemoOrg, DemoOrg];
    office = bus.org((o) => o.kind === 'cabinet-office');
    police = bus.org((o) => o.kind === 'police');
    officeVolumeBefore = await volume(office);

    red = await bus.publish(publisher, {
      type: 'ipv4',
      value: RED_VALUE,
      tlp: 'RED',
      audience: { orgs: [recipient.id] },
      description: 'RED for one operator',
    });
    // The same label naming the office: the office reads it, so the paths below are live.
    toOffice = await bus.publish(publisher, {
      type: 'ipv4',
      value: '198.51.100.67',
      tlp: 'RED',
      audience: { orgs: [recipient.id, office.id] },
    });
    marker = await bus.publish(publisher, { type: 'ipv4', value: '198.51.100.68', tlp: 'CLEAR' });
    const issued = await bus.post('/v1/advisories', police, {
      title: 'RED advisory for one operator',
      summary: 'Named to one operator only',
      severity: 'high',
      tlp: 'RED',
      audience: { orgs: [recipient.id] },
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(issued.status).toBe(201);
    advisory = String(issued.body.advisoryId);
    await waitFor(
      'the recipient reads the RED advisory and the STIX view of the RED indicator',
      async () =>
        (await bus.get(`/v1/advisories/${advisory}`, recipient)).status === 200 &&
        (await taxii(`${COLLECTION}/objects/${indicatorStixId(red)}/`, recipient)).status === 200 &&
        (await taxii(`${COLLECTION}/objects/${indicatorStixId(marker)}/`, office)).status === 200,
      60_000,
      250,
    );
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('Given the RED indicator, When the office gets it by id, Then 404 with the body of an unknown id', async () => {
    const hidden = await bus.get(`/v1/indicators/${red}`, office);
    const unknown = await bus.get(`/v1/indicators/${UNKNOWN}`, office);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect((await bus.get(`/v1/indicators/${toOffice}`, office)).status).toBe(200);
    expect((await bus.get(`/v1/indicators/${red}`, recipient)).status).toBe(200);
  });

  it('When the office lists, filters by label or by its value, Then it is in no answer', async () => {
    for (const query of ['limit=1000', 'tlp=RED&limit=1000', `type=ipv4&value=${RED_VALUE}`]) {
      const res = await bus.get(`/v1/indicators?${query}`, office);
      expect(res.status).toBe(200);
      const ids = (res.body.items ?? []).map((i) => String(i.id));
      expect(ids).not.toContain(red);
      expect(JSON.stringify(res.body)).not.toContain(RED_VALUE);
    }
    const reds = await bus.get('/v1/indicators?tlp=RED&limit=1000', office);
    expect((reds.body.items ?? []).map((i) => String(i.id))).toEqual([toOffice]);
  });

  it('When the office reads its counts, Then the RED indicator named to another never moved them', async () => {
    const byTlp = (v: Json): Record<string, number> =>
      Object.fromEntries(
        (v.byTlp as { tlp: string; count: number }[]).map((t) => [t.tlp, t.count]),
      );
    // Counted for the recipient (both RED ones), and the marker for the office: all is counted.
    await waitFor(
      'the three indicators counted',
      async () =>
        byTlp(await volume(recipient)).RED === 2 &&
        Number((await volume(office)).total) >= Number(officeVolumeBefore.total) + 2,
      60_000,
      250,
    );
    // What moved for the office is exactly the RED one naming it and the CLEAR marker.
    const after = await volume(office);
    expect(Number(after.total)).toBe(Number(officeVolumeBefore.total) + 2);
    expect(byTlp(after).RED ?? 0).toBe((byTlp(officeVolumeBefore).RED ?? 0) + 1);
  });

  it('When the office replays the live stream from the beginning, Then the RED indicator never arrives', async () => {
    // Partitions replay in no fixed order: read until both of the office's indicators came, then
    // on for three seconds more, time enough for anything else the log holds.
    let bothSince = 0;
    const sse = await streamUntil(bus, office, 'kinds=indicator&from=beginning', (events) => {
      const both = [marker, toOffice].every((id) => events.some((e) => e.id === id));
      if (both && bothSince === 0) bothSince = Date.now();
      return both && Date.now() - bothSince > 3_000;
    });
    const ids = sse.events.map((e) => e.id);
    expect(ids).toContain(marker);
    expect(ids).toContain(toOffice);
    expect(sse.raw).not.toContain(red);
    expect(sse.raw).not.toContain(RED_VALUE);
  });

  it('When the office asks TAXII by id, for versions, the manifest or a match, Then it is missing', async () => {
    const stix = indicatorStixId(red);
    const unknownStix = indicatorStixId(UNKNOWN);
    for (const suffix of ['/', '/versions/']) {
      const hidden = await taxii(`${COLLECTION}/objects/${stix}${suffix}`, office);
      const unknown = await taxii(`${COLLECTION}/objects/${unknownStix}${suffix}`, office);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toEqual(unknown.body);
    }
    for (const path of [
      `${COLLECTION}/objects/?limit=10000`,
      `${COLLECTION}/manifest/?limit=10000`,
      `${COLLECTION}/objects/?match[id]=${stix}`,
    ]) {
      const res = await taxii(path, office);
      expect(res.text).not.toContain(stix);
      expect(res.text).not.toContain(RED_VALUE);
    }
    expect(
      (await taxii(`${COLLECTION}/objects/${indicatorStixId(toOffice)}/`, office)).status,
    ).toBe(200);
  });

  it('Given a RED advisory of the police named to an operator, When the office asks for it, Then 404 and it is in no list', async () => {
    const hidden = await bus.get(`/v1/advisories/${advisory}`, office);
    const unknown = await bus.get(`/v1/advisories/${UNKNOWN}`, office);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    const listed = await bus.get('/v1/advisories?limit=1000', office);
    expect(JSON.stringify(listed.body)).not.toContain(advisory);
  });
});
