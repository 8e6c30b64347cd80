import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry } from 'kafkajs';
import { parseAllDocuments } from 'yaml';
import { accessPlanFor, DEMO_ORGANISATIONS, SECTORS } from '@acd/identity';
import { BUS_SERVICES, serviceAccessPlan, TOPICS, TopicNames } from '@acd/messaging';
import { render } from './render';
import { k8sName, strimziAcls, type K8sObject, type StrimziAclRule } from './strimzi';

const ROOT = path.resolve(__dirname, '../../../..');
const COMMITTED = path.join(ROOT, 'deploy', 'k8s', 'base');
const orgs = DEMO_ORGANISATIONS.map((o) => ({
  id: o.id,
  ...(o.sector ? { sector: o.sector } : {}),
}));
const names = new TopicNames('');

/** What a rule allows, one string per operation on its resource. */
const permissions = (r: StrimziAclRule): string[] =>
  r.operations.map((op) =>
    JSON.stringify([r.resource.type, r.resource.name, r.resource.patternType, op]),
  );

const committed = (file: string): K8sObject[] =>
  parseAllDocuments(readFileSync(path.join(COMMITTED, file), 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);

describe('deploy/k8s: Kafka resources generated from the registry', () => {
  it('the committed manifests are exactly what `acd deploy render --target k8s` writes now', () => {
    for (const file of render('k8s', orgs)) {
      const onDisk = readFileSync(path.join(COMMITTED, file.path), 'utf8');
      // On failure: run `npm run build && npm run acd -- deploy render --target k8s`.
      expect({ file: file.path, same: onDisk === file.content }).toEqual({
        file: file.path,
        same: true,
      });
    }
  });

  it('every topic of the registry has a KafkaTopic with its settings, and no KafkaTopic names another', () => {
    const topics = committed('kafka/topics.yaml');
    expect(topics.every((t) => t.kind === 'KafkaTopic')).toBe(true);
    const byName = new Map(topics.map((t) => [String(t.spec?.topicName), t.spec ?? {}]));
    const expected = [
      ...names.all().map(({ name, spec }) => ({ name, spec })),
      ...[
        names.advisoryPublic(),
        ...SECTORS.map((s) => names.advisorySector(s)),
        ...orgs.map((o) => names.advisoryOrg(o.id)),
      ].map((name) => ({ name, spec: null })),
    ];
    expect([...byName.keys()].sort()).toEqual(expected.map((e) => e.name).sort());
    for (const { name, spec } of expected) {
      const manifest = byName.get(name) as {
        partitions: number;
        replicas: number;
        config: Record<string, string>;
      };
      expect(manifest.replicas).toBe(3);
      expect(manifest.config['min.insync.replicas']).toBe('2');
      if (spec) {
        expect({ name, partitions: manifest.partitions }).toEqual({
          name,
          partitions: spec.partitions,
        });
        expect(manifest.config['retention.ms']).toBe(String(spec.retentionMs));
        expect(manifest.config['cleanup.policy']).toBe(spec.cleanupPolicy);
      }
    }
    // The system of record is kept for good.
    expect(byName.get(names.of('indicatorEvents'))).toMatchObject({
      config: { 'retention.ms': String(TOPICS.indicatorEvents.retentionMs) },
    });
    expect(TOPICS.indicatorEvents.retentionMs).toBe(-1);
  });

  it("every service's and every organisation's ACL is in its KafkaUser, and a user has nothing the plan lacks", () => {
    const users = new Map(committed('kafka/users.yaml').map((u) => [u.metadata.name, u]));
    const plans = [
      ...BUS_SERVICES.map((s) => serviceAccessPlan(names, s)),
      ...orgs.map((o) => accessPlanFor(names, o)),
    ];
    expect([...users.keys()].sort()).toEqual(plans.map((p) => p.username).sort());
    for (const plan of plans) {
      const user = users.get(plan.username) as K8sObject;
      expect(user.spec).toMatchObject({ authentication: { type: 'scram-sha-512' } });
      const rules = (user.spec?.authorization as { acls: StrimziAclRule[] }).acls;
      const granted = new Set(rules.flatMap(permissions));
      const wanted = new Set(strimziAcls(plan.acls).flatMap(permissions));
      expect({ user: plan.username, granted: [...granted].sort() }).toEqual({
        user: plan.username,
        granted: [...wanted].sort(),
      });
    }
    // An organisation reads its advisory topics and uses its own groups: no write, anywhere.
    const kanto = users.get('op-kanto-electric') as K8sObject;
    const ops = (kanto.spec?.authorization as { acls: StrimziAclRule[] }).acls.flatMap(
      (r) => r.operations,
    );
    expect(new Set(ops)).toEqual(new Set(['Read', 'Describe']));
    // A transactional service holds its transactional ids, as on the local brokers.
    const indicators = users.get('acd.indicators') as K8sObject;
    expect((indicators.spec?.authorization as { acls: StrimziAclRule[] }).acls).toContainEqual({
      resource: {
        type: 'transactionalId',
        name: 'acd.indicator.processor.',
        patternType: 'prefix',
      },
      operations: ['Write'],
      host: '*',
    });
  });

  it('the cluster: KRaft with three controllers and three brokers, SCRAM on every listener, two in-sync replicas', () => {
    const [kafka, ...pools] = committed('kafka/cluster.yaml');
    expect(kafka?.kind).toBe('Kafka');
    expect(kafka?.metadata.annotations).toEqual({
      'strimzi.io/node-pools': 'enabled',
      'strimzi.io/kraft': 'enabled',
    });
    const spec = kafka?.spec?.kafka as {
      listeners: { authentication: { type: string } }[];
      authorization: { type: string };
      config: Record<string, unknown>;
    };
    expect(spec.listeners.map((l) => l.authentication.type)).toEqual([
      'scram-sha-512',
      'scram-sha-512',
    ]);
    expect(spec.authorization.type).toBe('simple');
    expect(spec.config).toMatchObject({
      'min.insync.replicas': 2,
      'transaction.state.log.replication.factor': 3,
      'auto.create.topics.enable': false,
    });
    expect(
      pools.map((p) => [p.kind, (p.spec as { roles: string[] }).roles[0], p.spec?.replicas]),
    ).toEqual([
      ['KafkaNodePool', 'controller', 3],
      ['KafkaNodePool', 'broker', 3],
    ]);
  });

  it('ACL entries become one rule per resource, and what Strimzi cannot express is refused', () => {
    const entry = (op: AclOperationTypes, name = 't'): AclEntry => ({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: name,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:x',
      host: '*',
      operation: op,
      permissionType: 3,
    });
    expect(strimziAcls([entry(AclOperationTypes.WRITE), entry(AclOperationTypes.READ)])).toEqual([
      {
        resource: { type: 'topic', name: 't', patternType: 'literal' },
        operations: ['Read', 'Write'],
        host: '*',
      },
    ]);
    expect(() => strimziAcls([{ ...entry(AclOperationTypes.READ), permissionType: 2 }])).toThrow(
      /cannot express/,
    );
  });

  it('k8sName gives a valid object name for any Kafka name, or refuses it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        let name: string;
        try {
          name = k8sName(s);
        } catch {
          return;
        }
        expect(name).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
        expect(name.length).toBeLessThanOrEqual(253);
      }),
    );
    expect(k8sName('acd.indicator.events.v1.dlq')).toBe('acd.indicator.events.v1.dlq');
  });
});
