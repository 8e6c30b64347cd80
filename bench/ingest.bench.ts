/**
 * First benchmark of the bus, side by side with Kafka's own tools on the same broker in the
 * same run. Prints a table and writes bench/out/results.json. Run through `npm run bench`.
 *
 *  1. Kafka ProducerPerformance (baseline) vs kafkajs raw produce vs the bus's command path
 *     (commands decided by the processor and written transactionally as events), same record
 *     size, acks=all.
 *  2. HTTP publish through the gateway: accepted per second at fixed concurrency, and
 *     publish→readable latency p50/p99 next to Kafka's EndToEndLatency tool.
 *  3. Avro single-object encoding against JSON: encode/decode speed and size.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import { commandIdFor } from '@acd/event-sourcing';
import { indicatorIdFor } from '@acd/indicators';
import {
  CommandProcessor,
  createKafka,
  ensureTopics,
  H,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
  type BusLogger,
} from '@acd/messaging';
import { indicatorContext } from '../apps/indicators/src/indicator.context';
import { kafkaEndToEndLatency, runJava } from './kafka-tools';

const ROOT = join(__dirname, '..', '..');
const N = Number(process.env.BENCH_RECORDS ?? 50_000);
const HTTP_N = Number(process.env.BENCH_HTTP_RECORDS ?? 2_000);
const LATENCY_N = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
/** Callers in flight for the HTTP publish measurements (BENCH_HTTP_CALLERS, comma-separated). */
const HTTP_CALLERS = (process.env.BENCH_HTTP_CALLERS ?? '1,8,32,64,128')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);

interface HttpLevel {
  callers: number;
  requests: number;
  perSec: number;
  p50: number;
  p99: number;
  failed: number;
}
const quiet: BusLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: (m) => console.error(m),
};

const cfg = loadConfig(kafkaSchema);
const kafka = createKafka(cfg, 'bench');
const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
const codec = SchemaSet.load(schemasDir());
const results: Record<string, unknown> = {};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Stands in for the gateway's ACD_ID_KEY: the bench writes commands as the gateway would. */
const BENCH_ID_KEY = 'bench-id-key-'.padEnd(32, '0');

function sampleCommand(i: number) {
  const value = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const publisher = 'op-bench';
  const indicatorId = indicatorIdFor(BENCH_ID_KEY, publisher, 'ipv4', value);
  return {
    indicatorId,
    data: {
      indicatorId,
      indicatorType: 'ipv4',
      value,
      tlp: 'AMBER',
      audience: { orgs: ['op-kanto-electric'], sectors: ['electricity', 'railways'] },
      confidence: 80,
      validFrom: null,
      validUntil: null,
      description: 'Command-and-control server observed contacting engineering workstations',
      cves: ['CVE-2024-3400'],
      killChainPhases: [
        { killChainName: 'lockheed-martin-cyber-kill-chain', phaseName: 'command-and-control' },
      ],
    },
  };
}

async function createTopic(name: string, partitions: number): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const existing = await admin.listTopics();
    if (!existing.includes(name)) {
      await admin.createTopics({
        topics: [
          { topic: name, numPartitions: partitions, replicationFactor: cfg.ACD_REPLICATION_FACTOR },
        ],
      });
    }
  });
  await new Promise((r) => setTimeout(r, 500));
}

async function endOffsetSum(k: Kafka, topic: string): Promise<number> {
  const offsets = await withAdmin(k, (admin) => admin.fetchTopicOffsets(topic));
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

async function baselineProducerPerformance(recordSize: number): Promise<number> {
  const topic = `${cfg.ACD_TOPIC_PREFIX}bench.baseline.${randomUUID().slice(0, 8)}`;
  await createTopic(topic, 6);
  const out = runJava('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(N),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${cfg.KAFKA_BROKERS.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
    'linger.ms=5',
  ]);
  const last = out.trim().split('\n').pop() ?? '';
  const m = /([\d.]+) records\/sec/.exec(last);
  console.log(`  ProducerPerformance: ${last}`);
  return m ? Number(m[1]) : NaN;
}

async function kafkajsRaw(messages: { key: string; value: Buffer }[]): Promise<number> {
  const topic = `${cfg.ACD_TOPIC_PREFIX}bench.kafkajs.${randomUUID().slice(0, 8)}`;
  await createTopic(topic, 6);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  await producer.disconnect();
  return messages.length / s;
}

async function busCommandPath(): Promise<{ rate: number; recordSize: number }> {
  const processor = new CommandProcessor(kafka, topics, codec, indicatorContext() as never, {
    instanceId: 'bench',
    logger: quiet,
  });
  await processor.start();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const eventsTopic = topics.of('indicatorEvents');
  const before = await endOffsetSum(kafka, eventsTopic);
  const messages = Array.from({ length: N }, (_, i) => {
    const { indicatorId, data } = sampleCommand(i);
    return {
      key: indicatorId,
      value: codec.encode('jp.acd.indicator.PublishIndicator', data),
      headers: {
        [H.commandId]: commandIdFor(
          BENCH_ID_KEY,
          { orgId: 'op-bench' },
          `bench-${i}-${randomUUID()}`,
        ),
        [H.orgId]: 'op-bench',
        [H.orgKind]: 'operator',
        [H.orgSector]: 'electricity',
      },
    };
  });
  const recordSize = Math.round(messages.reduce((n, m) => n + m.value.length, 0) / messages.length);
  const t = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({
      topic: topics.of('indicatorCommands'),
      acks: -1,
      messages: messages.slice(i, i + 1000),
    });
  }
  // Events become visible only when their transaction commits, so this is end to end.
  for (;;) {
    const committed = (await endOffsetSum(kafka, eventsTopic)) - before;
    if (committed >= N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  await producer.disconnect();
  await processor.stop();
  results.rawKafkajs = await kafkajsRaw(messages.map((m) => ({ key: m.key, value: m.value })));
  return { rate: N / s, recordSize };
}

function codecComparison() {
  const { data } = sampleCommand(42);
  const event = {
    ...data,
    publisherOrgId: 'op-kanto-electric',
    publisherSector: 'electricity',
    validFrom: Date.now(),
    publishedAt: Date.now(),
  };
  const name = 'jp.acd.indicator.IndicatorPublished';
  const iterations = 100_000;
  const avro = codec.encode(name, event);
  const json = Buffer.from(JSON.stringify(event));
  const time = (fn: () => void) => {
    for (let i = 0; i < 5_000; i += 1) fn();
    const t = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) fn();
    return iterations / (Number(process.hrtime.bigint() - t) / 1e9);
  };
  return {
    avroBytes: avro.length,
    jsonBytes: json.length,
    avroEncodePerSec: time(() => codec.encode(name, event)),
    jsonEncodePerSec: time(() => Buffer.from(JSON.stringify(event))),
    avroDecodePerSec: time(() => codec.decode(avro)),
    jsonDecodePerSec: time(() => JSON.parse(json.toString('utf8'))),
  };
}

async function httpPath(base: string, token: string): Promise<void> {
  const post = (i: number) =>
    fetch(`${base}/v1/indicators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'domain',
        value: `c2-${i}-${randomUUID().slice(0, 6)}.bench.example`,
        tlp: 'AMBER',
        audience: { sectors: ['electricity'] },
        confidence: 70,
        description: 'benchmark indicator',
      }),
    });
  // Throughput and latency at a fixed number of callers in flight, each caller sending its next
  // request as soon as the previous one is answered (closed loop).
  const levels: HttpLevel[] = [];
  let serial = 0;
  for (const callers of HTTP_CALLERS) {
    const total = Math.max(HTTP_N, callers * 20);
    // Warm-up: connections open and the gateway's caches filled before the clock starts.
    await Promise.all(
      Array.from({ length: callers }, async () => {
        const res = await post(serial++);
        await res.arrayBuffer();
      }),
    );
    let next = 0;
    let failed = 0;
    const latencies: number[] = [];
    const t = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < total) {
          next += 1;
          const t0 = performance.now();
          const res = await post(serial++);
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status !== 201) failed += 1;
        }
      }),
    );
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    latencies.sort((a, b) => a - b);
    const level = {
      callers,
      requests: total,
      perSec: total / s,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failed,
    };
    levels.push(level);
    console.log(
      `  HTTP publish, ${callers} callers: ${Math.round(level.perSec)} req/s, p50 ${level.p50.toFixed(1)} ms, p99 ${level.p99.toFixed(1)} ms, ${failed} failed of ${total}`,
    );
  }
  results.httpLevels = levels;
  const at32 = levels.find((l) => l.callers === 32) ?? levels[levels.length - 1];
  results.httpAcceptedPerSec = at32?.perSec;
  results.httpFailed = levels.reduce((n, l) => n + l.failed, 0);

  // Publish→readable: one caller, POST then poll by id until the projection answers.
  const acked: number[] = [];
  const readable: number[] = [];
  for (let i = 0; i < LATENCY_N; i += 1) {
    const t0 = performance.now();
    const res = await post(1_000_000 + i);
    const body = (await res.json()) as { id: string };
    acked.push(performance.now() - t0);
    for (;;) {
      const r = await fetch(`${base}/v1/indicators/${body.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await r.arrayBuffer();
      if (r.status === 200) break;
      await new Promise((r2) => setTimeout(r2, 5));
    }
    readable.push(performance.now() - t0);
  }
  acked.sort((a, b) => a - b);
  readable.sort((a, b) => a - b);
  results.publishAckedMs = { p50: percentile(acked, 50), p99: percentile(acked, 99) };
  results.publishReadableMs = { p50: percentile(readable, 50), p99: percentile(readable, 99) };
}

async function main(): Promise<void> {
  const base = process.env.BENCH_GATEWAY;
  const token = process.env.BENCH_TOKEN;
  await withAdmin(kafka, (admin) => ensureTopics(admin, topics, cfg.ACD_REPLICATION_FACTOR));
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );

  // BENCH_ONLY=http measures the HTTP path alone (a quick loop while tuning the command path).
  const httpOnly = process.env.BENCH_ONLY === 'http';
  const bus = { rate: NaN, recordSize: 300 };
  if (!httpOnly) {
    console.log(`\n1. ingest, ${N} records, acks=all`);
    Object.assign(bus, await busCommandPath());
    console.log(
      `  bus command path: ${Math.round(bus.rate)} commands/s decided and committed (${bus.recordSize} B records)`,
    );
    console.log(`  kafkajs raw produce: ${Math.round(results.rawKafkajs as number)} records/s`);
    results.producerPerformance = await baselineProducerPerformance(bus.recordSize);
  }
  results.busCommandsPerSec = bus.rate;
  results.recordSize = bus.recordSize;

  if (base && token) {
    console.log(
      `\n2. HTTP publish (at least ${HTTP_N} requests at each of ${HTTP_CALLERS.join(', ')} callers) and publish→readable latency (${LATENCY_N} samples)`,
    );
    await httpPath(base, token);
    if (!httpOnly)
      results.kafkaEndToEndLatencyMs = kafkaEndToEndLatency(
        cfg.KAFKA_BROKERS,
        `${cfg.ACD_TOPIC_PREFIX}bench.e2e-latency`,
        LATENCY_N * 5,
        bus.recordSize,
      );
  }

  console.log('\n3. Avro single-object vs JSON');
  results.codec = codecComparison();

  const r = results as {
    producerPerformance: number;
    rawKafkajs: number;
    busCommandsPerSec: number;
    recordSize: number;
    httpAcceptedPerSec?: number;
    httpLevels?: HttpLevel[];
    publishAckedMs?: { p50: number; p99: number };
    publishReadableMs?: { p50: number; p99: number };
    kafkaEndToEndLatencyMs?: { p50: number; p99: number } | null;
    codec: ReturnType<typeof codecComparison>;
  };
  const f = (n: number | undefined) =>
    n === undefined || Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en');
  const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1));
  console.log(`
| measure | value | ratio |
|---|---|---|
| Kafka ProducerPerformance, ${r.recordSize} B records, acks=all | ${f(r.producerPerformance)} rec/s | 1.00 |
| kafkajs raw produce, same records | ${f(r.rawKafkajs)} rec/s | ${(r.rawKafkajs / r.producerPerformance).toFixed(2)} |
| bus: commands decided and committed as events | ${f(r.busCommandsPerSec)} rec/s | ${(r.busCommandsPerSec / r.producerPerformance).toFixed(2)} |
${(r.httpLevels ?? [])
  .map(
    (l) =>
      `| bus: HTTP publish accepted, ${l.callers} callers (p50 / p99 ${f1(l.p50)} / ${f1(l.p99)} ms) | ${f(l.perSec)} req/s | ${(l.perSec / r.producerPerformance).toFixed(3)} |\n`,
  )
  .join(
    '',
  )}| HTTP publish acknowledged p50 / p99 | ${f1(r.publishAckedMs?.p50)} / ${f1(r.publishAckedMs?.p99)} ms | |
| HTTP publish → readable p50 / p99 | ${f1(r.publishReadableMs?.p50)} / ${f1(r.publishReadableMs?.p99)} ms | |
| Kafka EndToEndLatency p50 / p99 (acks=all) | ${f1(r.kafkaEndToEndLatencyMs?.p50)} / ${f1(r.kafkaEndToEndLatencyMs?.p99)} ms | |
| Avro single-object size vs JSON | ${r.codec.avroBytes} B vs ${r.codec.jsonBytes} B | ${(r.codec.avroBytes / r.codec.jsonBytes).toFixed(2)} |
| Avro encode vs JSON.stringify | ${f(r.codec.avroEncodePerSec)} vs ${f(r.codec.jsonEncodePerSec)} /s | ${(r.codec.avroEncodePerSec / r.codec.jsonEncodePerSec).toFixed(2)} |
| Avro decode vs JSON.parse | ${f(r.codec.avroDecodePerSec)} vs ${f(r.codec.jsonDecodePerSec)} /s | ${(r.codec.avroDecodePerSec / r.codec.jsonDecodePerSec).toFixed(2)} |
`);
  const outDir = join(ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'results.json'),
    JSON.stringify({ at: new Date().toISOString(), N, HTTP_N, LATENCY_N, ...results }, null, 2),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
