import { setupTestEnv } from '../../../libs/testing/src/test-env';

/**
 * Jest globalSetup of the chaos project: the same servers as the other tiers, but a local stack
 * of three Kafka nodes (replication factor 3, min.insync.replicas 2), since the scenarios kill
 * brokers. ACD_TEST_KAFKA_NODES=1 runs the scenarios that need no spare broker on one node.
 */
export default async function globalSetup(): Promise<void> {
  // Its own cluster always: the scenarios kill brokers and stop the store.
  delete process.env.KAFKA_BROKERS;
  delete process.env.MONGODB_URI;
  delete process.env.KAFKA_SASL_BROKERS;
  process.env.ACD_USE_TESTCONTAINERS = '0';
  process.env.ACD_TEST_KAFKA_NODES ??= '3';
  // A SIGKILLed broker is fenced, and its partitions led elsewhere, after 4 s rather than
  // Kafka's default 9 s: with a kill every 20 s, the default leaves a third of the partitions
  // without a leader for half of the time. (docs/reliability.md gives the figures.)
  process.env.ACD_KAFKA_BROKER_SESSION_MS ??= '4000';
  await setupTestEnv();
}
