#!/usr/bin/env node
// `npm start`: installs what is missing, builds (the web console too), provisions and starts the
// local Kafka and FerretDB (unless KAFKA_BROKERS and MONGODB_URI point elsewhere), starts every
// service, seeds the demo (`acd seed-demo`), and prints where to look.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildDashboard } from './lib/dashboard.mjs';
import { ensureDependencies } from './lib/dependencies.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const step = (msg) => console.log(`\n\u25b6 ${msg}`);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n\u2716 ${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

if (!ensureDependencies(ROOT)) process.exit(1);

step('building');
sh('npx', ['tsc', '-p', 'tsconfig.build.json']);
step('building the web console (npm run build:dashboard)');
if (!buildDashboard(ROOT)) process.exit(1);

const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
const env = { ...process.env };
if (external) {
  step(
    `using existing servers: Kafka ${env.KAFKA_BROKERS}, MongoDB ${env.MONGODB_URI.replace(/\/\/[^@]*@/, '//***@')}`,
  );
} else {
  step('provisioning and starting local Kafka and FerretDB (first run downloads and builds them)');
  sh('bash', ['deploy/local/stack.sh', 'provision']);
  sh('bash', ['deploy/local/stack.sh', 'start'], { env: { ...env, ACD_STACK: 'dev' } });
  const endpoints = JSON.parse(
    readFileSync(path.join(ROOT, '.local/stacks/dev/endpoints.json'), 'utf8'),
  );
  env.KAFKA_BROKERS = endpoints.kafkaBrokers.join(',');
  // the store's URI carries its credentials (and authSource); the bus's database is `acd`
  const mongoUri = new URL(endpoints.mongoUri);
  mongoUri.pathname = '/acd';
  env.MONGODB_URI = mongoUri.toString();
  env.KAFKA_SASL_BROKERS = (endpoints.kafkaSaslBrokers ?? []).join(',');
  // each service logs in to Kafka as its own SCRAM user (scripts/lib/services.cjs serviceEnv)
  if (endpoints.kafkaUsersFile) env.ACD_KAFKA_USERS_FILE = endpoints.kafkaUsersFile;
}

// Publisher pseudonyms and the ids the gateway mints must stay stable across restarts: one
// secret key each, made once and kept with the stack.
for (const [variable, file] of [
  ['ACD_PSEUDONYM_KEY', 'pseudonym.key'],
  ['ACD_ID_KEY', 'id.key'],
]) {
  const keyFile = path.join(ROOT, '.local', file);
  if (env[variable]) continue;
  if (!existsSync(keyFile)) {
    mkdirSync(path.dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  env[variable] = readFileSync(keyFile, 'utf8').trim();
}

// The audit log's signing key (Ed25519, PKCS#8 PEM): made once, never regenerated, since every
// signed tree head is checked against it. Its public half is what verifiers should trust.
const auditKeyFile = path.join(ROOT, '.local', 'audit-signing.key');
const auditPublicFile = path.join(ROOT, '.local', 'audit-public.pem');
if (!env.ACD_AUDIT_SIGNING_KEY) {
  if (!existsSync(auditKeyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(auditKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
  }
  env.ACD_AUDIT_SIGNING_KEY = readFileSync(auditKeyFile, 'utf8');
}
writeFileSync(
  auditPublicFile,
  createPublicKey(
    env.ACD_AUDIT_SIGNING_KEY.includes('BEGIN')
      ? env.ACD_AUDIT_SIGNING_KEY
      : {
          // base64 of a 32-byte seed: wrap it as PKCS#8 (RFC 8410 prefix) to derive the public key
          key: Buffer.concat([
            Buffer.from('302e020100300506032b657004220420', 'hex'),
            Buffer.from(env.ACD_AUDIT_SIGNING_KEY.trim(), 'base64'),
          ]),
          format: 'der',
          type: 'pkcs8',
        },
  ).export({ type: 'spki', format: 'pem' }),
);

const {
  Service,
  SERVICE_NAMES,
  runApp,
  nodeArgs,
  serviceEnv,
  adminEnv,
} = require('./lib/services.cjs');
const CLI = 'dist/apps/cli/src/main.js';
const logDir = path.join(ROOT, '.local', 'logs');
mkdirSync(logDir, { recursive: true });
const port = Number(env.PORT ?? 3000);
const host = env.HOST ?? '127.0.0.1';
const base = `http://${host}:${port}`;

if (env.ACD_KAFKA_USERS_FILE) {
  step("creating the bus's topics and each service's Kafka ACLs (acd service-access)");
  await runApp(CLI, ['service-access'], adminEnv(env)).then(({ out }) => process.stdout.write(out));
}

step('registering demo organisations');
const demoFile = path.join(ROOT, '.local', 'demo-orgs.json');
// Before the services start, so they find the organisations (and the topics) at start-up.
await runApp(
  CLI,
  ['seed-demo', '--organisations-only', '--out', demoFile],
  serviceEnv('cli', env),
).then(({ out }) => process.stdout.write(out));
if (!external) {
  step('creating Kafka users (SASL/SCRAM) and ACLs for the demo organisations');
  const args = ['kafka-access', '--orgs', demoFile, '--out', '.local/kafka-users.json'];
  await runApp(CLI, args, adminEnv(env)).then(({ out }) => process.stdout.write(out));
}

step('starting services (logs in .local/logs/)');
// The gateway is told where the demo organisations' file is (only the local demo has one).
const gatewayEnv = { ...env, ACD_DEMO_ORGS_FILE: demoFile };
const services = SERVICE_NAMES.map((name) =>
  new Service(name, name === 'gateway' ? gatewayEnv : env, logDir, {
    onExit: (n, code, signal) => {
      if (!stopping)
        console.error(`  ${n} exited (${signal ?? code}); restarting — see .local/logs/${n}.log`);
    },
  }).start(),
);
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping services...');
  await Promise.all(services.map((s) => s.stop()));
  if (!external && process.env.ACD_KEEP_STACK !== '1') {
    spawnSync('bash', ['deploy/local/stack.sh', 'stop'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ACD_STACK: 'dev' },
    });
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

// The demo's requests, kept with the data they created, so a second run resends them unchanged.
const journalFile = external
  ? path.join(
      ROOT,
      '.local',
      `demo-journal-${createHash('sha256')
        .update(`${env.KAFKA_BROKERS} ${env.MONGODB_URI} ${env.ACD_TOPIC_PREFIX ?? ''}`)
        .digest('hex')
        .slice(0, 12)}.json`,
    )
  : path.join(ROOT, '.local', 'stacks', 'dev', 'demo-journal.json');
const summaryFile = path.join(ROOT, '.local', 'demo-summary.json');

step('seeding the demo through the API (acd seed-demo)');
rmSync(summaryFile, { force: true });
const seedArgs = ['seed-demo', '--out', demoFile, '--url', base, '--journal', journalFile];
const seeded = await new Promise((resolve) => {
  const child = spawn(process.execPath, nodeArgs(CLI, [...seedArgs, '--summary', summaryFile]), {
    cwd: ROOT,
    env: serviceEnv('cli', env),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code) => resolve(code === 0));
});
if (!seeded) {
  console.error('\u2716 seeding the demo failed; see .local/logs/*.log');
  await stop(1);
}

const demo = JSON.parse(readFileSync(summaryFile, 'utf8'));
// As the gateway resolves it (its working directory is the repository).
const consoleDir = path.resolve(ROOT, env.ACD_DASHBOARD_DIR ?? path.join('dist', 'dashboard'));
const consoleBuilt = existsSync(path.join(consoleDir, 'index.html'));
console.log(`
\u2714 the bus is running
  console       ${base}/${consoleBuilt ? '' : '  (not built: npm run build:dashboard)'}
  REST API      ${base}/v1/indicators, /v1/incidents, /v1/assets, /v1/compliance/board,
                /v1/advisories, /v1/oversight/board, /v1/traffic/matches?purpose=…, /v1/audit/head
  TAXII 2.1     ${base}/taxii2/  (collections "indicators" and "advisories"; Basic: organisation id and token, or Bearer)
  OpenAPI       ${base}/docs  (JSON: ${base}/docs-json)
  health        ${base}/health
  demo tokens   .local/demo-orgs.json  (commission members: the "members" of ${demo.commissionId})
  audit key     .local/audit-public.pem  (the public key that checks the audit log's signed heads)
${external ? '' : `  Kafka users   .local/kafka-users.json  (own clients: SASL/SCRAM on ${env.KAFKA_SASL_BROKERS}; docs/wire-format.md)\n`}  logs          .local/logs/  (Kafka and FerretDB: .local/stacks/dev/)
${external ? '' : `  Kafka         ${env.KAFKA_BROKERS}  (SASL/SCRAM; users in .local/stacks/dev/secrets/, mode 0600)\n  MongoDB       ${env.MONGODB_URI.replace(/\/\/[^@/]*@/, '//***@')}\n`}
  try:  TOKEN=$(node -p "require('./.local/demo-orgs.json').find(o => o.id === '${demo.operatorId}').token")
        curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/indicators
        NCO=$(node -p "require('./.local/demo-orgs.json').find(o => o.id === '${demo.ncoId}').token")
        curl -s -H "Authorization: Bearer $NCO" ${base}/v1/compliance/board
        curl -s -H "Authorization: Bearer $NCO" ${base}/v1/incidents/${demo.incidents.complied}/timeline
        curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/advisories
        curl -s -u ${demo.operatorId}:$TOKEN -H 'Accept: application/taxii+json;version=2.1' ${base}/taxii2/api/collections/indicators/objects/
        curl -s -H "Authorization: Bearer $NCO" '${base}/v1/traffic/matches?purpose=threat-analysis'
        CC=$(node -p "require('./.local/demo-orgs.json').find(o => o.id === '${demo.commissionId}').token")
        curl -s -H "Authorization: Bearer $CC" ${base}/v1/oversight/board
        ACD_TOKEN=$CC npm run -s acd -- audit verify --public-key .local/audit-public.pem

Ctrl-C stops everything.`);
