import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, readLogToEnd, TopicNames, type TopicKey } from '@acd/messaging';
import { BusUnderTest, freePort, waitFor, type DemoOrg } from '../support/bus';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');

/** Runs the compiled `acd` as a user would; resolves with its exit code and output. */
function acd(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/acd.js'), ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** An open `GET /v1/stream`, or the answer that refused it. */
interface Stream {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown> | null;
  /** Resolves with the data of the first event for which `pred` holds. */
  next(pred: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): void;
}

async function openStream(base: string, who: DemoOrg, query = ''): Promise<Stream> {
  const ctl = new AbortController();
  const res = await fetch(`${base}/v1/stream${query}`, {
    headers: { authorization: `Bearer ${who.token}` },
    signal: ctl.signal,
  });
  const refused = res.status !== 200;
  const body = refused ? ((await res.json()) as Record<string, unknown>) : null;
  const reader = refused ? null : res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body,
    async next(pred) {
      for (;;) {
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (!data) continue;
          const event = JSON.parse(data) as Record<string, unknown>;
          if (pred(event)) return event;
        }
        const chunk = await reader?.read();
        if (!chunk || chunk.done) throw new Error('the stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    close: () => ctl.abort(),
  };
}

/**
 * Security probe, findings 7 and 8 (issue 10), each as the attacker's request sequence: a
 * catch-all indicator, a lone surrogate aimed at the command dead-letter queues, the police
 * assembling the pseudonym map, and one organisation taking every stream.
 */
describe('security: input the bus refuses and limits it keeps', () => {
  let bus: BusUnderTest;
  let kanto: DemoOrg;
  let tokai: DemoOrg;
  let bank: DemoOrg;
  let nco: DemoOrg;
  let npa: DemoOrg;
  let meti: DemoOrg;
  let sdf: DemoOrg;
  let commission: DemoOrg;
  let telecom: DemoOrg;

  beforeAll(async () => {
    bus = await BusUnderTest.start('sec8');
    kanto = bus.byId('op-kanto-electric');
    tokai = bus.byId('op-tokai-rail');
    bank = bus.byId('op-minato-bank');
    nco = bus.byId('gov-nco');
    npa = bus.byId('gov-npa');
    meti = bus.byId('gov-meti');
    sdf = bus.org((o) => o.kind === 'sdf');
    commission = bus.org((o) => o.kind === 'oversight-commission');
    telecom = bus.org((o) => o.kind === 'telecom');
  });
  afterAll(async () => {
    await bus?.stop();
  });

  describe('finding 7: an indicator that matches everything', () => {
    const catchAll = [
      { type: 'cidr', value: '0.0.0.0/0', reason: 'default route' },
      { type: 'cidr', value: '::/0', reason: 'default route' },
      { type: 'cidr', value: '10.0.0.0/7', reason: 'at most a /8' },
      { type: 'cidr', value: '2001:db8::/31', reason: 'at most a /32' },
      { type: 'cidr', value: '::ffff:0.0.0.0/96', reason: 'matches every IPv4 address' },
      { type: 'domain', value: 'com', reason: 'single label' },
      { type: 'domain', value: 'co.jp', reason: 'public suffix' },
    ];

    it('is refused on publish, naming the field and why, and nothing is published', async () => {
      for (const { type, value, reason } of catchAll) {
        const r = await bus.post('/v1/indicators', kanto, { type, value, tlp: 'CLEAR' });
        expect({ value, status: r.status }).toEqual({ value, status: 400 });
        expect(r.body).toMatchObject({ issues: [{ field: 'value' }] });
        expect(JSON.stringify(r.body.issues)).toContain(reason);
      }
      // Narrower ranges are fine (and once this one is readable, so would the others be).
      await bus.publish(kanto, { type: 'cidr', value: '10.0.0.0/8', tlp: 'CLEAR' });
      const list = await bus.get('/v1/indicators?type=cidr&limit=100', nco);
      expect((list.body.items ?? []).map((i) => i.value)).toEqual(['10.0.0.0/8']);
    });

    it('is refused item by item in a batch, and inside an incident, the other items going through', async () => {
      const batch = await bus.post('/v1/indicators/batch', kanto, {
        items: [
          { type: 'cidr', value: '0.0.0.0/0', tlp: 'CLEAR' },
          { type: 'ipv4', value: '198.51.100.1', tlp: 'CLEAR' },
          { type: 'domain', value: 'gov.uk', tlp: 'CLEAR' },
        ],
      });
      expect(batch.status).toBe(200);
      const results = batch.body.results as { status: number; error?: { field?: string } }[];
      expect(results.map((r) => r.status)).toEqual([400, 201, 400]);
      expect(results[0]?.error?.field).toBe('value');
      expect(results[2]?.error?.field).toBe('value');

      const incident = await bus.post('/v1/incidents', kanto, {
        title: 'Everything is malicious',
        awareAt: new Date().toISOString(),
        impact: 'low',
        newIndicators: [{ type: 'cidr', value: '::/0', tlp: 'CLEAR' }],
      });
      expect(incident.status).toBe(400);
      expect(incident.body).toMatchObject({ issues: [{ field: 'value' }] });
    });

    it('is refused by the CLI’s dry run, which sends nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'acd-sec-'));
      const file = join(dir, 'iocs.csv');
      writeFileSync(file, 'type,value,tlp\ncidr,0.0.0.0/0,CLEAR\ncidr,198.51.100.0/24,CLEAR\n');
      const run = await acd(['indicators', 'publish', '--dry-run', '--json', file], {
        ...bus.env,
        ACD_URL: 'http://127.0.0.1:1',
        ACD_TOKEN: 'unused',
      });
      expect(run.code).toBe(1);
      expect(run.out).toContain('default route');
    });
  });

  describe('finding 8a: a lone surrogate', () => {
    const COMMAND_TOPICS: TopicKey[] = [
      'indicatorCommands',
      'reportingCommands',
      'advisoryCommands',
      'oversightCommands',
    ];

    /** How many records each command dead-letter queue holds. */
    async function deadLetters(): Promise<Record<string, number>> {
      const cfg = loadConfig(kafkaSchema, bus.env);
      const kafka = createKafka(cfg, 'e2e-dlq-reader');
      const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
      const counts: Record<string, number> = {};
      for (const key of COMMAND_TOPICS) {
        let n = 0;
        await readLogToEnd(kafka, topics.dlqOf(key), `${cfg.ACD_TOPIC_PREFIX}e2e`, (batch) => {
          n += batch.messages.length;
        });
        counts[key] = n;
      }
      return counts;
    }

    it('anywhere in a body answers 400 naming the field, and no command reaches a dead-letter queue', async () => {
      const before = await deadLetters();
      // JSON.stringify writes a lone surrogate as the escape "\ud800", as an attacker would.
      const attempts: [DemoOrg, string, unknown, string][] = [
        [
          kanto,
          '/v1/indicators',
          { type: 'ipv4', value: '198.51.100.2', tlp: 'CLEAR', description: 'x\ud800' },
          'description',
        ],
        [
          kanto,
          '/v1/indicators/batch',
          { items: [{ type: 'ipv4', value: '198.51.100.3', tlp: 'CLEAR', description: '\udc00' }] },
          'items.0.description',
        ],
        [
          kanto,
          '/v1/incidents',
          {
            title: 'ok',
            awareAt: new Date().toISOString(),
            impact: 'low',
            suspectedActor: '\udbff',
          },
          'suspectedActor',
        ],
        [
          nco,
          '/v1/advisories',
          {
            title: '\ud800',
            summary: 's',
            severity: 'low',
            tlp: 'CLEAR',
            audience: { everyone: true },
            expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          },
          'title',
        ],
        [
          npa,
          '/v1/oversight/operation-requests',
          {
            target: { type: 'ip', value: '133.242.0.1' },
            justification: 'j\udfff',
            evidence: [],
            measures: ['access'],
            validFrom: new Date().toISOString(),
            validUntil: new Date(Date.now() + 3600_000).toISOString(),
          },
          'justification',
        ],
        [telecom, '/v1/traffic/flow-batches', { flows: [{ note: '\ud800' }] }, 'flows.0.note'],
        [
          kanto,
          '/v1/indicators',
          { type: 'ipv4', value: '198.51.100.4', tlp: 'CLEAR', ['k\ud800']: 1 },
          'k\\ud800',
        ],
      ];
      for (const [who, path, body, field] of attempts) {
        const r = await bus.post(path, who, body);
        expect({ path, status: r.status }).toEqual({ path, status: 400 });
        expect(r.body).toMatchObject({ issues: [{ field }] });
        expect(String(r.body.message)).not.toMatch(/decod|avro|schema/i);
      }
      // Nor in a path: an encoded surrogate is refused in the gateway's shape, not with the
      // router's HTML error page.
      const path = await bus.get('/v1/indicators/%ED%A0%80', kanto);
      expect(path).toMatchObject({ status: 400, body: { issues: [{ field: '(path)' }] } });
      // A well-formed pair (an emoji) is of course fine.
      const emoji = await bus.post('/v1/indicators', kanto, {
        type: 'ipv4',
        value: '198.51.100.5',
        tlp: 'CLEAR',
        description: 'seen with \ud83d\udea8',
      });
      expect(emoji.status).toBe(201);
      // Whatever went to the processors was decoded: no dead letters.
      expect(await deadLetters()).toEqual(before);
      expect(Object.values(before).every((n) => n === 0)).toBe(true);
    });

    it('is refused only after authentication', async () => {
      const r = await bus.post('/v1/indicators', null, {
        type: 'ipv4',
        value: '\ud800',
        tlp: 'CLEAR',
      });
      expect(r.status).toBe(401);
    });
  });

  describe('finding 8b: the pseudonym map', () => {
    let anonymous = '';

    beforeAll(async () => {
      anonymous = await bus.publish(kanto, {
        type: 'domain',
        value: 'anon.example.org',
        tlp: 'GREEN',
      });
    });

    const publisherAs = async (who: DemoOrg) =>
      (await bus.get(`/v1/indicators/${anonymous}`, who)).body.publisher as Record<string, unknown>;

    it('no government reader but the cabinet office receives the name together with the pseudonym', async () => {
      for (const reader of [npa, sdf, meti, commission, kanto]) {
        expect(await publisherAs(reader)).toMatchObject({ orgId: kanto.id, pseudonym: null });
      }
      const outsider = await publisherAs(tokai);
      expect(outsider).toMatchObject({ orgId: null });
      expect(outsider.pseudonym).toMatch(/^anon-/);
      // The office, which alone re-identifies, holds the map.
      expect(await publisherAs(nco)).toEqual(
        expect.objectContaining({ orgId: kanto.id, pseudonym: outsider.pseudonym }),
      );
      // Nor does a list give the police the pair.
      const list = await bus.get('/v1/indicators?limit=100', npa);
      for (const item of list.body.items ?? []) {
        const p = item.publisher as Record<string, unknown>;
        expect(p.orgId !== null && p.pseudonym !== null).toBe(false);
      }
    });

    it('nor does the live stream', async () => {
      const stream = await openStream(bus.base, npa, '?kinds=indicator&from=beginning');
      try {
        expect(stream.status).toBe(200);
        const event = await stream.next(
          (e) => e.id === anonymous && e.type === 'IndicatorPublished',
        );
        expect((event.data as Record<string, unknown>).publisher).toMatchObject({
          orgId: kanto.id,
          pseudonym: null,
        });
      } finally {
        stream.close();
      }
    });
  });

  describe('finding 8c: one organisation taking every stream', () => {
    it('an organisation at its share is refused 429 while another still connects; a full gateway 503', async () => {
      // A second gateway over the same bus, with small caps: 3 streams, 2 per organisation.
      const capped = new BusUnderTest({
        ...bus.env,
        ACD_STREAM_MAX_CLIENTS: '3',
        ACD_STREAM_MAX_CLIENTS_PER_ORG: '2',
      });
      const port = await freePort();
      capped.env.PORT = String(port);
      capped.base = `http://127.0.0.1:${port}`;
      capped.startService('gateway');
      const open: Stream[] = [];
      try {
        await waitFor(
          'capped gateway',
          async () => (await fetch(`${capped.base}/health`).catch(() => null))?.ok,
          90_000,
          300,
        );
        const as = async (who: DemoOrg) => {
          const s = await openStream(capped.base, who);
          if (s.status === 200) open.push(s);
          return s;
        };
        expect((await as(tokai)).status).toBe(200);
        expect((await as(tokai)).status).toBe(200);
        const third = await as(tokai);
        expect(third).toMatchObject({ status: 429, retryAfter: '5' });
        expect(String(third.body?.message)).toContain('ACD_STREAM_MAX_CLIENTS_PER_ORG');
        // Another organisation still connects...
        expect((await as(bank)).status).toBe(200);
        // ... until the gateway itself is full.
        expect(await as(kanto)).toMatchObject({ status: 503, retryAfter: '5' });
        // A stream closed gives its organisation its slot back.
        open.shift()?.close();
        await waitFor(
          'slot released',
          async () => {
            const s = await openStream(capped.base, tokai);
            s.close();
            return s.status === 200;
          },
          15_000,
          200,
        );
      } finally {
        for (const s of open) s.close();
        await capped.stop();
      }
    });
  });
});
