import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { loadConfig } from '@acd/config';
import { indicatorSchema } from '@acd/indicators';
import { FlowMatcher, trafficSchema, TrafficRetentionSweeper } from '@acd/traffic';
import { createLogger, openRuntime, type Runtime } from '@acd/runtime';

/**
 * The traffic context's processor: the flow matcher, and the retention sweeper of the traffic
 * read models (FerretDB v1 has no TTL indexes, so something must delete expired documents).
 */
@Injectable()
export class TrafficService implements OnApplicationBootstrap, OnApplicationShutdown {
  private runtime?: Runtime;
  private matcher?: FlowMatcher;
  private sweeper?: TrafficRetentionSweeper;

  async onApplicationBootstrap(): Promise<void> {
    const config = loadConfig(trafficSchema);
    const logger = createLogger('traffic');
    this.runtime = await openRuntime('traffic');
    this.sweeper = new TrafficRetentionSweeper(
      this.runtime.db,
      config,
      config.ACD_TRAFFIC_SWEEP_INTERVAL_MS,
      logger,
    );
    this.sweeper.start();
    this.matcher = new FlowMatcher(this.runtime.kafka, this.runtime.topics, this.runtime.codec, {
      instanceId: this.runtime.kafkaConfig.ACD_INSTANCE_ID,
      logger,
      maxTransaction: config.ACD_FLOW_MATCH_MAX_TRANSACTION,
      // The bounds publishing enforces: an indicator broader than those never matches.
      breadth: loadConfig(indicatorSchema),
    });
    await this.matcher.start();
    logger.info('flow matcher running', { group: this.matcher.groupId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.matcher?.stop();
    await this.sweeper?.stop();
    await this.runtime?.close();
  }
}
