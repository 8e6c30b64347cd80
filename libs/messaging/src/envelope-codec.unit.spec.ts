import fc from 'fast-check';
import type { KafkaMessage } from 'kafkajs';
import { SchemaSet } from './avro';
import { decodeEnvelope, explainUnknownWriter } from './envelope-codec';
import { H } from './headers';
import { reasonOf } from './wire-codec';

const v1 = {
  type: 'record',
  name: 'Thing',
  namespace: 'jp.acd.test',
  fields: [{ name: 'id', type: 'string' }],
};
/** What a newer writer has: one more field, with a default, as the schema rules require. */
const v2 = {
  ...v1,
  fields: [...v1.fields, { name: 'colour', type: 'string', default: 'none' }],
};
const reader = SchemaSet.fromSchemas([{ schema: v1, version: 1 }]);
const newer = SchemaSet.fromSchemas([
  { schema: v1, version: 1 },
  { schema: v2, version: 2 },
]);

const record = (value: Buffer, type = 'Thing') =>
  ({
    key: Buffer.from('a'),
    value,
    headers: {
      [H.eventType]: type,
      [H.eventId]: 'e1',
      [H.aggregateId]: 'a',
      [H.aggregateVersion]: '1',
      [H.orgId]: 'o',
      [H.occurredAt]: '2026-01-01T00:00:00.000Z',
    },
    offset: '0',
    timestamp: '0',
    attributes: 0,
  }) as unknown as KafkaMessage;

const failure = (fn: () => unknown): Error & { reason?: string } => {
  try {
    fn();
  } catch (err) {
    return err as Error & { reason?: string };
  }
  throw new Error('did not throw');
};

describe('explainUnknownWriter', () => {
  it('names the type and what to do for a fingerprint the reader lacks', () => {
    const value = newer.encode('jp.acd.test.Thing', { id: 'x', colour: 'red' });
    const err = failure(() => decodeEnvelope(reader, record(value)));
    expect(reasonOf(err)).toBe('unknown-schema-version');
    expect(err.message).toMatch(/^Thing written with a schema version this reader does not have/);
    expect(err.message).toMatch(/replay this dead letter/);
    // The newer reader reads it.
    expect(decodeEnvelope(newer, record(value)).event).toEqual({
      type: 'Thing',
      data: { id: 'x', colour: 'red' },
    });
  });

  it('leaves other errors alone, and a fingerprint without a named type', () => {
    const other = Object.assign(new Error('x'), { reason: 'truncated-body' });
    expect(explainUnknownWriter(other, 'Thing')).toBe(other);
    const unknown = Object.assign(new Error('x'), { reason: 'unknown-fingerprint' });
    expect(explainUnknownWriter(unknown, undefined)).toBe(unknown);
  });

  it('property: any value under any type header fails with a reason the DLQ can carry, or reads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, magic) => {
        const value = Buffer.from(magic ? [0xc3, 0x01, ...bytes] : bytes);
        try {
          decodeEnvelope(reader, record(value));
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect(reasonOf(err)).toMatch(/^[a-z-]+$/);
          expect(reasonOf(err)).not.toBe('undecodable');
        }
      }),
    );
  });
});
