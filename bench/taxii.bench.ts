/**
 * Paging a large TAXII collection (issue 13): the `indicators` collection paged to its end at
 * `limit` objects a page, beside the REST list paged the same way on the same data, and beside
 * the raw driver reading the version log's pages itself (the floor the store sets), all in the
 * same run on the same servers. Run through `npm run bench:taxii` (scripts/bench-taxii.mjs
 * starts the stack and hands over the endpoints). By environment variables:
 *   BENCH_TAXII_STORED    indicators preloaded (default 100000): GREEN for everyone, but every
 *                         tenth AMBER and every tenth RED to one named organisation (20 %)
 *   BENCH_TAXII_REPEATS   passes of every measure, alternating (default 3)
 *   BENCH_TAXII_LIMIT     objects a page (default 1000; the REST list takes 1000 at most)
 *   BENCH_TAXII_REST=0    skips the REST passes (to profile the TAXII side alone)
 * Prints a table and writes bench/out/taxii.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { kafkaSchema, loadConfig } from '@acd/config';
import { DEMO_ORG_IDS } from '@acd/identity/domain';
import {
  createKafka,
  ensureTopics,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
} from '@acd/messaging';
import { versionLogCollectionOf } from '@acd/persistence';
import { indicatorProjection, indicatorStixProjection } from '@acd/indicators';
import {
  benchOrgs,
  checkpointsReached,
  now,
  pct,
  preloadEnvelope,
  produceEvents,
  progress,
  rssMiB,
  Service,
  stackPid,
  waitFor,
  type BenchOrg,
  type PreloadTerms,
} from './preload';

const ROOT = join(__dirname, '..', '..');
const STORED = Number(process.env.BENCH_TAXII_STORED ?? 100_000);
const REPEATS = Number(process.env.BENCH_TAXII_REPEATS ?? 3);
const LIMIT = Number(process.env.BENCH_TAXII_LIMIT ?? 1000);
const WITH_REST = process.env.BENCH_TAXII_REST !== '0';
const BASE = process.env.BENCH_GATEWAY ?? 'http://127.0.0.1:3902';
const LOG_DIR = process.env.BENCH_LOG_DIR ?? '/tmp';
const TAXII = 'application/taxii+json;version=2.1';

const ORGS = benchOrgs();
const org = (id: string): BenchOrg => {
  const o = ORGS.find((x) => x.id === id);
  if (!o) throw new Error(`the seeded organisations lack ${id}`);
  return o;
};
const publisher = org(DEMO_ORG_IDS.kantoElectric);
const office = org(DEMO_ORG_IDS.nco);
const operator = org(DEMO_ORG_IDS.tokaiRail);
const named = org(DEMO_ORG_IDS.minatoBank);

/** GREEN for everyone; every tenth AMBER and every tenth RED, to `named` only. */
const restricted = (i: number) => i % 10 === 0 || i % 10 === 5;
const taxiiTerms = (i: number): PreloadTerms =>
  restricted(i)
    ? { tlp: i % 10 === 0 ? 'AMBER' : 'RED', audience: { orgs: [named.id], sectors: [] } }
    : { tlp: 'GREEN', audience: { orgs: [], sectors: [] } };
const redCount = (n: number) => Math.ceil(Math.max(0, n - 5) / 10);
const greenCount = (n: number) => n - Math.ceil(n / 10) - redCount(n);
/** The office reads every GREEN and AMBER item, but not a RED one named to others (decision 0036). */
const officeCount = (n: number) => n - redCount(n);

const cfg = loadConfig(kafkaSchema);
const kafka = createKafka(cfg, 'bench-taxii');
const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
const codec = SchemaSet.load(schemasDir());

const f0 = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'n/a';
const f1 = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? n.toFixed(1) : 'n/a';
const f2 = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? n.toFixed(2) : 'n/a';
const median = (xs: number[]) => pct(xs, 50);

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** CPU time a process has used, ms (user + system; NaN when it is not ours to see). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One pass over a whole collection and what it cost. */
interface Pass {
  measure: string;
  viewer: string;
  objects: number;
  distinct: number;
  expected: number;
  pages: number;
  seconds: number;
  perSec: number;
  pageMs: number[];
  bytes: number;
  cpuMs: { gateway: number; ferretdb: number; client: number };
}

interface Meters {
  gateway?: number;
  ferretdb?: number;
}

async function measured(
  measure: string,
  viewer: string,
  expected: number,
  pids: Meters,
  run: (pageMs: number[]) => Promise<{ ids: string[]; bytes: number }>,
): Promise<Pass> {
  const pageMs: number[] = [];
  const before = { g: cpuMs(pids.gateway), f: cpuMs(pids.ferretdb), c: selfCpuMs() };
  const t0 = now();
  const { ids, bytes } = await run(pageMs);
  const seconds = (now() - t0) / 1000;
  const pass: Pass = {
    measure,
    viewer,
    objects: ids.length,
    distinct: new Set(ids).size,
    expected,
    pages: pageMs.length,
    seconds,
    perSec: ids.length / seconds,
    pageMs,
    bytes,
    cpuMs: {
      gateway: cpuMs(pids.gateway) - before.g,
      ferretdb: cpuMs(pids.ferretdb) - before.f,
      client: selfCpuMs() - before.c,
    },
  };
  const complete = pass.objects === expected && pass.distinct === expected;
  console.log(
    `  ${measure.padEnd(14)} ${viewer.padEnd(18)} ${f0(pass.objects)} objects (${complete ? 'complete' : `EXPECTED ${f0(expected)}, ${f0(pass.distinct)} distinct`}) ` +
      `in ${pass.pages} pages, ${f2(seconds)} s: ${f0(pass.perSec)} /s, page p50 ${f0(pct(pageMs, 50))} ms, p99 ${f0(pct(pageMs, 99))} ms; ` +
      `CPU ms per 1,000: gateway ${f0((pass.cpuMs.gateway * 1000) / pass.objects)}, FerretDB ${f0((pass.cpuMs.ferretdb * 1000) / pass.objects)}, client ${f0((pass.cpuMs.client * 1000) / pass.objects)}`,
  );
  return pass;
}

/** GETs a page; a keep-alive socket the server closed meanwhile is retried once. */
async function getPage(url: string, headers: Record<string, string>): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(120_000) });
      const text = await res.text();
      if (res.status !== 200)
        throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
      return text;
    } catch (err) {
      if ((err as Error).name === 'TimeoutError' || attempt >= 2 || /answered/.test(String(err)))
        throw err;
    }
  }
}

/** Pages a list to its end: `page(next)` gives a page's ids and the next cursor, if any. */
async function pageToEnd(
  pageMs: number[],
  fetchPage: (next: string | undefined) => Promise<{ text: string; ids: string[]; next?: string }>,
) {
  const ids: string[] = [];
  let bytes = 0;
  let next: string | undefined;
  const maxPages = Math.ceil(STORED / LIMIT) * 4 + 20;
  do {
    const t = now();
    const page = await fetchPage(next);
    pageMs.push(now() - t);
    bytes += page.text.length;
    for (const id of page.ids) ids.push(id);
    next = page.next;
    if (pageMs.length > maxPages) throw new Error(`over ${maxPages} pages: a cursor loops`);
    progress(`    ${ids.length} objects`);
  } while (next !== undefined);
  process.stderr.write('\r');
  return { ids, bytes };
}

const taxiiPass = (viewer: BenchOrg) => (pageMs: number[]) =>
  pageToEnd(pageMs, async (next) => {
    const url =
      `${BASE}/taxii2/api/collections/indicators/objects/?limit=${LIMIT}` +
      (next ? `&next=${encodeURIComponent(next)}` : '');
    const text = await getPage(url, { accept: TAXII, authorization: `Bearer ${viewer.token}` });
    const body = JSON.parse(text) as { more: boolean; next?: string; objects?: { id: string }[] };
    return {
      text,
      ids: (body.objects ?? []).map((o) => o.id),
      ...(body.more && body.next ? { next: body.next } : {}),
    };
  });

const restPass = (viewer: BenchOrg) => (pageMs: number[]) =>
  pageToEnd(pageMs, async (next) => {
    const url =
      `${BASE}/v1/indicators?limit=${Math.min(LIMIT, 1000)}` +
      (next ? `&next=${encodeURIComponent(next)}` : '');
    const text = await getPage(url, { authorization: `Bearer ${viewer.token}` });
    const body = JSON.parse(text) as { items: { id: string }[]; next: string | null };
    return { text, ids: body.items.map((o) => o.id), ...(body.next ? { next: body.next } : {}) };
  });

/**
 * The floor: the raw driver reads the version log's pages by `_id` (`p<partition>:<n>`, each
 * partition to its end) and parses their JSON, with `inFlight` partitions read at once. No
 * entitlement, no later-versions record, no STIX, no HTTP: what the store can give at best.
 */
const rawPass = (db: Db, collection: string, inFlight: number) => async (pageMs: number[]) => {
  const col = db.collection<{ _id: string; data?: string; partitions?: number[] }>(collection);
  const meta = await col.findOne({ _id: 'meta' });
  const partitions = [...(meta?.partitions ?? [])];
  const ids: string[] = [];
  let bytes = 0;
  const worker = async () => {
    for (let p = partitions.shift(); p !== undefined; p = partitions.shift()) {
      for (let n = 0; ; n += 1) {
        const t = now();
        const page = await col.findOne({ _id: `p${p}:${n}` });
        if (!page?.data) break;
        const entries = JSON.parse(page.data) as { id: string }[];
        pageMs.push(now() - t);
        bytes += page.data.length;
        for (const e of entries) ids.push(e.id);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { ids, bytes };
};

async function main(): Promise<void> {
  const mongo = await MongoClient.connect(process.env.MONGODB_URI ?? '');
  const db = mongo.db();
  await withAdmin(kafka, (admin) => ensureTopics(admin, topics, cfg.ACD_REPLICATION_FACTOR));
  const env = { ...process.env };
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
  console.log(`machine: ${machine}`);
  console.log(
    `${f0(STORED)} indicators: ${f0(greenCount(STORED))} GREEN for everyone, ${f0(STORED - greenCount(STORED))} AMBER or RED to ${named.id}; pages of ${LIMIT}`,
  );

  // 1. The preload, through the events topic, then the projector applies it to both read
  //    models (the indicators documents and their change feed; the STIX view and its log).
  await produceEvents(kafka, codec, topics.of('indicatorEvents'), 0, STORED, (i) =>
    preloadEnvelope(i, publisher, taxiiTerms),
  );
  const projector = new Service('projector', env, LOG_DIR).start();
  const tp = now();
  await waitFor(
    'both projections to hold the preload',
    async () => {
      const a = await checkpointsReached(db, indicatorProjection.name);
      const b = await checkpointsReached(db, indicatorStixProjection.name);
      progress(
        `  projecting the preload: indicators ${a}/${STORED}, stix-indicators ${b}/${STORED}`,
      );
      return a >= STORED && b >= STORED;
    },
    3 * 60 * 60_000,
    500,
  );
  process.stderr.write('\n');
  const projectSeconds = (now() - tp) / 1000;
  console.log(
    `  projected in ${f1(projectSeconds)} s (both read models, from the projector's start)`,
  );

  const gateway = new Service('gateway', env, LOG_DIR).start();
  await waitFor('gateway', async () => (await fetch(`${BASE}/health`)).ok, 600_000, 500);
  await waitFor(
    'the organisations',
    async () =>
      (
        await fetch(`${BASE}/v1/indicators?limit=1`, {
          headers: { authorization: `Bearer ${operator.token}` },
        })
      ).ok,
    120_000,
    500,
  );
  const generation =
    (
      await db
        .collection<{ _id: string; generation: number }>('projections')
        .findOne({ _id: indicatorStixProjection.name })
    )?.generation ?? 0;
  const logCollection = versionLogCollectionOf(indicatorStixProjection, generation);
  const pids: Meters = { gateway: gateway.pid, ferretdb: stackPid('ferretdb') };

  // 2. Warm-up (JIT, connection pools): a few pages of each.
  for (const url of [
    `/taxii2/api/collections/indicators/objects/?limit=${LIMIT}`,
    `/v1/indicators?limit=${Math.min(LIMIT, 1000)}`,
  ]) {
    for (let k = 0; k < 5; k += 1) {
      await getPage(`${BASE}${url}`, { accept: TAXII, authorization: `Bearer ${office.token}` });
    }
  }

  // 3. The measures, every one in each round, the order rotated from round to round.
  const measures: {
    measure: string;
    viewer: string;
    expected: number;
    run: Parameters<typeof measured>[4];
  }[] = [
    { measure: 'TAXII', viewer: office.id, expected: officeCount(STORED), run: taxiiPass(office) },
    {
      measure: 'TAXII',
      viewer: operator.id,
      expected: greenCount(STORED),
      run: taxiiPass(operator),
    },
    ...(WITH_REST
      ? [
          {
            measure: 'REST',
            viewer: office.id,
            expected: officeCount(STORED),
            run: restPass(office),
          },
          {
            measure: 'REST',
            viewer: operator.id,
            expected: greenCount(STORED),
            run: restPass(operator),
          },
        ]
      : []),
    {
      measure: 'raw log, 1',
      viewer: '(no filter)',
      expected: STORED,
      run: rawPass(db, logCollection, 1),
    },
    {
      measure: 'raw log, 6',
      viewer: '(no filter)',
      expected: STORED,
      run: rawPass(db, logCollection, 6),
    },
  ];
  const passes: Pass[] = [];
  for (let round = 0; round < REPEATS; round += 1) {
    console.log(`\n== round ${round + 1} of ${REPEATS} ==`);
    const order = measures.map((_, k) => measures[(k + round) % measures.length]!);
    for (const m of order)
      passes.push(await measured(m.measure, m.viewer, m.expected, pids, m.run));
  }
  const rss = {
    gateway: rssMiB(gateway.pid),
    projector: rssMiB(projector.pid),
    ferretdb: rssMiB(stackPid('ferretdb')),
  };
  await gateway.stop();
  await projector.stop();
  await mongo.close();

  // 4. The table: per measure, each round's rate, the median, page latencies over all rounds,
  //    CPU per 1,000 objects, and the ratios to the raw floor and to REST.
  const keyOf = (p: { measure: string; viewer: string }) => `${p.measure}|${p.viewer}`;
  const rows = measures.map((m) => {
    const ps = passes.filter((p) => keyOf(p) === keyOf(m));
    const all = ps.flatMap((p) => p.pageMs);
    const objects = ps.reduce((n, p) => n + p.objects, 0);
    const per1000 = (k: 'gateway' | 'ferretdb' | 'client') =>
      (ps.reduce((n, p) => n + p.cpuMs[k], 0) * 1000) / objects;
    return {
      measure: m.measure,
      viewer: m.viewer,
      complete: ps.every((p) => p.objects === p.expected && p.distinct === p.expected),
      expected: m.expected,
      rates: ps.map((p) => p.perSec),
      median: median(ps.map((p) => p.perSec)),
      pageP50: pct(all, 50),
      pageP99: pct(all, 99),
      bytesPerObject: ps.reduce((n, p) => n + p.bytes, 0) / objects,
      cpuPer1000: {
        gateway: per1000('gateway'),
        ferretdb: per1000('ferretdb'),
        client: per1000('client'),
      },
    };
  });
  const rawFloor = rows.find((r) => r.measure === 'raw log, 1')!.median;
  const restOf = (viewer: string) =>
    rows.find((r) => r.measure === 'REST' && r.viewer === viewer)?.median ?? NaN;
  console.log(
    `\n${f0(STORED)} indicators stored, pages of ${LIMIT}, ${REPEATS} rounds (median of the rounds; ratios of medians)\n`,
  );
  console.log(
    '| measure | viewer | complete | objects/s, each round | median /s | page p50 / p99 ms | ÷ raw log, 1 | ÷ REST, same viewer | CPU ms per 1,000: gateway / FerretDB / client | bytes/object |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.measure} | ${r.viewer} | ${r.complete ? `yes (${f0(r.expected)})` : 'NO'} | ${r.rates.map(f0).join(', ')} | ${f0(r.median)} | ${f0(r.pageP50)} / ${f0(r.pageP99)} | ${f2(r.median / rawFloor)} | ${r.measure === 'TAXII' ? f2(r.median / restOf(r.viewer)) : ''} | ${f0(r.cpuPer1000.gateway)} / ${f0(r.cpuPer1000.ferretdb)} / ${f0(r.cpuPer1000.client)} | ${f0(r.bytesPerObject)} |`,
    );
  }
  console.log(
    `\nresident memory at the end: gateway ${f0(rss.gateway)} MiB, projector ${f0(rss.projector)} MiB, FerretDB ${f0(rss.ferretdb)} MiB`,
  );
  const outDir = join(ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'taxii.json'),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine,
        stored: STORED,
        limit: LIMIT,
        repeats: REPEATS,
        projectSeconds,
        rows,
        rss,
        passes: passes.map(({ pageMs, ...p }) => ({
          ...p,
          pageP50: pct(pageMs, 50),
          pageP99: pct(pageMs, 99),
        })),
      },
      null,
      2,
    ),
  );
  if (!rows.every((r) => r.complete)) {
    console.error('an answer was incomplete: see the table');
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
