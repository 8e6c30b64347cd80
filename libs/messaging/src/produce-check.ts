import { createRequire } from 'node:module';
import {
  Partitioners,
  type Admin,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type RecordMetadata,
} from 'kafkajs';

export interface TopicRecords {
  topic: string;
  messages: Message[];
}

/**
 * kafkajs (2.2.4, no longer maintained) keeps a retried produce's progress per broker, not per
 * partition. A retry that began while one broker's request was still in flight, or after a
 * written partition's leadership moved to a broker that had not answered, sent the written
 * records again under the next sequence number, which the broker's idempotence cannot
 * recognise: the same records twice, at consecutive offsets (what the chaos suite found in
 * scenarios 1 and 6). A partition whose leadership moved to a broker that had answered was never
 * sent at all, while the send resolved. `patches/kafkajs+2.2.4.patch` (applied by `npm install`)
 * makes a retry send exactly the partitions not yet written; `produce-check.unit.spec.ts` drives
 * kafkajs' own produce path through all three cases.
 *
 * The same patch ends a consumer's fetchers when the consumer is stopped while they are being
 * replaced (a broker left or joined): kafkajs started new ones for the stopped consumer, and they
 * spun on its empty answers for ever, freezing the process (`kafkajs-fetcher.unit.spec.ts`).
 *
 * A bus that promises exactly once does not start on an unpatched kafkajs.
 */
export function assertKafkajsPatched(
  load: (id: string) => unknown = createRequire(__filename),
): void {
  const sendMessages = load('kafkajs/src/producer/sendMessages') as {
    writesEachPartitionOnce?: boolean;
  };
  const fetchManager = load('kafkajs/src/consumer/fetchManager') as {
    stopEndsRebalance?: boolean;
  };
  if (sendMessages.writesEachPartitionOnce !== true || fetchManager.stopEndsRebalance !== true) {
    throw new Error(
      'kafkajs is installed without patches/kafkajs+2.2.4.patch, whose retries can write records twice or not at all, and whose consumers can spin for ever after a broker leaves; run npm install (its postinstall applies the patch)',
    );
  }
}

/**
 * Defence in depth inside a transaction: every record is given its partition before it is sent,
 * and a send whose answers do not name each of those partitions exactly once fails the
 * transaction (`UnconfirmedWriteError`), which the worker aborts and decides again from the log.
 */
export class UnconfirmedWriteError extends Error {
  constructor(readonly problems: string[]) {
    super(`a produce request was not written exactly once: ${problems.join('; ')}`);
    this.name = 'UnconfirmedWriteError';
  }
}

const slot = (topic: string, partition: number): string => `${topic} partition ${partition}`;

/** What kafkajs' partitioner is told of a topic of `count` partitions (all with a leader). */
export function partitionsNamed(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
}

/**
 * Each record with the partition kafkajs' default partitioner gives it (the same for a keyed
 * record as kafkajs would choose itself; a record that already names one keeps it).
 */
export function placeRecords(
  requests: readonly TopicRecords[],
  partitionsOf: (topic: string) => number,
  partitioner: ReturnType<
    typeof Partitioners.DefaultPartitioner
  > = Partitioners.DefaultPartitioner(),
): TopicRecords[] {
  return requests.map(({ topic, messages }) => {
    const partitionMetadata = partitionsNamed(partitionsOf(topic));
    return {
      topic,
      messages: messages.map((message) =>
        typeof message.partition === 'number'
          ? message
          : { ...message, partition: partitioner({ topic, partitionMetadata, message }) },
      ),
    };
  });
}

/**
 * What is wrong with a send's answers, given the placed records it sent: a partition answered
 * twice (written twice), one never answered (not written), one answered that was not sent to, or
 * an answer carrying an error. Empty when every partition was written exactly once.
 */
export function writeProblems(
  placed: readonly TopicRecords[],
  answers: readonly RecordMetadata[],
): string[] {
  const expected = new Set<string>();
  for (const { topic, messages } of placed) {
    for (const m of messages) {
      if (typeof m.partition !== 'number')
        throw new Error(`a record for ${topic} has no partition`);
      expected.add(slot(topic, m.partition));
    }
  }
  const seen = new Map<string, number>();
  const problems: string[] = [];
  for (const a of answers) {
    const s = slot(a.topicName, a.partition);
    seen.set(s, (seen.get(s) ?? 0) + 1);
    if (a.errorCode !== 0) problems.push(`${s} answered error code ${a.errorCode}`);
  }
  for (const [s, n] of seen) {
    if (!expected.has(s)) problems.push(`${s} answered but sent nothing`);
    else if (n > 1) problems.push(`${s} written ${n} times`);
  }
  for (const s of expected) if (!seen.has(s)) problems.push(`${s} never answered`);
  return problems;
}

/** Partition counts of the topics a loop writes to, asked of the cluster once per topic. */
export class PartitionCounts {
  private readonly known = new Map<string, number>();
  private admin?: Admin;

  constructor(private readonly kafka: Kafka) {}

  /** A lookup for `topics` (fetched when unknown); it throws for a topic it cannot name. */
  async of(topics: Iterable<string>): Promise<(topic: string) => number> {
    const missing = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (missing.length > 0) {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const { topics: meta } = await this.admin.fetchTopicMetadata({ topics: missing });
      for (const t of meta)
        if (t.partitions.length > 0) this.known.set(t.name, t.partitions.length);
    }
    return (topic) => {
      const count = this.known.get(topic);
      if (count === undefined) throw new Error(`the cluster named no partitions of ${topic}`);
      return count;
    };
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
