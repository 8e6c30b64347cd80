import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { kafkaSchema, loadConfig } from '@acd/config';
import {
  createKafka,
  ensureTopics,
  provisionServiceAccess,
  TopicNames,
  withAdmin,
} from '@acd/messaging';
// The same supervisor `npm start` uses, so e2e runs exactly what users run.
const services =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../scripts/lib/services.cjs') as ServicesModule;
const { Service, SERVICE_NAMES, runApp, waitFor, serviceEnv } = services;

interface ServiceHandle {
  start(): ServiceHandle;
  stop(timeoutMs?: number): Promise<void>;
  kill(signal?: string): void;
  crashAndRestart(signal?: string): Promise<ServiceHandle>;
  pid: number | undefined;
}
interface ServicesModule {
  SERVICE_NAMES: readonly ServiceName[];
  Service: new (
    name: string,
    env: NodeJS.ProcessEnv,
    logDir: string,
    opts?: {
      restart?: boolean;
      onExit?: (name: string, code: number | null, signal: string | null) => void;
    },
  ) => ServiceHandle;
  runApp(
    entry: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ): Promise<{ out: string; err: string }>;
  waitFor<T>(
    what: string,
    fn: () => Promise<T | null | undefined | false>,
    timeoutMs: number,
    intervalMs?: number,
  ): Promise<T>;
  serviceEnv(name: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

export interface DemoOrg {
  id: string;
  name: string;
  kind: string;
  sector?: string;
  /** A personal token of the organisation's duty officer (member `duty-officer`). */
  token: string;
  /** The organisation's own token: manages members, reads nothing confidential. */
  adminToken?: string;
  /** For the oversight commission: one token per member. */
  members?: { id: string; token: string }[];
}

export type ServiceName =
  | 'projector'
  | 'indicators'
  | 'reporting'
  | 'advisories'
  | 'oversight'
  | 'scheduler'
  | 'audit'
  | 'traffic'
  | 'gateway';

/** The deployables in start order, as services.cjs lists them (one list for npm start and e2e). */
export const SERVICES: readonly ServiceName[] = SERVICE_NAMES;

export { waitFor };

/** A port free on 127.0.0.1 now (the kernel picks it), for a second service of a test. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Environment of one isolated bus: its own topic prefix and database on the shared servers. */
export function isolatedEnv(tag: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const brokers = process.env.KAFKA_BROKERS;
  const mongo = process.env.MONGODB_URI;
  if (!brokers || !mongo)
    throw new Error('KAFKA_BROKERS and MONGODB_URI must be set by the jest global setup');
  const id = `${tag}${randomBytes(3).toString('hex')}`;
  const uri = new URL(mongo);
  uri.pathname = `/${(uri.pathname.replace(/^\//, '') || 'acd_test').slice(0, 30)}_${id}`;
  return {
    ...process.env,
    KAFKA_BROKERS: brokers,
    MONGODB_URI: uri.toString(),
    ACD_TOPIC_PREFIX: `${process.env.ACD_TOPIC_PREFIX ?? ''}${id}.`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ACD_PSEUDONYM_KEY: randomBytes(24).toString('hex'),
    ACD_ID_KEY: randomBytes(24).toString('hex'),
    // A fresh Ed25519 seed per test bus: each audit log is signed by its own key.
    ACD_AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

export interface BusOptions {
  /**
   * Restart a service that dies on its own, as `npm start` does (the chaos suite); by default a
   * death stays visible to the test.
   */
  supervised?: boolean;
  /**
   * How long the gateway may take to answer its health check (default 90 s); the chaos suite
   * allows more, as it runs beside other work on a loaded machine.
   */
  readyTimeoutMs?: number;
}

/** How many test runs' directories (service logs, demo tokens) are kept for a post-mortem. */
const KEPT_TEST_RUNS = 60;

/**
 * A directory for one bus under test: its services' logs and its demo organisations' tokens.
 * Under the project's `.local/test-runs/` (never the shared temporary directory, where tokens
 * would outlive the run), private to this user; the oldest beyond KEPT_TEST_RUNS are removed.
 */
function testRunDir(): string {
  const root = resolve(__dirname, '..', '..', '.local', 'test-runs');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const runs = readdirSync(root)
    .map((name) => {
      try {
        return { name, at: statSync(join(root, name)).mtimeMs };
      } catch {
        return null;
      }
    })
    .filter((r): r is { name: string; at: number } => r !== null)
    .sort((a, b) => b.at - a.at);
  for (const old of runs.slice(KEPT_TEST_RUNS - 1)) {
    rmSync(join(root, old.name), { recursive: true, force: true });
  }
  return mkdtempSync(join(root, 'bus-'));
}

/**
 * The administrator's step of a bus, as `npm start` runs it (`acd service-access`): the bus's
 * topics, and on a stack with users each service's ACLs for the bus's prefix. The test process is
 * the administrator (the global setup exported its credentials); the services and the CLI then
 * log in as their own users (services.cjs serviceEnv). Tests that start a service by itself call
 * it too.
 */
export async function provisionBusAccess(env: NodeJS.ProcessEnv): Promise<void> {
  const cfg = loadConfig(kafkaSchema, env);
  const names = new TopicNames(cfg.ACD_TOPIC_PREFIX);
  await withAdmin(createKafka(cfg, 'bus-access'), async (admin) => {
    if (env.ACD_KAFKA_USERS_FILE) {
      await provisionServiceAccess({ admin, names, replicationFactor: cfg.ACD_REPLICATION_FACTOR });
    } else {
      await ensureTopics(admin, names, cfg.ACD_REPLICATION_FACTOR);
    }
  });
}

export class BusUnderTest {
  readonly services = new Map<ServiceName, ServiceHandle>();
  /** More instances of a service (scale-out), started by startInstance. */
  readonly instances: ServiceHandle[] = [];
  orgs: DemoOrg[] = [];
  base = '';
  readonly logDir: string;
  /** Every exit of a service process: a kill by the test, a crash, or a clean stop. */
  readonly exits: { name: string; code: number | null; signal: string | null; at: number }[] = [];

  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly options: BusOptions = {},
  ) {
    this.logDir = testRunDir();
  }

  static async start(
    tag: string,
    extra: NodeJS.ProcessEnv = {},
    options: BusOptions = {},
  ): Promise<BusUnderTest> {
    const port = await freePort();
    const bus = new BusUnderTest(
      isolatedEnv(tag, { PORT: String(port), HOST: '127.0.0.1', ...extra }),
      options,
    );
    bus.base = `http://127.0.0.1:${port}`;
    await bus.provisionAccess();
    await bus.seed();
    for (const name of SERVICES) bus.startService(name);
    try {
      await bus.ready();
    } catch (err) {
      // The caller never gets the bus to stop: without this its supervised services (restarted
      // whenever they die) outlive the failed test, and jest never exits.
      await bus.stop();
      throw err;
    }
    return bus;
  }

  /** The demo organisations and their tokens, as `acd seed-demo` writes them for `npm start`. */
  get demoOrgsFile(): string {
    return join(this.logDir, 'demo-orgs.json');
  }

  /**
   * The administrator's step, as `npm start` runs it (`acd service-access`): the bus's topics,
   * and on a stack with users each service's ACLs for this bus's prefix. The test process is the
   * administrator (the global setup exported its credentials); each service and the CLI then
   * log in as their own users (services.cjs serviceEnv).
   */
  async provisionAccess(): Promise<void> {
    await provisionBusAccess(this.env);
  }

  /** The environment one of the bus's Kafka clients runs with: its own user when there are users. */
  envOf(name: ServiceName | 'cli'): NodeJS.ProcessEnv {
    return serviceEnv(name, this.env);
  }

  async seed(): Promise<void> {
    await runApp(
      'dist/apps/cli/src/main.js',
      ['seed-demo', '--organisations-only', '--out', this.demoOrgsFile],
      this.envOf('cli'),
    );
    this.orgs = JSON.parse(readFileSync(this.demoOrgsFile, 'utf8')) as DemoOrg[];
  }

  /**
   * Runs one of the compiled apps to its end with the bus's environment (e.g. a rebuild), as
   * that app's own Kafka user (`dist/apps/<name>/...`).
   */
  runApp(entry: string, args: string[]): Promise<{ out: string; err: string }> {
    const app = /(?:^|\/)apps\/([a-z]+)\//.exec(entry)?.[1];
    const name =
      app && (SERVICES as readonly string[]).concat('cli').includes(app) ? app : undefined;
    return runApp(entry, args, name ? serviceEnv(name, this.env) : this.env);
  }

  startService(name: ServiceName): ServiceHandle {
    // The gateway is told where the demo organisations' file is, as `npm start` tells it; a
    // test's own ACD_DEMO_ORGS_FILE wins.
    const env =
      name === 'gateway' ? { ACD_DEMO_ORGS_FILE: this.demoOrgsFile, ...this.env } : this.env;
    const s = new Service(name, env, this.logDir, {
      restart: this.options.supervised === true,
      onExit: (n, code, signal) => this.exits.push({ name: n, code, signal, at: Date.now() }),
    }).start();
    this.services.set(name, s);
    return s;
  }

  /**
   * One more instance of a service beside the first (processors and the projector share their
   * partitions through their consumer group); never restarted, stopped with the bus.
   */
  startInstance(name: ServiceName, extra: NodeJS.ProcessEnv = {}): ServiceHandle {
    const s = new Service(name, { ...this.env, ...extra }, this.logDir, {
      restart: false,
      onExit: (n, code, signal) => this.exits.push({ name: n, code, signal, at: Date.now() }),
    }).start();
    this.instances.push(s);
    return s;
  }

  async ready(): Promise<void> {
    await waitFor(
      'gateway health',
      async () => (await fetch(`${this.base}/health`)).ok,
      // A busy machine (npm start beside npm test, the chaos suite) starts nine processes slowly.
      this.options.readyTimeoutMs ?? Number(process.env.ACD_TEST_READY_TIMEOUT_MS ?? 180_000),
      300,
    );
    const op = this.org((o) => o.kind === 'operator');
    await waitFor(
      'demo organisations projected',
      async () => (await this.get('/v1/indicators?limit=1', op)).status === 200,
      Math.max(120_000, this.options.readyTimeoutMs ?? 0),
      300,
    );
  }

  org(pred: (o: DemoOrg) => boolean): DemoOrg {
    const o = this.orgs.find(pred);
    if (!o) throw new Error('no such demo organisation');
    return o;
  }

  byId(id: string): DemoOrg {
    return this.org((o) => o.id === id);
  }

  /** The oversight commission's member `i` (0-based), as a principal with its personal token. */
  commissionMember(i: number): DemoOrg {
    const commission = this.org((o) => o.kind === 'oversight-commission');
    const m = commission.members?.[i];
    if (!m) throw new Error(`no commission member ${i}`);
    return { ...commission, token: m.token };
  }

  async request(
    method: string,
    path: string,
    who: DemoOrg | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(who ? { authorization: `Bearer ${who.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return {
      status: res.status,
      body: json as Record<string, unknown> & { items?: Record<string, unknown>[] },
      headers: res.headers,
    };
  }

  get(path: string, who: DemoOrg | null) {
    return this.request('GET', path, who);
  }

  post(path: string, who: DemoOrg | null, body?: unknown, headers: Record<string, string> = {}) {
    return this.request('POST', path, who, body, headers);
  }

  /** Publishes and waits until the publisher can read it back (the read side is eventually consistent). */
  async publish(who: DemoOrg, body: Record<string, unknown>): Promise<string> {
    const res = await this.post('/v1/indicators', who, body);
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`publish failed ${res.status}: ${JSON.stringify(res.body)}`);
    const id = String(res.body.id);
    const version = Number(res.body.version);
    await waitFor(
      `indicator ${id} v${version} projected`,
      async () => {
        const r = await this.get(`/v1/indicators/${id}`, who);
        return r.status === 200 && Number(r.body.version) >= version;
      },
      30_000,
      100,
    );
    return id;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values(), ...this.instances].map((s) => s.stop()));
  }
}
