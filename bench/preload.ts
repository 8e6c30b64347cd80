/**
 * What the server benchmarks that need a stored size share: the services they start (from
 * scripts/lib/services.cjs), the preload (`IndicatorPublished` events produced straight onto the
 * events topic, as if the log held them, for the projector to apply), percentiles and progress.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { eventHeaders, type SchemaSet } from '@acd/messaging';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { Service, waitFor, runApp } = require('../../scripts/lib/services.cjs') as {
  runApp: (entry: string, args: string[], env: NodeJS.ProcessEnv) => Promise<{ out: string }>;
  Service: new (name: string, env: NodeJS.ProcessEnv, logDir: string) => ServiceHandle;
  waitFor: <T>(
    what: string,
    fn: () => Promise<T>,
    timeoutMs: number,
    intervalMs?: number,
  ) => Promise<T>;
};
export interface ServiceHandle {
  start(): ServiceHandle;
  stop(): Promise<void>;
  pid?: number;
  logFile: string;
}

/** A demo organisation as `seed-demo --out` writes it. */
export interface BenchOrg {
  id: string;
  kind: string;
  token: string;
  sector?: string;
}

/** The demo organisations of the benchmark's stack (BENCH_ORGS). */
export function benchOrgs(): BenchOrg[] {
  return JSON.parse(readFileSync(process.env.BENCH_ORGS ?? '', 'utf8')) as BenchOrg[];
}

export const now = () => performance.now();

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

export function progress(line: string): void {
  process.stderr.write(`\r${line}   `);
}

/** Who may read a preloaded indicator. */
export interface PreloadTerms {
  tlp: string;
  audience: { orgs: string[]; sectors: string[] };
}

/**
 * The event the processor would have written for the i-th preloaded indicator: an ipv4 value
 * unique to i, published by `publisher` at `at`, under the terms `termsOf(i)` gives.
 */
export function preloadEnvelope(
  i: number,
  publisher: BenchOrg,
  termsOf: (i: number) => PreloadTerms,
  at = Date.parse('2026-01-01T00:00:00Z') + i,
): EventEnvelope<{ type: 'IndicatorPublished'; data: object }> {
  const id = `bench-pre-${i.toString().padStart(8, '0')}`;
  return {
    metadata: {
      eventId: randomUUID(),
      eventType: 'IndicatorPublished',
      aggregateId: id,
      aggregateVersion: 1,
      orgId: publisher.id,
      occurredAt: new Date(at),
      correlationId: 'bench',
      causationId: `bench-cmd-${i}`,
    },
    event: {
      type: 'IndicatorPublished',
      data: {
        indicatorId: id,
        publisherOrgId: publisher.id,
        publisherSector: publisher.sector ?? null,
        indicatorType: 'ipv4',
        value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        publishedAt: at,
        ...termsOf(i),
        confidence: 70,
        validFrom: at,
        validUntil: null,
        description: 'preloaded benchmark indicator',
        cves: [],
        killChainPhases: [],
        disclosePublisher: false,
      },
    },
  };
}

/** Produces the events `envelopeOf(from)` … `envelopeOf(to - 1)` onto `topic`, 2,000 a send. */
export async function produceEvents(
  kafka: Kafka,
  codec: SchemaSet,
  topic: string,
  from: number,
  to: number,
  envelopeOf: (i: number) => EventEnvelope<{ type: string; data: object }>,
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = from; i < to; i += 2000) {
    const messages = [];
    for (let j = i; j < Math.min(to, i + 2000); j += 1) {
      const e = envelopeOf(j);
      messages.push({
        key: e.metadata.aggregateId,
        value: codec.encode(`jp.acd.indicator.${e.event.type}`, e.event.data),
        headers: eventHeaders(e.metadata),
        timestamp: String(e.metadata.occurredAt.getTime()),
      });
    }
    await producer.send({ topic, acks: -1, messages });
    progress(`  producing the preload: ${i - from + messages.length}/${to - from} events`);
  }
  await producer.disconnect();
  process.stderr.write('\n');
}

/** How many events a projection has applied: its checkpoints' offsets added up. */
export async function checkpointsReached(db: Db, projection: string): Promise<number> {
  const cps = await db
    .collection<{ projection: string; offset: string }>('checkpoints')
    .find({ projection })
    .toArray();
  return cps.reduce((n, c) => n + Number(c.offset), 0);
}

/** Resident memory of a process, MiB (NaN when it is gone). */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** A server of the benchmark's own stack (`ferretdb`, `kafka-1`) by its pid file. */
export function stackPid(name: string): number | undefined {
  try {
    const dir = process.env.BENCH_STACK_PIDS ?? '';
    return Number(readFileSync(`${dir}/${name}.pid`, 'utf8').trim());
  } catch {
    return undefined;
  }
}
