import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Collection, Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import {
  BatchPositions,
  deadLetter,
  decodeEnvelope,
  readLogToEnd,
  sendDeadLetters,
  type BusLogger,
  type LogProgress,
  type TopicNames,
  type WireCodec,
} from '@acd/messaging';
import { applyEvents } from './apply-events';
import { ChangeFeedWriter, feedEntriesOf, readFeedMeta, type FeedPageDoc } from './change-feed';
import { CheckpointStore } from './checkpoints';
import { isFerretDb } from './mongo';
import {
  countersCollectionOf,
  hasCounters,
  markCounters,
  type CounterDayDoc,
  type Transition,
  writeCounters,
} from './counters';
import { feedCollectionOf, type Projection, type ReadModelDoc } from './projection';
import {
  versionLogCollectionOf,
  versionLogInputsOf,
  VersionLogWriter,
  type VersionLogPageDoc,
} from './version-log';

/**
 * Keeps one read model up to date from its events topic. Progress is stored in MongoDB right
 * after the batch it belongs to, and each partition starts from that stored position, so a
 * SIGKILL at any moment costs at most a replay of one batch, which the version guard absorbs.
 */
export class ProjectionRunner<E, D extends ReadModelDoc> {
  private consumer?: Consumer;
  private generation = 0;
  /** Where each partition's next batch must begin: its stored checkpoint. */
  private readonly positions: BatchPositions;
  readonly groupId: string;
  private readonly checkpoints: CheckpointStore;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly db: Db,
    checkpoints: CheckpointStore,
    private readonly projection: Projection<E, D>,
    private readonly dlqProducer: Producer,
    private readonly logger: BusLogger,
    private readonly maxBatch = 1_000,
    private readonly onFatal: (err: Error) => void = (err) => {
      console.error(err);
      process.exit(1);
    },
  ) {
    this.checkpoints = checkpoints;
    this.groupId = topics.group(`acd.projector.${projection.name}`);
    this.positions = new BatchPositions(kafka, `projector ${projection.name}`, logger, (topic, p) =>
      checkpoints.offset(projection.name, topic, p),
    );
  }

  private get topic(): string {
    return this.topics.of(this.projection.topic);
  }

  private get collection(): Collection<D> {
    return this.db.collection<D>(this.projection.collection);
  }

  private feed?: ChangeFeedWriter;
  private feedGeneration = -1;

  /** The change feed of the current generation (a rebuild starts a new one). */
  private feedWriter(): ChangeFeedWriter | undefined {
    if (!this.projection.feed) return undefined;
    if (!this.feed || this.feedGeneration !== this.generation) {
      this.feed = new ChangeFeedWriter(
        this.db.collection<FeedPageDoc>(feedCollectionOf(this.projection, this.generation)),
      );
      this.feedGeneration = this.generation;
    }
    return this.feed;
  }

  private log?: VersionLogWriter;
  private logGeneration = -1;

  /** The version log of the current generation (a rebuild starts a new one). */
  private logWriter(): VersionLogWriter | undefined {
    if (!this.projection.versionLog) return undefined;
    if (!this.log || this.logGeneration !== this.generation) {
      this.log = new VersionLogWriter(
        this.db.collection<VersionLogPageDoc>(
          versionLogCollectionOf(this.projection, this.generation),
        ),
      );
      this.logGeneration = this.generation;
    }
    return this.log;
  }

  /** The counters of the current generation (a rebuild starts new ones). */
  private countersCollection(): Collection<CounterDayDoc> | undefined {
    if (!this.projection.counters) return undefined;
    return this.db.collection(countersCollectionOf(this.projection, this.generation));
  }

  async start(): Promise<void> {
    await this.backfillFeed();
    this.generation = await this.checkpoints.generation(this.projection.name);
    if (!(await isFerretDb(this.db))) await this.projection.createIndexes(this.collection);
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 4 * 1024 * 1024,
      // A crashed projector's partitions are handed over after this long, and a consumer that
      // kafkajs restarts as a new member (after a broker died, say) joins after its old self
      // expires: kafkajs' default of 30 s held read models back that long. Heartbeats go out
      // between the writes of a slice, each bounded by the store timeout.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.positions.forget();
      // Another projector may have appended to a partition's feed meanwhile.
      this.feed?.forget();
      this.log?.forget();
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.logger.error('projection consumer crashed', {
        projection: this.projection.name,
        error: payload.error.message,
        restart: payload.restart,
      });
      // kafkajs gives up on some errors; a projector without a consumer must not linger
      // looking healthy. Exit and let the supervisor start a fresh one from the checkpoint.
      if (!payload.restart) this.onFatal(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        try {
          await this.handleBatch(payload);
        } catch (err) {
          this.logger.error('projection batch failed; it will be retried', {
            projection: this.projection.name,
            partition: payload.batch.partition,
            error: err instanceof Error ? err.message : String(err),
          });
          // What this process remembers of the store (the feed's and the version log's head
          // pages, where the partition stands) may be ahead of what a failed write left there:
          // the retry reads it all again from the store and starts at the stored checkpoint.
          this.feed?.forget();
          this.log?.forget();
          this.positions.forget(this.topic, payload.batch.partition);
          throw err;
        }
      },
    });
  }

  /**
   * A read model built before it had a change feed (or whose feed was lost) has documents but
   * no feed, and its lists would come back empty. The feed is written only from the log, so
   * such a model is rebuilt once, before the live consumer starts.
   */
  private async backfillFeed(): Promise<void> {
    if (!this.projection.feed && !this.projection.versionLog && !this.projection.counters) return;
    const generation = await this.checkpoints.generation(this.projection.name);
    const hasFeed =
      !this.projection.feed ||
      (await readFeedMeta(this.db.collection(feedCollectionOf(this.projection, generation))));
    const hasLog =
      !this.projection.versionLog ||
      (await this.db
        .collection(versionLogCollectionOf(this.projection, generation))
        .findOne({ _id: 'meta' } as never));
    const hasCounts =
      !this.projection.counters ||
      (await hasCounters(this.db.collection(countersCollectionOf(this.projection, generation))));
    if (hasFeed && hasLog && hasCounts) return;
    // An empty filter with a limit is answered without a scan, FerretDB v1 included.
    if ((await this.collection.find({}).limit(1).toArray()).length === 0) {
      // A model that starts empty keeps its counters from its first event.
      if (this.projection.counters)
        await markCounters(this.db.collection(countersCollectionOf(this.projection, generation)));
      return;
    }
    this.logger.info('read model has no change feed yet: rebuilding it once from the log', {
      projection: this.projection.name,
      generation,
    });
    const started = Date.now();
    const result = await rebuildProjection({
      kafka: this.kafka,
      topics: this.topics,
      codec: this.codec,
      db: this.db,
      checkpoints: this.checkpoints,
      projection: this.projection,
    });
    this.logger.info('change feed written', {
      projection: this.projection.name,
      ...result,
      ms: Date.now() - started,
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.positions.close();
  }

  /** Reads the stored checkpoint again and seeks there. */
  private async reposition(partition: number): Promise<void> {
    const offset = await this.checkpoints.offset(this.projection.name, this.topic, partition);
    if (offset === undefined) this.positions.forget(this.topic, partition);
    else this.positions.moved(this.topic, partition, offset);
    this.seek(partition, offset ?? '0');
  }

  private seek(partition: number, offset: string): void {
    this.positions.seeking(this.topic, partition, offset);
    this.consumer?.seek({ topic: this.topic, partition, offset });
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale()) return;
    if (batch.messages.length === 0) return;
    // Applied only from exactly the stored checkpoint (see BatchPositions): nothing is skipped,
    // whatever position the client had.
    const verdict = await this.positions.check(batch);
    if (!verdict.take) return this.seek(batch.partition, verdict.seekTo);

    // A large fetch is applied slice by slice, each slice checkpointed after its data, so a
    // crash costs at most one slice and nothing fetched is fetched twice. The last slice's
    // checkpoint is past the batch's end, transaction markers after its last record included:
    // the next batch begins there (kafkajs resolves the same offset).
    for (let i = 0; i < batch.messages.length; i += this.maxBatch) {
      if (!isRunning() || isStale()) return;
      const slice = batch.messages.slice(i, i + this.maxBatch);
      const last = slice[slice.length - 1]!;
      const end = i + this.maxBatch >= batch.messages.length ? batch.lastOffset() : last.offset;
      if (!(await this.applySlice(batch.partition, slice, end, heartbeat))) return;
      resolveOffset(last.offset);
      await heartbeat();
    }
  }

  /**
   * Applies one slice and checkpoints the offset after `end`; false when a rebuild moved the
   * model meanwhile.
   */
  private async applySlice(
    partition: number,
    messages: EachBatchPayload['batch']['messages'],
    end: string,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const last = messages[messages.length - 1];
    if (!last) return true;
    const envelopes: EventEnvelope<E>[] = [];
    const offsets: string[] = [];
    const letters: ReturnType<typeof deadLetter>[] = [];
    for (const message of messages) {
      try {
        envelopes.push(decodeEnvelope<E>(this.codec, message));
        offsets.push(message.offset);
      } catch (err) {
        letters.push(
          deadLetter({ topic: this.topic, partition, consumerGroup: this.groupId }, message, err),
        );
      }
    }
    // The dead letters are durable before the checkpoint moves past them: nothing is lost.
    await sendDeadLetters(this.dlqProducer, this.topics.dlqOf(this.projection.topic), letters);
    if (letters.length > 0) {
      this.logger.warn('records moved to the dead-letter topic', {
        topic: this.topic,
        partition,
        count: letters.length,
      });
    }
    // The feed before the data (a reader who can read a document finds it in the lists too)
    // and both before the checkpoint (a crash replays the slice; the feed skips what it holds).
    await applyEvents(this.projection, this.collection, envelopes, {
      between: heartbeat,
      beforeWrite: beforeWriting(
        this.projection,
        partition,
        envelopes,
        offsets,
        this.feedWriter(),
        this.logWriter(),
        this.countersCollection(),
      ),
    });
    const next = (BigInt(end) + 1n).toString();
    const saved = await this.checkpoints.save(
      this.projection.name,
      this.topic,
      partition,
      next,
      this.generation,
    );
    if (!saved) {
      // A rebuild swapped the read model under us: continue from its checkpoint.
      const previous = this.generation;
      this.generation = await this.checkpoints.generation(this.projection.name);
      // Anything this projector appended to the old generation's feed or log is nobody's now.
      if (this.projection.feed) {
        await this.db
          .collection(feedCollectionOf(this.projection, previous))
          .drop()
          .catch(() => undefined);
      }
      if (this.projection.versionLog) {
        await this.db
          .collection(versionLogCollectionOf(this.projection, previous))
          .drop()
          .catch(() => undefined);
      }
      if (this.projection.counters) {
        await this.db
          .collection(countersCollectionOf(this.projection, previous))
          .drop()
          .catch(() => undefined);
      }
      this.logger.info('read model was rebuilt; re-positioning', {
        projection: this.projection.name,
        generation: this.generation,
      });
      await this.reposition(partition);
      return false;
    }
    this.positions.moved(this.topic, partition, next);
    // Kafka's committed offset only mirrors the checkpoint (for lag monitoring); losing group
    // membership mid-batch must not fail a batch whose checkpoint is already stored.
    await this.consumer
      ?.commitOffsets([{ topic: this.topic, partition, offset: next }])
      .catch((err: unknown) =>
        this.logger.warn('offset commit to Kafka failed; the MongoDB checkpoint stands', {
          partition,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    return true;
  }
}

/**
 * Replays the whole events topic into a fresh collection, then swaps it in by rename and moves
 * the checkpoints to the new generation. The live projector notices the new generation at its
 * next checkpoint and continues from the rebuild's end, so nothing is skipped or applied twice.
 */
export async function rebuildProjection<E, D extends ReadModelDoc>(args: {
  kafka: Kafka;
  topics: TopicNames;
  codec: WireCodec;
  db: Db;
  checkpoints: CheckpointStore;
  projection: Projection<E, D>;
  onProgress?: (p: LogProgress) => void;
}): Promise<{ events: number; undecodable: number; generation: number; documents: number }> {
  const { kafka, topics, codec, db, checkpoints, projection } = args;
  const topic = topics.of(projection.topic);
  const generation = (await checkpoints.generation(projection.name)) + 1;
  const scratchName = `${projection.collection}_rebuild_${generation}`;
  const scratch = db.collection<D>(scratchName);
  await scratch.drop().catch(() => undefined);
  await db.createCollection(scratchName);
  if (!(await isFerretDb(db))) await projection.createIndexes(scratch);
  const feedName = feedCollectionOf(projection, generation);
  const feed = projection.feed
    ? new ChangeFeedWriter(db.collection<FeedPageDoc>(feedName))
    : undefined;
  if (feed)
    await db
      .collection(feedName)
      .drop()
      .catch(() => undefined);
  const logName = versionLogCollectionOf(projection, generation);
  const log = projection.versionLog
    ? new VersionLogWriter(db.collection<VersionLogPageDoc>(logName))
    : undefined;
  if (log)
    await db
      .collection(logName)
      .drop()
      .catch(() => undefined);
  const countsName = countersCollectionOf(projection, generation);
  const counts = projection.counters ? db.collection<CounterDayDoc>(countsName) : undefined;
  if (counts) {
    await counts.drop().catch(() => undefined);
    await markCounters(counts);
  }
  let events = 0;
  let undecodable = 0;
  let inserted = 0;
  const ends = await readLogToEnd(
    kafka,
    topic,
    topics.group(`acd.projector.${projection.name}.rebuild`),
    async (batch) => {
      const envelopes: EventEnvelope<E>[] = [];
      const offsets: string[] = [];
      for (const m of batch.messages) {
        try {
          envelopes.push(decodeEnvelope<E>(codec, m));
          offsets.push(m.offset);
        } catch {
          undecodable += 1; // the live projector has already dead-lettered it
        }
      }
      events += envelopes.length;
      const applied = await applyEvents(projection, scratch, envelopes, {
        beforeWrite: beforeWriting(
          projection,
          batch.partition,
          envelopes,
          offsets,
          feed,
          log,
          counts,
        ),
      });
      // Every document enters the scratch collection once, by insert: counting those counts
      // the model (a countDocuments would read the whole collection on FerretDB).
      inserted += applied.inserted;
    },
    args.onProgress,
  );
  const documents = inserted;
  await swapIn(db, scratchName, projection.collection);
  await checkpoints.overwrite(projection.name, topic, ends, generation);
  await checkpoints.setGeneration(projection.name, generation);
  if (feed) {
    await db
      .collection(feedCollectionOf(projection, generation - 1))
      .drop()
      .catch(() => undefined);
  }
  if (counts) {
    await db
      .collection(countersCollectionOf(projection, generation - 1))
      .drop()
      .catch(() => undefined);
  }
  if (log) {
    await db
      .collection(versionLogCollectionOf(projection, generation - 1))
      .drop()
      .catch(() => undefined);
  }
  return { events, undecodable, generation, documents };
}

/**
 * What is appended before a slice's documents are written: the change feed, then the version log
 * (which records its entries' places on the documents about to be written). Both before the data,
 * so a reader who can read a document finds it in the lists too, and both before the checkpoint,
 * so a crash replays the slice and each skips what it already holds.
 */
function beforeWriting<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  partition: number,
  envelopes: EventEnvelope<E>[],
  offsets: string[],
  feed: ChangeFeedWriter | undefined,
  log: VersionLogWriter | undefined,
  counts?: Collection<CounterDayDoc>,
): (documents: Map<string, D>, transitions: readonly Transition<E, D>[]) => Promise<void> {
  return async (documents, transitions) => {
    if (feed)
      await feed.append(partition, feedEntriesOf(projection, envelopes, offsets, documents));
    if (log)
      await log.append(partition, versionLogInputsOf(projection, envelopes, offsets, documents));
    if (counts && projection.counters)
      await writeCounters(projection.counters, counts, partition, envelopes, offsets, transitions);
  };
}

/**
 * Renames the scratch collection over the live one. MongoDB does it atomically with dropTarget;
 * FerretDB v1 does not implement dropTarget, so there we drop and rename, retrying if the live
 * projector re-created the target in between (readers may see an empty model for that moment).
 */
async function swapIn(db: Db, from: string, to: string): Promise<void> {
  try {
    await db.renameCollection(from, to, { dropTarget: true });
    return;
  } catch (err) {
    if (!/dropTarget/i.test(err instanceof Error ? err.message : '')) throw err;
  }
  for (let attempt = 1; ; attempt += 1) {
    await db.dropCollection(to).catch(() => false);
    try {
      await db.renameCollection(from, to);
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
    }
  }
}
