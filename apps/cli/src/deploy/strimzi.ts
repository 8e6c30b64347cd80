import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
} from 'kafkajs';
import { accessPlanFor, SECTORS, type AccessSubject } from '@acd/identity';
import {
  ADVISORY_FANOUT_SPEC,
  BUS_SERVICES,
  serviceAccessPlan,
  TopicNames,
  type TopicSpec,
} from '@acd/messaging';

/**
 * Strimzi resources for the bus's topics and Kafka users, generated from the code's own registry
 * (TOPICS, the per-audience advisory topics, SERVICE_ACCESS and each organisation's access plan),
 * never copied by hand: a topic or an ACL added to the code appears here at the next render, and
 * the unit spec fails when the two disagree.
 */

/** A Kubernetes object as written to a manifest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface StrimziOptions {
  /** The Strimzi `Kafka` resource the topics and users belong to. */
  cluster: string;
  /** Kafka's version: one kafkajs speaks (the local stack runs the same). */
  kafkaVersion: string;
  /** Brokers and KRaft controllers, each a node pool of its own. */
  brokers: number;
  controllers: number;
  /** Each node's persistent volume. */
  brokerStorage: string;
  controllerStorage: string;
  /** ACD_TOPIC_PREFIX of the deployment ('' in production). */
  prefix: string;
  /** Replicas of every topic (3 on a cluster of three brokers). */
  replicas: number;
  /** min.insync.replicas of every topic: with acks=all, a write survives one broker lost. */
  minInsyncReplicas: number;
}

export const DEFAULT_STRIMZI: StrimziOptions = {
  cluster: 'acd',
  kafkaVersion: '3.9.1',
  brokers: 3,
  controllers: 3,
  brokerStorage: '100Gi',
  controllerStorage: '10Gi',
  prefix: '',
  replicas: 3,
  minInsyncReplicas: 2,
};

const STRIMZI_API = 'kafka.strimzi.io/v1beta2';

const labels = (o: StrimziOptions) => ({
  'strimzi.io/cluster': o.cluster,
  'app.kubernetes.io/part-of': 'acd',
});

/**
 * A Kubernetes object name (RFC 1123 subdomain) for a Kafka name: lowercase letters, digits, '-'
 * and '.', at most 253 characters. Kafka names here are lowercase already; anything else becomes
 * '-'. The real name is kept in the spec (`topicName`, the user's name itself).
 */
export function k8sName(kafkaName: string): string {
  const name = kafkaName
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (name.length === 0 || name.length > 253) {
    throw new Error(`'${kafkaName}' cannot name a Kubernetes object`);
  }
  return name;
}

function topicResource(o: StrimziOptions, name: string, spec: TopicSpec): K8sObject {
  return {
    apiVersion: STRIMZI_API,
    kind: 'KafkaTopic',
    metadata: { name: k8sName(name), labels: labels(o) },
    spec: {
      topicName: name,
      partitions: spec.partitions,
      replicas: o.replicas,
      config: {
        'retention.ms': String(spec.retentionMs),
        'cleanup.policy': spec.cleanupPolicy,
        'min.insync.replicas': String(o.minInsyncReplicas),
      },
    },
  };
}

/**
 * Every topic of the bus: the registry's (dead-letter twins included, as TopicNames.all() creates
 * them), the public advisory topic, one per sector and one per registered organisation.
 */
export function kafkaTopics(o: StrimziOptions, orgs: readonly AccessSubject[]): K8sObject[] {
  const names = new TopicNames(o.prefix);
  const advisory = [
    names.advisoryPublic(),
    ...SECTORS.map((s) => names.advisorySector(s)),
    ...orgs.map((org) => names.advisoryOrg(org.id)),
  ];
  return [
    ...names.all().map(({ name, spec }) => topicResource(o, name, spec)),
    ...[...new Set(advisory)].map((name) => topicResource(o, name, ADVISORY_FANOUT_SPEC)),
  ];
}

/** One ACL rule of a KafkaUser, in Strimzi's words. */
export interface StrimziAclRule {
  resource: {
    type: 'topic' | 'group' | 'cluster' | 'transactionalId';
    name?: string;
    patternType?: 'literal' | 'prefix';
  };
  operations: string[];
  host: string;
}

const RESOURCE: Partial<Record<AclResourceTypes, StrimziAclRule['resource']['type']>> = {
  [AclResourceTypes.TOPIC]: 'topic',
  [AclResourceTypes.GROUP]: 'group',
  [AclResourceTypes.CLUSTER]: 'cluster',
  [AclResourceTypes.TRANSACTIONAL_ID]: 'transactionalId',
};

const OPERATION: Partial<Record<AclOperationTypes, string>> = {
  [AclOperationTypes.ALL]: 'All',
  [AclOperationTypes.READ]: 'Read',
  [AclOperationTypes.WRITE]: 'Write',
  [AclOperationTypes.CREATE]: 'Create',
  [AclOperationTypes.DELETE]: 'Delete',
  [AclOperationTypes.ALTER]: 'Alter',
  [AclOperationTypes.DESCRIBE]: 'Describe',
  [AclOperationTypes.CLUSTER_ACTION]: 'ClusterAction',
  [AclOperationTypes.DESCRIBE_CONFIGS]: 'DescribeConfigs',
  [AclOperationTypes.ALTER_CONFIGS]: 'AlterConfigs',
  [AclOperationTypes.IDEMPOTENT_WRITE]: 'IdempotentWrite',
};

/**
 * kafkajs ACL entries (the plans `acd kafka-access` and `acd service-access` apply to the local
 * brokers) as Strimzi rules: one rule per resource, its operations sorted. Only ALLOW entries
 * exist in the plans; anything else is refused rather than silently widened.
 */
export function strimziAcls(entries: readonly AclEntry[]): StrimziAclRule[] {
  const rules = new Map<string, StrimziAclRule>();
  for (const e of entries) {
    const type = RESOURCE[e.resourceType];
    const op = OPERATION[e.operation];
    const pattern =
      e.resourcePatternType === ResourcePatternTypes.LITERAL
        ? 'literal'
        : e.resourcePatternType === ResourcePatternTypes.PREFIXED
          ? 'prefix'
          : undefined;
    if (!type || !op || !pattern || e.permissionType !== AclPermissionTypes.ALLOW) {
      throw new Error(`an ACL Strimzi cannot express as planned: ${JSON.stringify(e)}`);
    }
    const resource: StrimziAclRule['resource'] =
      type === 'cluster' ? { type } : { type, name: e.resourceName, patternType: pattern };
    const key = JSON.stringify([resource, e.host]);
    const rule = rules.get(key) ?? { resource, operations: [], host: e.host };
    if (!rule.operations.includes(op)) rule.operations.push(op);
    rules.set(key, rule);
  }
  return [...rules.values()]
    .map((r) => ({ ...r, operations: [...r.operations].sort() }))
    .sort((a, b) => JSON.stringify(a.resource).localeCompare(JSON.stringify(b.resource)));
}

function userResource(o: StrimziOptions, username: string, acls: readonly AclEntry[]): K8sObject {
  // Strimzi names the SCRAM user after the resource: the two must be the very same string.
  if (k8sName(username) !== username) {
    throw new Error(`Kafka user '${username}' cannot be a KafkaUser name as it is`);
  }
  return {
    apiVersion: STRIMZI_API,
    kind: 'KafkaUser',
    metadata: { name: k8sName(username), labels: labels(o) },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls: strimziAcls(acls) },
    },
  };
}

/**
 * A KafkaUser per bus service (its SERVICE_ACCESS plan, transactional ids included) and per
 * registered organisation (read its advisory topics, its own consumer groups; nothing else).
 * Strimzi's User Operator creates each user's SCRAM-SHA-512 password in a Secret of its name.
 */
export function kafkaUsers(o: StrimziOptions, orgs: readonly AccessSubject[]): K8sObject[] {
  const names = new TopicNames(o.prefix);
  return [
    ...BUS_SERVICES.map((service) => {
      const plan = serviceAccessPlan(names, service);
      return userResource(o, plan.username, plan.acls);
    }),
    ...orgs.map((org) => {
      const plan = accessPlanFor(names, org);
      return userResource(o, plan.username, plan.acls);
    }),
  ];
}

/**
 * The Kafka cluster in KRaft mode: a `Kafka` resource with node pools enabled, one pool of
 * controllers and one of brokers. Two listeners, both SCRAM-SHA-512: `internal` for the bus's
 * services inside the cluster, and `external` (TLS) for organisations' own Kafka clients; the
 * simple authorizer enforces the KafkaUsers' ACLs. A topic's write needs two in-sync replicas,
 * and the transaction state log (the processors write transactionally) has three.
 */
export function kafkaCluster(o: StrimziOptions): K8sObject[] {
  const pool = (name: string, role: 'controller' | 'broker', replicas: number, size: string) => ({
    apiVersion: STRIMZI_API,
    kind: 'KafkaNodePool',
    metadata: { name, labels: labels(o) },
    spec: {
      replicas,
      roles: [role],
      storage: {
        type: 'jbod',
        volumes: [{ id: 0, type: 'persistent-claim', size, deleteClaim: false }],
      },
    },
  });
  return [
    {
      apiVersion: STRIMZI_API,
      kind: 'Kafka',
      metadata: {
        name: o.cluster,
        labels: { 'app.kubernetes.io/part-of': 'acd' },
        annotations: {
          'strimzi.io/node-pools': 'enabled',
          'strimzi.io/kraft': 'enabled',
        },
      },
      spec: {
        kafka: {
          version: o.kafkaVersion,
          listeners: [
            {
              name: 'internal',
              port: 9092,
              type: 'internal',
              tls: false,
              authentication: { type: 'scram-sha-512' },
            },
            {
              name: 'external',
              port: 9094,
              type: 'loadbalancer',
              tls: true,
              authentication: { type: 'scram-sha-512' },
            },
          ],
          authorization: { type: 'simple' },
          config: {
            'auto.create.topics.enable': false,
            'default.replication.factor': o.replicas,
            'min.insync.replicas': o.minInsyncReplicas,
            'offsets.topic.replication.factor': o.replicas,
            'transaction.state.log.replication.factor': o.replicas,
            'transaction.state.log.min.isr': o.minInsyncReplicas,
          },
        },
        entityOperator: { topicOperator: {}, userOperator: {} },
      },
    },
    pool(`${o.cluster}-controllers`, 'controller', o.controllers, o.controllerStorage),
    pool(`${o.cluster}-brokers`, 'broker', o.brokers, o.brokerStorage),
  ];
}
