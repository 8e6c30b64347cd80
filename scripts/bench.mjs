#!/usr/bin/env node
// `npm run bench`: builds, starts a dedicated local stack (or uses KAFKA_BROKERS/MONGODB_URI),
// starts the services, seeds organisations, runs bench/ingest.bench.ts and stops everything,
// then runs scripts/bench-scale.mjs (BENCH_SCALE=0 skips it).
// Sizes: BENCH_RECORDS (50000), BENCH_HTTP_RECORDS (2000), BENCH_LATENCY_SAMPLES (200).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openBenchStack, ROOT } from './lib/bench-stack.mjs';

const require = createRequire(import.meta.url);
const { Service, waitFor, nodeArgs } = require('./lib/services.cjs');

const bench = await openBenchStack({
  stack: 'bench',
  kafkaPort: '19392',
  mongoPort: '28317',
  database: 'acd_bench',
  env: {
    LOG_LEVEL: 'warn',
    ACD_TOPIC_PREFIX: `bench${Date.now()}.`,
    PORT: process.env.BENCH_PORT ?? '3900',
  },
});
const { env, logDir, orgsFile } = bench;
const services = ['projector', 'indicators', 'gateway'].map((n) =>
  new Service(n, env, logDir).start(),
);
const base = `http://127.0.0.1:${env.PORT}`;
let status = 1;
try {
  await waitFor('gateway', async () => (await fetch(`${base}/health`)).ok, 90_000, 300);
  const token = JSON.parse(readFileSync(orgsFile, 'utf8')).find((o) => o.kind === 'operator').token;
  await waitFor(
    'organisations',
    async () =>
      (
        await fetch(`${base}/v1/indicators?limit=1`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).ok,
    60_000,
    300,
  );
  const r = spawnSync(process.execPath, nodeArgs('dist/bench/ingest.bench.js', []), {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...env, BENCH_GATEWAY: base, BENCH_TOKEN: token },
  });
  status = r.status ?? 1;
} finally {
  await Promise.all(services.map((s) => s.stop()));
  bench.close();
}
// The read side at national scale (10,000 to 1,000,000 indicators stored) on a stack of its own.
if (status === 0 && process.env.BENCH_SCALE !== '0') {
  status =
    spawnSync(process.execPath, ['scripts/bench-scale.mjs'], { cwd: ROOT, stdio: 'inherit' })
      .status ?? 1;
}
process.exit(status);
