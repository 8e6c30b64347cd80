import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { AuditSigningKey } from '@acd/audit';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { runCli } from '../support/cli';

jest.setTimeout(300_000);

interface ReadRow {
  index: number;
  orgId: string;
  actor: string | null;
  route: string | null;
  kind: string | null;
  verified: boolean;
  problem?: string;
}

/**
 * Issue 15, part 5: every read of confidential data is on record by person. Each test is the
 * request sequence of someone trying to get around it: the organisation's own token, a member
 * token kept after revocation, another organisation's revocation, a forged member of the
 * commission; and the investigator's question, "who read this item?", answered from the store
 * and checked against the signed log.
 */
describe('personal tokens and the read trail', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let kantoOwn: DemoOrg;
  let tokaiOwn: DemoOrg;
  let nco: DemoOrg;
  let npaOwn: DemoOrg;
  let commission: DemoOrg;
  let commissionOwn: DemoOrg;
  let keyFile: string;
  let incidentId: string;

  const own = (o: DemoOrg): DemoOrg => {
    if (!o.adminToken) throw new Error(`${o.id} has no own token in the demo file`);
    return { ...o, token: o.adminToken };
  };
  const as = (o: DemoOrg, token: string): DemoOrg => ({ ...o, token });

  const readsOf = async (item: string): Promise<ReadRow[]> => {
    const res = await bus.get(`/v1/audit/reads?item=${encodeURIComponent(item)}`, commission);
    expect(res.status).toBe(200);
    return (res.body as unknown as { reads: ReadRow[] }).reads;
  };

  const issue = async (by: DemoOrg, member: string) => {
    const res = await bus.post(`/v1/organisation/members/${member}/tokens`, by);
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res.body as { memberId: string; tokenId: string; token: string; active: boolean };
  };

  beforeAll(async () => {
    bus = await BusUnderTest.start('ptk');
    kanto = bus.byId('op-kanto-electric');
    kantoOwn = own(kanto);
    tokaiOwn = own(bus.byId('op-tokai-rail'));
    nco = bus.byId('gov-nco');
    npaOwn = own(bus.org((o) => o.kind === 'police'));
    commission = bus.org((o) => o.kind === 'oversight-commission');
    commissionOwn = own(commission);
    keyFile = join(bus.logDir, 'audit-public.pem');
    writeFileSync(keyFile, AuditSigningKey.parse(bus.env.ACD_AUDIT_SIGNING_KEY!).publicKeyPem());
    const opened = await bus.post('/v1/incidents', kanto, {
      title: 'Intrusion at the Kanto control centre',
      awareAt: new Date().toISOString(),
      impact: 'high',
    });
    expect(opened.status).toBe(201);
    incidentId = String(opened.body.incidentId);
    await waitFor(
      'incident projected',
      async () => (await bus.get(`/v1/incidents/${incidentId}`, kanto)).status === 200,
      60_000,
    );
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('Given only the organisation’s own token, when it reads any confidential data, then 403 asks for a personal token and nothing is read', async () => {
    for (const [who, path] of [
      [kantoOwn, '/v1/incidents'],
      [kantoOwn, `/v1/incidents/${incidentId}`],
      [kantoOwn, '/v1/assets'],
      [kantoOwn, `/v1/compliance/${kanto.id}`],
      [own(nco), '/v1/compliance/board'],
      [npaOwn, '/v1/oversight/requests'],
      [commissionOwn, '/v1/oversight/board'],
      [commissionOwn, '/v1/audit/head'],
      [kantoOwn, '/v1/stream'],
    ] as const) {
      const res = await bus.get(path, who);
      expect({ path, status: res.status, code: res.body?.code }).toEqual({
        path,
        status: 403,
        code: 'personal-token-required',
      });
    }
    // Not an incident-shaped oracle either: a made-up id answers the same.
    const ghost = await bus.get('/v1/incidents/00000000-0000-4000-8000-000000000000', kantoOwn);
    expect(ghost.status).toBe(403);
    // Acts the audit log records need a person too.
    const vote = await bus.post('/v1/oversight/requests/x/votes', commissionOwn, {
      decision: 'APPROVE',
    });
    expect(vote.status).toBe(403);
    // What is not confidential still answers the organisation's own token.
    expect((await bus.get('/v1/whoami', kantoOwn)).body).toMatchObject({ member: null });
  });

  it('Given a member token the organisation issued, when the member reads the incident, then the read is on the audit log naming the member and the ids returned, checked against the log', async () => {
    const analyst = await issue(kantoOwn, 'analyst-1');
    expect(analyst).toMatchObject({ memberId: 'analyst-1', active: true });
    expect(analyst.token).toMatch(/^acd_/);
    const member = as(kanto, analyst.token);
    expect((await bus.get('/v1/whoami', member)).body).toMatchObject({ member: 'analyst-1' });

    expect((await bus.get(`/v1/incidents/${incidentId}`, member)).status).toBe(200);
    // The office reads every incident report: a list, recorded with the ids it returned.
    const list = await bus.get('/v1/incidents?limit=100', nco);
    expect(list.status).toBe(200);
    const listed = list.body.items?.map((i) => i.id);
    expect(listed).toContain(incidentId);

    let reads: ReadRow[] = [];
    await waitFor(
      'both reads in the audit store',
      async () => {
        reads = await readsOf(incidentId);
        return (
          reads.some((r) => r.actor === 'analyst-1') &&
          reads.some((r) => r.orgId === nco.id && r.route === 'GET /v1/incidents')
        );
      },
      60_000,
    );
    expect(reads.find((r) => r.actor === 'analyst-1')).toMatchObject({
      orgId: kanto.id,
      route: 'GET /v1/incidents/:id',
      kind: 'incident',
      verified: true,
    });
    expect(reads.find((r) => r.orgId === nco.id)).toMatchObject({
      actor: 'duty-officer',
      verified: true,
    });
    // Every read names a person.
    expect(reads.every((r) => typeof r.actor === 'string' && r.actor.length > 0)).toBe(true);
  });

  it('Given a member token, when the organisation revokes it, then it is refused at once, and the list shows when and by whom', async () => {
    const temp = await issue(kantoOwn, 'contractor-7');
    const member = as(kanto, temp.token);
    expect((await bus.get('/v1/incidents', member)).status).toBe(200);

    // A personal token cannot manage members, not even revoke itself.
    const self = await bus.request('DELETE', `/v1/organisation/tokens/${temp.tokenId}`, member);
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('organisation-token-required');

    const revoked = await bus.request(
      'DELETE',
      `/v1/organisation/tokens/${temp.tokenId}`,
      kantoOwn,
    );
    expect(revoked.status).toBe(204);
    // This gateway forgot it at once: no window for the revoked token here.
    expect((await bus.get('/v1/incidents', member)).status).toBe(401);
    const listed = await bus.get('/v1/organisation/members', kantoOwn);
    const row = (listed.body.tokens as { tokenId: string; revokedAt: string | null }[]).find(
      (t) => t.tokenId === temp.tokenId,
    );
    expect(row).toMatchObject({ revokedAt: expect.any(String), revokedBy: 'organisation' });
    // No hash, no token in the listing.
    expect(JSON.stringify(listed.body)).not.toContain(temp.token);
    expect(JSON.stringify(listed.body)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('Given another organisation’s token id, when an attacker revokes it, then 404 and the token keeps working', async () => {
    const victim = await issue(kantoOwn, 'engineer-2');
    const attack = await bus.request(
      'DELETE',
      `/v1/organisation/tokens/${victim.tokenId}`,
      tokaiOwn,
    );
    expect(attack.status).toBe(404);
    // ... even once the attacker's revocation has reached every read model.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await bus.get('/v1/incidents', as(kanto, victim.token))).status).toBe(200);
    // ... and the rightful revocation still takes effect afterwards.
    const mine = await bus.request('DELETE', `/v1/organisation/tokens/${victim.tokenId}`, kantoOwn);
    expect(mine.status).toBe(204);
    expect((await bus.get('/v1/incidents', as(kanto, victim.token))).status).toBe(401);
  });

  it('Given malformed input, when a token is issued or revoked, then 400 names the field', async () => {
    const badMember = await bus.post('/v1/organisation/members/Bad%20Name/tokens', kantoOwn);
    expect(badMember.status).toBe(400);
    const badId = await bus.request('DELETE', '/v1/organisation/tokens/not-a-uuid', kantoOwn);
    expect(badId.status).toBe(400);
  });

  it('Given the commission’s own token, when it mints a token for a voting member, then 403: nobody votes as a member but the member', async () => {
    const member = commission.members?.[0]?.id;
    expect(member).toBeDefined();
    const forged = await bus.post(`/v1/organisation/members/${member}/tokens`, commissionOwn);
    expect(forged.status).toBe(403);
    // Its secretariat may have personal tokens, which read but cannot vote.
    const clerk = await issue(commissionOwn, 'secretariat-2');
    expect((await bus.get('/v1/oversight/board', as(commission, clerk.token))).status).toBe(200);
  });

  it('Given a RED indicator, when the organisation’s own token reads it, then 403; the member’s read is on record by name', async () => {
    const redId = await bus.publish(kanto, {
      type: 'ipv4',
      value: '203.0.113.77',
      tlp: 'RED',
      audience: { orgs: ['op-tokai-rail'] },
    });
    expect((await bus.get(`/v1/indicators/${redId}`, kantoOwn)).status).toBe(403);
    await waitFor(
      'RED read recorded with its reader',
      async () => (await readsOf(redId)).some((r) => r.actor === 'duty-officer'),
      60_000,
    );
  });

  it('Given a member acting, when the act is one the audit log records, then its entry names the member', async () => {
    const telecom = bus.org((o) => o.kind === 'telecom');
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const res = await bus.post('/v1/oversight/collection-requests', nco, {
      telecomId: telecom.id,
      categories: ['addresses'],
      validFrom: at(0),
      validUntil: at(7 * 86_400_000),
      justification: 'Botnet traffic transiting Japan',
    });
    expect(res.status).toBe(201);
    const requestId = String(res.body.requestId);
    let entry: { v?: number; actor?: string; orgId: string } | undefined;
    await waitFor(
      'the request on the audit log',
      async () => {
        const page = await bus.get('/v1/audit/entries?limit=1000', commission);
        const found = (
          page.body.entries as { entry: { aggregateId: string; eventType: string } }[]
        ).find(
          (e) =>
            e.entry.aggregateId === requestId &&
            e.entry.eventType === 'CollectionAuthorisationRequested',
        );
        entry = found?.entry as typeof entry;
        return entry !== undefined;
      },
      60_000,
    );
    expect(entry).toMatchObject({ orgId: nco.id, actor: 'duty-officer' });
  });

  it('Given who read an item, when anyone but the commission asks, then 404; the CLI answers the commission and names an altered entry', async () => {
    expect((await bus.get(`/v1/audit/reads?item=${incidentId}`, nco)).status).toBe(404);
    expect((await bus.get('/v1/audit/reads', commission)).status).toBe(400);

    const env = { ...bus.env, ACD_URL: bus.base, ACD_TOKEN: commission.token };
    const ok = await runCli(['audit', 'who-read', incidentId, '--public-key', keyFile], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('analyst-1');
    expect(ok.out).toContain('verified');
    const json = await runCli(
      ['audit', 'who-read', incidentId, '--public-key', keyFile, '--json'],
      env,
    );
    const answer = JSON.parse(json.out) as { reads: ReadRow[] };
    const analystRead = answer.reads.find((r) => r.actor === 'analyst-1');
    expect(analystRead).toBeDefined();

    // An administrator rewrites who read it in the store: the CLI names that entry.
    const mongo = await MongoClient.connect(bus.env.MONGODB_URI!);
    try {
      const db = mongo.db();
      await db
        .collection<{ _id: number }>('audit_entries')
        .updateOne({ _id: analystRead!.index }, { $set: { actor: 'someone-else' } });
      const tampered = await runCli(
        ['audit', 'who-read', incidentId, '--public-key', keyFile],
        env,
      );
      expect(tampered.code).toBe(1);
      expect(tampered.out).toContain(`entry ${analystRead!.index}`);
      expect(tampered.out).toContain('FAILED');
    } finally {
      await mongo.close();
    }
  });
});
