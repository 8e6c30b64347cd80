// What every server benchmark does first: build, open a dedicated local stack (or use
// KAFKA_BROKERS and MONGODB_URI as given), and register the demo organisations; and last: purge
// that stack. Used by scripts/bench.mjs, scripts/bench-scale.mjs and scripts/bench-taxii.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const { runApp, nodeArgs, serviceEnv, adminEnv } = require('./services.cjs');

/** Runs a command from the repository root; a failure ends the benchmark with its status. */
export function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * @param {{ stack: string, kafkaPort: string, mongoPort: string, database: string, env: object }} o
 *   `env` is the services' environment (topic prefix, port, log level) before the endpoints.
 */
export async function openBenchStack({ stack, kafkaPort, mongoPort, database, env: extra }) {
  sh('npx', ['tsc', '-p', 'tsconfig.build.json']);
  const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
  const env = { ...process.env, ...extra };
  const stackEnv = {
    ...process.env,
    ACD_STACK: stack,
    ACD_KAFKA_PORT: kafkaPort,
    ACD_MONGO_PORT: mongoPort,
  };
  if (!external) {
    sh('bash', ['deploy/local/stack.sh', 'provision']);
    sh('bash', ['deploy/local/stack.sh', 'start'], { env: stackEnv });
    const endpoints = JSON.parse(
      readFileSync(path.join(ROOT, `.local/stacks/${stack}/endpoints.json`), 'utf8'),
    );
    env.KAFKA_BROKERS = endpoints.kafkaBrokers.join(',');
    // the store's URI carries its credentials (and authSource)
    const mongoUri = new URL(endpoints.mongoUri);
    mongoUri.pathname = `/${database}`;
    env.MONGODB_URI = mongoUri.toString();
    // the services (services.cjs) log in as their own users, the benchmark itself as the admin
    if (endpoints.kafkaUsersFile) env.ACD_KAFKA_USERS_FILE = endpoints.kafkaUsersFile;
  }
  const logDir = mkdtempSync(path.join(tmpdir(), `acd-${stack}-`));
  const orgsFile = path.join(logDir, 'orgs.json');
  if (env.ACD_KAFKA_USERS_FILE) {
    await runApp('dist/apps/cli/src/main.js', ['service-access'], adminEnv(env));
  }
  await runApp(
    'dist/apps/cli/src/main.js',
    ['seed-demo', '--organisations-only', '--out', orgsFile],
    serviceEnv('cli', env),
  );
  // the benchmark's own clients are the stack's administrator; each service started from this
  // environment (services.cjs) is handed its own user instead
  const benchEnv = env.ACD_KAFKA_USERS_FILE
    ? { ...adminEnv(env), ACD_KAFKA_USERS_FILE: env.ACD_KAFKA_USERS_FILE }
    : env;
  return {
    env: benchEnv,
    external,
    logDir,
    orgsFile,
    /** The stack's pid file, for benchmarks that sample the servers' memory. */
    pidsFile: external ? '' : path.join(ROOT, `.local/stacks/${stack}/pids`),
    /** Purges the dedicated stack (a large store takes gigabytes); keeps given servers. */
    close({ keep = false } = {}) {
      if (!external && !keep)
        spawnSync('bash', ['deploy/local/stack.sh', 'stop', '--purge'], {
          cwd: ROOT,
          stdio: 'inherit',
          env: stackEnv,
        });
      console.log(`service logs: ${logDir}`);
    },
  };
}

/**
 * Opens the stack, runs a compiled benchmark that starts the services it needs itself (given
 * the gateway's address, the organisations' tokens, a log folder and the stack's pid files),
 * purges the stack (BENCH_KEEP_STACK=1 keeps it) and exits with the benchmark's status.
 * @param {string} entry the compiled benchmark, e.g. dist/bench/scale.bench.js
 * @param {Parameters<typeof openBenchStack>[0]} stackOptions
 */
export async function runStackBench(entry, stackOptions) {
  const bench = await openBenchStack(stackOptions);
  let status = 1;
  try {
    const r = spawnSync(process.execPath, nodeArgs(entry, []), {
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
}
