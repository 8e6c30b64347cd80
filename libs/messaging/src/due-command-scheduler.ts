import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { EventEnvelope } from '@acd/event-sourcing';
import { decodeEnvelope } from './envelope-codec';
import { H } from './headers';
import type { BusLogger } from './kafka';
import { readLogToEnd } from './log-reader';
import type { TopicKey, TopicNames } from './topics';
import type { WireCodec } from './wire-codec';

/** A command some clock owes the bus. */
export interface DueCommand {
  /** Short record name; `${namespace}.${type}` is its Avro full name. */
  type: string;
  data: object;
  /** Deterministic per owed item, so every scheduler instance sends the same id for it. */
  commandId: string;
  /** Aggregate the command addresses: the Kafka key. */
  aggregateId: string;
}

/**
 * The pure part: folds the events topic into what is owed. An item must stay owed until the
 * event that settles it is applied; `due` is asked again on every tick.
 */
export interface DueBook<E = unknown> {
  apply(envelope: EventEnvelope<E>): void;
  due(now: Date): DueCommand[];
  /** Earliest due time in the book (epoch ms, possibly past), or null when nothing is owed. */
  nextDueAt(): number | null;
}

export interface DueCommandSchedulerOptions<E> {
  eventsTopic: TopicKey;
  commandsTopic: TopicKey;
  /** Avro namespace of the commands, e.g. 'jp.acd.reporting'. */
  namespace: string;
  book: DueBook<E>;
  /** Identity the commands run under (headers org-id, org-kind, org-sector). */
  issuer: { orgId: string; kind: string; sector: string | null };
  /** The law's clock: what "due" is measured against. Injected so tests move time. */
  clock?: () => Date;
  logger: BusLogger;
  /** How often the book is asked what is due (default 1000 ms). */
  tickMs?: number;
  /**
   * A command sent this long ago (real time) whose settling event has not arrived is sent again
   * (default 5000 ms): it was lost, or refused (the processor's clock behind ours).
   */
  resendAfterMs?: number;
  instanceId: string;
  /** Most commands in one produce request (default 500). */
  maxBatch?: number;
}

/**
 * Turns clocks into commands: reads an events topic into a {@link DueBook} and, every tick, sends
 * the commands the book says are owed, exactly as `CommandBus.send` would but without waiting for
 * a reply (the settling event on the events topic is the only acknowledgement that counts).
 *
 * There is no state of its own to persist: the events topic IS the persisted state.
 * - No misses: `start()` rebuilds every owed item from offset 0 before the first tick, and an item
 *   leaves the book only when its settling event is read back. A scheduler killed at any moment
 *   (before sending, after sending, before the event was written) is replaced by one that finds
 *   the same items still owed in the log and sends them again.
 * - No doubles: the decider answers a second command for an item already settled with no event
 *   (a deadline already missed or met, an order no longer open), and the command ids are
 *   deterministic, so the processor also recognises a repeat of a processed command by id. Two
 *   schedulers running at once, or a restarted one resending, therefore add no second event.
 * Time is only ever read from `clock`; whether an item is due is the decider's call again when it
 * decides (a command that arrives early is refused and simply resent after `resendAfterMs`).
 */
export class DueCommandScheduler<E = unknown> {
  private producer?: Producer;
  private consumer?: Consumer;
  private timer?: NodeJS.Timeout;
  private ticking: Promise<void> | null = null;
  private stopping = false;
  private started = false;
  private readonly clock: () => Date;
  private readonly tickMs: number;
  private readonly resendAfterMs: number;
  private readonly maxBatch: number;
  private readonly groupPrefix: string;
  /** Per partition: the offset after the last record applied to the book. */
  private readonly next = new Map<number, bigint>();
  /** command id → when (performance.now()) it was last sent. */
  private readonly inFlight = new Map<string, number>();
  private eventsApplied = 0;
  private undecodable = 0;
  private sentTotal = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly opts: DueCommandSchedulerOptions<E>,
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.tickMs = opts.tickMs ?? 1_000;
    this.resendAfterMs = opts.resendAfterMs ?? 5_000;
    this.maxBatch = opts.maxBatch ?? 500;
    this.groupPrefix = topics.group(`acd.scheduler.${opts.eventsTopic}`);
  }

  /** Commands sent so far by this instance (resends included). */
  get sent(): number {
    return this.sentTotal;
  }

  async start(): Promise<void> {
    // One life per instance: a restart is a new instance with a fresh book, rebuilt from the log.
    if (this.started) throw new Error('a scheduler instance starts once; create a new one');
    this.started = true;
    const started = Date.now();
    // Idempotent: a produce retried after a lost acknowledgement writes the command once.
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();

    const topic = this.topics.of(this.opts.eventsTopic);
    const ends = await readLogToEnd(this.kafka, topic, this.groupPrefix, (batch) => {
      for (const m of batch.messages) this.consume(batch.partition, m);
    });
    this.opts.logger.info('due book rebuilt from the event log', {
      instanceId: this.opts.instanceId,
      topic,
      events: this.eventsApplied,
      undecodable: this.undecodable,
      endOffsets: Object.fromEntries(ends),
      nextDueAt: this.opts.book.nextDueAt(),
      ms: Date.now() - started,
    });

    await this.followTail(topic);
    this.schedule();
  }

  /**
   * Follows the live tail from exactly where the rebuild stopped.
   *
   * Positioning: a fresh, uniquely named group (nothing committed, so no other instance's
   * progress applies) seeks every partition to the offset after the last record the rebuild
   * *applied*, not to the end offsets readLogToEnd returns. Those are high watermarks: a
   * transaction of the processor still open when the rebuild read them sits below the high
   * watermark but is invisible to a read_committed reader until it commits, and readLogToEnd
   * stops on idleness without it. Starting at the high watermark would skip such a transaction's
   * events for good (say an IncidentOpened: its deadlines would never be owed); starting right
   * after the last applied record re-reads only markers and aborted records, which
   * read_committed drops. The seek is done on every GROUP_JOIN, so a consumer that kafkajs
   * restarts after a crash resumes at the same place, and eachBatch skips anything below that
   * position, so a batch fetched before a seek took effect, or a re-read from the beginning,
   * is not applied twice (the book's version guard would also ignore it).
   */
  private async followTail(topic: string): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${this.groupPrefix}.tail.${this.opts.instanceId}.${randomUUID()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const partition of payload.memberAssignment[topic] ?? []) {
        const offset = this.next.get(partition);
        if (offset !== undefined) consumer.seek({ topic, partition, offset: offset.toString() });
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      this.opts.logger.error('scheduler event consumer crashed', {
        instanceId: this.opts.instanceId,
        error: payload.error.message,
        restart: payload.restart,
      });
      // Without the tail the book stops learning of new deadlines; exit so the supervisor
      // restarts us and the rebuild starts over from the log.
      if (!payload.restart) process.exit(1);
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        isRunning,
        isStale,
      }: EachBatchPayload) => {
        for (const m of batch.messages) {
          if (!isRunning() || isStale()) break;
          this.consume(batch.partition, m);
          resolveOffset(m.offset);
        }
        await heartbeat();
      },
    });
  }

  /** Applies one record of the events topic, once per offset. */
  private consume(partition: number, m: KafkaMessage): void {
    const offset = BigInt(m.offset);
    if (offset < (this.next.get(partition) ?? 0n)) return;
    this.next.set(partition, offset + 1n);
    let envelope: EventEnvelope<E>;
    try {
      envelope = decodeEnvelope<E>(this.codec, m);
    } catch {
      // Not ours to judge: the projector dead-letters undecodable events.
      this.undecodable += 1;
      return;
    }
    this.opts.book.apply(envelope);
    this.eventsApplied += 1;
  }

  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((err: unknown) =>
          this.opts.logger.error('scheduler tick failed; retrying on the next one', {
            instanceId: this.opts.instanceId,
            error: err instanceof Error ? err.message : String(err),
          }),
        )
        .finally(() => {
          this.ticking = null;
          this.schedule();
        });
    }, this.tickMs);
  }

  private async tick(): Promise<void> {
    const producer = this.producer;
    if (!producer || this.stopping) return;
    const now = this.clock();
    const first = this.opts.book.nextDueAt();
    if (first === null || first >= now.getTime()) {
      this.inFlight.clear();
      return;
    }
    const due = this.opts.book.due(now);
    const owed = new Set(due.map((c) => c.commandId));
    for (const id of this.inFlight.keys()) if (!owed.has(id)) this.inFlight.delete(id);
    const wall = performance.now();
    const toSend = due.filter((c) => {
      const sentAt = this.inFlight.get(c.commandId);
      return sentAt === undefined || wall - sentAt >= this.resendAfterMs;
    });
    if (toSend.length === 0) return;

    const resent = toSend.filter((c) => this.inFlight.has(c.commandId)).length;
    const topic = this.topics.of(this.opts.commandsTopic);
    let sent = 0;
    for (let i = 0; i < toSend.length; i += this.maxBatch) {
      const chunk = toSend.slice(i, i + this.maxBatch);
      const messages: Message[] = [];
      const ids: string[] = [];
      for (const c of chunk) {
        const message = this.toMessage(c, now);
        if (message) {
          messages.push(message);
          ids.push(c.commandId);
        } else {
          // Logged in toMessage; try again after the resend interval, not on every tick.
          this.inFlight.set(c.commandId, wall);
        }
      }
      if (messages.length === 0) continue;
      await producer.send({ topic, acks: -1, messages });
      const at = performance.now();
      for (const id of ids) this.inFlight.set(id, at);
      sent += messages.length;
    }
    this.sentTotal += sent;
    this.opts.logger.info('due commands sent', {
      instanceId: this.opts.instanceId,
      sent,
      resent,
      owed: due.length,
      now: now.toISOString(),
    });
  }

  /** The command record, with the headers `CommandBus.send` writes (no reply-to: nobody waits). */
  private toMessage(c: DueCommand, now: Date): Message | null {
    let value: Buffer;
    try {
      value = this.codec.encode(`${this.opts.namespace}.${c.type}`, c.data);
    } catch (err) {
      this.opts.logger.error('due command could not be encoded', {
        instanceId: this.opts.instanceId,
        type: c.type,
        commandId: c.commandId,
        error: err instanceof Error ? err.message : String(err),
      });
      return null;
    }
    const { issuer } = this.opts;
    return {
      key: c.aggregateId,
      value,
      headers: {
        [H.commandType]: c.type,
        [H.commandId]: c.commandId,
        [H.aggregateId]: c.aggregateId,
        [H.orgId]: issuer.orgId,
        [H.orgKind]: issuer.kind,
        ...(issuer.sector ? { [H.orgSector]: issuer.sector } : {}),
        [H.correlationId]: c.commandId,
        [H.occurredAt]: now.toISOString(),
      },
    };
  }

  /** Stops ticking, lets a tick under way finish its send, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }
}
