import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_KEPT_BYTES, deadLetter } from './dead-letter';
import { H } from './headers';
import { MAX_REQUEST_BYTES, recordBytes, requestsOf } from './record-size';
import { produceRequests, retryConcurrentTransactions } from './transactional-worker';

const source = { topic: 'acd.indicator.events.v1', partition: 2, consumerGroup: 'g' };
const record = (value: Buffer | null, headers: KafkaMessage['headers'] = {}, key?: Buffer) =>
  ({
    key: key ?? Buffer.from('k'),
    value,
    headers,
    offset: '41',
    timestamp: '0',
    attributes: 0,
    size: 0,
  }) as unknown as KafkaMessage;
const err = Object.assign(new Error('no writer schema'), { reason: 'unknown-fingerprint' });

describe('deadLetter', () => {
  it('keeps a record that fits whole: bytes, key and headers untouched, with the DLQ headers', () => {
    const value = Buffer.from([0xc3, 0x01, 1, 2, 3]);
    const letter = deadLetter(source, record(value, { 'event-type': 'X' }), err);
    expect(letter.value).toBe(value);
    expect(letter.headers).toMatchObject({
      'event-type': 'X',
      [H.dlqReason]: 'unknown-fingerprint',
      [H.dlqTopic]: source.topic,
      [H.dlqPartition]: '2',
      [H.dlqOffset]: '41',
      [H.dlqConsumer]: 'g',
    });
    expect(letter.headers[H.dlqValueBytes]).toBeUndefined();
  });

  it('cuts the largest record a topic takes, naming its length and digest', () => {
    // The broker took it; with the dead-letter headers added it no longer fits.
    const value = Buffer.alloc(MAX_REQUEST_BYTES - 200, 7);
    const letter = deadLetter(source, record(value, { 'event-type': 'X' }), err);
    expect(recordBytes(letter)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(letter.value).toHaveLength(DEAD_LETTER_KEPT_BYTES);
    expect(letter.headers[H.dlqValueBytes]).toBe(String(value.length));
    expect(letter.headers[H.dlqValueSha256]).toBe(createHash('sha256').update(value).digest('hex'));
    expect(letter.headers[H.dlqReason]).toBe('unknown-fingerprint');
    expect(letter.headers['event-type']).toBe('X');
  });

  it('property: every dead letter fits in one request, and says what it cut', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_100_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 300_000 })), {
          maxLength: 5,
        }),
        (valueBytes, keyBytes, headerSpecs) => {
          const headers = Object.fromEntries(
            headerSpecs.map(([n, size], i) => [`h${i}-${n}`, Buffer.alloc(size, 1)]),
          );
          const value = Buffer.alloc(valueBytes, 2);
          const letter = deadLetter(source, record(value, headers, Buffer.alloc(keyBytes, 3)), err);
          expect(recordBytes(letter)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
          if (letter.value?.length !== valueBytes)
            expect(letter.headers[H.dlqValueBytes]).toBe(String(valueBytes));
          expect(letter.headers[H.dlqOffset]).toBe('41');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('requestsOf', () => {
  it('property: runs keep order, lose nothing, and stay within the bound unless a record alone exceeds it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 60 }),
        fc.integer({ min: 100, max: 10_000 }),
        (sizes, max) => {
          const messages = sizes.map((n, i) => ({ key: String(i), value: Buffer.alloc(n) }));
          const runs = requestsOf(messages, max);
          expect(runs.flat()).toEqual(messages);
          for (const run of runs) {
            expect(run.length).toBeGreaterThan(0);
            const bytes = run.reduce((s, m) => s + recordBytes(m), 0);
            if (run.length > 1) expect(bytes).toBeLessThanOrEqual(max);
          }
        },
      ),
    );
  });
});

describe('produceRequests', () => {
  it('sends everything in one request when it fits, and skips empty outputs', () => {
    const outputs = [
      { topic: 'a', messages: [{ value: Buffer.alloc(10) }] },
      { topic: 'b', messages: [] },
      { topic: 'c', messages: [{ value: Buffer.alloc(10) }] },
    ];
    expect(produceRequests(outputs)).toEqual([[outputs[0], outputs[2]]]);
    expect(produceRequests([{ topic: 'a', messages: [] }])).toEqual([]);
  });

  it('splits three 400 KB dead letters bound for one DLQ partition into requests the broker takes', () => {
    const letters = [1, 2, 3].map(() => ({ value: Buffer.alloc(400_000) }));
    const requests = produceRequests([
      { topic: 'events', messages: [{ value: Buffer.alloc(100) }] },
      { topic: 'events.dlq', messages: letters },
    ]);
    expect(requests.flat().flatMap((o) => o.messages)).toHaveLength(4);
    for (const request of requests) {
      const bytes = request.flatMap((o) => o.messages).reduce((s, m) => s + recordBytes(m), 0);
      expect(bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
  });
});

describe('retryConcurrentTransactions', () => {
  const concurrent = () =>
    Object.assign(new Error('concurrent'), { type: 'CONCURRENT_TRANSACTIONS' });
  const noWait = () => Promise.resolve();

  it('retries while the coordinator is still completing the previous transaction', async () => {
    let calls = 0;
    const result = await retryConcurrentTransactions(
      async () => {
        calls += 1;
        if (calls < 3) throw concurrent();
        return 'sent';
      },
      8,
      noWait,
    );
    expect({ result, calls }).toEqual({ result: 'sent', calls: 3 });
  });

  it('throws anything else at once, and gives up after its attempts', async () => {
    let calls = 0;
    const fenced = Object.assign(new Error('fenced'), { type: 'PRODUCER_FENCED' });
    await expect(
      retryConcurrentTransactions(
        async () => {
          calls += 1;
          throw fenced;
        },
        8,
        noWait,
      ),
    ).rejects.toBe(fenced);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryConcurrentTransactions(
        async () => {
          calls += 1;
          throw concurrent();
        },
        4,
        noWait,
      ),
    ).rejects.toMatchObject({ type: 'CONCURRENT_TRANSACTIONS' });
    expect(calls).toBe(4);
  });
});
