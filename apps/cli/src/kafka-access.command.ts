import { Command, CommandRunner, Option } from 'nest-commander';
import { runKafkaAccess, type KafkaAccessOptions } from './kafka-access';

/**
 * `acd kafka-access`: Kafka users (SCRAM-SHA-512, username = org id) and ACLs for the
 * organisations of a demo-orgs file, their credentials written to a 0600 file. See kafka-access.ts.
 */
@Command({
  name: 'kafka-access',
  description:
    'create Kafka users (SCRAM) and ACLs for the organisations of a demo-orgs file; write their credentials',
})
export class KafkaAccessCommand extends CommandRunner {
  async run(_: string[], opts: KafkaAccessOptions): Promise<void> {
    const credentials = await runKafkaAccess(opts);
    const brokers = credentials[0]?.brokers.join(',') ?? '-';
    console.log(
      `${credentials.length} Kafka users (SCRAM-SHA-512 on ${brokers}); ` +
        `credentials in ${opts.out} (mode 0600)`,
    );
  }

  @Option({
    flags: '--orgs <file>',
    description: 'organisations (JSON array of {id, sector?}, e.g. from seed-demo)',
    defaultValue: '.local/demo-orgs.json',
  })
  parseOrgs(value: string): string {
    return value;
  }

  @Option({
    flags: '-o, --out <file>',
    description: 'where to write the credentials (mode 0600)',
    defaultValue: '.local/kafka-users.json',
  })
  parseOut(value: string): string {
    return value;
  }

  @Option({
    flags: '--sasl-brokers <list>',
    description: 'SASL/SCRAM listener for the organisations (default: KAFKA_SASL_BROKERS)',
  })
  parseSaslBrokers(value: string): string {
    return value;
  }

  @Option({ flags: '--rotate', description: 'new passwords for every user' })
  parseRotate(): boolean {
    return true;
  }
}
