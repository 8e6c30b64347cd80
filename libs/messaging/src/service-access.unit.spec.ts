import fc from 'fast-check';
import {
  AclOperationTypes as Op,
  AclPermissionTypes,
  AclResourceTypes as Res,
  ResourcePatternTypes,
  type AclEntry,
} from 'kafkajs';
import {
  BUS_SERVICES,
  SERVICE_ACCESS,
  serviceAccessPlan,
  serviceOfRole,
  serviceTopics,
  serviceUsername,
  type BusService,
} from './service-access';
import { TOPICS, TopicNames, type TopicKey } from './topics';

/**
 * The broker's decision, modelled on Kafka's StandardAuthorizer for ALLOW-only ACLs: an ACL
 * matches a resource by its exact name (LITERAL) or a prefix of it (PREFIXED); READ, WRITE,
 * DELETE and ALTER imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS; nothing else is
 * allowed (allow.everyone.if.no.acl.found=false, and none of these users is a super user).
 */
function allows(acls: readonly AclEntry[], res: Res, name: string, op: Op): boolean {
  const implied: Partial<Record<Op, Op[]>> = {
    [Op.DESCRIBE]: [Op.DESCRIBE, Op.READ, Op.WRITE, Op.DELETE, Op.ALTER],
    [Op.DESCRIBE_CONFIGS]: [Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS],
  };
  const granting = implied[op] ?? [op];
  return acls.some(
    (a) =>
      a.permissionType === AclPermissionTypes.ALLOW &&
      a.resourceType === res &&
      granting.includes(a.operation) &&
      (a.resourcePatternType === ResourcePatternTypes.LITERAL
        ? a.resourceName === name
        : a.resourcePatternType === ResourcePatternTypes.PREFIXED &&
          name.startsWith(a.resourceName)),
  );
}

interface Use {
  res: Res;
  name: string;
  op: Op;
  /** Where the code does it. */
  why: string;
}

/**
 * What each service's code asks the brokers for, written from the code (file named in `why`),
 * with the names the code builds: instance ids and random suffixes are drawn by fast-check.
 */
function usesOf(
  service: BusService,
  names: TopicNames,
  v: { instance: string; uuid: string; projection: string; sector: string; org: string },
): Use[] {
  const read = (k: TopicKey, why: string): Use => ({
    res: Res.TOPIC,
    name: names.of(k),
    op: Op.READ,
    why,
  });
  const write = (k: TopicKey, why: string): Use => ({
    res: Res.TOPIC,
    name: names.of(k),
    op: Op.WRITE,
    why,
  });
  const dlq = (k: TopicKey, why: string): Use => ({
    res: Res.TOPIC,
    name: names.dlqOf(k),
    op: Op.WRITE,
    why,
  });
  const group = (g: string, why: string): Use => ({
    res: Res.GROUP,
    name: names.group(g),
    op: Op.READ,
    why,
  });
  const txn = (t: string, why: string): Use => ({
    res: Res.TRANSACTIONAL_ID,
    name: names.group(t),
    op: Op.WRITE,
    why,
  });
  const processor = (ctx: string, commands: TopicKey, events: TopicKey): Use[] => {
    const why = 'libs/messaging/src/command-processor.ts';
    return [
      read(commands, why),
      read(events, `${why} (readLogToEnd: state from its events)`),
      write(events, why),
      write('commandReplies', why),
      dlq(commands, 'transactional-worker.ts deadLetterOutputs'),
      group(`acd.${ctx}.processor`, why),
      group(`acd.${ctx}.processor.reader.${v.uuid}`, 'log-reader.ts'),
      txn(`acd.${ctx}.processor.${v.instance}`, why),
    ];
  };
  switch (service) {
    case 'projector': {
      const projected: TopicKey[] = [
        'identityEvents',
        'indicatorEvents',
        'reportingEvents',
        'advisoryEvents',
        'oversightEvents',
        'trafficEvents',
      ];
      const why = 'libs/persistence/src/projection-runner.ts';
      return [
        ...projected.map((k) => read(k, why)),
        ...projected.map((k) => dlq(k, `${why} sendDeadLetters`)),
        group(`acd.projector.${v.projection}`, why),
        group(`acd.projector.${v.projection}.rebuild.reader.${v.uuid}`, `${why} rebuild`),
      ];
    }
    case 'indicators':
      return processor('indicator', 'indicatorCommands', 'indicatorEvents');
    case 'reporting':
      return processor('reporting', 'reportingCommands', 'reportingEvents');
    case 'oversight':
      return processor('oversight', 'oversightCommands', 'oversightEvents');
    case 'advisories': {
      const why = 'libs/advisories/src/kafka/advisory-fanout.ts';
      const audiences = [
        names.advisoryPublic(),
        names.advisorySector(v.sector),
        names.advisoryOrg(v.org),
      ];
      return [
        ...processor('advisory', 'advisoryCommands', 'advisoryEvents'),
        read('advisoryEvents', why),
        dlq('advisoryEvents', why),
        group('acd.advisory.fanout', why),
        txn(`acd.advisory.fanout.${v.instance}`, why),
        ...audiences.flatMap((name) => [
          { res: Res.TOPIC, name, op: Op.CREATE, why: `${why} createTopics` },
          { res: Res.TOPIC, name, op: Op.WRITE, why },
        ]),
      ];
    }
    case 'scheduler': {
      const why = 'libs/messaging/src/due-command-scheduler.ts (apps/scheduler/src/main.ts)';
      return [
        read('reportingEvents', why),
        read('oversightEvents', why),
        write('reportingCommands', why),
        write('oversightCommands', why),
        group(`acd.scheduler.reportingEvents.tail.${v.instance}.${v.uuid}`, why),
        group(`acd.scheduler.oversightEvents.reader.${v.uuid}`, why),
      ];
    }
    case 'audit': {
      const why = 'libs/audit/src/kafka/audit-appender.ts';
      const sources: TopicKey[] = [
        'oversightEvents',
        'trafficEvents',
        'trafficRetention',
        'indicatorEvents',
        'reportingEvents',
        'auditReads',
      ];
      return [
        ...sources.map((k) => read(k, `${why} AUDITED_SOURCES`)),
        ...sources.filter((k) => TOPICS[k].dlq).map((k) => dlq(k, why)),
        read('auditLog', `${why} rebuild; audit-store.projector.ts`),
        write('auditLog', why),
        group('acd.audit.appender', why),
        group(`acd.audit.appender.reader.${v.uuid}`, why),
        group('acd.audit.store', 'libs/audit/src/kafka/audit-store.projector.ts'),
        txn('acd.audit.appender', why),
      ];
    }
    case 'traffic': {
      const matcher = 'libs/traffic/src/kafka/flow-matcher.ts';
      const retention = 'libs/traffic/src/read/traffic-retention.ts';
      const retained = [
        names.of('trafficFlows'),
        names.dlqOf('trafficFlows'),
        names.of('trafficEvents'),
        names.dlqOf('trafficEvents'),
      ];
      return [
        read('trafficFlows', matcher),
        read('indicatorEvents', `${matcher} (the index)`),
        write('trafficEvents', matcher),
        dlq('trafficFlows', matcher),
        write('trafficRetention', `${retention} (apps/traffic recorder)`),
        group('acd.traffic.matcher', matcher),
        group(`acd.traffic.index.reader.${v.uuid}`, matcher),
        group(`acd.traffic.index.follow.${v.uuid}`, matcher),
        txn(`acd.traffic.matcher.${v.instance}`, matcher),
        ...retained.flatMap((name) => [
          { res: Res.TOPIC, name, op: Op.DESCRIBE_CONFIGS, why: retention },
          { res: Res.TOPIC, name, op: Op.ALTER_CONFIGS, why: retention },
          { res: Res.TOPIC, name, op: Op.DELETE, why: `${retention} deleteTopicRecords` },
        ]),
      ];
    }
    case 'gateway': {
      const commands: TopicKey[] = [
        'indicatorCommands',
        'reportingCommands',
        'advisoryCommands',
        'oversightCommands',
      ];
      return [
        ...commands.map((k) => write(k, 'libs/messaging/src/command-bus.ts')),
        read('commandReplies', 'libs/messaging/src/command-bus.ts'),
        group(`acd.gateway.replies.${v.instance}`, 'libs/messaging/src/command-bus.ts'),
        read('indicatorEvents', 'apps/gateway/src/stream/stream-session.ts'),
        read('advisoryEvents', 'apps/gateway/src/stream/stream-session.ts'),
        group(`acd-gateway.stream.${v.uuid}`, 'apps/gateway/src/stream/stream-session.ts'),
        read('oversightEvents', 'apps/gateway/src/oversight/annual-report.service.ts'),
        group(
          `acd.gateway.annual-report.reader.${v.uuid}`,
          'apps/gateway/src/oversight/annual-report.service.ts',
        ),
        write('identityEvents', 'apps/gateway/src/identity/members.controller.ts'),
        write('auditReads', 'apps/gateway/src/audit/audit-trail.service.ts'),
        write('trafficFlows', 'apps/gateway/src/traffic/flow-batch-publisher.ts'),
        write('trafficEvents', 'apps/gateway/src/traffic/flow-batch-publisher.ts'),
        txn(
          `acd.gateway.traffic.${v.instance}`,
          'apps/gateway/src/traffic/flow-batch-publisher.ts',
        ),
      ];
    }
    case 'cli':
      return [
        read('identityEvents', 'libs/identity/src/kafka/identity-admin.ts'),
        write('identityEvents', 'libs/identity/src/kafka/identity-admin.ts'),
        group(`acd.identity-admin.reader.${v.uuid}`, 'libs/identity/src/kafka/identity-admin.ts'),
        read('auditLog', 'apps/cli/src/audit-verify.command.ts'),
        group(`acd.cli.audit.reader.${v.uuid}`, 'apps/cli/src/audit-verify.command.ts'),
      ];
  }
}

const ALL_TOPIC_OPS = [
  Op.READ,
  Op.WRITE,
  Op.CREATE,
  Op.DELETE,
  Op.ALTER,
  Op.DESCRIBE,
  Op.DESCRIBE_CONFIGS,
  Op.ALTER_CONFIGS,
];

const token = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/);
const prefix = fc.oneof(
  fc.constant(''),
  token.map((t) => `${t}.`),
);
const vars = fc.record({
  instance: fc.stringMatching(/^[a-zA-Z0-9._-]{1,12}$/),
  uuid: fc.uuid(),
  projection: fc.constantFrom('indicators', 'organisations', 'flow-matches', 'stix-indicators'),
  sector: fc.constantFrom('electricity', 'gas', 'telecom', 'finance'),
  org: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
});
const service = fc.constantFrom(...BUS_SERVICES);

describe('the Kafka access plan of the bus’s own services', () => {
  it('allows every request its code makes', () => {
    fc.assert(
      fc.property(prefix, vars, service, (p, v, s) => {
        const names = new TopicNames(p);
        const { acls } = serviceAccessPlan(names, s);
        for (const use of usesOf(s, names, v)) {
          if (!allows(acls, use.res, use.name, use.op)) {
            throw new Error(`${s} may not ${use.op} ${use.name} (${use.why})`);
          }
        }
      }),
    );
  });

  it('allows nothing else on the registry’s topics: each right is one its code uses', () => {
    fc.assert(
      fc.property(prefix, vars, service, (p, v, s) => {
        const names = new TopicNames(p);
        const { acls } = serviceAccessPlan(names, s);
        const uses = usesOf(s, names, v);
        const needed = (name: string, op: Op): boolean =>
          uses.some(
            (u) =>
              u.res === Res.TOPIC &&
              u.name === name &&
              (u.op === op ||
                (op === Op.DESCRIBE &&
                  [Op.READ, Op.WRITE, Op.DELETE, Op.CREATE, Op.DESCRIBE_CONFIGS].includes(u.op)) ||
                (op === Op.DESCRIBE_CONFIGS && u.op === Op.ALTER_CONFIGS)),
          );
        for (const { name } of names.all()) {
          for (const op of ALL_TOPIC_OPS) {
            // DESCRIBE comes with every other right (the authorizer implies it), nothing more
            const allowed = allows(acls, Res.TOPIC, name, op);
            if (allowed && !needed(name, op)) throw new Error(`${s} may ${op} ${name}: unused`);
            if (!allowed && needed(name, op) && op !== Op.DESCRIBE) {
              throw new Error(`${s} may not ${op} ${name}`);
            }
          }
        }
      }),
    );
  });

  it('holds no ACL that no request of its code needs', () => {
    fc.assert(
      fc.property(prefix, vars, service, (p, v, s) => {
        const names = new TopicNames(p);
        const uses = usesOf(s, names, v);
        for (const acl of serviceAccessPlan(names, s).acls) {
          const used = uses.some((u) => allows([acl], u.res, u.name, u.op));
          if (!used) throw new Error(`${s}: unused ACL ${acl.operation} on ${acl.resourceName}`);
        }
      }),
    );
  });

  it('never reaches another bus’s names, the cluster, or CREATE on a registry topic', () => {
    fc.assert(
      fc.property(prefix, token, vars, service, (p, other, v, s) => {
        fc.pre(`${other}.` !== p && !p.startsWith(`${other}.`) && !`${other}.`.startsWith(p));
        const mine = new TopicNames(p);
        const theirs = new TopicNames(`${other}.`);
        const { acls } = serviceAccessPlan(mine, s);
        for (const a of acls) {
          expect(a.resourceName.startsWith(p)).toBe(true);
          expect(a.resourceType).not.toBe(Res.CLUSTER);
          expect(a.permissionType).toBe(AclPermissionTypes.ALLOW);
          expect(a.principal).toBe(`User:${serviceUsername(s)}`);
        }
        for (const { name } of mine.all())
          expect(allows(acls, Res.TOPIC, name, Op.CREATE)).toBe(false);
        if (p !== '') {
          for (const use of usesOf(s, theirs, v)) {
            expect(allows(acls, use.res, use.name, use.op)).toBe(false);
          }
        }
      }),
    );
  });

  it('keeps the services apart where the issue names them', () => {
    const names = new TopicNames('t.');
    const acl = (s: BusService) => serviceAccessPlan(names, s).acls;
    const commandTopics: TopicKey[] = [
      'indicatorCommands',
      'reportingCommands',
      'advisoryCommands',
      'oversightCommands',
    ];
    // the projector writes no command, and no event but its dead letters
    for (const k of commandTopics) {
      expect(allows(acl('projector'), Res.TOPIC, names.of(k), Op.WRITE)).toBe(false);
    }
    expect(allows(acl('projector'), Res.TOPIC, names.of('indicatorEvents'), Op.WRITE)).toBe(false);
    // the gateway reads no audit record, no flow and no other context's events
    for (const k of ['auditLog', 'auditReads', 'trafficFlows', 'reportingEvents'] as TopicKey[]) {
      expect(allows(acl('gateway'), Res.TOPIC, names.of(k), Op.READ)).toBe(false);
    }
    // only the audit service writes the audit log
    for (const s of BUS_SERVICES) {
      expect(allows(acl(s), Res.TOPIC, names.of('auditLog'), Op.WRITE)).toBe(s === 'audit');
    }
    // a processor's transactional ids are its own
    expect(
      allows(acl('indicators'), Res.TRANSACTIONAL_ID, 't.acd.reporting.processor.0', Op.WRITE),
    ).toBe(false);
    expect(
      allows(acl('indicators'), Res.TRANSACTIONAL_ID, 't.acd.indicator.processor.0', Op.WRITE),
    ).toBe(true);
    // no service reads the per-audience copies meant for outside organisations
    for (const s of BUS_SERVICES) {
      expect(allows(acl(s), Res.TOPIC, names.advisoryOrg('op-a'), Op.READ)).toBe(false);
    }
  });

  it('maps the runtime roles to their services and lists the topics each touches', () => {
    expect(serviceOfRole('indicator-processor')).toBe('indicators');
    expect(serviceOfRole('advisory-fanout')).toBe('advisories');
    expect(serviceOfRole('projector-rebuild')).toBe('projector');
    expect(serviceOfRole('gateway')).toBe('gateway');
    expect(serviceOfRole('bench')).toBeUndefined();
    const names = new TopicNames('x.');
    expect(serviceTopics(names, 'cli').sort()).toEqual(
      ['x.acd.audit.log.v1', 'x.acd.identity.events.v1'].sort(),
    );
    for (const s of BUS_SERVICES) {
      const spec = SERVICE_ACCESS[s];
      expect(serviceTopics(names, s)).toEqual(
        expect.arrayContaining(spec.reads.map((k) => names.of(k))),
      );
    }
  });
});
