import type { Kafka } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { kafkaSchema, loadConfig, mongoSchema, type KafkaConfig } from '@acd/config';
import {
  createKafka,
  ensureServiceTopics,
  ensureTopics,
  serviceOfRole,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
  type WireCodec,
} from '@acd/messaging';
import { connectMongo } from '@acd/persistence';

/** What every deployable opens first: validated config, the schema set, Kafka, MongoDB. */
export interface Runtime {
  kafkaConfig: KafkaConfig;
  kafka: Kafka;
  topics: TopicNames;
  codec: WireCodec;
  mongo: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function openRuntime(
  role: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Runtime> {
  const kafkaConfig = loadConfig(kafkaSchema, env);
  const mongoConfig = loadConfig(mongoSchema, env);
  const codec = await SchemaSet.load(schemasDir());
  const kafka = createKafka(kafkaConfig, role);
  const topics = new TopicNames(kafkaConfig.ACD_TOPIC_PREFIX);
  // Only the topics this service touches: its user may see no others (service-access.ts). On a
  // provisioned bus they exist already, created by the administrator, and nothing is created; on
  // an open cluster (no SASL, no authorizer) the first service to start creates its own.
  const service = serviceOfRole(role);
  await withAdmin(kafka, (admin) =>
    service
      ? ensureServiceTopics(admin, topics, service, kafkaConfig.ACD_REPLICATION_FACTOR)
      : ensureTopics(admin, topics, kafkaConfig.ACD_REPLICATION_FACTOR),
  );
  const mongo = await connectMongo(mongoConfig.MONGODB_URI, mongoConfig.ACD_STORE_TIMEOUT_MS);
  const db = mongo.db();
  return {
    kafkaConfig,
    kafka,
    topics,
    codec,
    mongo,
    db,
    close: () => mongo.close(),
  };
}
