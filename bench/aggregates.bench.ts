/**
 * Dashboard aggregates at a national size (issue 14): `GET /v1/aggregates/indicators?days=30`
 * for the cabinet office (all but the RED and AMBER+STRICT items named to others) and for an operator (what its entitlement allows), beside
 * the raw driver counting the same indicators in the read model with the same entitlement
 * filter (`countDocuments`, the total only: less than the endpoint answers), in the same run on
 * the same servers. Run through `npm run bench:aggregates`. By environment variables:
 *   BENCH_AGGR_STORED    indicators preloaded (default 200000), spread over the last 30 days in
 *                        Tokyo: 50 % GREEN and 20 % CLEAR for everyone, 15 % AMBER to a sector,
 *                        10 % AMBER+STRICT and 5 % RED to one organisation; five publishers
 *   BENCH_AGGR_REPEATS   calls of the endpoint per viewer (default 20)
 *   BENCH_AGGR_DRIVER_REPEATS  calls of the driver's count per viewer (default 2: on FerretDB it
 *                        reads every document, so it takes seconds per 10,000 stored)
 * Prints a table and writes bench/out/aggregates.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { kafkaSchema, loadConfig } from '@acd/config';
import { readFilter, type Organisation } from '@acd/identity/domain';
import {
  createKafka,
  ensureTopics,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
} from '@acd/messaging';
import { indicatorProjection } from '@acd/indicators';
import {
  benchOrgs,
  checkpointsReached,
  now,
  pct,
  preloadEnvelope,
  produceEvents,
  progress,
  Service,
  waitFor,
  type BenchOrg,
  type PreloadTerms,
} from './preload';

const ROOT = join(__dirname, '..', '..');
const STORED = Number(process.env.BENCH_AGGR_STORED ?? 200_000);
const REPEATS = Number(process.env.BENCH_AGGR_REPEATS ?? 20);
const DRIVER_REPEATS = Number(process.env.BENCH_AGGR_DRIVER_REPEATS ?? 2);
const BASE = process.env.BENCH_GATEWAY ?? 'http://127.0.0.1:3903';
const LOG_DIR = process.env.BENCH_LOG_DIR ?? '/tmp';
const DAY = 86_400_000;

const ORGS = benchOrgs();
const office = ORGS.find((o) => o.kind === 'cabinet-office')!;
const operators = ORGS.filter((o) => o.kind === 'operator');
const police = ORGS.find((o) => o.kind === 'police')!;
const publishers = [...operators.slice(0, 4), police];
const viewer = operators[operators.length - 1]!;

const cfg = loadConfig(kafkaSchema);
const kafka = createKafka(cfg, 'bench-aggregates');
const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
const codec = SchemaSet.load(schemasDir());
const f0 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const f1 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** The i-th indicator's label and audience (a fixed mix, so every run stores the same). */
function terms(i: number): PreloadTerms {
  const r = i % 20;
  const other = operators[(i >> 3) % operators.length]!;
  if (r < 10) return { tlp: 'GREEN', audience: { orgs: [], sectors: [] } };
  if (r < 14) return { tlp: 'CLEAR', audience: { orgs: [], sectors: [] } };
  if (r < 17) return { tlp: 'AMBER', audience: { orgs: [], sectors: [other.sector!] } };
  if (r < 19) return { tlp: 'AMBER+STRICT', audience: { orgs: [other.id], sectors: [] } };
  return { tlp: 'RED', audience: { orgs: [other.id], sectors: [] } };
}

const asOrganisation = (o: BenchOrg): Organisation =>
  ({
    id: o.id,
    name: o.id,
    kind: o.kind,
    ...(o.sector ? { sector: o.sector } : {}),
  }) as Organisation;

async function timed(
  run: () => Promise<number>,
  repeats: number,
): Promise<{ ms: number[]; total: number }> {
  const ms: number[] = [];
  let total = -1;
  for (let k = 0; k < repeats; k += 1) {
    const t = now();
    total = await run();
    ms.push(now() - t);
  }
  return { ms, total };
}

async function main(): Promise<void> {
  const mongo = await MongoClient.connect(process.env.MONGODB_URI ?? '');
  const db = mongo.db();
  await withAdmin(kafka, (admin) => ensureTopics(admin, topics, cfg.ACD_REPLICATION_FACTOR));
  const env = { ...process.env };
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
  console.log(`machine: ${machine}`);
  console.log(`${f0(STORED)} indicators over 30 days; viewers ${office.id} and ${viewer.id}`);

  // 1. The preload through the events topic, spread over the last 30 days, then projected.
  const end = Date.now() - 60_000;
  await produceEvents(kafka, codec, topics.of('indicatorEvents'), 0, STORED, (i) =>
    preloadEnvelope(
      i,
      publishers[i % publishers.length]!,
      terms,
      end - Math.floor((i / STORED) * 29 * DAY),
    ),
  );
  const projector = new Service('projector', env, LOG_DIR).start();
  const tp = now();
  await waitFor(
    'the indicators projection to hold the preload',
    async () => {
      const a = await checkpointsReached(db, indicatorProjection.name);
      progress(`  projecting the preload: ${a}/${STORED}`);
      return a >= STORED;
    },
    3 * 60 * 60_000,
    500,
  );
  process.stderr.write('\n');
  console.log(`  projected in ${f1((now() - tp) / 1000)} s (every projection, counters included)`);
  const gateway = new Service('gateway', env, LOG_DIR).start();
  await waitFor('gateway', async () => (await fetch(`${BASE}/health`)).ok, 600_000, 500);

  const endpoint = (who: BenchOrg) => async () => {
    const res = await fetch(`${BASE}/v1/aggregates/indicators?days=30`, {
      headers: { authorization: `Bearer ${who.token}` },
    });
    if (!res.ok) throw new Error(`aggregates answered ${res.status}`);
    return ((await res.json()) as { total: number }).total;
  };
  const since = new Date(end - 30 * DAY);
  const driver = (who: BenchOrg) => async () =>
    db.collection(indicatorProjection.collection).countDocuments({
      $and: [readFilter(asOrganisation(who)), { publishedAt: { $gte: since } }],
    } as never);
  await waitFor('the organisations', async () => (await endpoint(office)()) >= 0, 120_000, 500);
  for (let k = 0; k < 3; k += 1) await endpoint(viewer)(); // warm-up

  const rows: { measure: string; viewer: string; total: number; p50: number; p95: number }[] = [];
  for (const who of [office, viewer]) {
    for (const [measure, run, repeats] of [
      ['GET /v1/aggregates/indicators?days=30', endpoint(who), REPEATS],
      ['driver countDocuments (same filter)', driver(who), DRIVER_REPEATS],
    ] as const) {
      const { ms, total } = await timed(run, repeats);
      rows.push({ measure, viewer: who.id, total, p50: pct(ms, 50), p95: pct(ms, 95) });
      progress(`  ${measure} as ${who.id}: p50 ${f1(pct(ms, 50))} ms`);
    }
  }
  process.stderr.write('\n');
  console.log('| measure | viewer | indicators counted | p50 ms | p95 ms |');
  console.log('|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.measure} | ${r.viewer} | ${f0(r.total)} | ${f1(r.p50)} | ${f1(r.p95)} |`);
  for (const who of [office, viewer]) {
    const [api, raw] = rows.filter((r) => r.viewer === who.id);
    console.log(
      `${who.id}: the endpoint is ${f1(raw!.p50 / api!.p50)}× the driver's speed (p50), counts ${api!.total === raw!.total ? 'equal' : `DIFFER (${api!.total} vs ${raw!.total})`}`,
    );
  }
  mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench', 'out', 'aggregates.json'),
    JSON.stringify({ machine, stored: STORED, repeats: REPEATS, rows }, null, 2),
  );
  await gateway.stop();
  await projector.stop();
  await mongo.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
