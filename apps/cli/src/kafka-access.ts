import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, TopicNames, withAdmin } from '@acd/messaging';
import { readOrganisations } from './organisations-file';
import { provisionOrgAccess, stackScriptScramWriter, type KafkaCredentials } from '@acd/identity';

export interface KafkaAccessOptions {
  orgs: string;
  out: string;
  saslBrokers?: string;
  rotate?: boolean;
}

/**
 * The work of `acd kafka-access` (kafka-access.command.ts), free of Nest so tests can call it:
 * one SCRAM-SHA-512 Kafka user per organisation of a demo-orgs file (username = org id), with
 * ACLs to read exactly its advisory topics and use consumer groups under its own prefix; writes
 * what each operator needs to connect to a file readable only by its owner. Run again, it keeps
 * the passwords it finds in that file (unless rotate) and re-applies users and ACLs, so it repairs
 * a purged stack and never breaks clients that are already configured.
 */
export async function runKafkaAccess(
  opts: KafkaAccessOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KafkaCredentials[]> {
  const cfg = loadConfig(kafkaSchema, env);
  const saslBrokers = (opts.saslBrokers ?? env.KAFKA_SASL_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (saslBrokers.length === 0) {
    throw new Error(
      'no SASL listener known: pass --sasl-brokers host:port,... or set KAFKA_SASL_BROKERS ' +
        '(the local stack writes it to .local/stacks/<name>/endpoints.json as kafkaSaslBrokers)',
    );
  }
  const orgs = readOrganisations(opts.orgs);
  const previous = opts.rotate ? new Map<string, string>() : readPasswords(opts.out);
  const names = new TopicNames(cfg.ACD_TOPIC_PREFIX);
  const writeUser = stackScriptScramWriter({ script: stackScript(), bootstrap: cfg.KAFKA_BROKERS });
  const credentials = await withAdmin(createKafka(cfg, 'kafka-access'), (admin) =>
    provisionOrgAccess({
      admin,
      names,
      orgs,
      writeUser,
      saslBrokers,
      replicationFactor: cfg.ACD_REPLICATION_FACTOR,
      passwords: previous,
    }),
  );
  writePrivate(opts.out, JSON.stringify(credentials, null, 2) + '\n');
  return credentials;
}

function readPasswords(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<KafkaCredentials>[];
    return new Map(
      parsed.flatMap((c) =>
        typeof c.orgId === 'string' && typeof c.password === 'string'
          ? [[c.orgId, c.password] as const]
          : [],
      ),
    );
  } catch {
    return new Map();
  }
}

/** Written to a fresh 0600 file, then renamed over the old one: never readable by others. */
function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** deploy/local/stack.sh of this checkout (its `kafka-user` command runs Kafka's ConfigCommand). */
function stackScript(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'deploy', 'local', 'stack.sh');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`deploy/local/stack.sh not found above ${from}`);
  }
}
