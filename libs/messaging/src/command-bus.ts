import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Message as KafkaOut, Producer } from 'kafkajs';
import type { CommandReply } from './command-reply';
import { H, header } from './headers';
import { withAdmin, type BusLogger } from './kafka';
import { StageTimings } from './stage-timings';
import type { TopicKey, TopicNames } from './topics';
import type { WireCodec } from './wire-codec';

export interface SendCommand {
  topic: TopicKey;
  /** Avro full name of the command record. */
  schema: string;
  aggregateId: string;
  commandId: string;
  data: object;
  issuer: { orgId: string; kind: string; sector: string | null; councilBound?: boolean };
  /** The member whose personal token sent the command: its events name them. */
  actor?: string;
  correlationId: string;
  idempotencyKey?: string;
  /** Digest of the request (type, aggregate, body, principal) that a retry must match. */
  fingerprint?: string;
  expectedVersion?: number;
}

export class CommandTimeoutError extends Error {
  constructor(readonly commandId: string) {
    super(`no outcome for command ${commandId} yet`);
  }
}

/**
 * Kafka did not take the command within the command timeout (the brokers lost their quorum, say):
 * the command was not accepted. The producer may still deliver it later, so a retry with the same
 * Idempotency-Key is the way to learn what became of it.
 */
export class CommandNotAcceptedError extends Error {
  constructor(readonly commandId: string) {
    super(`Kafka did not take command ${commandId} in time`);
  }
}

/** Most commands the gateway puts in one produce request (well under the broker's size limit). */
const MAX_COMMANDS_PER_REQUEST = 500;

interface Outgoing {
  topic: string;
  message: KafkaOut;
}

interface Waiter {
  resolve: (reply: CommandReply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request-reply over Kafka for the stateless gateway. Every gateway instance reads the reply
 * topic with a group of its own and keeps only the replies addressed to it (header reply-to);
 * the command id doubles as correlation key, so a client retry with the same idempotency key
 * joins the caller already waiting.
 */
/**
 * The longest a reply consumer may go without fetching before the bus replaces it: longer than a
 * broker restart and the rebalance after it take (about 10–20 s on the chaos cluster).
 */
export const REPLY_STALL_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class CommandBus {
  private producer?: Producer;
  private consumer?: Consumer;
  private readonly waiters = new Map<string, Waiter[]>();
  readonly instanceId = `gw-${randomUUID()}`;
  private ready = false;
  private readonly timings: StageTimings;
  private readonly outbox: (Outgoing & { resolve: () => void; reject: (err: Error) => void })[] =
    [];
  private producing = false;
  private lastFetchAt = 0;
  private watchdog?: NodeJS.Timeout;
  private replacing?: Promise<void>;
  private stopping = false;
  /** The next offset to read on each partition of the replies topic, as far as this bus read. */
  private readonly replyPositions = new Map<number, string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly logger: BusLogger,
    private readonly timeoutMs: number,
    /** How long the reply consumer may go without a fetch before it is replaced. */
    private readonly stallMs = REPLY_STALL_MS,
  ) {
    this.timings = new StageTimings('gateway command bus', logger);
  }

  get isReady(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.markReplyPositions();
    await this.startReplyConsumer();
    this.ready = true;
    // A reply consumer that stops fetching (crashed for good, or stuck rejoining) would leave
    // every caller to wait out the command timeout, for ever: it is replaced instead.
    this.watchdog = setInterval(() => this.checkReplies(), Math.min(5_000, this.stallMs / 3));
    this.watchdog.unref();
  }

  /**
   * The group is this instance's own and starts where the log ended when the bus started. Its
   * position is
   * committed every second so that a consumer kafkajs restarts (after a broker died, say), or
   * one that replaces it, goes on from there: from the end it would miss the replies written
   * meanwhile, and their callers would wait out the command timeout. A reply read twice is
   * ignored.
   */
  private async startReplyConsumer(joinTimeoutMs?: number): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.topics.group(`acd.gateway.replies.${this.instanceId}`),
      readUncommitted: false,
      maxWaitTimeInMs: 50,
      // kafkajs restarts a consumer that lost its broker as a new group member; the old one
      // stays until its session times out, and the new one cannot join before that. Replies
      // wait meanwhile, so the session is as short as the brokers allow (their
      // group.min.session.timeout.ms is 6 s by default). The handler below never blocks.
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
    });
    this.lastFetchAt = Date.now();
    consumer.on(consumer.events.FETCH, () => {
      if (this.consumer === consumer) this.lastFetchAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer || this.stopping) return;
      this.logger.error('gateway reply consumer crashed', {
        error: payload.error.message,
        restart: payload.restart,
      });
      // kafkajs restarts it unless it gave up; then nothing would read replies again.
      if (!payload.restart) void this.replaceReplyConsumer('it crashed and kafkajs gave up');
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.of('commandReplies'), fromBeginning: false });
    // The positions below are taken at the first fetch after the join: the bus is not ready
    // until the consumer has joined and fetched once.
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.FETCH, () => {
        off();
        resolve();
      });
    });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachMessage: async ({ partition, message }) => {
        if (this.consumer === consumer) {
          this.replyPositions.set(partition, String(BigInt(message.offset) + 1n));
        }
        if (header(message.headers, H.replyTo) !== this.instanceId || !message.value) return;
        try {
          this.timings.record('reply transit', Date.now() - Number(message.timestamp));
          const { value } = this.codec.decode(message.value);
          this.settle(value as CommandReply);
        } catch (err) {
          this.logger.warn('undecodable reply ignored', { error: String(err) });
        }
      },
    });
    // Every partition starts where this bus last read it (or where it ended at start), not from
    // what the group last committed (nothing, if no reply came for a while) and never from the
    // end of the log.
    const topic = this.topics.of('commandReplies');
    for (const [partition, offset] of this.replyPositions)
      consumer.seek({ topic, partition, offset });
    if (joinTimeoutMs === undefined) return joined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no fetch within ${joinTimeoutMs} ms of starting`)),
        joinTimeoutMs,
      );
    });
    try {
      await Promise.race([joined, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Where each partition of the replies topic ends now, before this bus sends anything: the
   * reply consumer starts there, and so does one that replaces it on a partition this bus never
   * read a reply from (a group commits nothing for a partition it read nothing on, and a new
   * member would start at the end of the log, after the replies written meanwhile).
   */
  private async markReplyPositions(): Promise<void> {
    const topic = this.topics.of('commandReplies');
    const ends = await withAdmin(this.kafka, (admin) => admin.fetchTopicOffsets(topic));
    for (const { partition, offset } of ends) {
      if (!this.replyPositions.has(partition)) this.replyPositions.set(partition, offset);
    }
  }

  private checkReplies(): void {
    if (!this.ready || this.stopping || this.replacing) return;
    const silent = Date.now() - this.lastFetchAt;
    if (silent > this.stallMs) {
      void this.replaceReplyConsumer(`it has not fetched for ${Math.round(silent / 1000)} s`);
    }
  }

  /**
   * A new reply consumer in the same group, after the old one is let go (its disconnect is not
   * waited on for more than a few seconds: a stuck one may never answer). It resumes where this
   * bus last read each partition, so the replies written meanwhile reach their waiting callers.
   * A start that fails (a broker still down) is tried again, a little later each time.
   */
  private replaceReplyConsumer(reason: string): Promise<void> {
    if (this.replacing) return this.replacing;
    this.replacing = (async () => {
      this.logger.error('gateway reply consumer replaced', { reason });
      const old = this.consumer;
      this.consumer = undefined;
      await Promise.race([old?.disconnect().catch(() => undefined), sleep(5_000)]);
      for (let attempt = 1; !this.stopping; attempt += 1) {
        try {
          await this.startReplyConsumer(this.stallMs);
          this.logger.info('gateway reply consumer resumed', { attempt });
          return;
        } catch (err) {
          this.logger.warn('gateway reply consumer could not start yet; trying again', {
            attempt,
            error: err instanceof Error ? err.message : String(err),
          });
          const failed = this.consumer as Consumer | undefined;
          this.consumer = undefined;
          await Promise.race([failed?.disconnect().catch(() => undefined), sleep(5_000)]);
          await sleep(Math.min(1_000 * attempt, 5_000));
        }
      }
    })().finally(() => {
      this.replacing = undefined;
      this.lastFetchAt = Date.now();
    });
    return this.replacing;
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.stopping = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await this.replacing;
    for (const [, waiters] of this.waiters) {
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('gateway shutting down'));
      }
    }
    this.waiters.clear();
    this.timings.stop();
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  async send(cmd: SendCommand): Promise<CommandReply> {
    const producer = this.producer;
    if (!producer || !this.ready) throw new Error('command bus not started');
    const t0 = performance.now();
    const outcome = new Promise<CommandReply>((resolve, reject) => {
      const timer = setTimeout(() => this.expire(cmd.commandId), this.timeoutMs);
      const list = this.waiters.get(cmd.commandId) ?? [];
      list.push({ resolve, reject, timer });
      this.waiters.set(cmd.commandId, list);
    });
    // The timer may reject the outcome while the send below is still queued (a busy producer):
    // that rejection is the caller's, once it awaits; it must not crash the process meanwhile.
    outcome.catch(() => undefined);
    // The produce is not awaited on its own: when Kafka cannot take the command (no quorum, the
    // producer retrying), the caller still has its answer when the command timeout is up.
    let accepted = false;
    let t1 = t0;
    let out: Outgoing;
    try {
      out = {
        topic: this.topics.of(cmd.topic),
        message: {
          key: cmd.aggregateId,
          value: this.codec.encode(cmd.schema, cmd.data),
          headers: {
            [H.commandType]: cmd.schema.slice(cmd.schema.lastIndexOf('.') + 1),
            [H.commandId]: cmd.commandId,
            [H.aggregateId]: cmd.aggregateId,
            [H.orgId]: cmd.issuer.orgId,
            [H.orgKind]: cmd.issuer.kind,
            ...(cmd.issuer.sector ? { [H.orgSector]: cmd.issuer.sector } : {}),
            ...(cmd.issuer.councilBound === true ? { [H.orgCouncil]: 'bound' } : {}),
            ...(cmd.actor ? { [H.actor]: cmd.actor } : {}),
            [H.correlationId]: cmd.correlationId,
            [H.replyTo]: this.instanceId,
            [H.occurredAt]: new Date().toISOString(),
            ...(cmd.idempotencyKey ? { [H.idempotencyKey]: cmd.idempotencyKey } : {}),
            ...(cmd.fingerprint ? { [H.commandFingerprint]: cmd.fingerprint } : {}),
            ...(cmd.expectedVersion !== undefined
              ? { [H.expectedVersion]: String(cmd.expectedVersion) }
              : {}),
          },
        },
      };
    } catch (err) {
      // not encodable: the caller learns it now, as a failure of this command
      this.fail(cmd.commandId, err instanceof Error ? err : new Error(String(err)));
      return outcome;
    }
    void this.produce(producer, out).then(
      () => {
        accepted = true;
        t1 = performance.now();
        this.timings.record('produce (queued + request)', t1 - t0);
      },
      (err: unknown) =>
        this.fail(cmd.commandId, err instanceof Error ? err : new Error(String(err))),
    );
    const answer = outcome.catch((err: unknown) => {
      throw err instanceof CommandTimeoutError && !accepted
        ? new CommandNotAcceptedError(cmd.commandId)
        : err;
    });
    if (!this.timings.enabled) return answer;
    return answer.finally(() => {
      const t2 = performance.now();
      this.timings.record('produced to reply', t2 - t1);
      this.timings.record('send total', t2 - t0);
    });
  }

  /**
   * Group commit on the producer side: a command that arrives while a produce request is in
   * flight waits for it to finish and then goes out together with every other command that
   * arrived meanwhile, in one request. No timer (linger) is involved: one caller alone is sent at
   * once, and many callers share round trips instead of queueing for one each. Each caller
   * learns the outcome of the request that carried its command; order per aggregate is kept
   * because requests leave one at a time, in arrival order.
   */
  private produce(producer: Producer, out: Outgoing): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ ...out, resolve, reject });
      if (!this.producing) void this.drain(producer);
    });
  }

  private async drain(producer: Producer): Promise<void> {
    this.producing = true;
    try {
      while (this.outbox.length > 0) {
        const group = this.outbox.splice(0, MAX_COMMANDS_PER_REQUEST);
        const byTopic = new Map<string, KafkaOut[]>();
        for (const o of group) {
          const list = byTopic.get(o.topic) ?? [];
          list.push(o.message);
          byTopic.set(o.topic, list);
        }
        const t0 = performance.now();
        try {
          await producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
          for (const o of group) o.resolve();
        } catch (err) {
          // The callers learn it as a 503 (retry with the same key); the operator learns why.
          this.logger.warn('commands not taken by Kafka', {
            commands: group.length,
            error: err instanceof Error ? err.message : String(err),
          });
          for (const o of group) o.reject(err instanceof Error ? err : new Error(String(err)));
        }
        this.timings.record('produce request', performance.now() - t0);
        this.timings.record('commands per produce request', group.length);
      }
    } finally {
      this.producing = false;
    }
  }

  private settle(reply: CommandReply): void {
    const list = this.waiters.get(reply.commandId);
    if (!list) return;
    this.waiters.delete(reply.commandId);
    for (const w of list) {
      clearTimeout(w.timer);
      w.resolve(reply);
    }
  }

  private expire(commandId: string): void {
    this.fail(commandId, new CommandTimeoutError(commandId));
  }

  private fail(commandId: string, err: Error): void {
    const list = this.waiters.get(commandId);
    if (!list) return;
    this.waiters.delete(commandId);
    for (const w of list) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }
}
