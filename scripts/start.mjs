#!/usr/bin/env node
// `npm start`: installs what is missing, builds, provisions and starts the local Kafka and
// FerretDB (unless KAFKA_BROKERS and MONGODB_URI point elsewhere), starts every service,
// seeds the demo organisations and a few indicators, and prints where to look.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureDependencies } from './lib/dependencies.mjs';
import { seedAdvisoriesDemo } from './lib/demo-advisories.mjs';
import { seedOversightDemo } from './lib/demo-oversight.mjs';
import { seedReportingDemo } from './lib/demo-reporting.mjs';
import { seedTrafficDemo } from './lib/demo-traffic.mjs';
import { openJournal } from './lib/demo-journal.mjs';

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
  env.MONGODB_URI = endpoints.mongoUri.replace(/\/?$/, '/acd');
  env.KAFKA_SASL_BROKERS = (endpoints.kafkaSaslBrokers ?? []).join(',');
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

const { Service, runApp, waitFor } = require('./lib/services.cjs');
const logDir = path.join(ROOT, '.local', 'logs');
mkdirSync(logDir, { recursive: true });
const port = Number(env.PORT ?? 3000);
const host = env.HOST ?? '127.0.0.1';
const base = `http://${host}:${port}`;

step('registering demo organisations');
const demoFile = path.join(ROOT, '.local', 'demo-orgs.json');
await runApp('dist/apps/cli/src/main.js', ['seed-demo', '--out', demoFile], env).then(({ out }) =>
  process.stdout.write(out),
);
if (!external) {
  step('creating Kafka users (SASL/SCRAM) and ACLs for the demo organisations');
  const args = ['kafka-access', '--orgs', demoFile, '--out', '.local/kafka-users.json'];
  await runApp('dist/apps/cli/src/main.js', args, env).then(({ out }) => process.stdout.write(out));
}

step('starting services (logs in .local/logs/)');
const services = [
  'projector',
  'indicators',
  'reporting',
  'advisories',
  'oversight',
  'scheduler',
  'audit',
  'traffic',
  'gateway',
].map((name) =>
  new Service(name, env, logDir, {
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

const orgs = JSON.parse(readFileSync(demoFile, 'utf8'));
const token = (id) => orgs.find((o) => o.id === id)?.token;
const anyOperator = orgs.find((o) => o.kind === 'operator');
try {
  await waitFor(
    'the gateway to be healthy',
    async () => (await fetch(`${base}/health`)).ok,
    120_000,
    500,
  );
  await waitFor(
    'the demo organisations to be readable',
    async () =>
      (
        await fetch(`${base}/v1/indicators?limit=1`, {
          headers: { authorization: `Bearer ${anyOperator.token}` },
        })
      ).ok,
    60_000,
    500,
  );
} catch (err) {
  console.error(`\u2716 ${err.message}\n  see .local/logs/*.log`);
  await stop(1);
}

step('publishing demo indicators');
const operators = orgs.filter((o) => o.kind === 'operator');
const opA = operators[0];
// A second operator in another sector, so sector audiences visibly differ.
const opB = operators.find((o) => o.sector !== opA.sector) ?? operators[1];
const nco = orgs.find((o) => o.kind === 'cabinet-office');
const police = orgs.find((o) => o.kind === 'police');
const demo = [
  [
    opA,
    {
      type: 'ipv4',
      value: '203.0.113.10',
      tlp: 'CLEAR',
      confidence: 70,
      description: 'Scanner hitting SCADA VPN gateways',
    },
  ],
  [
    opA,
    {
      type: 'domain',
      value: 'update-check.example.net',
      tlp: 'GREEN',
      confidence: 85,
      description: 'Phishing domain imitating a grid vendor',
    },
  ],
  [
    opA,
    {
      type: 'sha256',
      value: 'a'.repeat(64),
      tlp: 'AMBER',
      audience: { sectors: [opA.sector, opB.sector] },
      confidence: 90,
      description: 'Loader seen on engineering workstations',
      cves: ['CVE-2024-3400'],
    },
  ],
  [
    opB,
    {
      type: 'url',
      value: 'https://198.51.100.23/payload.bin',
      tlp: 'AMBER+STRICT',
      audience: { orgs: [opB.id] },
      confidence: 60,
      description: 'Payload URL from the signalling network incident',
    },
  ],
  [
    opB,
    {
      type: 'cidr',
      value: '192.0.2.0/24',
      tlp: 'RED',
      audience: { orgs: [nco.id, police.id] },
      confidence: 95,
      description: 'Attacker infrastructure under investigation',
    },
  ],
];
for (const [org, body] of demo) {
  const res = await fetch(`${base}/v1/indicators`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token(org.id)}`,
      'content-type': 'application/json',
      'idempotency-key': `demo-${body.type}-${body.value}`,
    },
    body: JSON.stringify(body),
  });
  console.log(
    `  ${org.id} ${body.tlp.padEnd(12)} ${body.type.padEnd(6)} ${body.value} -> ${res.status}`,
  );
}

// The demo's requests, kept with the data they created, so a second run resends them unchanged.
const journal = openJournal(
  external
    ? path.join(
        ROOT,
        '.local',
        `demo-journal-${createHash('sha256')
          .update(`${env.KAFKA_BROKERS} ${env.MONGODB_URI} ${env.ACD_TOPIC_PREFIX ?? ''}`)
          .digest('hex')
          .slice(0, 12)}.json`,
      )
    : path.join(ROOT, '.local', 'stacks', 'dev', 'demo-journal.json'),
);

step('seeding the reporting demo (assets, incidents, deadlines, orders, a penalty)');
let reportingDemo;
try {
  reportingDemo = await seedReportingDemo({ base, orgs, journal });
} catch (err) {
  console.error(`\u2716 ${err.message}\n  see .local/logs/*.log`);
  await stop(1);
}

step(
  'seeding the advisories demo (everyone GREEN, electricity AMBER, named RED, an acknowledgement)',
);
try {
  await seedAdvisoriesDemo({ base, orgs, journal });
} catch (err) {
  console.error(`\u2716 ${err.message}\n  see .local/logs/*.log`);
  await stop(1);
}

step(
  'seeding the oversight demo (a pending request, an approved, executed and reported operation, a collection authorisation)',
);
let oversightDemo;
try {
  ({ oversight: oversightDemo } = await seedOversightDemo({ base, orgs, journal }));
} catch (err) {
  console.error(`\u2716 ${err.message}\n  see .local/logs/*.log`);
  await stop(1);
}

step('seeding the traffic demo (flow metadata from tel-nihon-backbone, a few matching indicators)');
try {
  const commission = orgs.find((o) => o.kind === 'oversight-commission');
  // The edge checks the authorisation on the read side: wait until the approval is projected.
  await waitFor(
    'the collection authorisation to be approved',
    async () => {
      const res = await fetch(`${base}/v1/oversight/requests/${oversightDemo.collection}`, {
        headers: { authorization: `Bearer ${commission.token}` },
      });
      return res.ok && (await res.json()).status === 'approved';
    },
    60_000,
    300,
  );
  const t = await seedTrafficDemo({ base, orgs, journal });
  console.log(
    `  ${t.received} flows in ${t.batches} batches: ${t.accepted} accepted, ${t.refusedDomestic} domestic-only refused`,
  );
} catch (err) {
  console.error(`\u2716 ${err.message}\n  see .local/logs/*.log`);
  await stop(1);
}

const commissionOrg = orgs.find((o) => o.kind === 'oversight-commission');
console.log(`
\u2714 the bus is running
  REST API      ${base}/v1/indicators, /v1/incidents, /v1/assets, /v1/compliance/board,
                /v1/advisories, /v1/oversight/board, /v1/traffic/matches, /v1/audit/head
  OpenAPI       ${base}/docs  (JSON: ${base}/docs-json)
  health        ${base}/health
  demo tokens   .local/demo-orgs.json  (commission members: the "members" of ${commissionOrg.id})
  audit key     .local/audit-public.pem  (the public key that checks the audit log's signed heads)
${external ? '' : `  Kafka users   .local/kafka-users.json  (own clients: SASL/SCRAM on ${env.KAFKA_SASL_BROKERS}; docs/wire-format.md)\n`}  logs          .local/logs/  (Kafka and FerretDB: .local/stacks/dev/)
${external ? '' : `  Kafka         ${env.KAFKA_BROKERS}\n  MongoDB       ${env.MONGODB_URI}\n`}
  try:  TOKEN=$(node -p "require('./.local/demo-orgs.json').find(o => o.id === '${opA.id}').token")
        curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/indicators
        NCO=$(node -p "require('./.local/demo-orgs.json').find(o => o.id === '${nco.id}').token")
        curl -s -H "Authorization: Bearer $NCO" ${base}/v1/compliance/board
        curl -s -H "Authorization: Bearer $NCO" ${base}/v1/incidents/${reportingDemo.incidents.complied}/timeline
        curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/advisories
        curl -s -H "Authorization: Bearer $NCO" ${base}/v1/traffic/matches
        CC=$(node -p "require('./.local/demo-orgs.json').find(o => o.id === '${commissionOrg.id}').token")
        curl -s -H "Authorization: Bearer $CC" ${base}/v1/oversight/board
        ACD_TOKEN=$CC npm run -s acd -- audit verify --public-key .local/audit-public.pem

Ctrl-C stops everything.`);
