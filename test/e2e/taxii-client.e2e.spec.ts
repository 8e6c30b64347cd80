import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indicatorStixId } from '@acd/indicators';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { invalidResults, validateStix } from '../support/stix-validator';
import { taxiiClient, TaxiiClientError } from '../support/taxii-client';

jest.setTimeout(300_000);

type Json = Record<string, unknown>;

interface Discovery {
  api_roots: string[];
  api_root: {
    url: string;
    versions: string[];
    collections: {
      id: string;
      alias: string;
      can_read: boolean;
      can_write: boolean;
      url: string;
    }[];
  };
}
interface Paged {
  pages: number;
  page_sizes: number[];
  objects: Json[];
}

/**
 * The bus from the outside, through the OASIS TAXII 2.1 client (taxii2-client, unmodified) that
 * OpenCTI's and many SIEMs' connectors are built on: discovery, paging with `as_pages`, one object,
 * its versions, the manifest and add objects, with Basic and with Bearer. Every object the bus
 * serves is checked against the STIX 2.1 specification with the OASIS validator.
 */
describe('an off-the-shelf TAXII 2.1 client against the bus', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let bank: DemoOrg;
  let office: DemoOrg;
  let indicatorsUrl: string;
  let advisoriesUrl: string;
  const basic = (o: DemoOrg) => ['--user', o.id, '--password', o.token];
  const bearer = (o: DemoOrg) => ['--bearer', o.token];

  beforeAll(async () => {
    bus = await BusUnderTest.start('taxiiclient');
    kanto = bus.byId('op-kanto-electric');
    bank = bus.byId('op-minato-bank');
    office = bus.org((o) => o.kind === 'cabinet-office');
    const values = [
      { type: 'ipv4', value: '198.51.100.21' },
      { type: 'ipv6', value: '2001:db8::21' },
      { type: 'cidr', value: '198.51.100.0/28' },
      { type: 'domain', value: 'client.taxii.example' },
      { type: 'url', value: "http://client.taxii.example/a?q='x'" },
      { type: 'sha256', value: 'a'.repeat(64) },
      { type: 'md5', value: 'b'.repeat(32) },
      { type: 'email', value: 'phish@client.taxii.example' },
    ];
    for (const [k, v] of values.entries()) {
      await bus.publish(kanto, {
        ...v,
        tlp: k % 2 ? 'GREEN' : 'CLEAR',
        audience: {},
        confidence: 70,
        cves: ['CVE-2026-0001'],
        killChainPhases: [
          { killChainName: 'lockheed-martin-cyber-kill-chain', phaseName: 'delivery' },
        ],
      });
    }
    // One the bank may not read, and one revoked (a second version).
    await bus.publish(kanto, {
      type: 'domain',
      value: 'red.client.taxii.example',
      tlp: 'RED',
      audience: { orgs: ['gov-npa'] },
    });
    const revoked = await bus.publish(kanto, {
      type: 'domain',
      value: 'revoked.client.taxii.example',
      tlp: 'GREEN',
      audience: {},
    });
    expect(
      (await bus.post(`/v1/indicators/${revoked}/revoke`, kanto, { reason: 'stale' })).status,
    ).toBe(200);
    const adv = await bus.post('/v1/advisories', office, {
      title: 'Client advisory',
      summary: 'Read through a TAXII client.',
      severity: 'medium',
      tlp: 'GREEN',
      audience: { everyone: true },
      recommendedActions: ['Block the listed domains'],
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    expect(adv.status).toBe(201);

    const d = await taxiiClient<Discovery>([
      'discover',
      '--url',
      `${bus.base}/taxii2/`,
      ...basic(bank),
    ]);
    expect(d.api_roots).toEqual([`${bus.base}/taxii2/api/`]);
    expect(d.api_root.versions).toEqual(['application/taxii+json;version=2.1']);
    const byAlias = new Map(d.api_root.collections.map((c) => [c.alias, c]));
    indicatorsUrl = byAlias.get('indicators')!.url;
    advisoriesUrl = byAlias.get('advisories')!.url;
    expect(byAlias.get('indicators')).toMatchObject({ can_read: true, can_write: true });
    expect(byAlias.get('advisories')).toMatchObject({ can_read: true, can_write: false });
    // The STIX view is its own read model: wait until it holds everything the publisher made
    // (RED is for named recipients only: the office does not see the one named to the police).
    await waitFor(
      'the STIX view caught up',
      async () => {
        const r = await taxiiClient<Paged>([
          'page',
          '--url',
          indicatorsUrl,
          ...bearer(kanto),
          '--per-request',
          '100',
        ]);
        return r.objects.length >= values.length + 2 && r.objects.some((o) => o.revoked === true);
      },
      60_000,
      500,
    );
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('pages with as_pages, Basic and Bearer alike, exactly what REST shows the reader', async () => {
    const rest = await bus.get('/v1/indicators?limit=1000', bank);
    const expected = new Set((rest.body.items as Json[]).map((i) => indicatorStixId(String(i.id))));
    for (const auth of [basic(bank), bearer(bank)]) {
      const r = await taxiiClient<Paged>([
        'page',
        '--url',
        indicatorsUrl,
        ...auth,
        '--per-request',
        '3',
      ]);
      expect(r.page_sizes.every((n) => n <= 3)).toBe(true);
      expect(r.pages).toBeGreaterThan(2);
      const ids = r.objects.map((o) => String(o.id));
      expect(new Set(ids)).toEqual(expected);
      expect(ids).toHaveLength(expected.size);
      expect(JSON.stringify(r.objects)).not.toContain('red.client.taxii.example');
    }
    const typed = await taxiiClient<Paged>([
      'page',
      '--url',
      indicatorsUrl,
      ...bearer(bank),
      '--per-request',
      '2',
      '--type',
      'report',
    ]);
    expect(typed.objects).toEqual([]);
  });

  it('gets one object, its versions, and the manifest', async () => {
    const all = await taxiiClient<Paged>([
      'page',
      '--url',
      indicatorsUrl,
      ...bearer(bank),
      '--per-request',
      '50',
    ]);
    const revoked = all.objects.find((o) => o.revoked === true)!;
    const id = String(revoked.id);
    const versions = await taxiiClient<{ versions: string[] }>([
      'versions',
      '--url',
      indicatorsUrl,
      ...basic(bank),
      '--id',
      id,
    ]);
    expect(versions.versions).toHaveLength(2);
    const first = await taxiiClient<{ objects: Json[] }>([
      'get',
      '--url',
      indicatorsUrl,
      ...basic(bank),
      '--id',
      id,
      '--version',
      'first',
    ]);
    expect(first.objects[0]!.revoked).toBeUndefined();
    expect(first.objects[0]!.modified).toBe(versions.versions[0]);
    const manifest = await taxiiClient<Paged>([
      'manifest',
      '--url',
      indicatorsUrl,
      ...bearer(bank),
      '--per-request',
      '4',
    ]);
    expect(new Set(manifest.objects.map((m) => m.id))).toEqual(
      new Set(all.objects.map((o) => o.id)),
    );
    expect(
      manifest.objects.every((m) => m.media_type === 'application/stix+json;version=2.1'),
    ).toBe(true);
    // A hidden object is not there for the client either.
    const red = await taxiiClient<Paged>([
      'page',
      '--url',
      indicatorsUrl,
      ...bearer(kanto),
      '--per-request',
      '50',
    ]);
    const redId = String(red.objects.find((o) => String(o.pattern).includes('red.client'))!.id);
    await expect(
      taxiiClient(['get', '--url', indicatorsUrl, ...bearer(bank), '--id', redId]),
    ).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('adds a bundle and waits for its status: the indicator published, the refused object with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taxii-client-'));
    const file = join(dir, 'bundle.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
        objects: [
          {
            type: 'indicator',
            spec_version: '2.1',
            id: 'indicator--a1b2c3d4-0000-4000-8000-000000000001',
            created: '2026-12-01T00:00:00.000Z',
            modified: '2026-12-01T00:00:00.000Z',
            name: 'added by a TAXII client',
            pattern: "[url:value = 'http://added.client.taxii.example/x']",
            pattern_type: 'stix',
            valid_from: '2026-12-01T00:00:00.000Z',
            object_marking_refs: ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487'],
          },
          {
            type: 'indicator',
            spec_version: '2.1',
            id: 'indicator--a1b2c3d4-0000-4000-8000-000000000002',
            created: '2026-12-01T00:00:00.000Z',
            modified: '2026-12-01T00:00:00.000Z',
            pattern: "[process:name = 'evil.exe']",
            pattern_type: 'stix',
            valid_from: '2026-12-01T00:00:00.000Z',
            object_marking_refs: ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487'],
          },
        ],
      }),
    );
    const status = await taxiiClient<Json>([
      'add',
      '--url',
      indicatorsUrl,
      ...basic(bank),
      '--file',
      file,
    ]);
    expect(status).toMatchObject({
      status: 'complete',
      total_count: 2,
      success_count: 1,
      failure_count: 1,
    });
    const failure = (status.failures as Json[])[0]!;
    expect(failure.id).toBe('indicator--a1b2c3d4-0000-4000-8000-000000000002');
    expect(String(failure.message)).toMatch(/process/);
    await expect(
      taxiiClient(['add', '--url', advisoriesUrl, ...basic(bank), '--file', file]),
    ).rejects.toBeInstanceOf(TaxiiClientError);
    await waitFor(
      'the added indicator, read back by another organisation',
      async () =>
        (
          await taxiiClient<Paged>([
            'page',
            '--url',
            indicatorsUrl,
            ...bearer(kanto),
            '--per-request',
            '100',
          ])
        ).objects.some((o) => String(o.pattern).includes('added.client.taxii.example')),
      30_000,
      500,
    );
  });

  it('a wrong password is a 401 to the client', async () => {
    await expect(
      taxiiClient([
        'discover',
        '--url',
        `${bus.base}/taxii2/`,
        '--user',
        bank.id,
        '--password',
        'wrong',
      ]),
    ).rejects.toMatchObject({ httpStatus: 401 });
  });

  it('every object served, indicators and advisories, is valid STIX 2.1 by the OASIS validator', async () => {
    const objects: Json[] = [];
    for (const who of [office, kanto, bank]) {
      for (const url of [indicatorsUrl, advisoriesUrl]) {
        const r = await taxiiClient<Paged>([
          'page',
          '--url',
          url,
          ...bearer(who),
          '--per-request',
          '100',
        ]);
        objects.push(...r.objects);
      }
      // Older versions too.
      const all = await fetch(`${indicatorsUrl}objects/?match[version]=all&limit=1000`, {
        headers: {
          accept: 'application/taxii+json;version=2.1',
          authorization: `Bearer ${who.token}`,
        },
      });
      objects.push(...(((await all.json()) as { objects?: Json[] }).objects ?? []));
    }
    expect(objects.some((o) => o.type === 'report')).toBe(true);
    expect(objects.some((o) => o.type === 'course-of-action')).toBe(true);
    expect(objects.some((o) => o.revoked === true)).toBe(true);
    const results = await validateStix(objects);
    expect(invalidResults(objects, results)).toEqual([]);
  });
});
