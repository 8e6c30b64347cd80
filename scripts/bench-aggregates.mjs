#!/usr/bin/env node
// `npm run bench:aggregates`: builds, starts a dedicated local stack (or uses KAFKA_BROKERS and
// MONGODB_URI), seeds the demo organisations and runs bench/aggregates.bench.ts, which preloads
// indicators over 30 days, starts the projector and the gateway itself and times the dashboard
// aggregate beside the raw driver's count. Sizes: BENCH_AGGR_STORED, BENCH_AGGR_REPEATS. The
// stack is purged at the end.
import { randomBytes } from 'node:crypto';
import { runStackBench } from './lib/bench-stack.mjs';

await runStackBench('dist/bench/aggregates.bench.js', {
  stack: 'bench-aggr',
  kafkaPort: '18600',
  mongoPort: '28617',
  database: 'acd_aggr',
  env: {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ACD_TOPIC_PREFIX: `aggr${Date.now()}.`,
    ACD_ID_KEY: randomBytes(32).toString('hex'),
    PORT: process.env.BENCH_PORT ?? '3903',
  },
});
