import type { KafkaMessage } from 'kafkajs';
import { H } from './headers';
import {
  afterFailedTransaction,
  deadLetterOutputs,
  decodeSlice,
  GroupCommitter,
  positionsAfter,
  RESTART_ATTEMPTS,
  restartPause,
  slicesOf,
} from './transactional-worker';

interface Item {
  name: string;
  messages: number[];
}

const item = (name: string, size = 1): Item => ({ name, messages: Array.from({ length: size }) });

describe('GroupCommitter', () => {
  it('commits a lone item at once, in a transaction of its own', async () => {
    const groups: string[][] = [];
    const committer = new GroupCommitter<Item>(100, async (items) => {
      groups.push(items.map((i) => i.name));
    });
    await committer.submit(item('a'));
    expect(groups).toEqual([['a']]);
  });

  it('items handed in while a transaction is in flight share the next one, in order', async () => {
    const groups: string[][] = [];
    let release: () => void = () => undefined;
    const committer = new GroupCommitter<Item>(100, async (items) => {
      groups.push(items.map((i) => i.name));
      if (groups.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = committer.submit(item('a'));
    await new Promise((r) => setImmediate(r));
    const rest = ['b', 'c', 'd'].map((n) => committer.submit(item(n)));
    release();
    await Promise.all([first, ...rest]);
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('never puts more than the limit in one transaction, but always takes at least one item', async () => {
    const groups: string[][] = [];
    const committer = new GroupCommitter<Item>(5, async (items) => {
      groups.push(items.map((i) => i.name));
    });
    await Promise.all([
      committer.submit(item('a', 3)),
      committer.submit(item('b', 2)),
      committer.submit(item('c', 1)),
      committer.submit(item('big', 9)),
    ]);
    expect(groups).toEqual([['a', 'b'], ['c'], ['big']]);
  });

  it('a failed transaction fails every item in it, and the next one goes ahead', async () => {
    let calls = 0;
    const committer = new GroupCommitter<Item>(100, async () => {
      calls += 1;
      if (calls === 1) throw new Error('broker gone');
    });
    const failed = [committer.submit(item('a')), committer.submit(item('b'))];
    for (const f of failed) await expect(f).rejects.toThrow('broker gone');
    await expect(committer.submit(item('c'))).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});

const record = (offset: number, value = `v${offset}`): KafkaMessage =>
  ({
    offset: String(offset),
    key: Buffer.from('k'),
    value: Buffer.from(value),
    headers: { 'event-type': 'Thing' },
    timestamp: '0',
    attributes: 0,
  }) as KafkaMessage;

describe('slicing a fetched batch', () => {
  it('cuts it into consecutive runs of at most the limit, in order', () => {
    expect(slicesOf([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(slicesOf([1, 2], 5)).toEqual([[1, 2]]);
    expect(slicesOf([], 5)).toEqual([]);
  });
});

describe('poison records', () => {
  const slice = { topic: 'acd.t.v1', partition: 2, messages: [0, 1, 2, 3].map((o) => record(o)) };

  it('a record that does not decode is set aside; the rest of the slice is decoded', () => {
    const { decoded, poison } = decodeSlice(slice, (m) => {
      if (m.offset === '1') throw new Error('not Avro');
      return Number(m.offset);
    });
    expect(decoded.map((d) => d.value)).toEqual([0, 2, 3]);
    expect(poison.map((p) => [p.topic, p.partition, p.message.offset])).toEqual([
      ['acd.t.v1', 2, '1'],
    ]);
  });

  it("goes to its own topic's dead-letter topic, untouched, with where it came from and why", () => {
    const out = deadLetterOutputs(
      [
        { topic: 'acd.a.v1', partition: 0, message: record(5), error: new Error('bad bytes') },
        { topic: 'acd.b.v1', partition: 1, message: record(6), error: new Error('no schema') },
        { topic: 'acd.a.v1', partition: 3, message: record(7), error: new Error('bad bytes') },
      ],
      'grp',
    );
    expect(out.map((o) => [o.topic, o.messages.length])).toEqual([
      ['acd.a.v1.dlq', 2],
      ['acd.b.v1.dlq', 1],
    ]);
    const letter = out[0]?.messages[1];
    expect(letter?.value).toEqual(Buffer.from('v7'));
    expect(letter?.headers).toMatchObject({
      'event-type': 'Thing',
      [H.dlqTopic]: 'acd.a.v1',
      [H.dlqPartition]: '3',
      [H.dlqOffset]: '7',
      [H.dlqConsumer]: 'grp',
      [H.dlqError]: 'bad bytes',
    });
  });
});

describe('offsets committed with a transaction', () => {
  it('are, per partition, the one after the last record of its latest slice', () => {
    expect(
      positionsAfter([
        { topic: 'a', partition: 0, messages: [record(3), record(4)] },
        { topic: 'a', partition: 1, messages: [record(9)] },
        { topic: 'a', partition: 0, messages: [record(5)] },
        { topic: 'b', partition: 0, messages: [record(41)] },
        { topic: 'b', partition: 1, messages: [] },
      ]),
    ).toEqual([
      {
        topic: 'a',
        partitions: [
          { partition: 0, offset: '6' },
          { partition: 1, offset: '10' },
        ],
      },
      { topic: 'b', partitions: [{ partition: 0, offset: '42' }] },
    ]);
  });

  it('past the transaction markers that end a batch, where its last slice says it ends', () => {
    expect(
      positionsAfter([{ topic: 'a', partition: 0, messages: [record(3), record(4)], end: '6' }]),
    ).toEqual([{ topic: 'a', partitions: [{ partition: 0, offset: '7' }] }]);
  });
});

describe('after a failed transaction', () => {
  const fenced = Object.assign(new Error('Producer has been fenced'), { type: 'PRODUCER_FENCED' });
  const epoch = Object.assign(new Error('epoch'), { type: 'INVALID_PRODUCER_EPOCH' });

  it('a fenced instance stops for good: a newer one owns its transactional id', () => {
    expect(afterFailedTransaction(fenced, false)).toBe('fatal');
    expect(afterFailedTransaction(epoch, false)).toBe('fatal');
  });

  it('anything else restarts from the log: the commit may have succeeded unseen', () => {
    expect(afterFailedTransaction(new Error('Request timed out'), false)).toBe('restart');
  });

  it('while stopping, nothing: the next start reads the log anyway', () => {
    expect(afterFailedTransaction(fenced, true)).toBe('none');
    expect(afterFailedTransaction(new Error('gone'), true)).toBe('none');
  });
});

describe('restartPause', () => {
  it('waits 1 s first, doubling up to 16 s, so a loop outlasts a broker restart before its process exits', () => {
    const pauses = Array.from({ length: RESTART_ATTEMPTS }, (_, i) => restartPause(i + 1));
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 16_000]);
    // A broker here restarts in about 15 s; the attempts together wait well past that.
    expect(pauses.reduce((a, b) => a + b, 0)).toBeGreaterThan(30_000);
  });
});
