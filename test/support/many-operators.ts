import { IdentityAdmin, SECTORS, type Organisation } from '@acd/identity';
import { createKafka, SchemaSet, schemasDir, TopicNames } from '@acd/messaging';
import { kafkaSchema, loadConfig } from '@acd/config';
import { waitFor, type BusUnderTest, type DemoOrg } from './bus';

/**
 * Registers `count` more operators on the bus under test (sectors in turn), as the identity
 * stream records any organisation, each with a token; returns them once the gateway knows them.
 * For tests at the scale the issues name (the compliance board of 213 operators).
 */
export async function registerOperators(
  bus: BusUnderTest,
  count: number,
  prefix = 'op-scale',
): Promise<DemoOrg[]> {
  const cfg = loadConfig(kafkaSchema, bus.env);
  const kafka = createKafka(cfg, 'test-operators');
  const admin = new IdentityAdmin(
    kafka,
    new TopicNames(cfg.ACD_TOPIC_PREFIX),
    await SchemaSet.load(schemasDir()),
  );
  await admin.open();
  const out: DemoOrg[] = [];
  try {
    for (let i = 1; i <= count; i += 1) {
      const sector = SECTORS[i % SECTORS.length]!;
      const id = `${prefix}-${String(i).padStart(3, '0')}`;
      const org: Organisation = { id, name: `Scale operator ${i}`, kind: 'operator', sector };
      await admin.register(org);
      out.push({
        id,
        name: org.name,
        kind: 'operator',
        sector,
        token: (await admin.issueMemberToken(id, 'duty-officer')).token,
      });
    }
  } finally {
    await admin.close();
  }
  const last = out[out.length - 1];
  if (last)
    await waitFor(
      `${count} operators registered`,
      async () => (await bus.get('/v1/whoami', last)).status === 200,
      120_000,
      300,
    );
  return out;
}
