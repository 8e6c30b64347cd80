import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Admin,
} from 'kafkajs';
import { createTopics } from './kafka';
import { TOPICS, TopicNames, type TopicKey } from './topics';

/**
 * What each of the bus's own services may do on the brokers (issue 16, item 12): one SASL user
 * per service, allowed exactly what its code uses, nothing else. The plan is data, derived from
 * the code (the specs beside it pin each line to the code that needs it), and the ACLs are made
 * from it for one topic prefix (ACD_TOPIC_PREFIX): registry topics by their full prefixed name
 * (LITERAL, so a topic's `.dlq` twin is a grant of its own), consumer groups, transactional ids
 * and the advisory fan-out's per-audience topics by prefix (PREFIXED: their names end in ids).
 *
 * Topics of the registry are created by the bus's administrator ({@link provisionServiceAccess}),
 * never by a service: no service holds CREATE on them or any cluster right. The one exception is
 * the advisory fan-out, which creates a per-audience topic when an audience first appears.
 */

/** The bus's own Kafka clients, one SASL user each. `cli` is the `acd` command line. */
export const BUS_SERVICES = [
  'projector',
  'indicators',
  'reporting',
  'advisories',
  'oversight',
  'scheduler',
  'audit',
  'traffic',
  'gateway',
  'cli',
] as const;

export type BusService = (typeof BUS_SERVICES)[number];

/** Per-audience advisory topics (TopicNames.advisoryPublic / advisorySector / advisoryOrg). */
export type AdvisoryFamily = 'public' | 'sector' | 'org';

export interface ServiceAccessSpec {
  /** Registry topics it consumes (READ; DESCRIBE comes with it). */
  reads: readonly TopicKey[];
  /** Registry topics it produces to (WRITE). */
  writes: readonly TopicKey[];
  /** Registry topics whose `.dlq` twin it writes undecodable records to. */
  deadLetters: readonly TopicKey[];
  /**
   * Registry topics (and their `.dlq` twins) whose retention it sets and whose old records it
   * deletes: DESCRIBE_CONFIGS, ALTER_CONFIGS, DELETE.
   */
  retains: readonly TopicKey[];
  /** Per-audience advisory topics it creates and writes. */
  advisoryFamilies: readonly AdvisoryFamily[];
  /** Consumer groups it uses start with one of these (after ACD_TOPIC_PREFIX). */
  groups: readonly string[];
  /** Transactional ids it uses start with one of these (after ACD_TOPIC_PREFIX). */
  transactionalIds: readonly string[];
}

const none = [] as const;

/** A command processor (libs/messaging/src/command-processor.ts) of one context. */
function processor(
  context: 'indicator' | 'reporting' | 'advisory' | 'oversight',
  commands: TopicKey,
  events: TopicKey,
): ServiceAccessSpec {
  return {
    // commands to decide; its own events, to rebuild its state (readLogToEnd)
    reads: [commands, events],
    // one transaction: events and the replies the gateway waits for
    writes: [events, 'commandReplies'],
    // an undecodable command goes to the commands topic's dead letters
    deadLetters: [commands],
    retains: none,
    advisoryFamilies: none,
    // `acd.<context>.processor` and its rebuild readers `….reader.<uuid>`
    groups: [`acd.${context}.processor`],
    // `acd.<context>.processor.<ACD_INSTANCE_ID>`
    transactionalIds: [`acd.${context}.processor.`],
  };
}

/** Topics the projector folds into read models (apps/projector/src/projectors.ts). */
const PROJECTED: readonly TopicKey[] = [
  'identityEvents',
  'indicatorEvents',
  'reportingEvents',
  'advisoryEvents',
  'oversightEvents',
  'trafficEvents',
];

/** Topics the audit appender copies from (libs/audit/src/kafka/audit-appender.ts AUDITED_SOURCES). */
const AUDITED: readonly TopicKey[] = [
  'oversightEvents',
  'trafficEvents',
  'trafficRetention',
  'indicatorEvents',
  'reportingEvents',
  'auditReads',
];

export const SERVICE_ACCESS: Readonly<Record<BusService, ServiceAccessSpec>> = {
  projector: {
    reads: PROJECTED,
    writes: none,
    deadLetters: PROJECTED,
    retains: none,
    advisoryFamilies: none,
    // `acd.projector.<projection>`, `….rebuild`, and the rebuild's readers
    groups: ['acd.projector.'],
    transactionalIds: none,
  },
  indicators: processor('indicator', 'indicatorCommands', 'indicatorEvents'),
  reporting: processor('reporting', 'reportingCommands', 'reportingEvents'),
  oversight: processor('oversight', 'oversightCommands', 'oversightEvents'),
  advisories: {
    ...processor('advisory', 'advisoryCommands', 'advisoryEvents'),
    // the fan-out (libs/advisories/src/kafka/advisory-fanout.ts) reads the advisory events too,
    // dead-letters the undecodable ones, and writes the per-audience copies in its transactions
    deadLetters: ['advisoryCommands', 'advisoryEvents'],
    advisoryFamilies: ['public', 'sector', 'org'],
    groups: ['acd.advisory.processor', 'acd.advisory.fanout'],
    transactionalIds: ['acd.advisory.processor.', 'acd.advisory.fanout.'],
  },
  scheduler: {
    // libs/messaging/src/due-command-scheduler.ts, one per clock (apps/scheduler/src/main.ts)
    reads: ['reportingEvents', 'oversightEvents'],
    writes: ['reportingCommands', 'oversightCommands'],
    deadLetters: none,
    retains: none,
    advisoryFamilies: none,
    groups: ['acd.scheduler.reportingEvents', 'acd.scheduler.oversightEvents'],
    transactionalIds: none,
  },
  audit: {
    // the appender reads its sources and its own log (to rebuild the frontier); the store
    // projector reads the log
    reads: [...AUDITED, 'auditLog'],
    writes: ['auditLog'],
    deadLetters: AUDITED.filter((k) => TOPICS[k].dlq),
    retains: none,
    advisoryFamilies: none,
    groups: ['acd.audit.appender', 'acd.audit.store'],
    transactionalIds: ['acd.audit.appender'],
  },
  traffic: {
    // the flow matcher: flows in, the indicators in force (index), matches out; the retention
    // sweeper: records each deletion, sets the topics' retention, deletes old records
    reads: ['trafficFlows', 'indicatorEvents'],
    writes: ['trafficEvents', 'trafficRetention'],
    deadLetters: ['trafficFlows'],
    retains: ['trafficFlows', 'trafficEvents'],
    advisoryFamilies: none,
    groups: ['acd.traffic.matcher', 'acd.traffic.index'],
    transactionalIds: ['acd.traffic.matcher.'],
  },
  gateway: {
    // replies to its commands; the live stream's sources (indicators, advisories); the
    // oversight log, which the commission's annual report is computed from
    reads: ['commandReplies', 'indicatorEvents', 'advisoryEvents', 'oversightEvents'],
    // commands of every context; member tokens; recorded reads; flow batches (one transaction:
    // the flows and the FlowBatchReceived event)
    writes: [
      'indicatorCommands',
      'reportingCommands',
      'advisoryCommands',
      'oversightCommands',
      'identityEvents',
      'auditReads',
      'trafficFlows',
      'trafficEvents',
    ],
    deadLetters: none,
    retains: none,
    advisoryFamilies: none,
    groups: ['acd.gateway.replies.', 'acd-gateway.stream.', 'acd.gateway.annual-report.'],
    transactionalIds: ['acd.gateway.traffic.'],
  },
  cli: {
    // `acd seed-demo` (IdentityAdmin: reads the identity log, registers organisations and
    // tokens); `acd audit verify` (reads the audit log). `acd kafka-access` and
    // `acd service-access` are the administrator's, run with the administrator's user.
    reads: ['identityEvents', 'auditLog'],
    writes: ['identityEvents'],
    deadLetters: none,
    retains: none,
    advisoryFamilies: none,
    groups: ['acd.identity-admin', 'acd.cli.audit'],
    transactionalIds: none,
  },
};

/** The SASL username of a service unless told otherwise: `acd.<service>` (org ids hold no dot). */
export const serviceUsername = (service: BusService): string => `acd.${service}`;

/** Registry topics a service touches in any way: the ones its runtime checks exist at start. */
export function serviceTopics(names: TopicNames, service: BusService): string[] {
  const spec = SERVICE_ACCESS[service];
  return [
    ...new Set([
      ...spec.reads.map((k) => names.of(k)),
      ...spec.writes.map((k) => names.of(k)),
      ...spec.deadLetters.map((k) => names.dlqOf(k)),
      ...spec.retains.flatMap((k) => [names.of(k), ...(TOPICS[k].dlq ? [names.dlqOf(k)] : [])]),
    ]),
  ];
}

/**
 * Creates those of a service's topics that are missing (with the registry's settings). On a
 * provisioned bus they all exist and this creates nothing (the service holds no CREATE right);
 * on an open cluster the first service to start creates its own.
 */
export async function ensureServiceTopics(
  admin: Admin,
  names: TopicNames,
  service: BusService,
  replicationFactor: number,
): Promise<string[]> {
  const mine = new Set(serviceTopics(names, service));
  return createTopics(
    admin,
    names.all().filter((t) => mine.has(t.name)),
    replicationFactor,
  );
}

/** The service a runtime role (openRuntime's first argument) belongs to, if it is one of ours. */
export function serviceOfRole(role: string): BusService | undefined {
  const byRole: Record<string, BusService> = {
    'indicator-processor': 'indicators',
    'reporting-processor': 'reporting',
    'advisory-processor': 'advisories',
    'oversight-processor': 'oversight',
    'advisory-fanout': 'advisories',
    'projector-rebuild': 'projector',
  };
  if (byRole[role]) return byRole[role];
  return (BUS_SERVICES as readonly string[]).includes(role) ? (role as BusService) : undefined;
}

export interface ServiceAccessPlan {
  service: BusService;
  username: string;
  principal: string;
  acls: AclEntry[];
}

/** The ACLs of one service's user for the bus whose topics carry `names`' prefix. */
export function serviceAccessPlan(
  names: TopicNames,
  service: BusService,
  username: string = serviceUsername(service),
): ServiceAccessPlan {
  const spec = SERVICE_ACCESS[service];
  const principal = `User:${username}`;
  const acl = (
    resourceType: AclResourceTypes,
    resourceName: string,
    resourcePatternType: ResourcePatternTypes,
    operation: AclOperationTypes,
  ): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType,
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  const topic = (name: string, op: AclOperationTypes) =>
    acl(AclResourceTypes.TOPIC, name, ResourcePatternTypes.LITERAL, op);
  const families: Record<AdvisoryFamily, { name: string; pattern: ResourcePatternTypes }> = {
    public: { name: names.advisoryPublic(), pattern: ResourcePatternTypes.LITERAL },
    sector: { name: names.group('acd.advisory.sector.'), pattern: ResourcePatternTypes.PREFIXED },
    org: { name: names.group('acd.advisory.org.'), pattern: ResourcePatternTypes.PREFIXED },
  };
  const acls: AclEntry[] = [
    ...spec.reads.map((k) => topic(names.of(k), AclOperationTypes.READ)),
    ...spec.writes.map((k) => topic(names.of(k), AclOperationTypes.WRITE)),
    ...spec.deadLetters.map((k) => topic(names.dlqOf(k), AclOperationTypes.WRITE)),
    ...spec.retains.flatMap((k) =>
      [names.of(k), ...(TOPICS[k].dlq ? [names.dlqOf(k)] : [])].flatMap((name) =>
        [
          AclOperationTypes.DESCRIBE_CONFIGS,
          AclOperationTypes.ALTER_CONFIGS,
          AclOperationTypes.DELETE,
        ].map((op) => topic(name, op)),
      ),
    ),
    ...spec.advisoryFamilies.flatMap((f) =>
      [AclOperationTypes.CREATE, AclOperationTypes.WRITE].map((op) =>
        acl(AclResourceTypes.TOPIC, families[f].name, families[f].pattern, op),
      ),
    ),
    ...spec.groups.map((g) =>
      acl(
        AclResourceTypes.GROUP,
        names.group(g),
        ResourcePatternTypes.PREFIXED,
        AclOperationTypes.READ,
      ),
    ),
    ...spec.transactionalIds.map((t) =>
      acl(
        AclResourceTypes.TRANSACTIONAL_ID,
        names.group(t),
        ResourcePatternTypes.PREFIXED,
        AclOperationTypes.WRITE,
      ),
    ),
  ];
  return { service, username, principal, acls: dedupe(acls) };
}

export const aclKey = (a: AclEntry): string =>
  [
    a.resourceType,
    a.resourceName,
    a.resourcePatternType,
    a.principal,
    a.host,
    a.operation,
    a.permissionType,
  ].join('\u0000');

function dedupe(acls: AclEntry[]): AclEntry[] {
  const seen = new Map<string, AclEntry>();
  for (const a of acls) seen.set(aclKey(a), a);
  return [...seen.values()];
}

/** Every ACL the brokers hold for one principal, on any resource. */
export async function aclsOfPrincipal(admin: Admin, principal: string): Promise<AclEntry[]> {
  const res = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return res.resources.flatMap((r) =>
    r.acls.map((a) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      resourcePatternType: r.resourcePatternType,
      principal: a.principal,
      host: a.host,
      operation: a.operation,
      permissionType: a.permissionType,
    })),
  );
}

/**
 * Makes a service user's ACLs within one prefix exactly the plan's: creates what is missing and
 * deletes what it holds there beyond the plan (ACLs of other prefixes, i.e. other buses on the
 * same cluster, are left alone; with the empty prefix the bus owns every name). Idempotent.
 */
export async function applyServiceAcls(
  admin: Admin,
  names: TopicNames,
  plan: ServiceAccessPlan,
): Promise<{ created: number; deleted: number }> {
  const prefix = names.group('');
  const existing = (await aclsOfPrincipal(admin, plan.principal)).filter((a) =>
    a.resourceName.startsWith(prefix),
  );
  const have = new Set(existing.map(aclKey));
  const want = new Set(plan.acls.map(aclKey));
  const missing = plan.acls.filter((a) => !have.has(aclKey(a)));
  const extra = existing.filter((a) => !want.has(aclKey(a)));
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  if (extra.length > 0) await admin.deleteAcls({ filters: extra });
  return { created: missing.length, deleted: extra.length };
}

/**
 * The administrator's part, run with a super user before the services start: creates the
 * registry's topics for this prefix and gives every service's user exactly its plan.
 */
export async function provisionServiceAccess(opts: {
  admin: Admin;
  names: TopicNames;
  replicationFactor: number;
  /** Usernames by service; default `acd.<service>`. */
  usernames?: Partial<Record<BusService, string>>;
  services?: readonly BusService[];
}): Promise<{ service: BusService; username: string; created: number; deleted: number }[]> {
  await createTopics(opts.admin, opts.names.all(), opts.replicationFactor);
  const out = [];
  for (const service of opts.services ?? BUS_SERVICES) {
    const plan = serviceAccessPlan(opts.names, service, opts.usernames?.[service]);
    const r = await applyServiceAcls(opts.admin, opts.names, plan);
    out.push({ service, username: plan.username, ...r });
  }
  return out;
}
