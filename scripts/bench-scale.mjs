#!/usr/bin/env node
// `npm run bench:scale`: builds, starts a dedicated local stack (or uses KAFKA_BROKERS and
// MONGODB_URI), seeds the demo organisations and runs bench/scale.bench.ts, which starts the
// projector, the indicators processor and the gateway itself (it needs to start them at chosen
// moments). Sizes: BENCH_STORED, BENCH_INGEST_SECONDS, BENCH_BATCH, BENCH_CALLERS (see the
// bench file). The stack is purged at the end: a 1,000,000-indicator store takes gigabytes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { openBenchStack, ROOT } from './lib/bench-stack.mjs';

const require = createRequire(import.meta.url);
const { nodeArgs } = require('./lib/services.cjs');

const bench = await openBenchStack({
  stack: 'bench-scale',
  kafkaPort: '18692',
  mongoPort: '28417',
  database: 'acd_scale',
  env: {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ACD_TOPIC_PREFIX: `scale${Date.now()}.`,
    ACD_ID_KEY: randomBytes(32).toString('hex'),
    PORT: process.env.BENCH_PORT ?? '3901',
  },
});
let status = 1;
try {
  const r = spawnSync(process.execPath, nodeArgs('dist/bench/scale.bench.js', []), {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...bench.env,
      BENCH_GATEWAY: `http://127.0.0.1:${bench.env.PORT}`,
      BENCH_ORGS: bench.orgsFile,
      BENCH_LOG_DIR: bench.logDir,
      BENCH_STACK_PIDS: bench.pidsFile,
    },
  });
  status = r.status ?? 1;
} finally {
  bench.close({ keep: process.env.BENCH_KEEP_STACK === '1' });
}
process.exit(status);
