import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  Kafka,
  logLevel,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Admin,
} from 'kafkajs';
import {
  aclKey,
  aclsOfPrincipal,
  createTopics,
  ADVISORY_FANOUT_SPEC,
  TopicNames,
} from '@acd/messaging';

/**
 * Broker-enforced access for outside organisations (ARCHITECTURE property 4 on the Kafka path).
 * Each organisation gets one SCRAM-SHA-512 user named after its id, and ACLs that let it read
 * exactly its advisory topics (public, its sector's, its own) and use consumer groups under its
 * own prefix. Nothing else: no WRITE anywhere, no other topic, no cluster or transactional rights.
 * The bus's own services use the internal listener, each as its own user with ACLs of its own
 * (libs/messaging/src/service-access.ts).
 *
 * kafkajs manages the ACLs; it cannot create SCRAM credentials (no AlterUserScramCredentials),
 * so that part is a {@link ScramUserWriter}, by default Kafka's own ConfigCommand run through
 * `deploy/local/stack.sh kafka-user`.
 */

/** Who an organisation is, as far as Kafka access is concerned. */
export interface AccessSubject {
  id: string;
  sector?: string;
}

/** What one organisation may do on the brokers. */
export interface OrgAccessPlan {
  orgId: string;
  username: string;
  /** `User:<username>`, as the authorizer sees it. */
  principal: string;
  /** Readable topics (LITERAL ACLs): TopicNames.advisoryTopicsFor(org). */
  topics: string[];
  /** Consumer groups it may use start with this (PREFIXED ACL): `<ACD_TOPIC_PREFIX><orgId>.` */
  groupPrefix: string;
  acls: AclEntry[];
}

/** Org ids become SCRAM usernames, topic names and group prefixes: no dots, no separators. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function assertSafeOrgId(id: string, what = 'organisation id'): void {
  if (!SAFE_ID.test(id)) {
    throw new Error(`${what} '${id}' cannot name Kafka users or topics: letters, digits, _ and -`);
  }
}

export function accessPlanFor(names: TopicNames, org: AccessSubject): OrgAccessPlan {
  assertSafeOrgId(org.id);
  if (org.sector !== undefined) assertSafeOrgId(org.sector, 'sector');
  const username = org.id;
  const principal = `User:${username}`;
  const topics = names.advisoryTopicsFor(org);
  const groupPrefix = names.group(`${org.id}.`);
  const allow = { principal, host: '*', permissionType: AclPermissionTypes.ALLOW };
  const acls: AclEntry[] = [
    ...topics.flatMap((topic) =>
      [AclOperationTypes.READ, AclOperationTypes.DESCRIBE].map((operation) => ({
        ...allow,
        resourceType: AclResourceTypes.TOPIC,
        resourceName: topic,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        operation,
      })),
    ),
    {
      ...allow,
      resourceType: AclResourceTypes.GROUP,
      resourceName: groupPrefix,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      operation: AclOperationTypes.READ,
    },
  ];
  return { orgId: org.id, username, principal, topics, groupPrefix, acls };
}

/** Every ACL the brokers hold for one principal, on any resource. */
export const aclsOf = aclsOfPrincipal;

/**
 * Makes the principal's ACLs exactly the plan's: creates what is missing, deletes anything else
 * it holds (a sector change, a renamed prefix). Idempotent.
 */
export async function applyOrgAcls(
  admin: Admin,
  plan: OrgAccessPlan,
): Promise<{ created: number; deleted: number }> {
  const existing = await aclsOf(admin, plan.principal);
  const have = new Set(existing.map(aclKey));
  const want = new Set(plan.acls.map(aclKey));
  const missing = plan.acls.filter((a) => !have.has(aclKey(a)));
  const extra = existing.filter((a) => !want.has(aclKey(a)));
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  if (extra.length > 0) await admin.deleteAcls({ filters: extra });
  return { created: missing.length, deleted: extra.length };
}

/** Removes every ACL of an organisation's user (its SCRAM credentials are separate). */
export async function revokeOrgAcls(admin: Admin, username: string): Promise<number> {
  const existing = await aclsOf(admin, `User:${username}`);
  if (existing.length > 0) await admin.deleteAcls({ filters: existing });
  return existing.length;
}

/**
 * Creates the per-audience advisory topics these organisations read, where missing, with the
 * registry's fan-out settings (ADVISORY_FANOUT_SPEC).
 */
export async function ensureAdvisoryTopics(
  admin: Admin,
  names: TopicNames,
  orgs: readonly AccessSubject[],
  replicationFactor: number,
): Promise<string[]> {
  const wanted = [...new Set(orgs.flatMap((o) => names.advisoryTopicsFor(o)))];
  return createTopics(
    admin,
    wanted.map((name) => ({ name, spec: ADVISORY_FANOUT_SPEC })),
    replicationFactor,
  );
}

/** A password for a SCRAM user: 32 random bytes, base64url (safe in SCRAM config syntax). */
export function generateKafkaPassword(): string {
  return randomBytes(32).toString('base64url');
}

/** Creates or replaces (rotates) the SCRAM-SHA-512 credentials of a user. */
export type ScramUserWriter = (username: string, password: string) => Promise<void>;

/**
 * A {@link ScramUserWriter} that runs `<script> kafka-user <name>` (deploy/local/stack.sh: Kafka's
 * ConfigCommand from the provisioned jars) against the given internal brokers. The password
 * travels on the child's stdin, never on a command line.
 */
export function stackScriptScramWriter(opts: {
  script: string;
  /** Internal listener the tool connects to (as the administrator: KAFKA_SASL_* of the env). */
  bootstrap: readonly string[];
  timeoutMs?: number;
}): ScramUserWriter {
  return (username, password) =>
    new Promise<void>((resolve, reject) => {
      assertSafeOrgId(username);
      const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: opts.bootstrap.join(',') };
      const child = execFile(
        'bash',
        [opts.script, 'kafka-user', username],
        { env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(
                `kafka-user ${username} failed: ${error.message}\n${stdout}${stderr}`.trim(),
              ),
            );
            return;
          }
          resolve();
        },
      );
      child.stdin?.end(`${password}\n`);
    });
}

/**
 * True when the user can log in with this password on the SASL listener (then its credentials
 * need no rewrite; a re-run costs one login instead of a JVM per user).
 */
export async function scramLoginWorks(
  saslBrokers: readonly string[],
  username: string,
  password: string,
): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'acd-kafka-access-probe',
    brokers: [...saslBrokers],
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Runs fn over items, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>) {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** What an organisation's operator receives to connect with its own client. */
export interface KafkaCredentials {
  orgId: string;
  username: string;
  password: string;
  mechanism: 'SCRAM-SHA-512';
  securityProtocol: 'SASL_PLAINTEXT';
  brokers: string[];
  topics: string[];
  groupPrefix: string;
}

/**
 * Provisions users and ACLs for organisations: creates their advisory topics, sets each user's
 * SCRAM credentials (the password given in `passwords` unless it already logs in, or a new one),
 * makes its ACLs exactly its plan. Running it again with the same passwords changes nothing the
 * clients notice.
 */
export async function provisionOrgAccess(opts: {
  admin: Admin;
  names: TopicNames;
  orgs: readonly AccessSubject[];
  writeUser: ScramUserWriter;
  /** SASL listener the organisations connect to (written into their credentials). */
  saslBrokers: readonly string[];
  replicationFactor: number;
  /** Known passwords by org id; missing ones are generated. */
  passwords?: ReadonlyMap<string, string>;
  /** Credential writes at once (each one a JVM with the stack script); default 2. */
  concurrency?: number;
}): Promise<KafkaCredentials[]> {
  const plans = opts.orgs.map((o) => accessPlanFor(opts.names, o));
  const seen = new Set<string>();
  for (const p of plans) {
    if (seen.has(p.username)) throw new Error(`organisation '${p.orgId}' listed twice`);
    seen.add(p.username);
  }
  await ensureAdvisoryTopics(opts.admin, opts.names, opts.orgs, opts.replicationFactor);
  const passwords = await mapLimit(plans, opts.concurrency ?? 2, async (plan) => {
    const known = opts.passwords?.get(plan.orgId);
    if (known && (await scramLoginWorks(opts.saslBrokers, plan.username, known))) return known;
    const password = known ?? generateKafkaPassword();
    await opts.writeUser(plan.username, password);
    return password;
  });
  const out: KafkaCredentials[] = [];
  for (const [i, plan] of plans.entries()) {
    const password = passwords[i] as string;
    await applyOrgAcls(opts.admin, plan);
    out.push({
      orgId: plan.orgId,
      username: plan.username,
      password,
      mechanism: 'SCRAM-SHA-512',
      securityProtocol: 'SASL_PLAINTEXT',
      brokers: [...opts.saslBrokers],
      topics: plan.topics,
      groupPrefix: plan.groupPrefix,
    });
  }
  return out;
}
