import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { runAcd as acd } from '../support/cli';

jest.setTimeout(600_000);

type Kind = 'good' | 'type' | 'value' | 'audience' | 'tlp' | '(row)';

/** A 10,000-row CSV: mostly good rows of several types, and 3% bad rows of five kinds. */
function indicatorCsv(rows: number): {
  csv: string;
  expected: { line: number; kind: Kind; key?: string }[];
} {
  const header =
    'type,value,tlp,audience_orgs,audience_sectors,confidence,valid_from,valid_until,description,cves';
  const lines = [header];
  const expected: { line: number; kind: Kind; key?: string }[] = [];
  const bad: Kind[] = ['type', 'value', 'audience', 'tlp', '(row)'];
  let badRows = 0;
  for (let i = 0; i < rows; i++) {
    const line = i + 2;
    const a = (i >> 16) & 255;
    const b = (i >> 8) & 255;
    const c = i & 255;
    if (i % 33 === 16 && badRows < rows * 0.03) {
      badRows++;
      const kind = bad[Math.floor(i / 33) % bad.length]!;
      expected.push({ line, kind });
      switch (kind) {
        case 'type':
          lines.push(`bitcoin,1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV${i},GREEN,,,,,,,`);
          break;
        case 'value':
          lines.push(`ipv4,300.${b}.${c}.1,GREEN,,,,,,,`);
          break;
        case 'audience':
          lines.push(`ipv4,172.16.${b}.${c},AMBER,,,70,,,no audience,`);
          break;
        case 'tlp':
          lines.push(`domain,purple${i}.example,PURPLE,,,,,,,`);
          break;
        default:
          lines.push(
            i % 2 === 0
              ? `domain,bro"ken${i}.example,GREEN,,,,,,,`
              : `ipv4,198.18.${b}.${c},GREEN,,,,,,,,too,many`,
          );
      }
      continue;
    }
    switch (i % 4) {
      case 0:
        lines.push(`ipv4,10.${a}.${b}.${c},GREEN,,,${i % 101},,,,`);
        expected.push({ line, kind: 'good', key: `ipv4:10.${a}.${b}.${c}` });
        break;
      case 1:
        lines.push(
          `domain,Host${i}.Example.ORG,AMBER,,electricity;finance,80,2026-01-01T00:00:00+09:00,,"seen in ""phishing"", wave ${i}",CVE-2024-3400`,
        );
        expected.push({ line, kind: 'good', key: `domain:host${i}.example.org` });
        break;
      case 2: {
        const hash = createHash('sha256').update(`row ${i}`).digest('hex');
        lines.push(`sha256,${hash.toUpperCase()},CLEAR,,,,,,,`);
        expected.push({ line, kind: 'good', key: `sha256:${hash}` });
        break;
      }
      default:
        lines.push(`url,https://bad.example/${i}/login,GREEN,,,55,,,,CVE-2023-1234;CVE-2021-44228`);
        expected.push({ line, kind: 'good', key: `url:https://bad.example/${i}/login` });
    }
  }
  return { csv: lines.join('\n') + '\n', expected };
}

interface Summary {
  rows: number;
  accepted: number;
  new: number;
  updatedOrUnchanged: number;
  duplicate: number;
  refused: number;
  refusedRows: { line: number; field: string; reason: string }[];
}

describe('acd command line against the running bus', () => {
  let bus: BusUnderTest;
  let op: DemoOrg;
  let env: NodeJS.ProcessEnv;
  const dir = mkdtempSync(join(tmpdir(), 'acd-cli-'));

  beforeAll(async () => {
    bus = await BusUnderTest.start('cli', { ACD_COMMAND_TIMEOUT_MS: '60000' });
    op = bus.org((o) => o.kind === 'operator');
    env = { ...process.env, ACD_URL: bus.base, ACD_TOKEN: op.token };
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('publishes a 10,000-row CSV with bad rows: the good ones land, the bad ones are refused with reasons, a re-run publishes nothing twice', async () => {
    const { csv, expected } = indicatorCsv(10_000);
    const file = join(dir, 'iocs.csv');
    writeFileSync(file, csv);
    const good = expected.filter((e) => e.kind === 'good');
    const bad = expected.filter((e) => e.kind !== 'good');
    expect(bad.length).toBe(300);

    const first = await acd(['indicators', 'publish', file, '--json'], env);
    console.log(`acd indicators publish: 10,000 rows in ${first.ms} ms (exit ${first.code})`);
    expect(first.err).not.toContain(op.token);
    expect(first.code).toBe(1);
    const s1 = JSON.parse(first.out) as Summary;
    expect(s1).toMatchObject({
      rows: 10_000,
      accepted: good.length,
      new: good.length,
      duplicate: 0,
      refused: bad.length,
    });
    expect(s1.refusedRows.map((r) => [r.line, r.field])).toEqual(bad.map((b) => [b.line, b.kind]));
    expect(s1.refusedRows.every((r) => r.reason.length > 0)).toBe(true);

    // The human summary names line, field and reason; progress goes to stderr.
    const human = await acd(['indicators', 'publish', file, '--max-errors-shown', '3'], env);
    console.log(`acd indicators publish again (all duplicates): ${human.ms} ms`);
    expect(human.code).toBe(1);
    expect(human.out).toMatch(
      /10000 rows in .*: 9700 accepted \(0 new, 0 updated or unchanged, 9700 already published by an earlier run\), 300 refused/,
    );
    expect(human.out).toContain('refused rows (first 3 of 300');
    expect(human.out).toMatch(/line 18: type: /);
    expect(human.err).toContain('publishing 10000 rows');

    // The publisher lists exactly the good rows, once the read side has caught up (the last
    // good rows of each type are readable; then the whole list is compared).
    const last = good.slice(-8);
    await waitFor(
      'the last good rows projected',
      async () => {
        for (const g of last) {
          const [type, ...rest] = g.key!.split(':');
          // A page may come back short (each call walks the change feed for a bounded time):
          // follow the cursor, as the API documents.
          let found = 0;
          let next: string | null = null;
          do {
            const q = new URLSearchParams({
              type: type!,
              value: rest.join(':'),
              ...(next ? { next } : {}),
            });
            const r = await bus.get(`/v1/indicators?${q}`, op);
            found += r.body.items?.length ?? 0;
            next = typeof r.body.next === 'string' ? r.body.next : null;
          } while (next);
          if (found !== 1) return false;
        }
        return true;
      },
      240_000,
      1000,
    );
    const listed = await waitFor(
      'every good row projected',
      async () => {
        const r = await acd(['indicators', 'list', '--all', '--json'], env);
        expect(r.code).toBe(0);
        const items = (JSON.parse(r.out) as { items: { type: string; value: string }[] }).items;
        return items.length >= good.length ? items : null;
      },
      240_000,
      2000,
    );
    expect(new Set(listed.map((i) => `${i.type}:${i.value}`))).toEqual(
      new Set(good.map((g) => g.key)),
    );
    expect(listed).toHaveLength(good.length);

    // Re-running the same file creates nothing new: every good row is a duplicate.
    const again = await acd(['indicators', 'publish', file, '--json'], env);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({
      accepted: good.length,
      new: 0,
      updatedOrUnchanged: 0,
      duplicate: good.length,
      refused: bad.length,
    });

    // A file of only good rows exits 0.
    const clean = join(dir, 'clean.jsonl');
    writeFileSync(
      clean,
      [
        { type: 'ipv4', value: '198.51.100.7', tlp: 'GREEN' },
        {
          type: 'email',
          value: 'ceo@phish.example',
          tlp: 'AMBER',
          audience: { sectors: ['finance'] },
        },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const ok = await acd(['indicators', 'publish', clean], env);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain('2 accepted (2 new');
  });

  it('publishes a STIX 2.1 bundle: its indicator lands, what the bus cannot hold is refused with the reason', async () => {
    const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
    const file = join(dir, 'feed.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--6a3b1f7c-2b0e-4c55-8d4e-3f2a1b0c9d8e',
        objects: [
          {
            type: 'indicator',
            spec_version: '2.1',
            id: 'indicator--7a3b1f7c-2b0e-4c55-8d4e-3f2a1b0c9d8e',
            pattern_type: 'stix',
            pattern: "[domain-name:value = 'stix-feed.example']",
            valid_from: '2026-12-01T00:00:00Z',
            confidence: 80,
            object_marking_refs: [green],
          },
          {
            type: 'indicator',
            spec_version: '2.1',
            id: 'indicator--8a3b1f7c-2b0e-4c55-8d4e-3f2a1b0c9d8e',
            pattern_type: 'stix',
            pattern: "[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value = '198.51.100.8']",
            valid_from: '2026-12-01T00:00:00Z',
            object_marking_refs: [green],
          },
        ],
      }),
    );
    const r = await acd(['indicators', 'publish', file, '--json'], env);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out) as Summary;
    expect(s).toMatchObject({ rows: 2, accepted: 1, refused: 1 });
    expect(s.refusedRows).toEqual([
      {
        line: 2,
        field: 'indicator--8a3b1f7c-2b0e-4c55-8d4e-3f2a1b0c9d8e',
        reason: expect.stringMatching(/single comparison/),
      },
    ]);
    const listed = await acd(['indicators', 'list', '--type', 'domain', '--all', '--json'], env);
    const page = JSON.parse(listed.out) as { items: { value: string; tlp: string }[] };
    expect(page.items).toContainEqual(
      expect.objectContaining({ value: 'stix-feed.example', tlp: 'GREEN' }),
    );
  });

  it('lists with filters as JSON or a table', async () => {
    await bus.publish(op, { type: 'md5', value: 'D41D8CD98F00B204E9800998ECF8427E', tlp: 'GREEN' });
    const json = await acd(['indicators', 'list', '--type', 'md5', '--all', '--json'], env);
    expect(json.code).toBe(0);
    const page = JSON.parse(json.out) as { items: { value: string }[]; next: string | null };
    expect(page.items.map((i) => i.value)).toEqual(['d41d8cd98f00b204e9800998ecf8427e']);
    const table = await acd(['indicators', 'list', '--type', 'md5', '--all'], env);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+TYPE\s+TLP/);
    expect(table.out).toContain('d41d8cd98f00b204e9800998ecf8427e');
    const refused = await acd(['indicators', 'list', '--type', 'bitcoin'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('type');
  });

  it('opens an incident and files its reports; a report out of order exits 1', async () => {
    const incidentFile = join(dir, 'incident.json');
    writeFileSync(
      incidentFile,
      JSON.stringify({
        title: 'Ransomware on billing servers',
        awareAt: new Date(Date.now() - 60_000).toISOString(),
        impact: 'high',
      }),
    );
    const opened = await acd(['incidents', 'open', '--file', incidentFile], env);
    expect(opened.code).toBe(0);
    const incidentId = opened.out.trim();
    expect(incidentId).toMatch(/^[0-9a-f-]{36}$/);
    const filed = await acd(
      [
        'incidents',
        'report',
        incidentId,
        '--stage',
        'EARLY_WARNING',
        '--summary',
        'encrypted hosts',
        '--impact',
        'high',
      ],
      env,
    );
    expect(filed.code).toBe(0);
    expect(filed.out).toMatch(/EARLY_WARNING report [0-9a-f-]{36} filed/);
    const twice = await acd(
      ['incidents', 'report', incidentId, '--stage', 'EARLY_WARNING', '--summary', 'again'],
      env,
    );
    expect(twice.code).toBe(1);
    expect(twice.err.length).toBeGreaterThan(0);
    const badStage = await acd(
      ['incidents', 'report', incidentId, '--stage', 'SOMETIME', '--summary', 'x'],
      env,
    );
    expect(badStage.code).toBe(1);
    expect(badStage.err).toContain('stage');
  });

  it('acknowledges an advisory; again changes nothing; an unknown one exits 1', async () => {
    const nco = bus.org((o) => o.kind === 'cabinet-office');
    const issued = await bus.post('/v1/advisories', nco, {
      title: 'Patch the VPN gateways',
      summary: 'CVE-2024-3400 is exploited in the wild',
      severity: 'high',
      tlp: 'GREEN',
      audience: { everyone: true },
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    expect(issued.status).toBe(201);
    const id = String(issued.body.advisoryId);
    const ack = await waitFor(
      'advisory readable',
      async () => {
        const r = await acd(['advisories', 'ack', id], env);
        return r.code === 0 ? r : null;
      },
      30_000,
      500,
    );
    expect(ack.out).toContain(`advisory ${id} acknowledged`);
    const again = await acd(['advisories', 'ack', id, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ alreadyAcknowledged: true });
    const unknown = await acd(['advisories', 'ack', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknown.code).toBe(1);
  });

  it('tails the stream as JSON lines and resumes from its state file (here on the indicator kind)', async () => {
    const state = join(dir, 'stream.pos');
    const first = await acd(
      [
        'advisories',
        'tail',
        '--kinds',
        'indicator',
        '--from-beginning',
        '--max-events',
        '3',
        '--json',
        '--state-file',
        state,
      ],
      env,
    );
    expect(first.code).toBe(0);
    const a = first.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { position: string; kind: string; id: string; version: number });
    expect(a).toHaveLength(3);
    expect(a.every((e) => e.kind === 'indicator' && typeof e.position === 'string')).toBe(true);
    expect(readFileSync(state, 'utf8').trim()).toBe(a[2]!.position);
    const next = await acd(
      [
        'advisories',
        'tail',
        '--kinds',
        'indicator',
        '--max-events',
        '1',
        '--json',
        '--state-file',
        state,
      ],
      env,
    );
    expect(next.code).toBe(0);
    const b = JSON.parse(next.out.trim()) as { id: string; version: number; position: string };
    expect(a.map((e) => `${e.id}@${e.version}`)).not.toContain(`${b.id}@${b.version}`);
    expect(readFileSync(state, 'utf8').trim()).toBe(b.position);
  });

  it('tails advisories: the one issued to everyone arrives as a JSON line', async () => {
    const tail = await acd(
      ['advisories', 'tail', '--from-beginning', '--max-events', '1', '--json'],
      env,
    );
    expect(tail.code).toBe(0);
    const line = JSON.parse(tail.out.trim()) as { kind: string; id: string; type: string };
    expect(line).toMatchObject({ kind: 'advisory', type: 'AdvisoryIssued' });
    const listed = await bus.get(
      `/v1/advisories/${line.id}`,
      bus.org((o) => o.kind === 'operator'),
    );
    expect(listed.body).toMatchObject({ title: 'Patch the VPN gateways' });
  });

  it('--help exits 0; a missing token exits 2, a refused token 2, an unreachable bus 3', async () => {
    for (const args of [
      ['--help'],
      ['indicators', 'publish', '--help'],
      ['advisories', 'tail', '--help'],
    ]) {
      const h = await acd(args, env);
      expect({ args, code: h.code }).toEqual({ args, code: 0 });
      expect(h.out).toContain('Usage: acd');
    }
    const noToken = { ...env, ACD_TOKEN: '' };
    const missing = await acd(['indicators', 'list'], noToken);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('ACD_TOKEN');
    const wrong = await acd(['indicators', 'list', '--token', 'not-a-token'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('the token was refused');
    expect(wrong.err).not.toContain('not-a-token');
    const down = await acd(['indicators', 'list', '--url', 'http://127.0.0.1:9'], env);
    expect(down.code).toBe(3);
    expect(down.err).toContain('cannot reach http://127.0.0.1:9');
    const usage = await acd(['indicators', 'list', '--limit', 'lots'], env);
    expect(usage.code).toBe(2);
  });
});
