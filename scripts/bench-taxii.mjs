#!/usr/bin/env node
// `npm run bench:taxii`: builds, starts a dedicated local stack (or uses KAFKA_BROKERS and
// MONGODB_URI), seeds the demo organisations and runs bench/taxii.bench.ts, which preloads the
// indicators, starts the projector and the gateway itself and pages the TAXII collection and the
// REST list. Sizes: BENCH_TAXII_STORED, BENCH_TAXII_REPEATS, BENCH_TAXII_LIMIT (see the bench
// file). The stack is purged at the end.
import { randomBytes } from 'node:crypto';
import { runStackBench } from './lib/bench-stack.mjs';

await runStackBench('dist/bench/taxii.bench.js', {
  stack: 'bench-taxii',
  kafkaPort: '18792',
  mongoPort: '28517',
  database: 'acd_taxii',
  env: {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ACD_TOPIC_PREFIX: `taxii${Date.now()}.`,
    ACD_ID_KEY: randomBytes(32).toString('hex'),
    PORT: process.env.BENCH_PORT ?? '3902',
  },
});
