#!/usr/bin/env node
// `npm run bench:scale`: builds, starts a dedicated local stack (or uses KAFKA_BROKERS and
// MONGODB_URI), seeds the demo organisations and runs bench/scale.bench.ts, which starts the
// projector, the indicators processor and the gateway itself (it needs to start them at chosen
// moments). Sizes: BENCH_STORED, BENCH_INGEST_SECONDS, BENCH_BATCH, BENCH_CALLERS (see the
// bench file). The stack is purged at the end: a 1,000,000-indicator store takes gigabytes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { runApp, nodeArgs } = require('./lib/services.cjs');
const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

sh('npx', ['tsc', '-p', 'tsconfig.build.json']);
const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
const env = {
  ...process.env,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  ACD_TOPIC_PREFIX: `scale${Date.now()}.`,
  ACD_ID_KEY: randomBytes(32).toString('hex'),
  PORT: process.env.BENCH_PORT ?? '3901',
};
const stackEnv = {
  ...process.env,
  ACD_STACK: 'bench-scale',
  ACD_KAFKA_PORT: '18692',
  ACD_MONGO_PORT: '28417',
};
if (!external) {
  sh('bash', ['deploy/local/stack.sh', 'provision']);
  sh('bash', ['deploy/local/stack.sh', 'start'], { env: stackEnv });
  const endpoints = JSON.parse(
    readFileSync(path.join(ROOT, '.local/stacks/bench-scale/endpoints.json'), 'utf8'),
  );
  env.KAFKA_BROKERS = endpoints.kafkaBrokers.join(',');
  env.MONGODB_URI = endpoints.mongoUri.replace(/\/?$/, '/acd_scale');
}
const logDir = mkdtempSync(path.join(tmpdir(), 'acd-bench-scale-'));
const orgsFile = path.join(logDir, 'orgs.json');
let status = 1;
try {
  await runApp(
    'dist/apps/cli/src/main.js',
    ['seed-demo', '--organisations-only', '--out', orgsFile],
    env,
  );
  const r = spawnSync(process.execPath, nodeArgs('dist/bench/scale.bench.js', []), {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...env,
      BENCH_GATEWAY: `http://127.0.0.1:${env.PORT}`,
      BENCH_ORGS: orgsFile,
      BENCH_LOG_DIR: logDir,
      BENCH_STACK_PIDS: external ? '' : path.join(ROOT, '.local/stacks/bench-scale/pids'),
    },
  });
  status = r.status ?? 1;
} finally {
  if (!external && process.env.BENCH_KEEP_STACK !== '1')
    spawnSync('bash', ['deploy/local/stack.sh', 'stop', '--purge'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: stackEnv,
    });
  console.log(`service logs: ${logDir}`);
}
process.exit(status);
