import type { Kafka } from 'kafkajs';
import { BatchPositions, fetchedOffsetOf } from './batch-position';
import type { BusLogger } from './kafka';

/** A partition's log as the brokers would list it: its first and next offsets. */
interface Log {
  low: string;
  high: string;
}

function positionsOver(log: Log, stored: Map<number, string>) {
  const warnings: string[] = [];
  const logger: BusLogger = {
    info: () => undefined,
    warn: (msg) => warnings.push(msg),
    error: () => undefined,
  };
  // Only ListOffsets is asked of the brokers; the log's ends are what this test decides.
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicOffsets: async () => [{ partition: 0, offset: log.high, ...log }],
    }),
  } as unknown as Kafka;
  const real = new BatchPositions(kafka, 'test loop', logger, async (_t, p) => stored.get(p));
  // As a loop uses it: every seek a verdict asks for is made, and told.
  const positions = {
    check: async (batch: Parameters<BatchPositions['check']>[0]) => {
      const verdict = await real.check(batch);
      if (!verdict.take) real.seeking(batch.topic, batch.partition, verdict.seekTo);
      return verdict;
    },
    moved: real.moved.bind(real),
    forget: real.forget.bind(real),
  };
  const batchFrom = (offset: string) => ({ topic: 't', partition: 0, fetchedOffset: offset });
  return { positions, warnings, batchFrom };
}

describe('a consume loop takes a batch only from its stored position', () => {
  it('takes the batch fetched from the position, and none fetched from elsewhere', async () => {
    const { positions, batchFrom } = positionsOver({ low: '0', high: '50' }, new Map([[0, '10']]));
    expect(await positions.check(batchFrom('12'))).toEqual({
      take: false,
      seekTo: '10',
      reason: 'not-at-position',
    });
    // Sought back, yet still handed a later batch while the log holds 10: sought again.
    expect(await positions.check(batchFrom('12'))).toMatchObject({ take: false, seekTo: '10' });
    expect(await positions.check(batchFrom('8'))).toMatchObject({ take: false, seekTo: '10' });
    expect(await positions.check(batchFrom('10'))).toEqual({ take: true });
  });

  it('follows what the loop stores, and reads the store again after a group join', async () => {
    const stored = new Map([[0, '10']]);
    const { positions, batchFrom } = positionsOver({ low: '0', high: '50' }, stored);
    expect(await positions.check(batchFrom('10'))).toEqual({ take: true });
    positions.moved('t', 0, '17');
    expect(await positions.check(batchFrom('17'))).toEqual({ take: true });
    expect(await positions.check(batchFrom('10'))).toMatchObject({ take: false, seekTo: '17' });
    // Another instance moved it meanwhile.
    stored.set(0, '30');
    positions.forget();
    expect(await positions.check(batchFrom('17'))).toMatchObject({ take: false, seekTo: '30' });
    expect(await positions.check(batchFrom('30'))).toEqual({ take: true });
  });

  it('with nothing stored, a partition begins where its log does', async () => {
    const { positions, batchFrom } = positionsOver({ low: '4', high: '50' }, new Map());
    expect(await positions.check(batchFrom('9'))).toMatchObject({ take: false, seekTo: '4' });
    expect(await positions.check(batchFrom('4'))).toEqual({ take: true });
  });

  it('goes on, loudly, only when the log does not hold the position: retention, a recreated topic', async () => {
    const retained = positionsOver({ low: '20', high: '50' }, new Map([[0, '10']]));
    expect(await retained.positions.check(retained.batchFrom('20'))).toMatchObject({
      take: false,
    });
    expect(await retained.positions.check(retained.batchFrom('20'))).toEqual({ take: true });
    expect(retained.warnings).toHaveLength(1);

    const recreated = positionsOver({ low: '0', high: '30' }, new Map([[0, '100']]));
    expect(await recreated.positions.check(recreated.batchFrom('0'))).toMatchObject({
      take: false,
    });
    expect(await recreated.positions.check(recreated.batchFrom('0'))).toEqual({ take: true });
    expect(recreated.warnings).toHaveLength(1);
    recreated.positions.moved('t', 0, '5');
    expect(await recreated.positions.check(recreated.batchFrom('5'))).toEqual({ take: true });
  });

  it('refuses to work on a kafkajs whose batches do not say where they were fetched from', () => {
    expect(() => fetchedOffsetOf({ partition: 0 })).toThrow(/no fetched offset/);
    expect(fetchedOffsetOf({ partition: 0, fetchedOffset: '42' } as never)).toBe('42');
  });
});
