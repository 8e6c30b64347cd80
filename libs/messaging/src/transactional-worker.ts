import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { BatchPositions } from './batch-position';
import { deadLetter } from './dead-letter';
import type { BusLogger } from './kafka';
import {
  PartitionCounts,
  placeRecords,
  UnconfirmedWriteError,
  writeProblems,
} from './produce-check';
import { MAX_REQUEST_BYTES, recordBytes, requestsOf } from './record-size';
import { dlqName } from './topics';

/**
 * The consume-transform-produce loop every exactly-once processor of the bus runs (the command
 * processors, the advisory fan-out, the flow matcher, the audit appender). The worker owns the
 * Kafka side: the consumer and the transactional producer, slicing fetched batches into bounded
 * transactions, producing each transaction's outputs together with the consumed offsets, dead
 * letters, fencing, and what happens when a transaction fails. A loop supplies only its
 * `handle`: what a slice of records becomes.
 *
 * Not for loops that do not produce per consumed record: the due-command scheduler sends on a
 * clock with an idempotent producer (deterministic command ids make a repeat harmless, and its
 * offsets live nowhere: it rebuilds from the log), the gateway's flow publisher only produces,
 * and the projectors write to MongoDB with their checkpoints there.
 */

/** A partition's run of consecutive fetched records; its outputs commit with its offsets. */
export interface WorkerSlice {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  /**
   * The last offset the slice covers, when past its last message: a batch's last slice ends
   * after the transaction markers that follow its last record (what kafkajs resolves too).
   */
  readonly end?: string;
}

export interface SliceOutput {
  topic: string;
  messages: Message[];
}

/** A record its loop cannot process: it goes to `<topic>.dlq`, and its partition moves on. */
export interface PoisonRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
  error: unknown;
}

/** What a loop made of some slices; none of it is visible until the transaction commits. */
export interface SliceWork {
  /** Records to produce (empty lists are skipped). */
  outputs: readonly SliceOutput[];
  /** Dead-lettered in the same transaction, with the worker's group as the consumer. */
  poison?: readonly PoisonRecord[];
  /**
   * Runs once the transaction has committed: the place to keep in memory what the outputs
   * wrote (state decided against an overlay, counters). A loop keeps nothing of a slice before.
   */
  afterCommit?: () => void;
}

export interface TransactionalWorkerOptions {
  /** For logs: "indicator processor", "flow matcher". */
  name: string;
  groupId: string;
  /**
   * Chosen by the loop, and what it fences: a producer that starts under a transactional id
   * aborts its predecessor's open transaction and makes every later commit of that predecessor
   * fail. Per instance (`<name>.<ACD_INSTANCE_ID>`) for loops that scale out, so a restarted instance
   * fences its own zombie; fixed for a single writer (the audit appender), so a second one fences
   * the first whatever its instance id.
   */
  transactionalId: string;
  topics: readonly string[];
  handle(slices: readonly WorkerSlice[]): Promise<SliceWork> | SliceWork;
  /**
   * Brings what the loop keeps in memory up to the log. Runs behind the fence, before consuming
   * starts, so nothing can still be written behind its back; again before the next transaction
   * after a failed one; and, with `prepareAfterRebalance`, after every rebalance (partitions
   * taken over may carry another instance's writes).
   */
  prepare?(): Promise<void>;
  prepareAfterRebalance?: boolean;
  /** Most records in one transaction (default 500): keeps every produce under the size limit. */
  maxPerTransaction?: number;
  /**
   * Partitions processed at once (default 1). Above 1, the slices they hand in while a
   * transaction is in flight share the next one (group commit, see `GroupCommitter`).
   */
  partitionsConcurrently?: number;
  /** A crashed instance's partitions are handed over after this long (default 10 s). */
  sessionTimeout?: number;
  /** The broker aborts a transaction left open this long (default 30 s). */
  transactionTimeout?: number;
  logger: BusLogger;
  /**
   * This instance can no longer write (fenced, or its consumer gave up). Default: exit the
   * process non-zero, so that its supervisor starts a fresh one that rebuilds from the log.
   */
  onFatal?(err: unknown): void;
}

/** A slice on its way through the group committer, with the batch's liveness at hand. */
interface PendingSlice extends WorkerSlice {
  isRunning: () => boolean;
  isStale: () => boolean;
  /** Set when decided: false if the partition was no longer ours and the slice was left alone. */
  committed: boolean;
}

/**
 * One instance of a consume-transform-produce loop. Exactly once in effect: each transaction
 * holds a group of slices' outputs, their dead letters and every consumed partition's new
 * position, so a crash before the commit leaves no visible output and no progress, and the
 * slices are processed again by whoever owns the partitions next.
 *
 * When a transaction fails it is aborted and the instance never writes with that producer
 * again: the answer to a commit may have been lost after it succeeded, and a fenced producer
 * must stay silent. Fenced → `onFatal`. Anything else → the instance restarts in-process as a
 * fresh process would (new producer, `prepare`, new consumer from the committed offsets).
 */
export class TransactionalWorker {
  private producer?: Producer;
  private consumer?: Consumer;
  private readonly committer: GroupCommitter<PendingSlice>;
  private readonly partitionCounts: PartitionCounts;
  private readonly maxPerTransaction: number;
  private stale = false;
  /** Set once a transaction failed: nothing is written until the restart clears it. */
  private failed: unknown;
  private recovery?: Promise<void>;
  private stopped = false;
  /**
   * Consumers this worker has let go (a restart, a stop). kafkajs restarts a crashed consumer on
   * a timer it may set after our disconnect has run (a broker kill fails the transaction and
   * crashes the consumer at the same moment): such a consumer must neither be restarted nor
   * hand batches to this worker, or two consumers feed one producer and reload state at once.
   */
  private readonly retired = new WeakSet<Consumer>();
  /** Where each partition's next batch must begin: the group's committed offset. */
  private readonly positions: BatchPositions;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: TransactionalWorkerOptions,
  ) {
    this.maxPerTransaction = opts.maxPerTransaction ?? 500;
    this.committer = new GroupCommitter(this.maxPerTransaction, (slices) => this.commit(slices));
    this.partitionCounts = new PartitionCounts(kafka);
    this.positions = new BatchPositions(kafka, opts.name, opts.logger, (topic, partition) =>
      this.positions.committed(opts.groupId, topic, partition),
    );
  }

  async start(): Promise<void> {
    const { opts } = this;
    this.producer = this.kafka.producer({
      transactionalId: opts.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: opts.transactionTimeout ?? 30_000,
    });
    await this.producer.connect();
    // kafkajs registers the transactional id (InitProducerId) only at the first transaction:
    // open and abort an empty one, so the predecessor is fenced and its open transaction
    // aborted before `prepare` reads the log (read-committed reads stop at an open one).
    await (await this.producer.transaction()).abort();
    await opts.prepare?.();
    this.stale = false;
    if (this.stopped) return;

    const consumer: Consumer = this.kafka.consumer({
      groupId: opts.groupId,
      readUncommitted: false,
      sessionTimeout: opts.sessionTimeout ?? 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
      retry: { restartOnFailure: async () => !this.retired.has(consumer) && !this.stopped },
    });
    this.consumer = consumer;
    let firstJoin = true;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.retired.has(consumer)) return;
      this.positions.forget();
      if (!firstJoin && opts.prepareAfterRebalance) this.stale = true;
      firstJoin = false;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      opts.logger.error(`${opts.name} consumer crashed`, {
        error: payload.error.message,
        restart: payload.restart,
      });
      // Without a consumer the loop does nothing; kafkajs restarts it unless it gave up (or we
      // let it go, and another consumer has taken its place).
      if (!payload.restart && !this.stopped && !this.retired.has(consumer)) {
        this.fatal(payload.error);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...opts.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 1,
      eachBatch: async (payload) => {
        if (!this.retired.has(consumer)) await this.consume(payload);
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.recovery?.catch(() => undefined);
    if (this.consumer) this.retired.add(this.consumer);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.partitionCounts.close();
    await this.positions.close();
  }

  private async consume(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, resolveOffset, heartbeat } = payload;
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    // Taken only from exactly the committed offset (see BatchPositions): no command is passed
    // over, whatever position the client had.
    const verdict = await this.positions.check(batch);
    if (!verdict.take) {
      this.positions.seeking(batch.topic, batch.partition, verdict.seekTo);
      this.consumer?.seek({
        topic: batch.topic,
        partition: batch.partition,
        offset: verdict.seekTo,
      });
      return;
    }
    const slices = slicesOf(batch.messages, this.maxPerTransaction);
    for (const [i, messages] of slices.entries()) {
      const last = messages[messages.length - 1];
      if (!last || !isRunning() || isStale()) return;
      const slice: PendingSlice = {
        topic: batch.topic,
        partition: batch.partition,
        messages,
        ...(i === slices.length - 1 ? { end: batch.lastOffset() } : {}),
        isRunning,
        isStale,
        committed: false,
      };
      await this.committer.submit(slice);
      if (!slice.committed) return;
      resolveOffset(last.offset);
      await heartbeat();
    }
  }

  private async commit(slices: PendingSlice[]): Promise<void> {
    if (this.failed !== undefined) throw this.failed;
    const producer = this.producer;
    if (!producer) throw new Error(`${this.opts.name} not started`);
    if (this.stale) {
      await this.opts.prepare?.();
      this.stale = false;
    }
    // A slice of a partition taken from us since it was fetched is left to its new owner.
    const live = slices.filter((sl) => (sl.committed = sl.isRunning() && !sl.isStale()));
    if (live.length === 0) return;

    const work = await this.opts.handle(live);
    const poison = work.poison ?? [];
    try {
      const outputs = [...work.outputs, ...deadLetterOutputs(poison, this.opts.groupId)].filter(
        (o) => o.messages.length > 0,
      );
      const partitionsOf = await this.partitionCounts.of(outputs.map((o) => o.topic));
      await produceInTransaction(
        producer,
        this.opts.groupId,
        live,
        placeRecords(outputs, partitionsOf),
      );
    } catch (err) {
      this.transactionFailed(err, live);
      throw err;
    }
    for (const { topic, partitions } of positionsAfter(live)) {
      for (const { partition, offset } of partitions)
        this.positions.moved(topic, partition, offset);
    }
    if (poison.length > 0) {
      this.opts.logger.warn(`${this.opts.name}: records dead-lettered`, { count: poison.length });
    }
    work.afterCommit?.();
  }

  private transactionFailed(err: unknown, slices: readonly WorkerSlice[]): void {
    this.failed = err;
    const action = afterFailedTransaction(err, this.stopped);
    if (action === 'none') return;
    this.opts.logger.error(
      action === 'fatal'
        ? `${this.opts.name} fenced: another instance took over its transactional id; this one stops`
        : `${this.opts.name} transaction failed; restarting from the log`,
      {
        partitions: slices.map((s) => `${s.topic}/${s.partition}`),
        error: err instanceof Error ? err.message : String(err),
      },
    );
    if (action === 'fatal') this.fatal(err);
    else setTimeout(() => void this.restart(), 0);
  }

  /**
   * The same as a process restart, without one. A start that fails (a broker still down) is
   * tried again, waiting longer each time, before the process gives up: a process that exits
   * leaves its group member behind, and its partitions wait out the session timeout.
   */
  private restart(): Promise<void> {
    if (this.recovery || this.stopped) return Promise.resolve();
    this.recovery = (async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          if (this.consumer) this.retired.add(this.consumer);
          await this.consumer?.disconnect().catch(() => undefined);
          await this.producer?.disconnect().catch(() => undefined);
          await new Promise((r) => setTimeout(r, restartPause(attempt)));
          if (this.stopped) return;
          this.failed = undefined;
          await this.start();
          this.opts.logger.info(`${this.opts.name} resumed`, { attempt });
          return;
        } catch (err) {
          if (this.stopped) return;
          if (isFenced(err) || attempt >= RESTART_ATTEMPTS) return this.fatal(err);
          this.opts.logger.warn(`${this.opts.name} could not restart yet; trying again`, {
            attempt,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
    })().finally(() => {
      this.recovery = undefined;
    });
    return this.recovery;
  }

  private fatal(err: unknown): void {
    if (this.opts.onFatal) return this.opts.onFatal(err);
    this.opts.logger.error(`${this.opts.name} stops`, {
      error: err instanceof Error ? err.message : String(err),
    });
    process.exit(1);
  }
}

/** How many times a failed loop tries to start again in-process before its process exits. */
export const RESTART_ATTEMPTS = 6;

/** The pause before a restart attempt: 1 s, doubling, at most 16 s (31 s over five failures). */
export function restartPause(attempt: number): number {
  return Math.min(1_000 * 2 ** (attempt - 1), 16_000);
}

/** Consecutive runs of at most `max` records: one transaction each, at most. */
export function slicesOf<T>(records: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < records.length; i += max) out.push(records.slice(i, i + max));
  return out;
}

/**
 * Decodes every record of a slice; one that does not decode is poison, not an error of the
 * slice, so it cannot stall its partition.
 */
export function decodeSlice<T>(
  slice: WorkerSlice,
  decode: (message: KafkaMessage) => T,
): { decoded: { message: KafkaMessage; value: T }[]; poison: PoisonRecord[] } {
  const decoded: { message: KafkaMessage; value: T }[] = [];
  const poison: PoisonRecord[] = [];
  for (const message of slice.messages) {
    try {
      decoded.push({ message, value: decode(message) });
    } catch (error) {
      poison.push({ topic: slice.topic, partition: slice.partition, message, error });
    }
  }
  return { decoded, poison };
}

/** Each poison record as a dead letter on its source topic's `.dlq`. */
export function deadLetterOutputs(
  poison: readonly PoisonRecord[],
  consumerGroup: string,
): SliceOutput[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, partition, message, error } of poison) {
    const letters = byTopic.get(dlqName(topic)) ?? [];
    letters.push(deadLetter({ topic, partition, consumerGroup }, message, error));
    byTopic.set(dlqName(topic), letters);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** The group's next position in each consumed partition: the offset after its slices' ends. */
export function positionsAfter(
  slices: readonly WorkerSlice[],
): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const positions = new Map<string, Map<number, bigint>>();
  for (const { topic, partition, messages, end } of slices) {
    const last = end ?? messages[messages.length - 1]?.offset;
    if (last === undefined) continue;
    const byPartition = positions.get(topic) ?? new Map<number, bigint>();
    positions.set(topic, byPartition);
    const next = BigInt(last) + 1n;
    const known = byPartition.get(partition);
    if (known === undefined || next > known) byPartition.set(partition, next);
  }
  return [...positions].map(([topic, byPartition]) => ({
    topic,
    partitions: [...byPartition].map(([partition, offset]) => ({
      partition,
      offset: offset.toString(),
    })),
  }));
}

/**
 * What an instance does once a transaction failed (it has been aborted, and the instance writes
 * nothing more with its producer): nothing while stopping (the next start reads the log
 * anyway); stop for good when fenced (a newer instance owns the transactional id); otherwise
 * restart from the log, since the commit may have succeeded with its answer lost.
 */
export function afterFailedTransaction(
  err: unknown,
  stopping: boolean,
): 'none' | 'fatal' | 'restart' {
  if (stopping) return 'none';
  return isFenced(err) ? 'fatal' : 'restart';
}

/** Whether a transaction failed because a newer producer took over its transactional id. */
export function isFenced(err: unknown): boolean {
  const e = err as { type?: string; name?: string; message?: string } | undefined;
  const text = `${e?.type ?? ''} ${e?.name ?? ''} ${e?.message ?? ''}`;
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|fenced/i.test(text);
}

/**
 * The produce requests of a transaction's outputs: one for all of them when they fit in
 * `maxBytes` (the usual case), else per topic in runs of at most `maxBytes`
 * (see `MAX_REQUEST_BYTES`: a batch the brokers refuse fails the transaction every time it is
 * tried). Empty outputs are left out; order within a topic is kept.
 */
export function produceRequests(
  outputs: readonly SliceOutput[],
  maxBytes: number = MAX_REQUEST_BYTES,
): SliceOutput[][] {
  const topicMessages = outputs.filter((o) => o.messages.length > 0);
  if (topicMessages.length === 0) return [];
  const total = topicMessages.reduce(
    (n, o) => n + o.messages.reduce((m, r) => m + recordBytes(r), 0),
    0,
  );
  if (total <= maxBytes) return [topicMessages];
  return topicMessages.flatMap(({ topic, messages }) =>
    requestsOf(messages, maxBytes).map((run) => [{ topic, messages: run }]),
  );
}

/**
 * Retries `op` while the transaction coordinator answers CONCURRENT_TRANSACTIONS: it is still
 * completing this producer's previous transaction (writing its markers), which a transaction
 * that only moves offsets, right after a commit, often meets. The Java client retries it;
 * kafkajs retries it for records but not for the offsets' AddOffsetsToTxn, and a failed
 * transaction costs the loop a restart from the log. Anything else is thrown at once.
 */
export async function retryConcurrentTransactions<T>(
  op: () => Promise<T>,
  attempts = 8,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op();
    } catch (err) {
      const type = (err as { type?: unknown } | undefined)?.type;
      if (type !== 'CONCURRENT_TRANSACTIONS' || attempt >= attempts) throw err;
      await wait(Math.min(20 * 2 ** (attempt - 1), 1_000));
    }
  }
}

/**
 * Produces the outputs (each record placed in its partition) and commits the slices' positions
 * in one transaction: both become visible or neither. A send whose answers do not show each
 * partition written exactly once fails it (see `UnconfirmedWriteError`). On failure the
 * transaction is aborted and the error rethrown.
 */
async function produceInTransaction(
  producer: Producer,
  consumerGroupId: string,
  slices: readonly WorkerSlice[],
  outputs: readonly SliceOutput[],
): Promise<void> {
  const transaction = await producer.transaction();
  try {
    for (const topicMessages of produceRequests(outputs)) {
      const answers = await transaction.sendBatch({ topicMessages, acks: -1 });
      const problems = writeProblems(topicMessages, answers);
      if (problems.length > 0) throw new UnconfirmedWriteError(problems);
    }
    await retryConcurrentTransactions(() =>
      transaction.sendOffsets({ consumerGroupId, topics: positionsAfter(slices) }),
    );
    await transaction.commit();
  } catch (err) {
    await transaction.abort().catch(() => undefined);
    throw err;
  }
}

/**
 * Group commit for a loop that reads several partitions at once (kafkajs'
 * partitionsConsumedConcurrently): the slices that partitions hand in while a transaction is in
 * flight are decided and committed together in the next one, so concurrent work shares one
 * transaction's round trips instead of queueing for one transaction each. No timer is involved:
 * a slice that finds the committer idle is committed at once (after the current tick, so slices
 * handed in together start together).
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
