import { z } from 'zod';
import { SECTORS, type Sector } from '@acd/identity';
import { DEFAULT_INDICATOR_BREADTH, type IndicatorBreadth } from '@acd/indicators-domain';
import { DEFAULT_PROFILE_SETTINGS as D } from '@acd/reporting-domain';
import { AuditSigningKey, KeyFormatError } from '@acd/audit';

/**
 * One validated schema per namespace. A bad environment stops start-up with a message naming
 * the variable, instead of failing later somewhere deep in a driver.
 */

const brokerList = z
  .string()
  .min(1)
  .transform((s) => s.split(',').map((b) => b.trim()))
  .pipe(
    z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'at least one broker'),
  );

const port = z.coerce.number().int().min(1).max(65535);

export const kafkaSchema = z.object({
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('acd-bus'),
  /** Namespaces every topic and consumer group; lets test runs share one cluster without meeting. */
  ACD_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, dot, underscore, dash only')
    .default(''),
  /** Replication factor for topics this bus creates; 3 on a real cluster. */
  ACD_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).default(1),
  /** Stable per process: a restarted processor with the same id fences its predecessor's transactions. */
  ACD_INSTANCE_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/)
    .default('0'),
});

export const mongoSchema = z.object({
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/acd'),
});

export const gatewaySchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Largest JSON body accepted; larger answers 413 before parsing. */
  ACD_MAX_BODY: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size like 256kb')
    .default('256kb'),
  /** How long the gateway waits for a command's outcome before answering 504. */
  ACD_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /**
   * Key of the publisher pseudonyms readers outside the government see. Keep it secret and
   * stable: a new key gives every publisher a new pseudonym. Unset: a random key per process
   * (pseudonyms then change on restart; the gateway warns).
   */
  ACD_PSEUDONYM_KEY: z.string().min(32, 'at least 32 characters').optional(),
  /**
   * Key of the ids the gateway mints (indicators, incidents, advisories, requests, commands):
   * with it, the same input keeps its id; without it, nobody can recompute an id from the
   * fields it was made of. Every gateway of a bus needs the same key, and it must never change
   * (a new key would give a republished indicator a new id). Unset: a random key per process
   * (the gateway warns).
   */
  ACD_ID_KEY: z.string().min(32, 'at least 32 characters').optional(),
  /** Most concurrent `GET /v1/stream` connections per gateway; one more answers 503. */
  ACD_STREAM_MAX_CLIENTS: z.coerce.number().int().min(1).max(10_000).default(50),
  /**
   * Most concurrent `GET /v1/stream` connections one organisation may hold on a gateway (all its
   * tokens together), so that no organisation can take every slot; one more answers 429. Above
   * ACD_STREAM_MAX_CLIENTS it changes nothing.
   */
  ACD_STREAM_MAX_CLIENTS_PER_ORG: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Interval of the SSE heartbeat comment (keeps proxies from closing an idle stream). */
  ACD_STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Largest Kafka fetch of one stream connection: what a slow client can hold in memory. */
  ACD_STREAM_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(64 * 1_048_576)
    .default(1_048_576),
  /** Unread bytes a stream client may have buffered in the gateway before its stream pauses. */
  ACD_STREAM_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(16_384)
    .max(64 * 1_048_576)
    .default(262_144),
  /** Largest slice of one partition in that fetch. */
  ACD_STREAM_MAX_BYTES_PER_PARTITION: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(64 * 1_048_576)
    .default(262_144),
});

/**
 * How broad an indicator may be (see `breadthProblem` in the indicators domain): the shortest
 * CIDR prefix per family. A default route is refused whatever the setting.
 */
export const indicatorSchema = z
  .object({
    /** Shortest IPv4 prefix a CIDR indicator may have (1-32; /8 by default). */
    ACD_INDICATOR_MIN_PREFIX_V4: z.coerce
      .number()
      .int()
      .min(1)
      .max(32)
      .default(DEFAULT_INDICATOR_BREADTH.minPrefixV4),
    /** Shortest IPv6 prefix a CIDR indicator may have (1-128; /32 by default). */
    ACD_INDICATOR_MIN_PREFIX_V6: z.coerce
      .number()
      .int()
      .min(1)
      .max(128)
      .default(DEFAULT_INDICATOR_BREADTH.minPrefixV6),
  })
  .transform((e): IndicatorBreadth => ({
    minPrefixV4: e.ACD_INDICATOR_MIN_PREFIX_V4,
    minPrefixV6: e.ACD_INDICATOR_MIN_PREFIX_V6,
  }));

export const projectorSchema = z.object({
  /** Most events applied per write: bounds memory and the replay after a crash. */
  ACD_PROJECTOR_MAX_BATCH: z.coerce.number().int().min(1).max(100_000).default(1_000),
});

const isoDuration = z
  .string()
  .regex(
    /^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/,
    'an ISO 8601 duration such as PT24H, P3D or P1M',
  )
  .refine((s) => /\d/.test(s), 'an ISO 8601 duration such as PT24H, P3D or P1M');

const sectorList = (fallback: readonly string[]) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(SECTORS, { message: `each must be one of ${SECTORS.join(', ')}` })))
    .default([...fallback] as Sector[]);

/**
 * Reporting policy profiles (see the README). The Act leaves jp-acd's hours to implementing
 * rules, so they are settings; NIS2's and CIRCIA's hours are fixed by those laws, and only which
 * sectors they cover is configured.
 */
export const reportingSchema = z
  .object({
    ACD_JP_ACD_EARLY_WARNING: isoDuration.default(D.jpEarlyWarning),
    ACD_JP_ACD_NOTIFICATION: isoDuration.default(D.jpNotification),
    ACD_JP_ACD_FINAL: isoDuration.default(D.jpFinal),
    ACD_JP_ACD_SECTORS: sectorList(D.jpSectors),
    ACD_NIS2_SECTORS: sectorList(D.nis2Sectors),
    ACD_CIRCIA_SECTORS: sectorList(D.circiaSectors),
  })
  .transform((e) => ({
    jpEarlyWarning: e.ACD_JP_ACD_EARLY_WARNING,
    jpNotification: e.ACD_JP_ACD_NOTIFICATION,
    jpFinal: e.ACD_JP_ACD_FINAL,
    jpSectors: e.ACD_JP_ACD_SECTORS,
    nis2Sectors: e.ACD_NIS2_SECTORS,
    circiaSectors: e.ACD_CIRCIA_SECTORS,
  }));

/**
 * The oversight commission (see the README's safeguards). The law names five members approved
 * by the Diet; who they are, and the voting rule, are configuration.
 */
export const oversightSchema = z
  .object({
    /** Member ids of the oversight commission, comma-separated; each votes with its own token. */
    ACD_COMMISSION_MEMBERS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'each a kebab-case id'))
          .min(1, 'at least one member')
          .max(25)
          .refine((a) => new Set(a).size === a.length, 'member ids must be distinct'),
      )
      .default(['member-1', 'member-2', 'member-3', 'member-4', 'member-5']),
    /** Votes that must be cast before a request is decided. */
    ACD_COMMISSION_QUORUM: z.coerce.number().int().min(1).max(25).default(3),
    /** How long an agency that acted first in an emergency has to notify the commission. */
    ACD_EMERGENCY_NOTIFY_WITHIN: isoDuration.default('PT24H'),
  })
  .refine((c) => c.ACD_COMMISSION_QUORUM <= c.ACD_COMMISSION_MEMBERS.length, {
    message: 'ACD_COMMISSION_QUORUM cannot exceed the number of ACD_COMMISSION_MEMBERS',
    path: ['ACD_COMMISSION_QUORUM'],
  });

/** Cross-border flow metadata (see the README's traffic section). */
export const trafficSchema = z.object({
  /** Largest JSON body of `POST /v1/traffic/flow-batches` (its own limit; the global one stays small). */
  ACD_FLOW_BATCH_MAX_BODY: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size like 8mb')
    .default('8mb'),
  /** Most flow records in one submission; more answers 413. */
  ACD_FLOW_BATCH_MAX_FLOWS: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Most flows in one record on acd.traffic.flows.v1. */
  ACD_FLOW_CHUNK_SIZE: z.coerce.number().int().min(1).max(5_000).default(1_000),
  /** How long the telecom's submission summaries stay readable. */
  ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /** How long metadata matches stay readable to the cabinet office and the commission. */
  ACD_TRAFFIC_MATCHES_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /** Most flow records the matcher handles in one Kafka transaction (smaller: less redone after a crash). */
  ACD_FLOW_MATCH_MAX_TRANSACTION: z.coerce.number().int().min(1).max(1_000).default(50),
  /** How often expired read-model documents are deleted (FerretDB v1 has no TTL indexes). */
  ACD_TRAFFIC_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
});

/**
 * The tamper-evident audit log. The signing key is the bus's identity towards the commission:
 * keep it secret and stable (a verifier trusts its public key). It is parsed here so a bad
 * value stops start-up, and its text never appears in a message.
 */
export const auditSchema = z.object({
  /** Ed25519 private key: PKCS#8 PEM, or the base64 of a 32-byte seed. */
  ACD_AUDIT_SIGNING_KEY: z
    .string({ message: 'required: an Ed25519 key (PKCS#8 PEM or base64 of a 32-byte seed)' })
    .min(1, 'required: an Ed25519 key (PKCS#8 PEM or base64 of a 32-byte seed)')
    .transform((text, ctx) => {
      try {
        return AuditSigningKey.parse(text);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: err instanceof KeyFormatError ? err.message : 'not a usable Ed25519 key',
        });
        return z.NEVER;
      }
    }),
  /** Most audit entries appended in one Kafka transaction. */
  ACD_AUDIT_MAX_TRANSACTION: z.coerce.number().int().min(1).max(10_000).default(500),
});

export const logSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export class ConfigError extends Error {}

export function loadConfig<T extends z.ZodTypeAny>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export type KafkaConfig = z.infer<typeof kafkaSchema>;
export type MongoConfig = z.infer<typeof mongoSchema>;
export type GatewayConfig = z.infer<typeof gatewaySchema>;
export type IndicatorConfig = z.infer<typeof indicatorSchema>;
export type ProjectorConfig = z.infer<typeof projectorSchema>;
export type ReportingConfig = z.infer<typeof reportingSchema>;
export type OversightConfig = z.infer<typeof oversightSchema>;
export type AuditConfig = z.infer<typeof auditSchema>;
export type TrafficConfig = z.infer<typeof trafficSchema>;
