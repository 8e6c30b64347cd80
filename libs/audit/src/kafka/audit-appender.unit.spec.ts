import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { entryJson, entryOf } from '../domain/audit-entry';
import { SchemaSet, schemasDir } from '@acd/messaging';
import { AUDITED_SOURCES, UNDECODABLE_KEPT_BYTES, undecodableFact } from './audit-appender';
import { readLogRecord } from './audit-log-record';

const source = { topic: 'acd.audit.reads.v1', partition: 1, offset: '7' };

describe('undecodableFact', () => {
  it('keeps the head of the value with its length and digest, and the headers it claims', () => {
    const value = Buffer.alloc(900_000, 5);
    const fact = undecodableFact(
      source,
      { key: Buffer.from('org'), value, headers: { 'event-type': 'ReadRecorded' }, timestamp: '0' },
      'unknown-fingerprint: no writer schema',
    );
    expect(fact.metadata.eventType).toBe('ReadRecorded');
    expect(fact.data).toEqual({
      undecodable: 'unknown-fingerprint: no writer schema',
      value: value.subarray(0, UNDECODABLE_KEPT_BYTES),
      valueBytes: 900_000,
      valueSha256: createHash('sha256').update(value).digest('hex'),
    });
    expect(fact.source).toEqual(source);
  });

  it('property: the entry of any undecodable record stays small, whatever its size', () => {
    // A record as large as the brokers take must not make an entry larger than they take.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_100_000 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 0, max: 300_000 }),
        (valueBytes, headerBytes, keyBytes) => {
          const fact = undecodableFact(
            source,
            {
              key: Buffer.alloc(keyBytes, 0x61),
              value: Buffer.alloc(valueBytes, 1),
              headers: { 'event-id': 'x'.repeat(headerBytes), 'org-id': 'y'.repeat(headerBytes) },
              timestamp: 'not a time',
            },
            'r'.repeat(headerBytes),
          );
          expect(entryJson(entryOf(fact, 0)).length).toBeLessThan(16 * 1024);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('AUDITED_SOURCES', () => {
  it('dead-letters only where the appender is the only reader: the recorded reads', () => {
    expect(AUDITED_SOURCES.filter((s) => s.deadLetters).map((s) => s.topic)).toEqual([
      'auditReads',
    ]);
  });
});

describe('readLogRecord', () => {
  it('passes over a record of the log topic that is not a log record, saying so', () => {
    const errors: string[] = [];
    const logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (msg: string) => void errors.push(msg),
    };
    const codec = SchemaSet.load(schemasDir());
    for (const value of [
      Buffer.from('not avro'),
      Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8]),
    ])
      expect(readLogRecord(codec, { value, offset: '3' }, logger)).toBeUndefined();
    expect(readLogRecord(codec, { value: null, offset: '4' }, logger)).toBeUndefined();
    expect(errors).toHaveLength(3);
  });
});
