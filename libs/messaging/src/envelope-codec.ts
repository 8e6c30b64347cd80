import type { KafkaMessage } from 'kafkajs';
import type { EventEnvelope } from '@acd/event-sourcing';
import { readEventMetadata } from './headers';
import { shortName, type WireCodec } from './wire-codec';

/** Reads one event record (headers + Avro value); throws with a `reason` the DLQ can carry. */
export function decodeEnvelope<E>(codec: WireCodec, message: KafkaMessage): EventEnvelope<E> {
  if (!message.value)
    throw Object.assign(new Error('record has no value'), { reason: 'empty-value' });
  const metadata = readEventMetadata(message.headers);
  const { fullName, value } = codec.decode(message.value);
  if (shortName(fullName) !== metadata.eventType) {
    throw Object.assign(
      new Error(`header event-type ${metadata.eventType} but value is ${fullName}`),
      {
        reason: 'type-mismatch',
      },
    );
  }
  return { metadata, event: { type: metadata.eventType, data: value } as E };
}
