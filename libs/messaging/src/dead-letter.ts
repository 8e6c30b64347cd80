import type { KafkaMessage, Producer } from 'kafkajs';
import { firstHeaders, H } from './headers';
import { reasonOf } from './wire-codec';

/**
 * Everything needed to find and replay the original: its bytes, key and headers untouched,
 * plus where it came from and why it was set aside.
 */
export function deadLetter(
  source: { topic: string; partition: number; consumerGroup: string },
  message: KafkaMessage,
  err: unknown,
): { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | string> } {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...firstHeaders(message.headers),
      [H.dlqReason]: reasonOf(err),
      [H.dlqError]: err instanceof Error ? err.message.slice(0, 1000) : String(err),
      [H.dlqTopic]: source.topic,
      [H.dlqPartition]: String(source.partition),
      [H.dlqOffset]: message.offset,
      [H.dlqConsumer]: source.consumerGroup,
    },
  };
}

export async function sendDeadLetters(
  producer: Producer,
  dlqTopic: string,
  letters: ReturnType<typeof deadLetter>[],
): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({ topic: dlqTopic, acks: -1, messages: letters });
}
