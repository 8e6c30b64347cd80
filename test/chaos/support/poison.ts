import { randomBytes, randomUUID } from 'node:crypto';
import type { Admin, IHeaders, Kafka, Producer, ProducerConfig } from 'kafkajs';
import type { Db } from 'mongodb';
import { kafkaSchema, loadConfig } from '@acd/config';
import {
  createKafka,
  H,
  readLogToEnd,
  SchemaSet,
  schemasDir,
  TopicNames,
  TOPICS,
  type TopicKey,
} from '@acd/messaging';
import { BusUnderTest } from '../../support/bus';
import { sleep } from './chaos';

/**
 * Poison for the chaos suite: records no writer of the bus would produce, written straight to
 * Kafka, and the checks that every consumer moved past them and that each is in its topic's DLQ.
 */

/** A supervised bus under test, and a raw Kafka client beside it writing as an outsider would. */
export interface BusAndRawWriter {
  bus: BusUnderTest;
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  topics: TopicNames;
  codec: SchemaSet;
  prefix: string;
  stop(): Promise<void>;
}

export async function busAndRawWriter(
  tag: string,
  producerConfig: ProducerConfig,
): Promise<BusAndRawWriter> {
  const bus = await BusUnderTest.start(tag, {}, { supervised: true });
  const cfg = loadConfig(kafkaSchema, bus.env);
  const kafka = createKafka(cfg, `chaos-${tag}`);
  const admin = kafka.admin();
  const producer = kafka.producer(producerConfig);
  const stop = async () => {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await bus.stop();
  };
  try {
    await admin.connect();
    await producer.connect();
  } catch (err) {
    await stop();
    throw err;
  }
  const prefix = cfg.ACD_TOPIC_PREFIX;
  const topics = new TopicNames(prefix);
  const codec = SchemaSet.load(schemasDir());
  return { bus, kafka, admin, producer, topics, codec, prefix, stop };
}

export type PoisonKind =
  | 'random-bytes'
  | 'truncated-avro'
  | 'unknown-fingerprint'
  | 'near-max'
  | 'large-run'
  | 'newer-schema';

export interface WrittenPoison {
  kind: PoisonKind;
  topicKey: TopicKey;
  topic: string;
  partition: number;
  offset: bigint;
  bytes: number;
}

/** Which committing consumer groups read each topic (without the deployment prefix). */
export const COMMITTING_CONSUMERS: Record<string, TopicKey[]> = {
  'acd.indicator.processor': ['indicatorCommands'],
  'acd.reporting.processor': ['reportingCommands'],
  'acd.advisory.processor': ['advisoryCommands'],
  'acd.oversight.processor': ['oversightCommands'],
  'acd.advisory.fanout': ['advisoryEvents'],
  'acd.traffic.matcher': ['trafficFlows'],
  'acd.audit.appender': [
    'oversightEvents',
    'trafficEvents',
    'trafficRetention',
    'indicatorEvents',
    'reportingEvents',
    'auditReads',
  ],
  'acd.projector.organisations': ['identityEvents'],
  'acd.projector.member-tokens': ['identityEvents'],
  'acd.projector.indicators': ['indicatorEvents'],
  'acd.projector.stix-indicators': ['indicatorEvents'],
  'acd.projector.incidents': ['reportingEvents'],
  'acd.projector.assets': ['reportingEvents'],
  'acd.projector.reporting-files': ['reportingEvents'],
  'acd.projector.advisories': ['advisoryEvents'],
  'acd.projector.oversight-requests': ['oversightEvents'],
  'acd.projector.flow-submissions': ['trafficEvents'],
  'acd.projector.flow-matches': ['trafficEvents'],
};

export const isCommandTopic = (k: TopicKey): boolean => k.endsWith('Commands');

/** The headers a writer of the topic would put on a record: what gets a record past the header checks. */
export function plausibleHeaders(k: TopicKey, type: string): IHeaders {
  const id = randomUUID();
  const now = new Date().toISOString();
  if (isCommandTopic(k))
    return {
      [H.commandType]: type,
      [H.commandId]: `poison-${id}`,
      [H.aggregateId]: `poison-${id}`,
      [H.orgId]: 'op-kanto-electric',
      [H.orgKind]: 'operator',
      [H.orgSector]: 'electricity',
      [H.correlationId]: `poison-${id}`,
      [H.occurredAt]: now,
      [H.replyTo]: 'nobody',
    };
  return {
    [H.eventType]: type,
    [H.eventId]: `poison-${id}`,
    [H.aggregateId]: `poison-${id}`,
    [H.aggregateVersion]: '1',
    [H.orgId]: 'op-kanto-electric',
    [H.occurredAt]: now,
    [H.correlationId]: `poison-${id}`,
    [H.causationId]: `poison-${id}`,
  };
}

const shortOf = (fullName: string) => fullName.slice(fullName.lastIndexOf('.') + 1);

/** The small poisons of one partition: random bytes, a known schema's header with a cut body, an unknown fingerprint. */
export function smallPoisons(
  codec: SchemaSet,
  k: TopicKey,
): { kind: PoisonKind; value: Buffer; headers: IHeaders }[] {
  const fullName = TOPICS[k].values[0] as string;
  const type = shortOf(fullName);
  const header = codec.latest(fullName).header;
  const unknownPrint = Buffer.concat([Buffer.from([0xc3, 0x01]), randomBytes(8), randomBytes(24)]);
  return [
    { kind: 'random-bytes', value: randomBytes(64), headers: {} },
    // The writer schema is known; the body stops inside its first field.
    {
      kind: 'truncated-avro',
      value: Buffer.concat([header, Buffer.from([0x40, 0x41])]),
      headers: plausibleHeaders(k, type),
    },
    { kind: 'unknown-fingerprint', value: unknownPrint, headers: plausibleHeaders(k, type) },
  ];
}

/** Writes one record to one partition; its offset, or the broker's refusal. */
export async function writeOne(
  producer: Producer,
  topic: string,
  partition: number,
  value: Buffer,
  headers: IHeaders,
  key = `poison-${randomUUID()}`,
): Promise<{ offset: bigint } | { refused: string }> {
  try {
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key, value, headers, partition }],
    });
    return { offset: BigInt(meta?.baseOffset ?? '-1') };
  } catch (err) {
    const e = err as { type?: string; message?: string };
    return { refused: e.type ?? e.message ?? String(err) };
  }
}

/**
 * The largest value the brokers take in one record (with the headers given), found by trying:
 * the broker's message.max.bytes bounds a whole record batch, not the value. Records written
 * while searching are returned too: they are poison like any other.
 */
export async function largestAccepted(
  producer: Producer,
  topic: string,
  partition: number,
  headers: IHeaders,
): Promise<{ bytes: number; offset: bigint; refusals: number }> {
  let size = 1_048_588; // Kafka's default message.max.bytes: the value alone cannot be this big
  for (let refusals = 0; ; refusals += 1) {
    const r = await writeOne(producer, topic, partition, randomBytes(size), headers, 'poison-max');
    if ('offset' in r) return { bytes: size, offset: r.offset, refusals };
    if (!/TOO_LARGE/i.test(r.refused) || size < 900_000) throw new Error(`refused: ${r.refused}`);
    size -= 64;
  }
}

// ------------------------------------------------------------------------------------------------
// consumers moving past the poison
// ------------------------------------------------------------------------------------------------

/** The consumer groups of the bus that commit offsets (throw-away readers excluded). */
export async function committingGroups(admin: Admin, prefix: string): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return groups
    .map((g) => g.groupId)
    .filter((g) => g.startsWith(prefix))
    .filter((g) => !/\.reader\.|\.tail\.|\.follow\.|gateway\.replies|chaos/.test(g))
    .sort();
}

/** group → topic → partition → committed offset (partitions without a commit left out). */
export async function committed(
  admin: Admin,
  groups: readonly string[],
  topicNames: readonly string[],
): Promise<Map<string, Map<string, Map<number, bigint>>>> {
  const out = new Map<string, Map<string, Map<number, bigint>>>();
  for (const groupId of groups) {
    const byTopic = new Map<string, Map<number, bigint>>();
    for (const t of await admin.fetchOffsets({ groupId, topics: [...topicNames] })) {
      const parts = new Map<number, bigint>();
      for (const p of t.partitions) if (p.offset !== '-1') parts.set(p.partition, BigInt(p.offset));
      if (parts.size > 0) byTopic.set(t.topic, parts);
    }
    out.set(groupId, byTopic);
  }
  return out;
}

/**
 * Waits until every committing consumer of each poisoned topic is past the last poison of every
 * partition; per group and topic, how long that took from `since`. A group that never gets
 * there is reported with the partitions it is stuck on.
 */
export async function waitPastPoison(
  admin: Admin,
  prefix: string,
  poison: readonly WrittenPoison[],
  expected: ReadonlyMap<string, readonly string[]>,
  since: number,
  timeoutMs: number,
): Promise<{ passedMs: Map<string, number>; stuck: string[] }> {
  const last = new Map<string, Map<number, bigint>>();
  for (const p of poison) {
    const byPart = last.get(p.topic) ?? new Map<number, bigint>();
    if ((byPart.get(p.partition) ?? -1n) < p.offset) byPart.set(p.partition, p.offset);
    last.set(p.topic, byPart);
  }
  const passedMs = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  let stuck: string[] = [];
  for (;;) {
    const groups = [...new Set([...(await committingGroups(admin, prefix)), ...expected.keys()])];
    const offsets = await committed(admin, groups, [...last.keys()]);
    stuck = [];
    for (const [group, topics] of expected) {
      for (const topic of topics) {
        const key = `${group} ← ${topic}`;
        if (passedMs.has(key)) continue;
        const at = offsets.get(group)?.get(topic);
        const behind = [...(last.get(topic) ?? new Map<number, bigint>())].filter(
          ([partition, offset]) => (at?.get(partition) ?? -1n) <= offset,
        );
        if (behind.length === 0) passedMs.set(key, Date.now() - since);
        else
          stuck.push(
            `${key}: ${behind.map(([p, o]) => `p${p}@${at?.get(p) ?? 'none'}≤${o}`).join(' ')}`,
          );
      }
    }
    if (stuck.length === 0 || Date.now() > deadline) return { passedMs, stuck };
    await sleep(1_000);
  }
}

// ------------------------------------------------------------------------------------------------
// the dead letters
// ------------------------------------------------------------------------------------------------

export interface DeadLetterSeen {
  sourceTopic: string;
  partition: number;
  offset: bigint;
  reason: string;
  error: string;
  group: string;
  valueBytes: number;
}

/** Every dead letter of one DLQ topic. */
export async function readDeadLetters(kafka: Kafka, dlq: string): Promise<DeadLetterSeen[]> {
  const out: DeadLetterSeen[] = [];
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  await readLogToEnd(kafka, dlq, 'chaos-dlq', (batch) => {
    for (const m of batch.messages) {
      const h = m.headers ?? {};
      out.push({
        sourceTopic: text(h[H.dlqTopic]),
        partition: Number(text(h[H.dlqPartition])),
        offset: BigInt(text(h[H.dlqOffset]) || '-1'),
        reason: text(h[H.dlqReason]),
        error: text(h[H.dlqError]),
        group: text(h[H.dlqConsumer]),
        valueBytes: m.value?.length ?? 0,
      });
    }
  });
  return out;
}

/** Where the audit store has got to on the log topic. */
export async function auditStoreOffset(db: Db): Promise<bigint> {
  const state = await db
    .collection<{ _id: string; nextOffset?: string }>('audit_state')
    .findOne({});
  return BigInt(state?.nextOffset ?? '0');
}

/** Lines of the services' logs that match, by service file. */
export function countLogLines(
  files: { name: string; text: string }[],
  pattern: RegExp,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { name, text } of files) {
    const n = text.split('\n').filter((l) => pattern.test(l)).length;
    if (n > 0) out[name] = n;
  }
  return out;
}
