import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { EventEnvelope } from '@acd/event-sourcing';
import { decodeEnvelope, type TopicKey, type TopicNames, type WireCodec } from '@acd/messaging';

/**
 * Records every event of one topic, from its beginning, into `into` as it arrives (a consumer
 * group of its own). Disconnect the returned consumer when done.
 */
export async function recordEvents<E>(
  kafka: Kafka,
  topics: TopicNames,
  codec: WireCodec,
  topic: TopicKey,
  into: EventEnvelope<E>[],
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: topics.group(`test.observer.${randomUUID()}`),
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.of(topic), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      into.push(decodeEnvelope<E>(codec, message));
    },
  });
  return consumer;
}
