import type { Admin, Batch, Kafka } from 'kafkajs';
import type { BusLogger } from './kafka';

/**
 * The offset a kafkajs batch was fetched from: every record from there to its first message
 * that the batch does not hold was filtered out by the client (transaction markers, aborted
 * records). kafkajs keeps it on the batch without typing it; an upgrade that drops it must fail
 * loudly rather than let the checks below pass on nothing.
 */
export function fetchedOffsetOf(batch: Pick<Batch, 'partition'>): string {
  const fetched = (batch as { fetchedOffset?: unknown }).fetchedOffset;
  if (typeof fetched !== 'string' && typeof fetched !== 'number' && typeof fetched !== 'bigint') {
    throw new Error('this kafkajs gives no fetched offset on a batch (kafkajs 2.2.4 does)');
  }
  return String(fetched);
}

/** Where a consumer's next batch of one partition must begin, and what to do with one. */
export type BatchVerdict =
  { take: true } | { take: false; seekTo: string; reason: 'not-at-position' | 'position-unknown' };

/**
 * Keeps, per partition, the position a consume loop has stored (its checkpoint, or its
 * committed offset) and checks each batch against it. A batch is taken only when it was
 * fetched from exactly that position: anything in between is then a record the client
 * filtered out, never one it skipped. A batch fetched from anywhere else (a restarted consumer,
 * a fetch that raced a crash or a rebalance, a marker kafkajs passed over on its own) is not
 * taken; the loop seeks back to the position and reads again from there. The one exception is
 * a position the log does not hold (retention removed it, or the topic was recreated shorter),
 * said loudly.
 *
 * `stored` reads a partition's position from where the loop keeps it (undefined: none yet, so
 * the partition begins where its log does).
 */
export class BatchPositions {
  private readonly positions = new Map<string, string>();
  private readonly sought = new Map<string, string>();
  private admin?: Admin;

  constructor(
    private readonly kafka: Kafka,
    private readonly name: string,
    private readonly logger: BusLogger,
    private readonly stored: (topic: string, partition: number) => Promise<string | undefined>,
  ) {}

  /** Forgets every position (a group join: another instance may have moved them). */
  forget(topic?: string, partition?: number): void {
    if (topic === undefined || partition === undefined) {
      this.positions.clear();
      this.sought.clear();
      return;
    }
    this.positions.delete(key(topic, partition));
  }

  /** The loop stored this position (the offset after the last record it took). */
  moved(topic: string, partition: number, next: string): void {
    this.positions.set(key(topic, partition), next);
  }

  /**
   * The loop seeks a partition to `offset` (remembered, so a second miss can be told). Every
   * seek a verdict asks for must be told here.
   */
  seeking(topic: string, partition: number, offset: string): void {
    this.sought.set(key(topic, partition), offset);
  }

  async check(batch: Pick<Batch, 'topic' | 'partition'>): Promise<BatchVerdict> {
    const { topic, partition } = batch;
    const k = key(topic, partition);
    const fetched = fetchedOffsetOf(batch);
    let expected = this.positions.get(k);
    if (expected === undefined) {
      try {
        expected = (await this.stored(topic, partition)) ?? (await this.logStart(topic, partition));
      } catch (err) {
        this.logger.warn(`${this.name}: could not read where a partition stands; reading again`, {
          topic,
          partition,
          error: err instanceof Error ? err.message : String(err),
        });
        return { take: false, seekTo: fetched, reason: 'position-unknown' };
      }
      this.positions.set(k, expected);
    }
    if (fetched === expected) {
      this.sought.delete(k);
      return { take: true };
    }
    if (this.sought.get(k) === expected) {
      // Sought there already, and still elsewhere: taken only when the log does not hold the
      // position any more (retention removed it, or the topic was recreated shorter), said
      // loudly; otherwise sought again.
      const ends = await this.ends(topic, partition).catch(() => undefined);
      const at = BigInt(expected);
      if (ends && (at < BigInt(ends.low) || at > BigInt(ends.high))) {
        this.logger.warn(
          `${this.name}: the log does not hold its position; going on from ${fetched}`,
          {
            topic,
            partition,
            position: expected,
            logStart: ends.low,
            logEnd: ends.high,
          },
        );
        this.sought.delete(k);
        this.positions.set(k, fetched);
        return { take: true };
      }
    }
    this.logger.info(`${this.name}: batch does not begin at its position; reading again from it`, {
      topic,
      partition,
      batchFrom: fetched,
      position: expected,
    });
    return { take: false, seekTo: expected, reason: 'not-at-position' };
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private async logStart(topic: string, partition: number): Promise<string> {
    return (await this.ends(topic, partition)).low;
  }

  private async adminClient(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  private async ends(topic: string, partition: number): Promise<{ low: string; high: string }> {
    const offsets = await (await this.adminClient()).fetchTopicOffsets(topic);
    const found = offsets.find((o) => o.partition === partition);
    if (!found) throw new Error(`no partition ${partition} in ${topic}`);
    return { low: found.low, high: found.high };
  }

  /** The committed offset of `groupId` in a partition, if any (for loops that commit to Kafka). */
  async committed(groupId: string, topic: string, partition: number): Promise<string | undefined> {
    const [entry] = await (await this.adminClient()).fetchOffsets({ groupId, topics: [topic] });
    const offset = entry?.partitions.find((p) => p.partition === partition)?.offset;
    return offset === undefined || offset === '-1' ? undefined : offset;
  }
}

const key = (topic: string, partition: number) => `${topic}|${partition}`;
