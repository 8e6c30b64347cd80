import { randomUUID } from 'node:crypto';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { withAdmin } from './kafka';

/** kafkajs' isolation level for reading uncommitted records. */
const READ_UNCOMMITTED = 0;

export interface LogProgress {
  read: number;
  total: number;
}

/**
 * Reads a topic from offset 0 up to the end it had when the read started, in partition
 * order, with a throw-away consumer group. Used to rebuild state from the system of record.
 *
 * Why "end at start": the log keeps growing while we read; whoever reads to rebuild must
 * stop somewhere and then hand over to the live consumer, which continues from there.
 *
 * The end is each partition's high watermark, not its last stable offset: everything written,
 * committed or not yet decided. The read (committed records only) therefore waits for a
 * transaction still open at the start to commit or abort. A commit's markers are written after
 * the commit has returned to its producer, so the last stable offset can stop short of a
 * transaction its own writer already counts as done: a processor that reloaded its state that
 * way, right after a rebalance, decided again commands it had just decided (events twice, seen
 * by the chaos suite's scenario 1).
 */
export async function readLogToEnd(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  onBatch: (batch: EachBatchPayload['batch']) => Promise<void> | void,
  onProgress?: (p: LogProgress) => void,
): Promise<Map<number, string>> {
  const ends = await highWatermarks(kafka, topic);
  const target = new Map<number, bigint>();
  const starts = new Map<number, bigint>();
  let total = 0;
  for (const p of ends) {
    const high = BigInt(p.high);
    const start = BigInt(p.low);
    if (high > start) {
      target.set(p.partition, high);
      starts.set(p.partition, start);
      total += Number(high - start);
    }
  }
  const endOffsets = new Map(ends.map((p) => [p.partition, p.high]));
  if (target.size === 0) return endOffsets;

  const consumer = kafka.consumer({
    groupId: `${groupPrefix}.reader.${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 250,
  });
  // Progress counts offsets, not messages: transaction markers take offsets too, and the
  // total is known in offsets only.
  const position = new Map<number, bigint>();
  const progress = (): number =>
    [...position.entries()].reduce((n, [p, off]) => n + Number(off - (starts.get(p) ?? 0n)), 0);
  const remaining = new Set(target.keys());
  let finish: () => void = () => {};
  let fail: (err: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // A partition is read when a batch up to its target has gone by. Transaction markers and
  // aborted records take offsets no message shows; kafkajs reports a batch holding only those
  // through END_BATCH_PROCESS (its lastOffset included), so the end is known from offsets,
  // never guessed from a quiet spell: a time-based guess once ended a rebuild of 1,000,000
  // events after 170,000 (the store was slow), and a processor's reload after half its log.
  const seen = (partition: number, lastOffset: string | undefined): void => {
    const limit = target.get(partition);
    if (limit === undefined || lastOffset === undefined) return;
    if (BigInt(lastOffset) >= limit - 1n && remaining.delete(partition)) {
      position.set(partition, limit);
    }
    if (remaining.size === 0) finish();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
    seen(payload.partition, payload.lastOffset),
  );
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const limit = target.get(batch.partition);
        if (limit === undefined) return;
        const messages = batch.messages.filter((m) => BigInt(m.offset) < limit);
        if (messages.length > 0) {
          await onBatch({ ...batch, messages } as EachBatchPayload['batch']);
          const last = messages[messages.length - 1];
          position.set(batch.partition, BigInt(last?.offset ?? '0') + 1n);
          onProgress?.({ read: progress(), total });
          if (last) resolveOffset(last.offset);
        }
        seen(batch.partition, batch.messages[batch.messages.length - 1]?.offset);
        await heartbeat();
      },
    });
    await done;
    onProgress?.({ read: total, total });
  } finally {
    await consumer.disconnect();
  }
  return endOffsets;
}

/**
 * Each partition's high watermark (`high`) and first offset (`low`): listed read-uncommitted
 * (the kafkajs patch lets an admin do so; kafkajs' own admin lists the last stable offset).
 */
export async function highWatermarks(
  kafka: Kafka,
  topic: string,
): Promise<{ partition: number; high: string; low: string }[]> {
  return withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic), {
    isolationLevel: READ_UNCOMMITTED,
  });
}
