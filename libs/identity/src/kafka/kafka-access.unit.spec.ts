import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';
import { accessPlanFor, generateKafkaPassword } from './kafka-access';
import { TopicNames } from '@acd/messaging';
import { DEMO_ORGS } from '../domain/demo-organisations';

describe('Kafka access plan of an organisation', () => {
  const names = new TopicNames('p1.');

  it('reads exactly its advisory topics and uses groups under its own prefix', () => {
    const plan = accessPlanFor(names, { id: 'op-a', sector: 'electricity' });
    expect(plan.username).toBe('op-a');
    expect(plan.principal).toBe('User:op-a');
    expect(plan.topics).toEqual(names.advisoryTopicsFor({ id: 'op-a', sector: 'electricity' }));
    expect(plan.groupPrefix).toBe('p1.op-a.');
    const topicAcls = plan.acls.filter((a) => a.resourceType === AclResourceTypes.TOPIC);
    expect(topicAcls).toHaveLength(plan.topics.length * 2);
    for (const a of topicAcls) {
      expect(plan.topics).toContain(a.resourceName);
      expect(a.resourcePatternType).toBe(ResourcePatternTypes.LITERAL);
      expect([AclOperationTypes.READ, AclOperationTypes.DESCRIBE]).toContain(a.operation);
    }
    expect(plan.acls.filter((a) => a.resourceType !== AclResourceTypes.TOPIC)).toEqual([
      {
        principal: 'User:op-a',
        host: '*',
        permissionType: AclPermissionTypes.ALLOW,
        resourceType: AclResourceTypes.GROUP,
        resourceName: 'p1.op-a.',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        operation: AclOperationTypes.READ,
      },
    ]);
    expect(plan.acls.every((a) => a.permissionType === AclPermissionTypes.ALLOW)).toBe(true);
  });

  it('has no sector topic without a sector', () => {
    expect(accessPlanFor(names, { id: 'gov-x' }).topics).toEqual([
      'p1.acd.advisory.public.v1',
      'p1.acd.advisory.org.gov-x.v1',
    ]);
  });

  it('gives a vendor, which has no sector, the public topic and its own, read-only, and nothing more', () => {
    const vendor = DEMO_ORGS.hoshimiSecurity;
    const plan = accessPlanFor(names, vendor);
    expect(plan.principal).toBe(`User:${vendor.id}`);
    expect(plan.topics).toEqual([
      'p1.acd.advisory.public.v1',
      `p1.acd.advisory.org.${vendor.id}.v1`,
    ]);
    expect(plan.topics).toEqual(accessPlanFor(names, { id: vendor.id }).topics);
    expect(plan.groupPrefix).toBe(`p1.${vendor.id}.`);
    expect(plan.acls).toHaveLength(plan.topics.length * 2 + 1);
    expect(plan.acls.map((a) => a.operation)).not.toContain(AclOperationTypes.WRITE);
    expect(plan.acls.every((a) => a.permissionType === AclPermissionTypes.ALLOW)).toBe(true);
    expect(plan.acls.every((a) => a.resourceType !== AclResourceTypes.CLUSTER)).toBe(true);
  });

  it('refuses ids that could widen a prefix or break a principal', () => {
    for (const id of ['a.b', 'a,b', '', '-a', 'a b', 'User:x']) {
      expect(() => accessPlanFor(names, { id })).toThrow(/cannot name/);
    }
    expect(() => accessPlanFor(names, { id: 'ok', sector: 'x.y' })).toThrow(/sector/);
  });

  it('generates passwords the SCRAM config syntax and stack.sh accept', () => {
    const pw = generateKafkaPassword();
    expect(pw).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateKafkaPassword()).not.toBe(pw);
  });
});
