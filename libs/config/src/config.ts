import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

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

/**
 * The repository's root: the nearest directory above this file that holds a package.json. Found
 * from the code's own location (libs/config/src, or dist/libs/config/src once compiled), so a
 * default path means the same whatever directory a process was started from.
 */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

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
  /**
   * The SASL user this process logs in as on the brokers' internal listener (the local stack
   * gives each service its own SCRAM-SHA-512 user, with ACLs for exactly its work). Unset: no
   * SASL, plaintext as an unsecured cluster expects.
   */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  /** Its password; prefer KAFKA_SASL_PASSWORD_FILE, which keeps it out of the environment. */
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** A file holding the password (first line; trailing white space ignored). */
  KAFKA_SASL_PASSWORD_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z
    .enum(['scram-sha-512', 'scram-sha-256', 'plain'])
    .default('scram-sha-512'),
  /**
   * kafkajs' own log, to standard error: off by default (it logs every retried hiccup as an
   * error); `info` or `debug` to see what the client does while brokers fail.
   */
  ACD_KAFKA_LOG_LEVEL: z.enum(['nothing', 'error', 'warn', 'info', 'debug']).default('nothing'),
});

export const mongoSchema = z.object({
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/acd'),
  /**
   * How long an operation waits for a reachable store before it fails: a read the store cannot
   * serve answers 503 after this long, not after the driver's 30 s.
   */
  ACD_STORE_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
});

export const gatewaySchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  /**
   * Longest a client may take to send a whole request, headers and body; then 408 and the
   * connection closes, so a slow body cannot hold a connection (Node's own default is 5 min).
   */
  ACD_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  /**
   * While the store is unreachable, a token the gateway resolved within this long still answers
   * as it did (commands keep flowing: Kafka is the record); 0 turns it off.
   */
  ACD_TOKEN_STALE_MAX_S: z.coerce.number().int().min(0).max(86_400).default(600),
  /** Largest JSON body accepted; larger answers 413 before parsing. */
  ACD_MAX_BODY: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size like 256kb')
    .default('256kb'),
  /** Largest TAXII `add objects` body (the API root's max_content_length); larger answers 413. */
  ACD_TAXII_MAX_CONTENT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size like 2mb')
    .default('2mb'),
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
  /**
   * The demo organisations' file (with their tokens) that `npm start` writes on the local stack;
   * when set, `GET /v1/demo/organisations` serves it to requests from this machine only, for the
   * console's sign-in picker. Never set it in production.
   */
  ACD_DEMO_ORGS_FILE: z.string().min(1).optional(),
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
  /**
   * The built web console (`npm run build:dashboard` writes it), served at `/`. A relative path
   * is taken from the working directory; the default is the repository's `dist/dashboard`.
   */
  ACD_DASHBOARD_DIR: z
    .string()
    .min(1)
    .default(() => path.join(repoRoot(), 'dist', 'dashboard'))
    .transform((dir) => path.resolve(dir)),
});

/** An ISO 8601 duration (PT24H, P3D, P1M), as the reporting and oversight settings take it. */
export const isoDuration = z
  .string()
  .regex(
    /^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/,
    'an ISO 8601 duration such as PT24H, P3D or P1M',
  )
  .refine((s) => /\d/.test(s), 'an ISO 8601 duration such as PT24H, P3D or P1M');

export const projectorSchema = z.object({
  /** Most events applied per write: bounds memory and the replay after a crash. */
  ACD_PROJECTOR_MAX_BATCH: z.coerce.number().int().min(1).max(100_000).default(1_000),
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

/** SASL credentials of a Kafka client, as kafkajs takes them. */
export interface KafkaSasl {
  mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  username: string;
  password: string;
}

/**
 * The SASL credentials the configuration names, or undefined when it names none (plaintext).
 * The password comes from KAFKA_SASL_PASSWORD_FILE when set, else KAFKA_SASL_PASSWORD. A user
 * without a password, or a password without a user, stops start-up: a half-configured client
 * would otherwise fall back to plaintext and fail somewhere less clear.
 */
export function kafkaSasl(cfg: KafkaConfig): KafkaSasl | undefined {
  const username = cfg.KAFKA_SASL_USERNAME;
  const hasPassword =
    cfg.KAFKA_SASL_PASSWORD !== undefined || cfg.KAFKA_SASL_PASSWORD_FILE !== undefined;
  if (username === undefined) {
    if (hasPassword) {
      throw new ConfigError(
        'invalid configuration:\n  KAFKA_SASL_USERNAME: required when a SASL password is given',
      );
    }
    return undefined;
  }
  let password = cfg.KAFKA_SASL_PASSWORD;
  if (cfg.KAFKA_SASL_PASSWORD_FILE !== undefined) {
    try {
      password = (
        readFileSync(cfg.KAFKA_SASL_PASSWORD_FILE, 'utf8').split('\n')[0] ?? ''
      ).trimEnd();
    } catch (err) {
      throw new ConfigError(
        `invalid configuration:\n  KAFKA_SASL_PASSWORD_FILE: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (!password) {
    throw new ConfigError(
      'invalid configuration:\n  KAFKA_SASL_PASSWORD: required with KAFKA_SASL_USERNAME (or KAFKA_SASL_PASSWORD_FILE)',
    );
  }
  return { mechanism: cfg.KAFKA_SASL_MECHANISM, username, password };
}
export type MongoConfig = z.infer<typeof mongoSchema>;
export type GatewayConfig = z.infer<typeof gatewaySchema>;
export type ProjectorConfig = z.infer<typeof projectorSchema>;
