import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The same supervisor `npm start` uses, so e2e runs exactly what users run.
const services =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../scripts/lib/services.cjs') as ServicesModule;
const { Service, SERVICE_NAMES, runApp, waitFor } = services;

interface ServiceHandle {
  start(): ServiceHandle;
  stop(timeoutMs?: number): Promise<void>;
  kill(signal?: string): void;
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

async function freePort(): Promise<number> {
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
}

export class BusUnderTest {
  readonly services = new Map<ServiceName, ServiceHandle>();
  orgs: DemoOrg[] = [];
  base = '';
  readonly logDir: string;
  /** Every exit of a service process: a kill by the test, a crash, or a clean stop. */
  readonly exits: { name: string; code: number | null; signal: string | null; at: number }[] = [];

  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly options: BusOptions = {},
  ) {
    this.logDir = mkdtempSync(join(tmpdir(), 'acd-e2e-'));
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
    await bus.seed();
    for (const name of SERVICES) bus.startService(name);
    await bus.ready();
    return bus;
  }

  /** The demo organisations and their tokens, as `acd seed-demo` writes them for `npm start`. */
  get demoOrgsFile(): string {
    return join(this.logDir, 'demo-orgs.json');
  }

  async seed(): Promise<void> {
    await runApp(
      'dist/apps/cli/src/main.js',
      ['seed-demo', '--organisations-only', '--out', this.demoOrgsFile],
      this.env,
    );
    this.orgs = JSON.parse(readFileSync(this.demoOrgsFile, 'utf8')) as DemoOrg[];
  }

  /** Runs one of the compiled apps to its end with the bus's environment (e.g. a rebuild). */
  runApp(entry: string, args: string[]): Promise<{ out: string; err: string }> {
    return runApp(entry, args, this.env);
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

  async ready(): Promise<void> {
    await waitFor(
      'gateway health',
      async () => (await fetch(`${this.base}/health`)).ok,
      // Generous: on a loaded machine (other runs, a three-broker cluster) the first start is slow.
      Number(process.env.ACD_TEST_READY_TIMEOUT_MS ?? 90_000),
      300,
    );
    const op = this.org((o) => o.kind === 'operator');
    await waitFor(
      'demo organisations projected',
      async () => (await this.get('/v1/indicators?limit=1', op)).status === 200,
      60_000,
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
    await Promise.all([...this.services.values()].map((s) => s.stop()));
  }
}
