// Starts the bus's deployables as child processes from the compiled tree. Shared by
// `npm start` and the e2e tests, so both run exactly the same processes.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Every deployable and how to run it, in start order: the gateway last, once the rest is up. */
const SERVICES = {
  projector: ['dist/apps/projector/src/main.js', 'run'],
  indicators: ['dist/apps/indicators/src/main.js'],
  reporting: ['dist/apps/reporting/src/main.js'],
  advisories: ['dist/apps/advisories/src/main.js'],
  oversight: ['dist/apps/oversight/src/main.js'],
  scheduler: ['dist/apps/scheduler/src/main.js'],
  audit: ['dist/apps/audit/src/main.js'],
  traffic: ['dist/apps/traffic/src/main.js'],
  gateway: ['dist/apps/gateway/src/main.js'],
};
const SERVICE_NAMES = Object.keys(SERVICES);

/**
 * The environment of one of the bus's Kafka clients (a service, or `cli` for the command line):
 * the bus's, logged in as that client's own SCRAM user when ACD_KAFKA_USERS_FILE names the
 * stack's users (deploy/local/stack.sh writes it; its ACLs come from `acd service-access`). The
 * users file and anyone else's password (the administrator's included) are left out, so a
 * service holds only its own. Without the file the environment is returned as it is (external
 * brokers: their credentials, if any, come from KAFKA_SASL_*).
 */
function serviceEnv(name, env) {
  const file = env.ACD_KAFKA_USERS_FILE;
  if (!file) return env;
  const users = JSON.parse(fs.readFileSync(file, 'utf8'));
  const user = users[name];
  if (!user || !user.username || !user.password)
    throw new Error(`no Kafka user '${name}' in ${file}`);
  const out = { ...env, KAFKA_SASL_USERNAME: user.username, KAFKA_SASL_PASSWORD: user.password };
  delete out.KAFKA_SASL_PASSWORD_FILE;
  delete out.ACD_KAFKA_USERS_FILE;
  return out;
}

/** The same for the stack's administrator (a super user): `acd service-access`, `acd kafka-access`. */
function adminEnv(env) {
  return serviceEnv('admin', env);
}

function nodeArgs(entry, args) {
  return [
    // Extra flags for every service, e.g. ACD_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof'
    // to profile the whole bus under a benchmark (NODE_OPTIONS does not take --cpu-prof).
    ...(process.env.ACD_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    '--enable-source-maps',
    '-r',
    path.join(ROOT, 'scripts/register-paths.js'),
    path.join(ROOT, entry),
    ...args,
  ];
}

/** Runs a compiled app to completion (e.g. the CLI) and resolves with its output. */
function runApp(entry, args, env, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(entry, args), {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      if (opts.onStderr) opts.onStderr(String(d));
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve({ out, err })
        : reject(new Error(`${entry} ${args.join(' ')} exited ${code}: ${err || out}`)),
    );
  });
}

/**
 * One supervised process: logs to a file, restarted with back-off if it dies on its own
 * (a crash must not leave the bus half running), never restarted after stop().
 */
class Service {
  constructor(name, env, logDir, opts = {}) {
    this.name = name;
    // each service logs in to Kafka as its own user (when the stack has users)
    this.env = serviceEnv(name, env);
    this.logFile = path.join(logDir, `${name}.log`);
    this.restart = opts.restart !== false;
    this.stopped = false;
    this.failures = 0;
    this.child = null;
    this.onExit = opts.onExit || (() => {});
  }

  start() {
    const [entry, ...args] = SERVICES[this.name];
    const log = fs.openSync(this.logFile, 'a');
    this.child = spawn(process.execPath, nodeArgs(entry, args), {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const child = this.child;
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      this.onExit(this.name, code, signal);
      if (this.stopped || !this.restart) return;
      this.failures = Date.now() - startedAt > 30_000 ? 1 : this.failures + 1;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
      setTimeout(() => !this.stopped && this.start(), delay);
    });
    return this;
  }

  get pid() {
    return this.child ? this.child.pid : undefined;
  }

  kill(signal = 'SIGKILL') {
    if (this.child) this.child.kill(signal);
  }

  /**
   * A crash and an immediate restart (the chaos suite's kills): the process gets `signal`
   * (SIGKILL: no clean-up at all) and is started again as soon as it is gone, without the
   * supervisor's back-off. Resolves with the new process started.
   */
  crashAndRestart(signal = 'SIGKILL') {
    const child = this.child;
    if (!child) return Promise.resolve(this.start());
    return new Promise((resolve) => {
      const restart = this.restart;
      this.restart = false; // the exit handler of start() must not schedule a restart of its own
      child.once('exit', () => {
        this.restart = restart;
        resolve(this.stopped ? this : this.start());
      });
      child.kill(signal);
    });
  }

  stop(timeoutMs = 10_000) {
    this.stopped = true;
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

async function waitFor(what, fn, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`,
  );
}

module.exports = {
  ROOT,
  SERVICES,
  SERVICE_NAMES,
  Service,
  runApp,
  waitFor,
  nodeArgs,
  serviceEnv,
  adminEnv,
};
