import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { H, readLogToEnd } from '@acd/messaging';
import { repoRoot } from '@acd/testing';
import type { BusUnderTest, DemoOrg } from '../../support/bus';

/**
 * The chaos suite's shared parts: sizes (quick in `npm test`, full in `npm run chaos`, large on
 * request), the figures each scenario records for the table and docs/reliability.md, a load generator that
 * behaves as a careful client (retries with the same Idempotency-Key), the log audit (every
 * acknowledged event exactly once) and the read-model digest compared against a rebuild.
 */

/**
 * quick: `npm test`'s chaos tier. full: `npm run chaos`, sized to end within its 30-minute bound
 * on a shared machine of two CPUs. large: the sizes a national bus should be seen at (100,000
 * commands under broker kills); it needs a longer bound (ACD_CHAOS_MAX_MINUTES) or more cores.
 */
export type Scale = 'quick' | 'full' | 'large';
const SCALES: readonly Scale[] = ['quick', 'full', 'large'];
export const SCALE: Scale = scaleOf(process.env.ACD_CHAOS_SCALE);

/** Unset is quick (a bare jest run); a misspelt scale is refused rather than run as quick. */
function scaleOf(raw: string | undefined): Scale {
  if (raw === undefined || raw === '') return 'quick';
  const found = SCALES.find((s) => s === raw);
  if (!found) throw new Error(`ACD_CHAOS_SCALE must be one of ${SCALES.join(', ')} (not "${raw}")`);
  return found;
}

/**
 * A scenario's jest timeout: `minutes`, or the suite's bound (ACD_CHAOS_MAX_MINUTES) when that
 * is longer, so a large run given a longer bound is not cut by a shorter test timeout.
 */
export function scenarioTimeout(minutes: number): number {
  const bound = Number(process.env.ACD_CHAOS_MAX_MINUTES);
  return Math.max(minutes, Number.isFinite(bound) ? bound : 0) * 60_000;
}

/** A size: ACD_CHAOS_<NAME> if set, else the scale's default (large defaults to full). */
export function size(name: string, quick: number, full: number, large = full): number {
  const raw = process.env[`ACD_CHAOS_${name}`];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`ACD_CHAOS_${name} must be a number ≥ 0`);
    return n;
  }
  return SCALE === 'large' ? large : SCALE === 'full' ? full : quick;
}

export type Figure = number | string | boolean;

/** Where the figures go: one JSON line per scenario, read by scripts/chaos.mjs. */
export function figuresFile(): string {
  return process.env.ACD_CHAOS_FIGURES ?? join(repoRoot(), '.local', 'chaos', 'figures.jsonl');
}

/** Records a scenario's figures (measured whether or not its assertions then pass). */
export function recordFigures(scenario: string, figures: Record<string, Figure>): void {
  const file = figuresFile();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ scenario, scale: SCALE, at: new Date(), figures })}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------------
// load: commands through the gateway as a careful client sends them
// ------------------------------------------------------------------------------------------------

export interface Ack {
  key: string;
  status: number;
  eventIds: string[];
  id?: string;
}

export interface LoadResult {
  sent: number;
  acked: Ack[];
  /** Commands refused for good (4xx other than 409/429): a defect in the scenario. */
  refused: { key: string; status: number; body: string }[];
  /** Commands still without an answer when their retry budget ran out. */
  gaveUp: string[];
  /** Attempts answered with a retryable error (5xx, 429, network), by status ('net' for none). */
  retryable: Record<string, number>;
  /** Attempts after the first, over all commands. */
  retries: number;
  ms: number;
}

export interface LoadOptions {
  bus: BusUnderTest;
  who: DemoOrg;
  count: number;
  concurrency: number;
  /** The request for command i: method, path, JSON body. */
  command: (i: number) => { path: string; body: unknown };
  /** Idempotency-Key for command i (one per command; retries reuse it). */
  key: (i: number) => string;
  /** Retry budget per command. */
  retryForMs?: number;
  onProgress?: (done: number) => void;
  /** Called at each acknowledgement. */
  onAck?: (ack: Ack) => void;
  /** Stop starting new commands when this returns true (given the number sent so far). */
  stop?: (sent: number) => boolean;
}

const RETRYABLE = (status: number) => status >= 500 || status === 429 || status === 409;

/**
 * Sends `count` commands with `concurrency` in flight. A retryable answer (5xx, 429, a network
 * error, or 409 for a command still in flight elsewhere) is retried with the same key and a
 * growing pause, as the API documents; anything else is final.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const result: LoadResult = {
    sent: 0,
    acked: [],
    refused: [],
    gaveUp: [],
    retryable: {},
    retries: 0,
    ms: 0,
  };
  let next = 0;
  const budget = opts.retryForMs ?? 180_000;
  const one = async (i: number): Promise<void> => {
    const key = opts.key(i);
    const { path, body } = opts.command(i);
    const deadline = Date.now() + budget;
    let pause = 100;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) result.retries += 1;
      let status = 0;
      let text = '';
      try {
        const ctl = AbortSignal.timeout(60_000);
        const res = await fetch(`${opts.bus.base}${path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${opts.who.token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(body),
          signal: ctl,
        });
        status = res.status;
        text = await res.text();
      } catch {
        status = 0;
      }
      if (status >= 200 && status < 300) {
        const parsed = JSON.parse(text) as { eventIds?: string[]; id?: string };
        const ack: Ack = {
          key,
          status,
          eventIds: parsed.eventIds ?? [],
          ...(parsed.id ? { id: String(parsed.id) } : {}),
        };
        result.acked.push(ack);
        opts.onAck?.(ack);
        return;
      }
      if (status !== 0 && !RETRYABLE(status)) {
        result.refused.push({ key, status, body: text.slice(0, 300) });
        return;
      }
      const label = status === 0 ? 'net' : String(status);
      result.retryable[label] = (result.retryable[label] ?? 0) + 1;
      if (Date.now() > deadline) {
        result.gaveUp.push(key);
        return;
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 3_000);
    }
  };
  const worker = async () => {
    while (next < opts.count && !opts.stop?.(result.sent)) {
      const i = next;
      next += 1;
      result.sent += 1;
      await one(i);
      opts.onProgress?.(result.acked.length + result.refused.length + result.gaveUp.length);
    }
  };
  // A long load says how far it is, once a minute (straight to stderr: jest holds console
  // output back until a file ends, and a large run lasts an hour).
  const progress = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    const retried = Object.values(result.retryable).reduce((a, b) => a + b, 0);
    process.stderr.write(
      `[chaos] ${Math.round(s)} s: ${result.sent} sent, ${result.acked.length} acknowledged ` +
        `(${(result.acked.length / s).toFixed(1)}/s), ${retried} retryable answers, ` +
        `${result.gaveUp.length} gave up, ${result.refused.length} refused\n`,
    );
  }, 60_000);
  progress.unref();
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, () => worker()));
  } finally {
    clearInterval(progress);
  }
  result.ms = Date.now() - started;
  return result;
}

// ------------------------------------------------------------------------------------------------
// the log: every acknowledged event exactly once
// ------------------------------------------------------------------------------------------------

export interface LogAudit {
  /** Records in the log (committed, decodable or not). */
  records: number;
  /** Distinct event ids. */
  distinct: number;
  /** Records whose event id an earlier record already had. */
  duplicated: number;
  /** Acknowledged event ids not in the log. */
  lost: number;
  /** The first few of them. */
  lostIds: string[];
  /** The first few duplicated events, with where each copy is (partition, offset, command). */
  duplicates: string[];
  /** Events in the log no acknowledged command named (a command whose answer never arrived). */
  unacknowledged: number;
  /** Highest data offset + 1 per partition (what a projector must have checkpointed). */
  ends: Map<number, bigint>;
}

/**
 * auditLog, read again (up to `tries` times, 2 s apart) while acknowledged events are missing: a
 * transaction's commit becomes visible partition by partition, so a command's reply can be read
 * a moment before its events are. What is still missing after that is lost; the count of reads
 * it took is in `reads`.
 */
export async function settledAuditLog(
  kafka: Kafka,
  topic: string,
  acked: Ack[],
  tries = 5,
): Promise<LogAudit & { reads: number }> {
  for (let reads = 1; ; reads += 1) {
    const audit = await auditLog(kafka, topic, acked);
    if (audit.lost === 0 || reads >= tries) return { ...audit, reads };
    await sleep(2_000);
  }
}

/** Reads `topic` (committed records only) to its end and checks it against the acknowledgements. */
export async function auditLog(kafka: Kafka, topic: string, acked: Ack[]): Promise<LogAudit> {
  const counts = new Map<string, number>();
  const where = new Map<string, string[]>();
  const ends = new Map<number, bigint>();
  let records = 0;
  await readLogToEnd(kafka, topic, 'chaos-audit', (batch) => {
    for (const m of batch.messages) {
      records += 1;
      const id = m.headers?.[H.eventId]?.toString() ?? `no-id@${batch.partition}:${m.offset}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      const at = `p${batch.partition}@${m.offset} cmd ${m.headers?.[H.causationId]?.toString() ?? '?'} ${m.timestamp}`;
      where.set(id, [...(where.get(id) ?? []), at]);
      const end = BigInt(m.offset) + 1n;
      if (end > (ends.get(batch.partition) ?? 0n)) ends.set(batch.partition, end);
    }
  });
  const ackedIds = new Set(acked.flatMap((a) => a.eventIds));
  const lostIds = [...ackedIds].filter((id) => !counts.has(id));
  const lost = lostIds.length;
  let unacknowledged = 0;
  for (const id of counts.keys()) if (!ackedIds.has(id)) unacknowledged += 1;
  return {
    records,
    distinct: counts.size,
    duplicated: records - counts.size,
    lost,
    lostIds: lostIds.slice(0, 5),
    duplicates: [...where.entries()]
      .filter(([, at]) => at.length > 1)
      .slice(0, 5)
      .map(([id, at]) => `${id}: ${at.join(' | ')}`),
    unacknowledged,
    ends,
  };
}

// ------------------------------------------------------------------------------------------------
// read models: a canonical digest, compared against a rebuild
// ------------------------------------------------------------------------------------------------

/** Sorted-key JSON: the same document always gives the same text. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (value instanceof Date) return `{"$date":${JSON.stringify(value.toISOString())}}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof (value as { toHexString?: unknown }).toHexString === 'function')
    return JSON.stringify(String(value));
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** Every document of every read-model collection, canonically serialised, by collection and id. */
export type ReadModelSnapshot = Map<string, Map<string, string>>;

/**
 * Every read-model collection of the database, each document canonically serialised (keyed by
 * `_id`). Collections of a generation (`…-g<n>`) are named without it, so a rebuild's fresh
 * generation compares with the one it replaced. The projector's own bookkeeping (checkpoints,
 * the generation table) is left out: it differs by design. Large models keep a digest per
 * document instead of its text.
 */
export async function readModelSnapshot(db: Db): Promise<ReadModelSnapshot> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !['checkpoints', 'projections'].includes(n) && !n.startsWith('system.'))
    .filter((n) => !/-rebuild-|\.rebuild\.|^rebuild/.test(n))
    .sort();
  const out: ReadModelSnapshot = new Map();
  const keep = (docs: Map<string, string>, id: string, text: string) =>
    docs.set(id, text.length > 2_000 ? createHash('sha256').update(text).digest('hex') : text);
  for (const name of names) {
    const docs = new Map<string, string>();
    const bare = name.replace(/-g\d+$/, '');
    const index = /-(feed|log|counts)$/.exec(bare)?.[1];
    // A change feed's pages hold one entry per document and slice, so how its entries fall into
    // pages depends on how the log was sliced (live batches, a rebuild's): what a reader gets
    // from it is each document's latest entry, and that is what is compared.
    const latest = new Map<string, { v: number; text: string }>();
    // A version log's pages, too, fill as the log was sliced (a small head page is rewritten
    // with what follows), so an entry is compared by what it is (object and version) with the
    // later version marked on it, never by its page and place; a document's `_log` keeps only
    // the versions it lists, not where they sit.
    const logEntries = new Map<string, { key: string; entry: Record<string, unknown> }>();
    const logMarks: { page: string; data: Record<string, unknown> }[] = [];
    for await (const doc of db.collection(name).find({})) {
      // The indexes' meta documents are bookkeeping: a log's own id, when counting began.
      if (index && String(doc._id) === 'meta') continue;
      if (index === 'log') {
        const id = String(doc._id);
        const data = JSON.parse(String(doc.data ?? 'null')) as unknown;
        if (id.startsWith('p') && Array.isArray(data)) {
          (data as Record<string, unknown>[]).forEach((entry, i) =>
            logEntries.set(`${id.slice(1)}#${i}`, {
              key: `${String(entry.id)}@${String(entry.av)}`,
              entry,
            }),
          );
          continue;
        }
        if (id.startsWith('x') && data && typeof data === 'object') {
          logMarks.push({ page: id.slice(1), data: data as Record<string, unknown> });
          continue;
        }
      }
      if (Array.isArray(doc._log)) doc._log = (doc._log as { av: number }[]).map((l) => l.av);
      if (index === 'feed') {
        for (const e of (doc.entries ?? []) as { id: string; v: number; t: number; f: unknown }[]) {
          const seen = latest.get(e.id);
          if (!seen || e.v >= seen.v)
            latest.set(e.id, { v: e.v, text: canonical({ v: e.v, t: e.t, f: e.f }) });
        }
        continue;
      }
      keep(docs, canonical(doc._id), canonical(doc));
    }
    for (const [id, { text }] of latest) keep(docs, `entry ${id}`, text);
    const later = new Map<string, unknown>();
    for (const { page, data } of logMarks)
      for (const [i, mark] of Object.entries(data)) {
        const at = logEntries.get(`${page}#${i}`);
        later.set(at ? at.key : `unplaced ${page}#${i}`, mark);
      }
    for (const { key, entry } of logEntries.values())
      keep(docs, `entry ${key}`, canonical({ ...entry, later: later.get(key) ?? null }));
    for (const [key, mark] of later)
      if (key.startsWith('unplaced')) keep(docs, key, canonical(mark));
    if (docs.size === 0) continue; // an empty collection and a missing one are the same state
    out.set(bare, docs);
  }
  return out;
}

/**
 * What differs between two snapshots: per collection, the number of documents that differ and
 * the first one of each side (for the failure message).
 */
export function snapshotDiff(a: ReadModelSnapshot, b: ReadModelSnapshot): string[] {
  const out: string[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(name) ?? new Map<string, string>();
    const y = b.get(name) ?? new Map<string, string>();
    const ids = [...new Set([...x.keys(), ...y.keys()])].filter((id) => x.get(id) !== y.get(id));
    if (ids.length === 0) continue;
    const first = ids.sort()[0] as string;
    const cut = (t: string | undefined) => (t === undefined ? '(none)' : t.slice(0, 600));
    out.push(
      `${name}: ${ids.length} of ${Math.max(x.size, y.size)} differ; first ${first}\n` +
        `    live:    ${cut(x.get(first))}\n    rebuilt: ${cut(y.get(first))}`,
    );
  }
  return out;
}

/** One digest per collection of a snapshot ("<documents>:<sha256 prefix>"). */
export function snapshotDigest(snapshot: ReadModelSnapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, docs] of snapshot) {
    const h = createHash('sha256');
    for (const id of [...docs.keys()].sort()) h.update(`${id}\u0000${docs.get(id)}\n`);
    out[name] = `${docs.size}:${h.digest('hex').slice(0, 16)}`;
  }
  return out;
}

/** The snapshot's digest (see readModelSnapshot). */
export async function readModelDigest(db: Db): Promise<Record<string, string>> {
  return snapshotDigest(await readModelSnapshot(db));
}

/** The names whose digests differ between two snapshots (a missing side counts). */
export function digestDiff(a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}

/**
 * The read models now, then after `projector rebuild`: the collections that differ (empty when
 * the read models equal a rebuild of the log), with the first differing document of each.
 */
export async function compareWithRebuild(
  bus: BusUnderTest,
  db: Db,
): Promise<{ differ: string[]; details: string[] }> {
  const live = await readModelSnapshot(db);
  await bus.runApp('dist/apps/projector/src/main.js', ['rebuild']);
  const rebuilt = await readModelSnapshot(db);
  const details = snapshotDiff(live, rebuilt);
  return { differ: details.map((d) => d.slice(0, d.indexOf(':'))), details };
}

/** A client on the bus's own database (the test owns its lifetime). */
export async function busDb(bus: BusUnderTest): Promise<{ db: Db; close(): Promise<void> }> {
  const client = new MongoClient(String(bus.env.MONGODB_URI), { serverSelectionTimeoutMS: 30_000 });
  await client.connect();
  return { db: client.db(), close: () => client.close() };
}

/**
 * The indicators' events topic audited against `acked` (read again until it settles), then every
 * projection of it waited for up to that log's end: what every load scenario checks first.
 */
export async function auditedAndProjected(
  kafka: Kafka,
  db: Db,
  eventsTopic: string,
  acked: Ack[],
): Promise<{ audit: LogAudit & { reads: number }; catchUpMs: number }> {
  const audit = await settledAuditLog(kafka, eventsTopic, acked);
  // Every projection of the topic, not only the first: each is a consumer group of its own
  // (the STIX model's can be seconds behind the indicators' after broker kills), and a model
  // compared before it caught up would differ from a rebuild by its last events.
  const t0 = Date.now();
  const projections = new Set([
    'indicators',
    ...((await db
      .collection('checkpoints')
      .distinct('projection', { topic: eventsTopic })) as string[]),
  ]);
  for (const projection of projections) {
    await waitProjected(db, projection, eventsTopic, audit.ends, 10 * 60_000);
  }
  return { audit, catchUpMs: Date.now() - t0 };
}

/**
 * Waits until the named projection has checkpointed every partition up to `ends` (from
 * auditLog): the read model then holds every event of the log.
 */
export async function waitProjected(
  db: Db,
  projection: string,
  topic: string,
  ends: Map<number, bigint>,
  timeoutMs: number,
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const docs = await db
      .collection<{ partition: number; offset: string }>('checkpoints')
      .find({ projection, topic })
      .toArray();
    const at = new Map(docs.map((d) => [d.partition, BigInt(d.offset)]));
    const behind = [...ends.entries()].filter(([p, end]) => (at.get(p) ?? 0n) < end);
    if (behind.length === 0) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `${projection} still behind on ${topic} after ${timeoutMs} ms: ` +
          behind.map(([p, e]) => `p${p} at ${at.get(p) ?? 0n} of ${e}`).join(', '),
      );
    await sleep(500);
  }
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
