import type { KafkaMessage } from 'kafkajs';
import type { EventEnvelope } from '@acd/event-sourcing';
import { readEventMetadata } from './headers';
import { shortName, type WireCodec } from './wire-codec';

/** Reads one event record (headers + Avro value); throws with a `reason` the DLQ can carry. */
export function decodeEnvelope<E>(codec: WireCodec, message: KafkaMessage): EventEnvelope<E> {
  if (!message.value)
    throw Object.assign(new Error('record has no value'), { reason: 'empty-value' });
  const metadata = readEventMetadata(message.headers);
  const { fullName, value } = decodeTyped(codec, message.value, metadata.eventType);
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

/**
 * Decodes a value whose headers name its type (`event-type`, `command-type`). The wire format
 * carries the writer schema's fingerprint only, so a record written with a version of a schema
 * this reader does not have (a newer writer, deployed before its readers) cannot be read: with
 * a type named, that is said as such (`unknown-schema-version`), so the dead letter tells an
 * operator what to do: deploy a reader with that schema version, then replay it.
 */
export function decodeTyped(
  codec: WireCodec,
  value: Buffer,
  type: string | undefined,
): { fullName: string; value: unknown } {
  try {
    return codec.decode(value);
  } catch (err) {
    throw explainUnknownWriter(err, type);
  }
}

/** See `decodeTyped`: any other error is returned as it is. */
export function explainUnknownWriter(err: unknown, type: string | undefined): unknown {
  const e = err as { reason?: unknown; fingerprint?: unknown; message?: unknown } | undefined;
  if (!type || e?.reason !== 'unknown-fingerprint') return err;
  const fingerprint = typeof e.fingerprint === 'string' ? e.fingerprint : 'unreadable';
  return Object.assign(
    new Error(
      `${type.slice(0, 200)} written with a schema version this reader does not have ` +
        `(writer fingerprint ${fingerprint}): a newer writer, or not the bus's; ` +
        'deploy a reader with that version, then replay this dead letter',
    ),
    { reason: 'unknown-schema-version', fingerprint },
  );
}
