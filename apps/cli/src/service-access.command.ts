import { Command, CommandRunner } from 'nest-commander';
import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, provisionServiceAccess, TopicNames, withAdmin } from '@acd/messaging';

/**
 * `acd service-access`: the administrator's step before the services start (issue 16, item 12).
 * Creates the registry's topics for ACD_TOPIC_PREFIX and gives each service's Kafka user
 * (`acd.<service>`) exactly the ACLs of its plan (libs/messaging/src/service-access.ts). Run it
 * with a super user's credentials (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD[_FILE]); the users
 * themselves are the stack's (deploy/local/stack.sh) or the cluster operator's to create.
 */
@Command({
  name: 'service-access',
  description:
    "create the bus's topics and give each service's Kafka user exactly its ACLs (run as the administrator)",
})
export class ServiceAccessCommand extends CommandRunner {
  async run(): Promise<void> {
    const cfg = loadConfig(kafkaSchema);
    const names = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    const applied = await withAdmin(createKafka(cfg, 'service-access'), (admin) =>
      provisionServiceAccess({ admin, names, replicationFactor: cfg.ACD_REPLICATION_FACTOR }),
    );
    const created = applied.reduce((n, a) => n + a.created, 0);
    const deleted = applied.reduce((n, a) => n + a.deleted, 0);
    console.log(
      `service access: ${applied.length} users (${applied.map((a) => a.username).join(', ')}); ` +
        `${created} ACLs created, ${deleted} removed`,
    );
  }
}
