import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { loadConfig } from '@acd/config';
import { indicatorSchema } from '@acd/indicators';
import type { Admin, Producer } from 'kafkajs';
import {
  alignTopicRetention,
  FlowMatcher,
  kafkaDeletionRecorder,
  trafficRetentionStores,
  trafficSchema,
  TrafficRetentionSweeper,
} from '@acd/traffic';
import { createLogger, openRuntime, type Runtime } from '@acd/runtime';

/**
 * The traffic context's processor: the flow matcher, and the retention sweeper, which deletes
 * acquired communications information of each category at its setting (Kafka topics and read
 * models alike), recording every deletion first; at start it also sets the traffic topics' Kafka
 * retention to the settings.
 */
@Injectable()
export class TrafficService implements OnApplicationBootstrap, OnApplicationShutdown {
  private runtime?: Runtime;
  private matcher?: FlowMatcher;
  private sweeper?: TrafficRetentionSweeper;
  private admin?: Admin;
  private recorder?: Producer;

  async onApplicationBootstrap(): Promise<void> {
    const config = loadConfig(trafficSchema);
    const logger = createLogger('traffic');
    this.runtime = await openRuntime('traffic');
    const { db, kafka, topics, codec } = this.runtime;
    this.admin = kafka.admin();
    await this.admin.connect();
    await alignTopicRetention(this.admin, topics, config);
    this.recorder = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.recorder.connect();
    this.sweeper = new TrafficRetentionSweeper(
      trafficRetentionStores(db, this.admin, topics),
      config,
      kafkaDeletionRecorder(this.recorder, codec, topics),
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
    await this.recorder?.disconnect();
    await this.admin?.disconnect();
    await this.runtime?.close();
  }
}
