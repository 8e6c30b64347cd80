import { randomUUID } from 'node:crypto';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { withAdmin } from './kafka';

const IDLE_END_MS = 1_500;

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
 */
export async function readLogToEnd(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  onBatch: (batch: EachBatchPayload['batch']) => Promise<void> | void,
  onProgress?: (p: LogProgress) => void,
): Promise<Map<number, string>> {
  const ends = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
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
  // Aborted transactions and control records leave offsets no message will ever show, so the
  // last partitions may never report their target: a stretch of fetches that bring nothing,
  // after fetching has begun, means nothing more is there. The stretch is measured from the end
  // of the last batch's processing, and never while a batch is being processed: a slow
  // consumer (a rebuild writing to a busy store) must not be taken for an idle log, which
  // once ended a rebuild of 1,000,000 events after 170,000.
  let lastProgressAt = 0;
  let busy = false;
  consumer.on(consumer.events.FETCH, () => {
    const now = Date.now();
    if (busy) return;
    if (lastProgressAt === 0) lastProgressAt = now;
    else if (now - lastProgressAt > IDLE_END_MS) finish();
  });
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
          busy = true;
          try {
            await onBatch({ ...batch, messages } as EachBatchPayload['batch']);
          } finally {
            busy = false;
            lastProgressAt = Date.now();
          }
          const last = messages[messages.length - 1];
          position.set(batch.partition, BigInt(last?.offset ?? '0') + 1n);
          onProgress?.({ read: progress(), total });
          if (last) resolveOffset(last.offset);
        }
        const lastSeen = batch.messages[batch.messages.length - 1];
        if (lastSeen && BigInt(lastSeen.offset) >= limit - 1n) {
          remaining.delete(batch.partition);
          position.set(batch.partition, limit);
        }
        if (remaining.size === 0) finish();
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
