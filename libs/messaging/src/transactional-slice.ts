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
  const topicMessages = outputs.filter((o) => o.messages.length > 0);
  const transaction = await producer.transaction();
  try {
    if (topicMessages.length > 0) await transaction.sendBatch({ topicMessages, acks: -1 });
    await transaction.sendOffsets({
      consumerGroupId: consumed.groupId,
      topics: [
        {
          topic: consumed.topic,
          partitions: [
            {
              partition: consumed.partition,
              offset: (BigInt(consumed.lastOffset) + 1n).toString(),
            },
          ],
        },
      ],
    });
    await transaction.commit();
  } catch (err) {
    await transaction.abort().catch(() => undefined);
    throw err;
  }
}
