import type { EachBatchPayload, KafkaMessage, Message, Producer } from 'kafkajs';

/**
 * The consume-transform-produce step every exactly-once loop of the bus shares (the command
 * processor, the advisory fan-out, the flow matcher, the audit appender): a fetched batch is cut
 * into slices, and each slice's output is produced together with the consumed offsets in one
 * Kafka transaction, so either both are visible or neither.
 */

/** Runs `each` on consecutive slices of at most `max` messages while the batch is still ours. */
export async function forEachSlice(
  payload: EachBatchPayload,
  max: number,
  each: (messages: KafkaMessage[]) => Promise<void>,
): Promise<void> {
  const { batch, isRunning, isStale } = payload;
  // One transaction per slice keeps every produce request under the broker's size limit.
  for (let i = 0; i < batch.messages.length; i += max) {
    if (!isRunning() || isStale()) return;
    await each(batch.messages.slice(i, i + max));
  }
}

export interface SliceOutput {
  topic: string;
  messages: Message[];
}

export interface ConsumedSlice {
  groupId: string;
  topic: string;
  partition: number;
  /** Offset of the slice's last message: the group's position becomes the one after it. */
  lastOffset: string;
}

/**
 * Produces the outputs (empty ones are skipped) and commits the consumed position in one
 * transaction. On failure the transaction is aborted and the error rethrown: the caller decides
 * whether to redo the slice or stop, and must keep nothing of it in memory.
 */
export async function commitSlice(
  producer: Producer,
  consumed: ConsumedSlice,
  outputs: readonly SliceOutput[],
): Promise<void> {
  await commitSlices(producer, [consumed], outputs);
}

/**
 * As `commitSlice`, for slices of several partitions (of one group) at once: their outputs and
 * every partition's new position become visible together, or none of them does.
 */
export async function commitSlices(
  producer: Producer,
  consumed: readonly ConsumedSlice[],
  outputs: readonly SliceOutput[],
): Promise<void> {
  const topicMessages = outputs.filter((o) => o.messages.length > 0);
  const positions = new Map<string, Map<string, Map<number, bigint>>>();
  for (const c of consumed) {
    const byTopic = positions.get(c.groupId) ?? new Map<string, Map<number, bigint>>();
    positions.set(c.groupId, byTopic);
    const byPartition = byTopic.get(c.topic) ?? new Map<number, bigint>();
    byTopic.set(c.topic, byPartition);
    const next = BigInt(c.lastOffset) + 1n;
    const known = byPartition.get(c.partition);
    if (known === undefined || next > known) byPartition.set(c.partition, next);
  }
  const transaction = await producer.transaction();
  try {
    if (topicMessages.length > 0) await transaction.sendBatch({ topicMessages, acks: -1 });
    for (const [consumerGroupId, byTopic] of positions) {
      await transaction.sendOffsets({
        consumerGroupId,
        topics: [...byTopic].map(([topic, byPartition]) => ({
          topic,
          partitions: [...byPartition].map(([partition, offset]) => ({
            partition,
            offset: offset.toString(),
          })),
        })),
      });
    }
    await transaction.commit();
  } catch (err) {
    await transaction.abort().catch(() => undefined);
    throw err;
  }
}

/**
 * Group commit for a consume-transform-produce loop that reads several partitions at once
 * (kafkajs' partitionsConsumedConcurrently): the slices that partitions hand in while a
 * transaction is in flight are decided and committed together in the next one, so concurrent
 * work shares one transaction's round trips instead of queueing for one transaction each.
 * No timer is involved: a slice that finds the committer idle is committed at once (after the
 * current tick, so slices handed in together start together).
 *
 * `commit` gets the slices in the order they were handed in and must decide them all and commit
 * them in one transaction; each `submit` resolves when its slice is committed, or rejects with
 * the transaction's error. A transaction holds at most `maxMessages` messages (whole slices).
 */
export class GroupCommitter<T extends { messages: readonly unknown[] }> {
  private readonly queue: { item: T; resolve: () => void; reject: (err: Error) => void }[] = [];
  private running = false;

  constructor(
    private readonly maxMessages: number,
    private readonly commit: (items: T[]) => Promise<void>,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.run());
      }
    });
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let n = 0;
        let take = 0;
        while (take < this.queue.length) {
          const size = this.queue[take]?.item.messages.length ?? 0;
          if (take > 0 && n + size > this.maxMessages) break;
          n += size;
          take += 1;
        }
        const group = this.queue.splice(0, take);
        try {
          await this.commit(group.map((g) => g.item));
          for (const g of group) g.resolve();
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          for (const g of group) g.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
