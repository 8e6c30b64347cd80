import { canRead, type Organisation } from '@acd/identity';
import { indicatorStixId } from '@acd/indicators';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(300_000);

const TAXII = 'application/taxii+json;version=2.1';
const COLLECTION = '/taxii2/api/collections/indicators';

type Json = Record<string, unknown>;

/**
 * The TAXII 2.1 server against the running bus: discovery and authentication (Basic and Bearer),
 * content negotiation, the TLP matrix over TAXII (what each organisation lists, fetches and finds
 * in the manifest is exactly what the policy allows), versions, narrowing, the cursor's
 * stability while objects are added, add objects with per-object failures, and the advisories
 * collection.
 */
describe('TAXII 2.1', () => {
  let bus: BusUnderTest;
  let a: DemoOrg;
  let b: DemoOrg;
  let police: DemoOrg;
  let office: DemoOrg;
  const published: { id: string; publisher: DemoOrg; body: Json }[] = [];

  const asOrg = (o: DemoOrg): Organisation =>
    ({
      id: o.id,
      name: o.name,
      kind: o.kind,
      ...(o.sector ? { sector: o.sector } : {}),
    }) as Organisation;

  async function taxii(
    path: string,
    who: DemoOrg | null,
    init: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      basic?: boolean;
    } = {},
  ) {
    const auth: Record<string, string> = !who
      ? {}
      : init.basic
        ? { authorization: `Basic ${Buffer.from(`${who.id}:${who.token}`).toString('base64')}` }
        : { authorization: `Bearer ${who.token}` };
    const res = await fetch(`${bus.base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: TAXII,
        ...auth,
        ...(init.body !== undefined ? { 'content-type': TAXII } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined
        ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
        : {}),
    });
    const text = await res.text();
    let body: Json = {};
    try {
      body = text ? (JSON.parse(text) as Json) : {};
    } catch {
      body = { text };
    }
    return { status: res.status, body, headers: res.headers };
  }

  /** Every object the viewer gets by paging the collection with `next`. */
  async function pageAll(who: DemoOrg, query: string, limit: number): Promise<Json[]> {
    const out: Json[] = [];
    let next: string | undefined;
    for (let pages = 0; pages < 1000; pages += 1) {
      const sep = query ? '&' : '';
      const r = await taxii(
        `${COLLECTION}/objects/?${query}${sep}limit=${limit}${next ? `&next=${next}` : ''}`,
        who,
      );
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('application/taxii+json');
      const objects = (r.body.objects as Json[] | undefined) ?? [];
      expect(objects.length).toBeLessThanOrEqual(limit);
      out.push(...objects);
      if (!r.body.more) return out;
      next = String(r.body.next);
    }
    throw new Error('paging did not end');
  }

  beforeAll(async () => {
    bus = await BusUnderTest.start('taxii', { ACD_TAXII_MAX_CONTENT: '64kb' });
    const operators = bus.orgs.filter((o) => o.kind === 'operator');
    [a, b] = operators as [DemoOrg, DemoOrg];
    if (!a.sector || !b.sector) throw new Error('need two operators with sectors');
    police = bus.org((o) => o.kind === 'police');
    office = bus.org((o) => o.kind === 'cabinet-office');
    let n = 0;
    const audiences = (tlp: string, publisher: DemoOrg) => {
      const other = publisher.id === a.id ? b : a;
      switch (tlp) {
        case 'CLEAR':
        case 'GREEN':
          return [{}, { sectors: [other.sector] }];
        case 'AMBER':
          return [{ sectors: [other.sector] }, { orgs: [police.id] }];
        default:
          // RED and AMBER+STRICT name their recipients, the office included: once named, once not.
          return [{ orgs: [other.id] }, { orgs: [police.id] }, { orgs: [other.id, office.id] }];
      }
    };
    for (const publisher of [a, b, police]) {
      for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']) {
        for (const audience of audiences(tlp, publisher)) {
          n += 1;
          const body = { type: 'ipv4', value: `203.0.113.${n}`, tlp, audience };
          published.push({ id: await bus.publish(publisher, body), publisher, body });
        }
      }
    }
    // The STIX view is its own read model: wait until each publisher has all of its own.
    await waitFor(
      'the STIX view of every published indicator',
      async () => {
        for (const publisher of [a, b, police]) {
          const seen = new Set((await pageAll(publisher, '', 1000)).map((o) => String(o.id)));
          const own = published.filter((p) => p.publisher.id === publisher.id);
          if (!own.every((p) => seen.has(indicatorStixId(p.id)))) return false;
        }
        return true;
      },
      60_000,
      250,
    );
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const expectedFor = (viewer: DemoOrg) =>
    new Set(
      published
        .filter((p) => {
          const audience = p.body.audience as { orgs?: string[]; sectors?: string[] };
          return canRead(asOrg(viewer), {
            publisherOrgId: p.publisher.id,
            tlp: p.body.tlp as never,
            audience: { orgs: audience.orgs ?? [], sectors: (audience.sectors ?? []) as never },
          });
        })
        .map((p) => indicatorStixId(p.id)),
    );

  it('discovery, the API root and the collections answer with Basic and with Bearer, and nobody without', async () => {
    for (const basic of [true, false]) {
      const d = await taxii('/taxii2/', a, { basic });
      expect(d.status).toBe(200);
      expect(d.headers.get('content-type')).toBe(TAXII);
      expect(d.body.api_roots).toEqual([`${bus.base}/taxii2/api/`]);
      const root = await taxii('/taxii2/api/', a, { basic });
      expect(root.body.versions).toEqual([TAXII]);
      expect(root.body.max_content_length).toBe(64 * 1024);
      const cols = await taxii('/taxii2/api/collections/', a, { basic });
      const list = cols.body.collections as Json[];
      expect(list.map((c) => c.alias).sort()).toEqual(['advisories', 'indicators']);
      const ind = list.find((c) => c.alias === 'indicators') as Json;
      expect(ind).toMatchObject({ can_read: true, can_write: true });
      expect((await taxii(`/taxii2/api/collections/${String(ind.id)}/`, a, { basic })).status).toBe(
        200,
      );
    }
    const none = await taxii('/taxii2/', null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
    expect(none.body).toMatchObject({ http_status: '401' });
    // A's token under B's name is no credential at all.
    const borrowed = await fetch(`${bus.base}/taxii2/api/collections/`, {
      headers: {
        accept: TAXII,
        authorization: `Basic ${Buffer.from(`${b.id}:${a.token}`).toString('base64')}`,
      },
    });
    expect(borrowed.status).toBe(401);
    // Collections answer nobody without credentials either.
    expect((await taxii(`${COLLECTION}/objects/`, null)).status).toBe(401);
    expect((await taxii(`${COLLECTION}/manifest/`, null)).status).toBe(401);
  });

  it('negotiates content as TAXII 2.1 says: 406, 415, 413', async () => {
    const json = await taxii('/taxii2/', a, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(406);
    expect(json.body).toMatchObject({ http_status: '406' });
    const v20 = await taxii('/taxii2/', a, {
      headers: { accept: 'application/taxii+json;version=2.0' },
    });
    expect(v20.status).toBe(406);
    expect(
      (await taxii('/taxii2/', a, { headers: { accept: 'application/taxii+json' } })).status,
    ).toBe(200);
    const wrongType = await taxii(`${COLLECTION}/objects/`, a, {
      method: 'POST',
      body: { objects: [] },
      headers: { 'content-type': 'application/json' },
    });
    expect(wrongType.status).toBe(415);
    const big = { objects: [{ type: 'note', id: 'x', content: 'x'.repeat(70 * 1024) }] };
    const tooLarge = await taxii(`${COLLECTION}/objects/`, a, { method: 'POST', body: big });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ http_status: '413' });
    // Off the map: TAXII errors too, never the framework's page.
    const unknown = await taxii('/taxii2/api/nothing/here/', a);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe(TAXII);
    const del = await taxii(
      `${COLLECTION}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f/`,
      a,
      {
        method: 'DELETE',
      },
    );
    expect(del.status).toBe(405);
    expect(del.body).toMatchObject({ http_status: '405' });
  });

  it('the TLP matrix over TAXII: each organisation lists, fetches and finds in the manifest exactly what the policy allows', async () => {
    for (const viewer of bus.orgs) {
      const expected = expectedFor(viewer);
      const ours = new Set(published.map((p) => indicatorStixId(p.id)));
      const listed = (await pageAll(viewer, '', 7))
        .map((o) => String(o.id))
        .filter((id) => ours.has(id));
      expect(new Set(listed)).toEqual(expected);
      expect(listed.length).toBe(expected.size); // nothing twice
      const manifest = await taxii(`${COLLECTION}/manifest/?limit=10000`, viewer);
      const inManifest = ((manifest.body.objects as Json[] | undefined) ?? [])
        .map((o) => String(o.id))
        .filter((id) => ours.has(id));
      expect(new Set(inManifest)).toEqual(expected);
      for (const id of ours) {
        const one = await taxii(`${COLLECTION}/objects/${id}/`, viewer);
        expect(one.status).toBe(expected.has(id) ? 200 : 404);
        const versions = await taxii(`${COLLECTION}/objects/${id}/versions/`, viewer);
        expect(versions.status).toBe(expected.has(id) ? 200 : 404);
        // The same answer to the same id, whether hidden or missing.
        if (!expected.has(id)) expect(one.body).toEqual(versions.body);
      }
      const filtered = await taxii(
        `${COLLECTION}/objects/?match[id]=${[...ours].join(',')}&limit=10000`,
        viewer,
      );
      const byId = ((filtered.body.objects as Json[] | undefined) ?? []).map((o) => String(o.id));
      expect(new Set(byId)).toEqual(expected);
    }
  });

  it('puts RED reads over TAXII on the audit record, by route', async () => {
    const commission = bus.org((o) => o.kind === 'oversight-commission');
    const red = published.find((p) => p.body.tlp === 'RED' && p.publisher.id !== police.id)!;
    const redStix = indicatorStixId(red.id);
    const audience = (red.body.audience as { orgs: string[] }).orgs[0]!;
    const reader = bus.byId(audience);
    expect((await taxii(`${COLLECTION}/objects/${redStix}/`, reader)).status).toBe(200);
    const entry = await waitFor(
      'the TAXII read in the audit log',
      async () => {
        const r = await bus.get('/v1/audit/entries?limit=1000', commission);
        const entries = (r.body.entries ?? []) as unknown as {
          entry: { eventType: string; orgId: string; payload: { route: string; items: Json[] } };
        }[];
        return entries.find(
          (e) =>
            e.entry.eventType === 'ReadRecorded' &&
            e.entry.orgId === reader.id &&
            e.entry.payload.route === 'GET /taxii2/api/collections/:id/objects/:objectId' &&
            e.entry.payload.items.some((i) => i.id === redStix),
        );
      },
      60_000,
      500,
    );
    expect(entry.entry.payload.items).toEqual([{ kind: 'indicator', id: redStix, tlp: 'RED' }]);
  });

  it('shows the publisher as REST does: a pseudonym identity to outsiders, never the name', async () => {
    const green = published.find((p) => p.publisher.id === a.id && p.body.tlp === 'GREEN')!;
    const stixId = indicatorStixId(green.id);
    const asB = await taxii(`${COLLECTION}/objects/${stixId}/`, b);
    const asA = await taxii(`${COLLECTION}/objects/${stixId}/`, a);
    const objB = (asB.body.objects as Json[])[0]!;
    const objA = (asA.body.objects as Json[])[0]!;
    expect(JSON.stringify(objB)).not.toContain(a.id);
    expect(objB.created_by_ref).not.toBe(objA.created_by_ref);
    expect(objB.object_marking_refs).toEqual([
      'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    ]);
  });

  it('keeps every version: an update and a revocation are later versions; first, last, all and a timestamp select them; a narrowed indicator disappears for those outside', async () => {
    const body = { type: 'domain', value: 'versions.taxii.example', tlp: 'GREEN', audience: {} };
    const id = await bus.publish(a, body);
    await bus.publish(a, { ...body, confidence: 90 });
    const revoke = await bus.post(`/v1/indicators/${id}/revoke`, a, { reason: 'false positive' });
    expect(revoke.status).toBe(200);
    const stixId = indicatorStixId(id);
    const versions = await waitFor(
      'three STIX versions',
      async () => {
        const r = await taxii(`${COLLECTION}/objects/${stixId}/versions/`, b);
        return r.status === 200 && (r.body.versions as string[]).length === 3
          ? (r.body.versions as string[])
          : null;
      },
      30_000,
      200,
    );
    expect([...versions].sort()).toEqual(versions);
    const get = async (match: string) =>
      ((await taxii(`${COLLECTION}/objects/${stixId}/?match[version]=${match}`, b)).body
        .objects as Json[]) ?? [];
    expect((await get('last')).map((o) => o.modified)).toEqual([versions[2]]);
    expect((await get('last'))[0]!.revoked).toBe(true);
    expect((await get('first')).map((o) => o.modified)).toEqual([versions[0]]);
    expect((await get('all')).map((o) => o.modified)).toEqual(versions);
    expect((await get(versions[1]!)).map((o) => o.confidence)).toEqual([90]);
    // In the collection, the default is the last version only; `all` lists each.
    const listed = await pageAll(b, `match[id]=${stixId}`, 10);
    expect(listed.map((o) => o.modified)).toEqual([versions[2]]);
    const all = await pageAll(b, `match[id]=${stixId}&match[version]=all`, 2);
    expect(all.map((o) => o.modified)).toEqual(versions);

    // Narrowed to police only: B no longer sees it, not even its older GREEN versions.
    const wide = { type: 'domain', value: 'narrowed.taxii.example', tlp: 'GREEN', audience: {} };
    const nid = await bus.publish(a, wide);
    const nStix = indicatorStixId(nid);
    await waitFor(
      'B sees the GREEN version',
      async () => (await taxii(`${COLLECTION}/objects/${nStix}/`, b)).status === 200,
      30_000,
      200,
    );
    await bus.publish(a, { ...wide, tlp: 'RED', audience: { orgs: [police.id] } });
    await waitFor(
      'the narrowed version reaches police',
      async () => {
        const r = await taxii(`${COLLECTION}/objects/${nStix}/`, police);
        return r.status === 200 && (r.body.objects as Json[])[0]!.object_marking_refs !== undefined
          ? JSON.stringify((r.body.objects as Json[])[0]).includes('e828b379')
          : false;
      },
      30_000,
      200,
    );
    expect((await taxii(`${COLLECTION}/objects/${nStix}/`, b)).status).toBe(404);
    expect((await taxii(`${COLLECTION}/objects/${nStix}/versions/`, b)).status).toBe(404);
    expect(await pageAll(b, `match[id]=${nStix}&match[version]=all`, 10)).toEqual([]);
    // Police could read both versions (the GREEN one was for everyone), and still can.
    const policeAll = await pageAll(police, `match[id]=${nStix}&match[version]=all`, 10);
    expect(policeAll).toHaveLength(2);
  });

  it('pages while objects are added: nothing skipped, nothing repeated; a bad or reused cursor is a 400', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    const readPage = async () => {
      const r = await taxii(`${COLLECTION}/objects/?limit=5${next ? `&next=${next}` : ''}`, a);
      expect(r.status).toBe(200);
      seen.push(...((r.body.objects as Json[] | undefined) ?? []).map((o) => String(o.id)));
      // `next` comes with every page that holds objects, the last one too: a client resumes
      // from it later and gets exactly what was added since.
      if (r.body.next) next = String(r.body.next);
      return r;
    };
    const added: string[] = [];
    let done = false;
    const publishing = (async () => {
      for (let i = 0; i < 40; i += 1) {
        const id = await bus.publish(b, {
          type: 'ipv4',
          value: `192.0.2.${i + 1}`,
          tlp: 'CLEAR',
          audience: {},
        });
        added.push(indicatorStixId(id));
      }
    })().finally(() => (done = true));
    // Page at 5 a time while the publisher adds 40, resting whenever caught up.
    while (!done) {
      const r = await readPage();
      if (!r.body.more) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await publishing;
    // Then on from the last cursor until every added indicator has arrived.
    await waitFor(
      'every added indicator paged',
      async () => {
        const r = await readPage();
        return !r.body.more && added.every((id) => seen.includes(id));
      },
      60_000,
      100,
    );
    for (const id of added) expect(seen.filter((s) => s === id)).toHaveLength(1);
    // Nothing A may read was skipped, and nothing came twice.
    const now = (await pageAll(a, '', 1000)).map((o) => String(o.id));
    expect(new Set(seen)).toEqual(new Set(now));
    expect(seen.length).toBe(new Set(seen).size);

    expect((await taxii(`${COLLECTION}/objects/?next=garbage!`, a)).status).toBe(400);
    expect((await taxii(`${COLLECTION}/objects/?next=eyJ2IjoxfQ`, a)).status).toBe(400);
    const first = await taxii(`${COLLECTION}/objects/?limit=2`, a);
    const cursor = String(first.body.next);
    expect((await taxii(`${COLLECTION}/objects/?limit=2&next=${cursor}`, a)).status).toBe(200);
    const reused = await taxii(
      `${COLLECTION}/objects/?limit=2&match[version]=all&next=${cursor}`,
      a,
    );
    expect(reused.status).toBe(400);
    expect(String(reused.body.description)).toContain('next');
  });

  it('dates added: headers name the first and last, and added_after is strictly after', async () => {
    const r = await taxii(`${COLLECTION}/objects/?limit=3`, a);
    const first = r.headers.get('x-taxii-date-added-first');
    const last = r.headers.get('x-taxii-date-added-last');
    expect(first).toMatch(/Z$/);
    expect(last).toMatch(/Z$/);
    const ids = (r.body.objects as Json[]).map((o) => o.id);
    const after = await taxii(`${COLLECTION}/manifest/?added_after=${last}&limit=10000`, a);
    const rows = (after.body.objects as Json[] | undefined) ?? [];
    for (const row of rows)
      expect(Date.parse(String(row.date_added))).toBeGreaterThan(Date.parse(last!));
    expect(rows.map((row) => row.id)).not.toContain(ids[ids.length - 1]);
    expect((await taxii(`${COLLECTION}/objects/?added_after=yesterday`, a)).status).toBe(400);
  });

  it('adds objects: each indicator published, each other object refused with its reason; the status is the caller’s alone', async () => {
    const envelope = {
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
          created: '2026-12-01T00:00:00.000Z',
          modified: '2026-12-01T00:00:00.000Z',
          pattern: "[domain-name:value = 'added.taxii.example']",
          pattern_type: 'stix',
          valid_from: '2026-12-01T00:00:00.000Z',
          object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
        },
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--0f3f4b4e-4bd5-4a35-8f0f-0d1c3b5a6c7d',
          created: '2026-12-01T00:00:00.000Z',
          modified: '2026-12-01T00:00:00.000Z',
          pattern: "[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value = '198.51.100.8']",
          pattern_type: 'stix',
          valid_from: '2026-12-01T00:00:00.000Z',
          object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
        },
        {
          type: 'identity',
          spec_version: '2.1',
          id: 'identity--d3c1e1f6-8f0a-4d5e-9b8f-2c6a1d0e9f7b',
          created: '2026-12-01T00:00:00.000Z',
          modified: '2026-12-01T00:00:00.000Z',
          name: 'Someone',
          identity_class: 'organization',
        },
      ],
    };
    const r = await taxii(`${COLLECTION}/objects/`, a, {
      method: 'POST',
      body: envelope,
      basic: true,
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('content-type')).toBe(TAXII);
    expect(r.body).toMatchObject({
      status: 'complete',
      total_count: 3,
      success_count: 1,
      failure_count: 2,
      pending_count: 0,
    });
    const failures = r.body.failures as { id: string; message: string }[];
    expect(failures.find((f) => f.id.startsWith('indicator--0f3f'))?.message).toMatch(/OR|one/i);
    expect(failures.find((f) => f.id.startsWith('identity--'))?.message).toMatch(/identity/);
    const statusId = String(r.body.id);
    expect((await taxii(`/taxii2/api/status/${statusId}/`, a)).body).toEqual(r.body);
    expect((await taxii(`/taxii2/api/status/${statusId}`, a)).status).toBe(200);
    // Another organisation: the status does not exist for it.
    expect((await taxii(`/taxii2/api/status/${statusId}/`, b)).status).toBe(404);
    // Sent again: nothing published twice, the same outcome.
    const again = await taxii(`${COLLECTION}/objects/`, a, { method: 'POST', body: envelope });
    expect(again.body).toMatchObject({ success_count: 1, failure_count: 2 });
    // The added indicator is readable over TAXII by others (GREEN, no audience).
    await waitFor(
      'the added indicator over TAXII',
      async () =>
        (await pageAll(b, '', 1000)).some((o) => String(o.pattern).includes('added.taxii.example')),
      30_000,
      250,
    );
    // The advisories collection is read-only.
    const ro = await taxii('/taxii2/api/collections/advisories/objects/', a, {
      method: 'POST',
      body: envelope,
    });
    expect(ro.status).toBe(403);
  });

  it('serves advisories as reports with courses of action, to their audience only', async () => {
    const res = await bus.post('/v1/advisories', office, {
      title: 'TAXII advisory',
      summary: 'Over TAXII to one sector.',
      severity: 'high',
      tlp: 'GREEN',
      audience: { sectors: [a.sector] },
      recommendedActions: ['Patch', 'Rotate credentials'],
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    expect(res.status).toBe(201);
    const advisories = '/taxii2/api/collections/advisories/objects/?limit=100';
    const objects = await waitFor(
      'the advisory over TAXII',
      async () => {
        const r = await taxii(advisories, a);
        const objs = (r.body.objects as Json[] | undefined) ?? [];
        return objs.some((o) => o.name === 'TAXII advisory') ? objs : null;
      },
      30_000,
      250,
    );
    const report = objects.find((o) => o.name === 'TAXII advisory')!;
    expect(report.type).toBe('report');
    const actions = objects.filter((o) => (report.object_refs as string[]).includes(String(o.id)));
    expect(actions.map((o) => o.type)).toEqual(['course-of-action', 'course-of-action']);
    expect(
      (await taxii(`/taxii2/api/collections/advisories/objects/${String(report.id)}/`, a)).status,
    ).toBe(200);
    // Outside the sector: not listed, not found.
    const outsider = bus.orgs.find((o) => o.kind === 'operator' && o.sector !== a.sector)!;
    const theirs = (await taxii(advisories, outsider)).body.objects as Json[] | undefined;
    expect((theirs ?? []).some((o) => o.name === 'TAXII advisory')).toBe(false);
    expect(
      (await taxii(`/taxii2/api/collections/advisories/objects/${String(report.id)}/`, outsider))
        .status,
    ).toBe(404);
  });

  it('after a rebuild of the STIX view, an older cursor is a 400 that says so, and paging again gives the same objects', async () => {
    const before = (await pageAll(a, '', 1000)).map((o) => `${String(o.id)}@${String(o.modified)}`);
    const first = await taxii(`${COLLECTION}/objects/?limit=3`, a);
    const cursor = String(first.body.next);
    await bus.runApp('dist/apps/projector/src/main.js', ['rebuild', 'stix-indicators']);
    const stale = await taxii(`${COLLECTION}/objects/?limit=3&next=${cursor}`, a);
    expect(stale.status).toBe(400);
    expect(String(stale.body.description)).toMatch(/rebuilt/);
    const after = (await pageAll(a, '', 1000)).map((o) => `${String(o.id)}@${String(o.modified)}`);
    expect(new Set(after)).toEqual(new Set(before));
  });
});
