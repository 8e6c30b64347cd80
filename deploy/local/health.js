#!/usr/bin/env node
/*
 * Health probes used by deploy/local/stack.sh (needs the repo's node_modules: kafkajs, mongodb).
 *
 *   node deploy/local/health.js kafka <host:port,...> [--expect N] [--node ID] [--timeout SEC]
 *       waits until a metadata request (admin.describeCluster) answers and lists at least N
 *       brokers (or the broker with id ID) and a controller.
 *   node deploy/local/health.js mongo <mongodb-uri> [--timeout SEC]
 *       waits until the server answers { ping: 1 }.
 *   --pids P1,P2   give up at once when one of these processes has exited
 *   --users FILE   (kafka) log in with SASL/SCRAM-SHA-512 as the `admin` entry of this
 *                  kafka-users.json (the stack's private state): no password on the command line
 *   --credentials FILE   (mongo) log in as the `mongo` entry of this stack.json, and list the
 *                  databases (a command that needs the login), not only ping
 *
 * Exit code 0 when healthy, 1 on timeout or exited process (last error on stderr), 2 on usage errors.
 */
'use strict';

function parseArgs(argv) {
  const [kind, target, ...rest] = argv;
  const opts = {
    kind,
    target,
    expect: 1,
    node: undefined,
    timeout: 60,
    pids: [],
    users: undefined,
    credentials: undefined,
  };
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i];
    const value = rest[i + 1];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    if (key === '--expect') opts.expect = Number(value);
    else if (key === '--node') opts.node = Number(value);
    else if (key === '--timeout') opts.timeout = Number(value);
    else if (key === '--pids') opts.pids = value.split(',').filter(Boolean).map(Number);
    else if (key === '--users') opts.users = value;
    else if (key === '--credentials') opts.credentials = value;
    else throw new Error(`unknown option ${key}`);
  }
  if (!kind || !target) throw new Error('usage: health.js <kafka|mongo> <target> [options]');
  return opts;
}

// Exited (or zombie: exited, not yet reaped by the shell that launched it).
function exited(pid) {
  try {
    const stat = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function adminUser(file) {
  const users = JSON.parse(require('fs').readFileSync(file, 'utf8'));
  const { username, password } = users.admin ?? {};
  if (!username || !password) throw new Error(`no admin user in ${file}`);
  return { username, password };
}

async function probeKafka(opts) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'acd-stack-health',
    brokers: opts.target.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
    ...(opts.users ? { sasl: { mechanism: 'scram-sha-512', ...adminUser(opts.users) } } : {}),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const ids = cluster.brokers.map((b) => b.nodeId);
    if (cluster.controller === null || cluster.controller === undefined || cluster.controller < 0) {
      throw new Error(`no active controller yet (brokers ${ids.join(',')})`);
    }
    if (opts.node !== undefined && !ids.includes(opts.node)) {
      throw new Error(`broker ${opts.node} not registered yet (brokers ${ids.join(',')})`);
    }
    if (ids.length < opts.expect) {
      throw new Error(`${ids.length}/${opts.expect} brokers registered (${ids.join(',')})`);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function probeMongo(opts) {
  const { MongoClient } = require('mongodb');
  let auth = {};
  if (opts.credentials) {
    const { mongo } = JSON.parse(require('fs').readFileSync(opts.credentials, 'utf8'));
    if (!mongo?.username || !mongo?.password)
      throw new Error(`no mongo user in ${opts.credentials}`);
    auth = { auth: { username: mongo.username, password: mongo.password }, authSource: 'admin' };
  }
  const client = new MongoClient(opts.target, {
    ...auth,
    serverSelectionTimeoutMS: 1000,
    connectTimeoutMS: 1000,
    directConnection: true,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    if (opts.credentials) await client.db('admin').command({ listDatabases: 1, nameOnly: true });
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const probe = opts.kind === 'kafka' ? probeKafka : opts.kind === 'mongo' ? probeMongo : null;
  if (!probe) {
    process.stderr.write(`unknown probe ${opts.kind}\n`);
    process.exit(2);
  }
  const deadline = Date.now() + opts.timeout * 1000;
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    try {
      await probe(opts);
      process.exit(0);
    } catch (err) {
      lastError = err && err.message ? err.message : String(err);
    }
    const dead = opts.pids.find(exited);
    if (dead !== undefined) {
      process.stderr.write(
        `${opts.kind}: process ${dead} exited before it became healthy (${lastError})\n`,
      );
      process.exit(1);
    }
    await sleep(250);
  }
  process.stderr.write(
    `${opts.kind} at ${opts.target} not healthy after ${opts.timeout}s: ${lastError}\n`,
  );
  process.exit(1);
}

main();
