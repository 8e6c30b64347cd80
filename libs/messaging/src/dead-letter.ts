import { createHash } from 'node:crypto';
import type { KafkaMessage, Producer } from 'kafkajs';
import { firstHeaders, H } from './headers';
import { headerBytes, MAX_REQUEST_BYTES, recordBytes, requestsOf } from './record-size';
import { reasonOf } from './wire-codec';

export type DeadLetter = {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string>;
};

/** What of a cut value a dead letter keeps: enough to see what it was. */
export const DEAD_LETTER_KEPT_BYTES = 64 * 1024;
/** Source headers copied on, at most (a record's headers may be poison too). */
const COPIED_HEADER_BYTES = 64 * 1024;
const KEPT_KEY_BYTES = 1024;

/**
 * Everything needed to find and replay the original: its bytes, key and headers untouched,
 * plus where it came from and why it was set aside.
 *
 * Unless that would not fit in one record the brokers take (`MAX_REQUEST_BYTES`): the largest
 * record a topic accepts, with the dead-letter headers added, is larger than the largest its DLQ
 * accepts, and a dead letter the broker refuses stalls its partition for good. Such a letter
 * keeps the value's first `DEAD_LETTER_KEPT_BYTES`, its length (`dlq-value-bytes`) and SHA-256
 * (`dlq-value-sha256`); an oversized key or set of headers is cut the same way
 * (`dlq-key-bytes`, `dlq-headers-dropped`). The whole original stays in its source topic at
 * `dlq-source-offset` for as long as that topic keeps records (the DLQ keeps them no longer).
 */
export function deadLetter(
  source: { topic: string; partition: number; consumerGroup: string },
  message: KafkaMessage,
  err: unknown,
  maxBytes: number = MAX_REQUEST_BYTES,
): DeadLetter {
  const dlqHeaders: Record<string, string> = {
    [H.dlqReason]: reasonOf(err),
    [H.dlqError]: (err instanceof Error ? err.message : String(err)).slice(0, 1000),
    [H.dlqTopic]: source.topic,
    [H.dlqPartition]: String(source.partition),
    [H.dlqOffset]: message.offset,
    [H.dlqConsumer]: source.consumerGroup,
  };
  const letter: DeadLetter = {
    key: message.key,
    value: message.value,
    headers: { ...firstHeaders(message.headers), ...dlqHeaders },
  };
  if (recordBytes(letter) <= maxBytes) return letter;

  // Too large for one record: keep what identifies the original and cut the rest.
  const copied: Record<string, Buffer | string> = {};
  let copiedBytes = 0;
  let dropped = 0;
  for (const [name, value] of Object.entries(firstHeaders(message.headers))) {
    if (name in dlqHeaders) continue;
    const size = headerBytes({ [name]: value });
    if (copiedBytes + size > COPIED_HEADER_BYTES) {
      dropped += 1;
      continue;
    }
    copied[name] = value;
    copiedBytes += size;
  }
  const key =
    message.key && message.key.length > KEPT_KEY_BYTES
      ? message.key.subarray(0, KEPT_KEY_BYTES)
      : message.key;
  const value = message.value;
  const cutValue = value !== null && value.length > DEAD_LETTER_KEPT_BYTES;
  return {
    key,
    value: cutValue ? value.subarray(0, DEAD_LETTER_KEPT_BYTES) : value,
    headers: {
      ...copied,
      ...dlqHeaders,
      ...(cutValue
        ? {
            [H.dlqValueBytes]: String(value.length),
            [H.dlqValueSha256]: createHash('sha256').update(value).digest('hex'),
          }
        : {}),
      ...(key !== message.key ? { [H.dlqKeyBytes]: String(message.key?.length ?? 0) } : {}),
      ...(dropped > 0 ? { [H.dlqHeadersDropped]: String(dropped) } : {}),
    },
  };
}

/** Durable on return; in requests the brokers take (see `MAX_REQUEST_BYTES`), in order. */
export async function sendDeadLetters(
  producer: Producer,
  dlqTopic: string,
  letters: DeadLetter[],
): Promise<void> {
  for (const messages of requestsOf(letters)) {
    await producer.send({ topic: dlqTopic, acks: -1, messages });
  }
}
