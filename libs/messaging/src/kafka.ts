import {
  Kafka,
  logLevel,
  type Admin,
  type AdminConfig,
  type ITopicConfig,
  type KafkaConfig as KafkaJsConfig,
} from 'kafkajs';
import { kafkaSasl, type KafkaConfig } from '@acd/config';
import { assertKafkajsPatched } from './produce-check';
import { TopicNames, type TopicSpec } from './topics';

export interface BusLogger {
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

export const consoleLogger: BusLogger = {
  info: (msg, meta) => console.log(JSON.stringify({ level: 'info', msg, ...meta })),
  warn: (msg, meta) => console.warn(JSON.stringify({ level: 'warn', msg, ...meta })),
  error: (msg, meta) => console.error(JSON.stringify({ level: 'error', msg, ...meta })),
};

const KAFKAJS_LOG_LEVELS: Record<NonNullable<KafkaConfig['ACD_KAFKA_LOG_LEVEL']>, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/**
 * A kafkajs client for the configured brokers. With KAFKA_SASL_USERNAME set it logs in with
 * SASL (SCRAM-SHA-512 by default) on the internal listener, as the user the configuration names:
 * on the local stack every service has its own, allowed exactly its work (service-access.ts).
 * Refuses an unpatched kafkajs (see `assertKafkajsPatched`).
 */
export function createKafka(
  cfg: KafkaConfig,
  clientSuffix: string,
  extra: Partial<KafkaJsConfig> = {},
): Kafka {
  assertKafkajsPatched();
  const sasl = kafkaSasl(cfg);
  return new Kafka({
    clientId: `${cfg.KAFKA_CLIENT_ID}-${clientSuffix}`,
    brokers: cfg.KAFKA_BROKERS,
    ...(sasl ? { sasl: sasl as KafkaJsConfig['sasl'] } : {}),
    // kafkajs logs every retriable hiccup at ERROR; our own logs say what matters unless asked.
    logLevel: KAFKAJS_LOG_LEVELS[cfg.ACD_KAFKA_LOG_LEVEL ?? 'nothing'],
    // About 20 s of retries in all, but never more than 2 s between two: after a broker dies,
    // a client learns of the new leaders within 2 s of their election.
    retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 2_000 },
    connectionTimeout: 5_000,
    ...extra,
  });
}

/**
 * Creates every registered topic that does not exist yet, with the registry's settings; the
 * brokers run with auto-creation off, so a typo in a topic name fails loudly instead of
 * creating a stray topic.
 */
export async function ensureTopics(
  admin: Admin,
  names: TopicNames,
  replicationFactor: number,
): Promise<string[]> {
  return createTopics(admin, names.all(), replicationFactor);
}

/**
 * Creates those of `topics` that do not exist yet, each with its spec's partitions, retention
 * and clean-up policy, and waits until every new partition serves requests. Returns the names
 * it created. The one place topics are created: registry topics, per-audience topics alike.
 */
export async function createTopics(
  admin: Admin,
  topics: readonly { name: string; spec: TopicSpec }[],
  replicationFactor: number,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = topics
    .filter(({ name }) => !existing.has(name))
    .map(({ name, spec }) => ({
      topic: name,
      numPartitions: spec.partitions,
      replicationFactor,
      configEntries: [
        { name: 'retention.ms', value: String(spec.retentionMs) },
        { name: 'cleanup.policy', value: spec.cleanupPolicy },
        ...(replicationFactor >= 3 ? [{ name: 'min.insync.replicas', value: '2' }] : []),
      ],
    }));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: false });
  } catch (err) {
    // Another process may have created the same topics a moment earlier.
    const still = new Set(await admin.listTopics());
    if (missing.some((t) => !still.has(t.topic))) throw err;
  }
  const created = missing.map((t) => t.topic);
  await waitForLeaders(admin, created);
  return created;
}

/**
 * kafkajs' own waitForLeaders can return (or throw NOT_LEADER) before every broker's metadata
 * agrees; the first produce then fails. Poll until each partition has a leader everyone sees.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      const ready = meta.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready) {
        // Metadata can name a leader before that broker serves the partition; asking every
        // leader for its offsets proves it does (NOT_LEADER otherwise, and we poll again).
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function withAdmin<T>(
  kafka: Kafka,
  fn: (admin: Admin) => Promise<T>,
  config?: AdminConfig,
): Promise<T> {
  const admin = kafka.admin(config);
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
