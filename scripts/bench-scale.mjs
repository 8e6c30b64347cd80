#!/usr/bin/env node
// `npm run bench:scale`: builds, starts a dedicated local stack (or uses KAFKA_BROKERS and
// MONGODB_URI), seeds the demo organisations and runs bench/scale.bench.ts, which starts the
// projector, the indicators processor and the gateway itself (it needs to start them at chosen
// moments). Sizes: BENCH_STORED, BENCH_INGEST_SECONDS, BENCH_BATCH, BENCH_CALLERS (see the
// bench file). The stack is purged at the end: a 1,000,000-indicator store takes gigabytes.
import { randomBytes } from 'node:crypto';
import { runStackBench } from './lib/bench-stack.mjs';

await runStackBench('dist/bench/scale.bench.js', {
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
