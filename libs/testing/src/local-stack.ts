import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * Starts the project's own servers (Kafka in KRaft mode on the JDK, FerretDB on SQLite) through
 * deploy/local/stack.sh, on free loopback ports, so tests never collide with `npm start`'s dev
 * stack or with another test run.
 */

export interface LocalStackOptions {
  /** Stack name: state lives in .local/stacks/<name>/ (letters, digits, . _ -). */
  name: string;
  /** 1 (default): one combined broker+controller. 3: a 3-node KRaft cluster, RF 3, min ISR 2. */
  kafkaNodes?: 1 | 3;
  /** Fixed ports instead of free ones (first broker port; 3 nodes use port, +1, +2). */
  kafkaPort?: number;
  kafkaControllerPort?: number;
  /** First port of the SASL/SCRAM listener for outside organisations (3 nodes: +1, +2). */
  kafkaSaslPort?: number;
  mongoPort?: number;
  /** Bound for provision + start (default 20 min: a cold provision downloads and compiles). */
  timeoutMs?: number;
}

export interface StopOptions {
  /** Also delete the stack's data and logs. */
  purge?: boolean;
}

export interface LocalStack {
  name: string;
  kafkaBrokers: string[];
  /** SASL_PLAINTEXT (SCRAM-SHA-512) listener for outside organisations' own clients. */
  kafkaSaslBrokers: string[];
  /**
   * mongodb://<user>:<password>@127.0.0.1:<port>/?authSource=admin (no database in the path):
   * FerretDB refuses every command that reads or writes without the login.
   */
  mongoUri: string;
  /**
   * The stack's private kafka-users.json (mode 0600): `admin` (a super user) and one SCRAM user
   * per service, `{username, password}` each. Undefined for a stack from before authentication.
   */
  kafkaUsersFile?: string;
  /** Absolute path of .local/stacks/<name>/ (logs under it). */
  dir: string;
  stop(opts?: StopOptions): Promise<void>;
}

export interface StackEndpoints {
  kafkaBrokers: string[];
  /** Empty for a stack written before the SASL listener existed. */
  kafkaSaslBrokers: string[];
  mongoUri: string;
  kafkaUsersFile?: string;
}

/** A SCRAM user of the stack, as kafkajs' `sasl` takes it. */
export interface KafkaUser {
  mechanism: 'scram-sha-512';
  username: string;
  password: string;
}

/** The users of a stack's kafka-users.json, by name (`admin`, `projector`, ...). */
export function readKafkaUsers(file: string): Record<string, KafkaUser> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: Record<string, KafkaUser> = {};
  for (const [name, v] of Object.entries(parsed)) {
    const u = v as { username?: unknown; password?: unknown };
    if (typeof u.username === 'string' && typeof u.password === 'string') {
      out[name] = { mechanism: 'scram-sha-512', username: u.username, password: u.password };
    }
  }
  return out;
}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The repository root: the closest ancestor of this file holding deploy/local/stack.sh. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'deploy', 'local', 'stack.sh'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`deploy/local/stack.sh not found above ${from}`);
    dir = parent;
  }
}

export function stackScript(): string {
  return join(repoRoot(), 'deploy', 'local', 'stack.sh');
}

export function stackDir(name: string): string {
  assertName(name);
  return join(repoRoot(), '.local', 'stacks', name);
}

function assertName(name: string): void {
  if (!STACK_NAME.test(name)) throw new Error(`invalid stack name '${name}'`);
}

export interface ScriptResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs deploy/local/stack.sh with the given arguments. KAFKA_BROKERS / MONGODB_URI are removed
 * from the child's environment: asking for a local stack means a local stack, even inside a test
 * process that was pointed at other servers.
 */
export function runStackScript(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ScriptResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.KAFKA_BROKERS;
  delete childEnv.MONGODB_URI;
  delete childEnv.KAFKA_SASL_USERNAME;
  delete childEnv.KAFKA_SASL_PASSWORD;
  delete childEnv.KAFKA_SASL_PASSWORD_FILE;
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [stackScript(), ...args],
      { env: childEnv, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGTERM' },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed
            ? `timed out after ${timeoutMs} ms`
            : `failed (${error.message})`;
          reject(
            new Error(
              `stack.sh ${args.join(' ')} ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
            ),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The kernel's ephemeral port range (where it picks clients' local ports), or undefined where it
 * cannot be read.
 */
function ephemeralRange(): [number, number] | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return low && high ? [low, high] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A random first port below the ephemeral range, or 0 (the kernel's choice) where there is no
 * room. A server on an ephemeral port can lose it while it is down: a client retrying
 * 127.0.0.1:<port> may be given that very port as its own and connect to itself (TCP
 * simultaneous open), and the restarted broker then finds its port taken. The chaos suite, which
 * restarts brokers under load, met exactly that.
 */
function candidateStart(count: number): number {
  const low = ephemeralRange()?.[0] ?? 0;
  const from = 15_000;
  const to = low - count - 1;
  if (to <= from) return 0;
  return from + Math.floor(Math.random() * (to - from));
}

/**
 * Finds `counts.length` runs of consecutive free loopback ports (run i has counts[i] ports) and
 * returns the first port of each run. All ports are held until every run is found, so runs never
 * overlap; each run starts below the kernel's ephemeral range where there is room (see
 * candidateStart), else where the kernel puts it (bind to port 0).
 */
export async function findFreePortRanges(counts: number[]): Promise<number[]> {
  const held: Server[] = [];
  const starts: number[] = [];
  try {
    for (const count of counts) {
      let found: number | null = null;
      for (let attempt = 0; attempt < 50 && found === null; attempt++) {
        const first = await listen(candidateStart(count));
        if (!first) continue;
        const address = first.address();
        if (address === null || typeof address === 'string') {
          await close(first);
          continue;
        }
        const start = address.port;
        const run: Server[] = [first];
        let ok = start + count - 1 <= 65535;
        for (let i = 1; ok && i < count; i++) {
          const next = await listen(start + i);
          if (next) run.push(next);
          else ok = false;
        }
        if (ok) {
          held.push(...run);
          found = start;
        } else {
          await Promise.all(run.map(close));
        }
      }
      if (found === null) throw new Error(`no run of ${count} free consecutive loopback ports`);
      starts.push(found);
    }
    return starts;
  } finally {
    await Promise.all(held.map(close));
  }
}

export async function findFreePort(): Promise<number> {
  const [port] = await findFreePortRanges([1]);
  if (port === undefined) throw new Error('no free port');
  return port;
}

/** Reads .local/stacks/<name>/endpoints.json written by `stack.sh start`. */
export function readEndpoints(name: string): StackEndpoints {
  const file = join(stackDir(name), 'endpoints.json');
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('kafkaBrokers' in parsed) ||
    !('mongoUri' in parsed) ||
    !Array.isArray(parsed.kafkaBrokers) ||
    !parsed.kafkaBrokers.every((b): b is string => typeof b === 'string') ||
    typeof parsed.mongoUri !== 'string'
  ) {
    throw new Error(`${file} does not hold {kafkaBrokers: string[], mongoUri: string}`);
  }
  const sasl: unknown = 'kafkaSaslBrokers' in parsed ? parsed.kafkaSaslBrokers : [];
  const kafkaSaslBrokers =
    Array.isArray(sasl) && sasl.every((b): b is string => typeof b === 'string') ? sasl : [];
  const usersFile: unknown = 'kafkaUsersFile' in parsed ? parsed.kafkaUsersFile : undefined;
  return {
    kafkaBrokers: parsed.kafkaBrokers,
    kafkaSaslBrokers,
    mongoUri: parsed.mongoUri,
    ...(typeof usersFile === 'string' ? { kafkaUsersFile: usersFile } : {}),
  };
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;
const STOP_TIMEOUT_MS = 2 * 60_000;
const BROKER_TIMEOUT_MS = 3 * 60_000;

/** Provisions (cached) and starts a named stack on free ports; resolves once it is healthy. */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  assertName(opts.name);
  const nodes = opts.kafkaNodes ?? 1;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const needed: number[] = [];
  if (opts.kafkaPort === undefined) needed.push(nodes);
  if (opts.kafkaControllerPort === undefined) needed.push(nodes);
  if (opts.kafkaSaslPort === undefined) needed.push(nodes);
  if (opts.mongoPort === undefined) needed.push(1);
  const free = await findFreePortRanges(needed);
  const take = (): number => {
    const port = free.shift();
    if (port === undefined) throw new Error('port allocation mismatch');
    return port;
  };
  const kafkaPort = opts.kafkaPort ?? take();
  const controllerPort = opts.kafkaControllerPort ?? take();
  const saslPort = opts.kafkaSaslPort ?? take();
  const mongoPort = opts.mongoPort ?? take();

  const env = {
    ACD_STACK: opts.name,
    ACD_KAFKA_NODES: String(nodes),
    ACD_KAFKA_PORT: String(kafkaPort),
    ACD_KAFKA_CONTROLLER_PORT: String(controllerPort),
    ACD_KAFKA_SASL_PORT: String(saslPort),
    ACD_MONGO_PORT: String(mongoPort),
  };
  try {
    await runStackScript(['start'], env, timeoutMs);
  } catch (err) {
    // start cleans up after a failed health check; this also covers a timeout mid-way
    await runStackScript(['stop'], { ACD_STACK: opts.name }, STOP_TIMEOUT_MS).catch(() => {});
    throw err;
  }
  const endpoints = readEndpoints(opts.name);
  return {
    name: opts.name,
    kafkaBrokers: endpoints.kafkaBrokers,
    kafkaSaslBrokers: endpoints.kafkaSaslBrokers,
    mongoUri: endpoints.mongoUri,
    ...(endpoints.kafkaUsersFile ? { kafkaUsersFile: endpoints.kafkaUsersFile } : {}),
    dir: stackDir(opts.name),
    stop: (stopOpts?: StopOptions) => stopLocalStack(opts.name, stopOpts),
  };
}

/** Stops a named stack (SIGTERM, then SIGKILL); with purge also deletes its folder. */
export async function stopLocalStack(name: string, opts: StopOptions = {}): Promise<void> {
  assertName(name);
  await runStackScript(
    opts.purge ? ['stop', '--purge'] : ['stop'],
    { ACD_STACK: name },
    STOP_TIMEOUT_MS,
  );
}

/** SIGKILLs one Kafka node (1-based node id) of a running stack: a crash, not a clean shutdown. */
export async function killBroker(stackName: string, nodeId: number): Promise<void> {
  assertName(stackName);
  await runStackScript(
    ['kill-broker', String(nodeId)],
    { ACD_STACK: stackName },
    BROKER_TIMEOUT_MS,
  );
}

/** Stops one Kafka node gracefully (controlled shutdown). */
export async function stopBroker(stackName: string, nodeId: number): Promise<void> {
  assertName(stackName);
  await runStackScript(
    ['stop-broker', String(nodeId)],
    { ACD_STACK: stackName },
    BROKER_TIMEOUT_MS,
  );
}

/** Starts a stopped or killed Kafka node again; resolves once its own listener serves metadata. */
export async function startBroker(stackName: string, nodeId: number): Promise<void> {
  assertName(stackName);
  await runStackScript(
    ['start-broker', String(nodeId)],
    { ACD_STACK: stackName },
    BROKER_TIMEOUT_MS,
  );
}

/** Output of `stack.sh status` for a stack (processes with pids, endpoints). */
export async function stackStatus(stackName: string): Promise<string> {
  assertName(stackName);
  const { stdout } = await runStackScript(['status'], { ACD_STACK: stackName }, 60_000);
  return stdout;
}

/**
 * SIGKILLs the stack's FerretDB (the store goes away without a goodbye, as a crashed host's
 * would); resolves once the process is gone. `startStore` brings it back on the same port.
 */
export async function killStore(stackName: string): Promise<void> {
  assertName(stackName);
  const file = join(stackDir(stackName), 'pids', 'ferretdb.pid');
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no FerretDB pid in ${file}`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`FerretDB (pid ${pid}) did not die`);
}

/** Starts whatever of the stack is not running (after killStore: FerretDB); waits until healthy. */
export async function startStore(stackName: string): Promise<void> {
  assertName(stackName);
  await runStackScript(['start'], { ACD_STACK: stackName }, BROKER_TIMEOUT_MS);
}
