import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AdvisoryFanout, AdvisoryQueries } from '@acd/advisories';
import { createLogger, openRuntime, type Runtime } from '@acd/runtime';

/**
 * Runs the advisory fan-out beside the command processor: advisory events are copied to the
 * audience topics that outside organisations read; members of a named kind, and the kind of each
 * organisation whose topic gets a copy, come from the organisations read model.
 */
@Injectable()
export class AdvisoryFanoutService implements OnApplicationBootstrap, OnApplicationShutdown {
  private runtime?: Runtime;
  private fanout?: AdvisoryFanout;

  async onApplicationBootstrap(): Promise<void> {
    const logger = createLogger('advisory-fanout');
    this.runtime = await openRuntime('advisory-fanout');
    const queries = new AdvisoryQueries(this.runtime.db);
    this.fanout = new AdvisoryFanout(this.runtime.kafka, this.runtime.topics, this.runtime.codec, {
      instanceId: this.runtime.kafkaConfig.ACD_INSTANCE_ID,
      replicationFactor: this.runtime.kafkaConfig.ACD_REPLICATION_FACTOR,
      logger,
      orgIdsOfKinds: (kinds) => queries.orgIdsOfKinds(kinds),
      kindsOf: (orgIds) => queries.kindsOf(orgIds),
    });
    await this.fanout.start();
    logger.info('advisory fan-out running', { group: this.fanout.groupId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fanout?.stop();
    await this.runtime?.close();
  }
}
