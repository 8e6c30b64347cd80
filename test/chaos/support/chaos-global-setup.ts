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
  await setupTestEnv();
}
