/**
 * The read side at national scale: what ingest, projection and reads cost with 10,000, 100,000
 * and 1,000,000 indicators already stored, each figure beside a baseline measured in the same
 * run on the same servers. Run through `npm run bench:scale` (scripts/bench-scale.mjs starts
 * the stack and hands over the endpoints); sizes by environment variables:
 *   BENCH_STORED           stored sizes to reach, ascending (default 10000,100000,1000000)
 *   BENCH_INGEST_SECONDS   seconds of HTTP batch load per size (default 20)
 *   BENCH_BATCH            items per POST /v1/indicators/batch (default 500)
 *   BENCH_CALLERS          batch callers in flight (default 4)
 * Prints a table per size and writes bench/out/scale.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Collection, type Db } from 'mongodb';
import { kafkaSchema, loadConfig } from '@acd/config';
import {
  createKafka,
  ensureTopics,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
} from '@acd/messaging';
import { applyEvents } from '@acd/persistence';
import { indicatorProjection, type IndicatorDoc } from '@acd/indicators';
import { kafkaEndToEndLatency } from './kafka-tools';
import {
  benchOrgs,
  checkpointsReached,
  now,
  pct,
  preloadEnvelope as preloadIndicator,
  produceEvents as produceIndicatorEvents,
  progress,
  rssMiB,
  runApp,
  Service,
  stackPid,
  waitFor,
  type PreloadTerms,
  type ServiceHandle,
} from './preload';

const ROOT = join(__dirname, '..', '..');
const SIZES = (process.env.BENCH_STORED ?? '10000,100000,1000000').split(',').map(Number);
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 4);
const BASE = process.env.BENCH_GATEWAY ?? 'http://127.0.0.1:3900';
const LOG_DIR = process.env.BENCH_LOG_DIR ?? '/tmp';
const ORGS = benchOrgs();

const cfg = loadConfig(kafkaSchema);
const kafka = createKafka(cfg, 'bench-scale');
const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
const codec = SchemaSet.load(schemasDir());
const publisher = ORGS.find((o) => o.kind === 'operator');
const reader = ORGS.find((o) => o.kind === 'cabinet-office');
if (!publisher || !reader)
  throw new Error('the seeded organisations lack an operator or the office');

const f0 = (n: number | undefined) =>
  n === Infinity
    ? 'over 120,000'
    : n !== undefined && Number.isFinite(n)
      ? Math.round(n).toLocaleString('en')
      : 'n/a';
const f2 = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? n.toFixed(2) : 'n/a';

/** The scale benchmark's preload: a third AMBER to the electricity sector, the rest GREEN. */
const scaleTerms = (i: number): PreloadTerms => ({
  tlp: i % 3 === 0 ? 'AMBER' : 'GREEN',
  audience: { orgs: [], sectors: i % 3 === 0 ? ['electricity'] : [] },
});
const preloadEnvelope = (i: number) => preloadIndicator(i, publisher!, scaleTerms);
const produceEvents = (from: number, to: number) =>
  produceIndicatorEvents(kafka, codec, topics.of('indicatorEvents'), from, to, preloadEnvelope);

const checkpointSum = (db: Db) => checkpointsReached(db, indicatorProjection.name);

/** Raw driver baseline: insertMany of the same documents, batches of 1,000, same store. */
async function rawInsert(db: Db, docs: IndicatorDoc[]): Promise<number> {
  const scratch = db.collection<IndicatorDoc>(`bench_raw_${randomUUID().slice(0, 8)}`);
  await db.createCollection(scratch.collectionName);
  await new Promise((r) => setTimeout(r, 1_500)); // ferretdb-id-index indexes the new table
  const t = now();
  for (let i = 0; i < docs.length; i += 1000) {
    await scratch.insertMany(docs.slice(i, i + 1000), { ordered: false });
  }
  const rate = docs.length / ((now() - t) / 1000);
  await scratch.drop().catch(() => undefined);
  return rate;
}

/** Raw driver baseline for replacing: bulkWrite of replaceOne by `_id`, chunks of 50. */
async function rawReplace(col: Collection<IndicatorDoc>, docs: IndicatorDoc[]): Promise<number> {
  const t = now();
  for (let i = 0; i < docs.length; i += 50) {
    await col.bulkWrite(
      docs.slice(i, i + 50).map((d) => ({
        replaceOne: { filter: { _id: d._id }, replacement: { ...d, version: d.version + 1 } },
      })),
      { ordered: false },
    );
  }
  return docs.length / ((now() - t) / 1000);
}

/** Per-operation cost of the store's primary-key paths, on the live indicators collection. */
async function storeCosts(col: Collection<IndicatorDoc>, preloaded: number) {
  const pick = () => preloadEnvelope(Math.floor(Math.random() * preloaded)).metadata.aggregateId;
  const reads: number[] = [];
  for (let k = 0; k < 200; k += 1) {
    const t = now();
    await col.findOne({ _id: pick() });
    reads.push(now() - t);
  }
  const writes: number[] = [];
  for (let k = 0; k < 200; k += 1) {
    const doc = await col.findOne({ _id: pick() });
    if (!doc) continue;
    const t = now();
    await col.replaceOne({ _id: doc._id }, doc);
    writes.push(now() - t);
  }
  return { readMs: pct(reads, 50), writeMs: pct(writes, 50) };
}

/** The projector path itself (applyEvents), on a scratch collection: updates of stored docs. */
async function projectorUpdatePath(db: Db, preloaded: number) {
  const col = db.collection<IndicatorDoc>(indicatorProjection.collection);
  const n = Math.min(5_000, preloaded);
  const picks = Array.from({ length: n }, (_, k) => Math.floor((k * preloaded) / n));
  const docs = (
    await Promise.all(
      picks.map((i) => col.findOne({ _id: preloadEnvelope(i).metadata.aggregateId })),
    )
  ).filter((d): d is IndicatorDoc => d !== null);
  const sightings = docs.map((d) => ({
    metadata: {
      eventId: randomUUID(),
      eventType: 'IndicatorSighted',
      aggregateId: d._id,
      aggregateVersion: d.version + 1,
      orgId: reader!.id,
      occurredAt: new Date(),
      correlationId: 'bench',
      causationId: randomUUID(),
    },
    event: {
      type: 'IndicatorSighted',
      data: {
        indicatorId: d._id,
        sightedByOrgId: reader!.id,
        observedAt: Date.now(),
        count: 1,
        note: null,
        recordedAt: Date.now(),
      },
    },
  }));
  const t = now();
  for (let i = 0; i < sightings.length; i += 1000) {
    await applyEvents(
      indicatorProjection as never,
      col as never,
      sightings.slice(i, i + 1000) as never,
    );
  }
  const projector = sightings.length / ((now() - t) / 1000);
  const raw = await rawReplace(
    col,
    docs.map((d) => ({ ...d, version: d.version + 1 })),
  );
  return { projectorUpdates: projector, rawReplace: raw, n: docs.length };
}

async function post(path: string, token: string, body: unknown) {
  const res = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function get(path: string, token: string, timeoutMs = 120_000): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const res = await fetch(`${BASE}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer();
      return res.status;
    } catch (err) {
      // A pooled keep-alive connection the gateway closed while the bench ran Kafka's tools
      // fails at once ("other side closed"); that is the client's socket, not the answer.
      if ((err as Error).name === 'TimeoutError' || attempt >= 3) throw err;
    }
  }
}

/** HTTP batch load for INGEST_SECONDS, then until the last accepted one is readable by the office. */
async function endToEnd(size: number) {
  let accepted = 0;
  let refused = 0;
  let lastId = '';
  let seq = 0;
  const t0 = now();
  const stopAt = t0 + INGEST_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (now() < stopAt) {
        const items = Array.from({ length: BATCH }, () => {
          const i = (seq += 1);
          return {
            type: 'domain',
            value: `e2e-${size}-${i}-${randomUUID().slice(0, 8)}.bench.example`,
            tlp: 'GREEN',
            confidence: 60,
            description: 'benchmark batch indicator',
          };
        });
        const r = await post('/v1/indicators/batch', publisher!.token, { items });
        const results = (r.body as { results?: { status: number; id?: string }[] }).results ?? [];
        for (const x of results) {
          if (x.status === 201 || x.status === 200) {
            accepted += 1;
            if (x.id) lastId = x.id;
          } else refused += 1;
        }
      }
    }),
  );
  const loadEnd = now();
  await waitFor(
    'the last accepted indicator readable by another organisation',
    async () => (await get(`/v1/indicators/${lastId}`, reader!.token)) === 200,
    30 * 60_000,
    100,
  );
  // The last id of the last batch is readable; wait for the projector to finish the others.
  const seconds = (now() - t0) / 1000;
  return {
    accepted,
    refused,
    acceptedPerSec: accepted / ((loadEnd - t0) / 1000),
    endToEndPerSec: accepted / seconds,
    readableAfterLoadSec: (now() - loadEnd) / 1000,
  };
}

function publishOne(tag: string) {
  return post('/v1/indicators', publisher!.token, {
    type: 'domain',
    value: `${tag}-${randomUUID().slice(0, 12)}.bench.example`,
    tlp: 'GREEN',
    confidence: 60,
  });
}

/** Single publishes, closed loop at 64 callers for a few seconds: the maximum rate. */
async function singlePublishMax(seconds = 8, callers = 64) {
  const latencies: number[] = [];
  const stopAt = now() + seconds * 1000;
  const t0 = now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (now() < stopAt) {
        const t = now();
        const r = await publishOne('max');
        if (r.status === 201) latencies.push(now() - t);
      }
    }),
  );
  return {
    perSec: latencies.length / ((now() - t0) / 1000),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
  };
}

/**
 * Open-loop single publishes at `rate` per second for `seconds`; every tenth is followed until
 * another organisation can read it: publish → readable latency under that load.
 */
async function readableAtLoad(rate: number, seconds = 15) {
  const samples: number[] = [];
  const pending: Promise<void>[] = [];
  const total = Math.max(1, Math.round(rate * seconds));
  const t0 = now();
  for (let k = 0; k < total; k += 1) {
    const due = t0 + (k * 1000) / rate;
    const wait = due - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sampled = k % 10 === 0;
    pending.push(
      (async () => {
        const t = now();
        const r = await publishOne('lat');
        const id = (r.body as { id?: string }).id;
        if (!sampled || r.status !== 201 || !id) return;
        while ((await get(`/v1/indicators/${id}`, reader!.token)) !== 200) {
          await new Promise((res) => setTimeout(res, 10));
        }
        samples.push(now() - t);
      })(),
    );
  }
  await Promise.all(pending);
  return { p50: pct(samples, 50), p99: pct(samples, 99), samples: samples.length };
}

async function listPages() {
  const timings: number[] = [];
  for (let k = 0; k < 10; k += 1) {
    const t = now();
    const status = await get('/v1/indicators?type=ipv4&tlp=GREEN&limit=50', reader!.token).catch(
      () => 'timeout' as const,
    );
    timings.push(status === 'timeout' ? Infinity : now() - t);
    if (status === 'timeout') break; // reported as "over 120,000 ms"
    if (status !== 200) throw new Error(`list answered ${status}`);
    if (now() - t > 20_000) break; // a page this slow needs no more samples to be judged
  }
  return { p50: pct(timings, 50), p99: pct(timings, 99), samples: timings.length };
}

function processorLoad(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('state loaded'));
    const last = lines[lines.length - 1];
    if (!last) return 'n/a';
    const j = JSON.parse(last) as { events?: number; ms?: number };
    return `${f0(j.events ?? NaN)} events in ${f0(j.ms ?? NaN)} ms`;
  } catch {
    return 'n/a';
  }
}

async function main(): Promise<void> {
  const mongo = await MongoClient.connect(process.env.MONGODB_URI ?? '');
  const db = mongo.db();
  await withAdmin(kafka, (admin) => ensureTopics(admin, topics, cfg.ACD_REPLICATION_FACTOR));
  const env = { ...process.env, LOG_LEVEL: 'info' };
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`machine: ${machine}`);
  let projector: ServiceHandle | null = null;
  let stored = 0;
  let preloaded = 0;
  const rows: Record<string, unknown>[] = [];
  for (const size of SIZES) {
    console.log(`\n== ${f0(size)} indicators stored ==`);
    // 1. Preload through the log with the projector stopped, then time the projector catching
    //    up from its first checkpoint move (its start-up and group join are not counted).
    await projector?.stop();
    const target = Math.max(0, size - stored);
    const cpBefore = await checkpointSum(db);
    await produceEvents(preloaded, preloaded + target);
    preloaded += target;
    projector = new Service('projector', env, LOG_DIR).start();
    let firstMove: { at: number; cp: number } | null = null;
    const end = cpBefore + target;
    await waitFor(
      'the projector to reach the end of the preload',
      async () => {
        const cp = await checkpointSum(db);
        if (!firstMove && cp > cpBefore) firstMove = { at: now(), cp };
        progress(`  projecting the preload: ${cp - cpBefore}/${target}`);
        return cp >= end;
      },
      3 * 60 * 60_000,
      250,
    );
    process.stderr.write('\n');
    const moved = firstMove as { at: number; cp: number } | null;
    const projectorPerSec = moved ? (end - moved.cp) / ((now() - moved.at) / 1000) : NaN;
    const sample = Array.from({ length: Math.min(target, 50_000) }, (_, k) =>
      indicatorProjection.evolve(null, preloadEnvelope(preloaded - target + k) as never),
    ).filter((d): d is IndicatorDoc => d !== null);
    const rawInsertPerSec = await rawInsert(db, sample);
    stored += target;
    console.log(
      `  preload: live projector ${f0(projectorPerSec)} docs/s vs raw insertMany ${f0(rawInsertPerSec)} docs/s`,
    );

    // 2. The store's primary-key paths at this size.
    const col = db.collection<IndicatorDoc>(indicatorProjection.collection);
    const costs = await storeCosts(col, preloaded);
    const updates = await projectorUpdatePath(db, preloaded);
    console.log(
      `  _id read p50 ${f2(costs.readMs)} ms, replace p50 ${f2(costs.writeMs)} ms; projector updates ${f0(updates.projectorUpdates)} docs/s vs raw replaceOne bulks ${f0(updates.rawReplace)} docs/s`,
    );

    // 3. End to end through the gateway (the processor reloads the log at start).
    const indicators = new Service('indicators', env, LOG_DIR).start();
    const gateway = new Service('gateway', env, LOG_DIR).start();
    await waitFor('gateway', async () => (await fetch(`${BASE}/health`)).ok, 600_000, 500);
    await waitFor(
      'the indicators processor',
      async () =>
        (
          await post('/v1/indicators', publisher!.token, {
            type: 'domain',
            value: `warm-${randomUUID().slice(0, 8)}.bench.example`,
            tlp: 'GREEN',
          })
        ).status === 201,
      600_000,
      1_000,
    );
    const load = processorLoad(indicators.logFile);
    const e2e = await endToEnd(size);
    const e2eDocs = Array.from({ length: Math.min(e2e.accepted, 50_000) }, (_, k) =>
      indicatorProjection.evolve(null, preloadEnvelope(10_000_000 + k) as never),
    ).filter((d): d is IndicatorDoc => d !== null);
    const e2eBaseline = await rawInsert(db, e2eDocs);
    console.log(
      `  end to end: ${f0(e2e.accepted)} accepted at ${f0(e2e.acceptedPerSec)}/s, ${f0(e2e.endToEndPerSec)}/s until readable (${f2(e2e.readableAfterLoadSec)} s after the load); raw insertMany ${f0(e2eBaseline)} docs/s; processor reload ${load}`,
    );

    // 4. `projector rebuild` of the indicators read model, beside the live projector.
    let rebuild = { documentsPerSec: NaN, line: 'skipped' };
    if (process.env.BENCH_REBUILD !== '0') {
      const { out } = await runApp(
        'dist/apps/projector/src/main.js',
        ['rebuild', indicatorProjection.name],
        env,
      );
      const line = out.trim().split('\n').pop() ?? '';
      rebuild = { documentsPerSec: Number(/(\d+) documents\/s/.exec(line)?.[1] ?? NaN), line };
      console.log(`  ${line}`);
    }

    // 5. Single publishes: the maximum rate, then publish → readable at 30 % of it, beside
    //    Kafka's own end-to-end latency on the same broker.
    const single = await singlePublishMax();
    const latency = await readableAtLoad(Math.max(1, single.perSec * 0.3));
    const kafkaLatency = kafkaEndToEndLatency(
      cfg.KAFKA_BROKERS,
      `${cfg.ACD_TOPIC_PREFIX}bench.scale-latency.${size}`,
      1_000,
      600,
    );
    console.log(
      `  single publish at 64 callers: ${f0(single.perSec)}/s, p50 ${f0(single.p50)} ms, p99 ${f0(single.p99)} ms; ` +
        `publish → readable at ${f0(single.perSec * 0.3)}/s: p50 ${f0(latency.p50)} ms, p99 ${f0(latency.p99)} ms ` +
        `(Kafka EndToEndLatency p50 ${f2(kafkaLatency?.p50)} ms, p99 ${f2(kafkaLatency?.p99)} ms)`,
    );

    // 6. A filtered list page as the office.
    const list = await listPages();
    console.log(`  filtered list page p50 ${f0(list.p50)} ms, p99 ${f0(list.p99)} ms`);
    stored += e2e.accepted + 1;
    const rss = {
      projector: rssMiB(projector.pid),
      indicators: rssMiB(indicators.pid),
      gateway: rssMiB(gateway.pid),
      ferretdb: rssMiB(stackPid('ferretdb')),
      kafka: rssMiB(stackPid('kafka-1')),
    };
    console.log(
      `  resident memory: projector ${f0(rss.projector)} MiB, indicators ${f0(rss.indicators)} MiB, gateway ${f0(rss.gateway)} MiB, FerretDB ${f0(rss.ferretdb)} MiB, Kafka ${f0(rss.kafka)} MiB`,
    );
    rows.push({
      size,
      projectorPerSec,
      rawInsertPerSec,
      ...costs,
      ...updates,
      ...e2e,
      e2eBaseline,
      processorLoad: load,
      rebuild,
      single,
      latency,
      kafkaLatency,
      list,
      rss,
    });
    await gateway.stop();
    await indicators.stop();
  }
  await projector?.stop();
  await mongo.close();
  console.log(
    '\n| stored | projector docs/s (raw insertMany) | rebuild docs/s | _id read / replace p50 ms | projector updates docs/s (raw replace) | end to end /s (raw insertMany) | list page p50/p99 ms |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows as Array<Record<string, number> & { list: { p50: number; p99: number } }>) {
    console.log(
      `| ${f0(r.size)} | ${f0(r.projectorPerSec)} (${f0(r.rawInsertPerSec)}) | ${f0((r.rebuild as unknown as { documentsPerSec: number }).documentsPerSec)} | ${f2(r.readMs)} / ${f2(r.writeMs)} | ${f0(r.projectorUpdates)} (${f0(r.rawReplace)}) | ${f0(r.endToEndPerSec)} (${f0(r.e2eBaseline)}) | ${f0(r.list.p50)} / ${f0(r.list.p99)} |`,
    );
  }
  const outDir = join(ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'scale.json'),
    JSON.stringify({ at: new Date().toISOString(), machine, rows }, null, 2),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
