import type {
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Message as KafkaOut,
  Producer,
} from 'kafkajs';
import {
  applyEnvelope,
  emptyAggregate,
  eventIdFor,
  type Aggregate,
  type EventEnvelope,
  type Refusal,
} from '@acd/event-sourcing';
import type { BoundedContext, Message } from './bounded-context';
import { deadLetter } from './dead-letter';
import { decodeEnvelope } from './envelope-codec';
import { eventHeaders, H, header, requireHeader } from './headers';
import type { BusLogger } from './kafka';
import { readLogToEnd } from './log-reader';
import type { CommandReply } from './command-reply';
import type { TopicNames } from './topics';
import {
  commitSlices,
  forEachSlice,
  GroupCommitter,
  type ConsumedSlice,
  type SliceOutput,
} from './transactional-slice';
import { shortName, type WireCodec } from './wire-codec';
import { StageTimings } from './stage-timings';

/** A partition's run of fetched commands, handed to the group committer. */
interface Slice {
  partition: number;
  topic: string;
  messages: KafkaMessage[];
  isRunning: () => boolean;
  isStale: () => boolean;
  /** Set when decided: false if the partition was no longer ours and the slice was left alone. */
  committed?: boolean;
}

export interface CommandProcessorOptions {
  instanceId: string;
  clock?: () => Date;
  logger: BusLogger;
  /** Most commands decided in one transaction (default 500). */
  maxTransaction?: number;
  /** Partitions whose fetched commands are decided at once, in one transaction (default 16). */
  partitionsConcurrently?: number;
}

/**
 * The single writer of a context's aggregates. Commands arrive keyed by aggregate id, so one
 * partition, and therefore one processor, owns each aggregate; a whole fetched batch is
 * decided against in-memory state rebuilt from the events topic and written in one Kafka
 * transaction together with the replies and the consumed offsets. Either all of a batch's
 * events, replies and progress become visible, or none do and the batch is decided again.
 */
export class CommandProcessor<C extends Message, E extends Message, S> {
  private readonly aggregates = new Map<string, Aggregate<S>>();
  /**
   * command id → the aggregate it wrote to, across every aggregate this processor has loaded:
   * an Idempotency-Key reused for a command on another aggregate is recognised as reuse.
   */
  private readonly commandOwners = new Map<string, string>();
  private producer?: Producer;
  private consumer?: Consumer;
  private stale = true;
  private readonly clock: () => Date;
  readonly groupId: string;
  private readonly maxTransaction: number;
  private readonly timings: StageTimings;
  private readonly committer: GroupCommitter<Slice>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly context: BoundedContext<C, E, S>,
    private readonly opts: CommandProcessorOptions,
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.maxTransaction = opts.maxTransaction ?? 500;
    this.groupId = topics.group(`acd.${context.name}.processor`);
    this.timings = new StageTimings(`${context.name} processor`, opts.logger);
    this.committer = new GroupCommitter(this.maxTransaction, (slices) => this.decideSlices(slices));
  }

  async start(): Promise<void> {
    // Connecting a transactional producer aborts whatever its previous incarnation left open,
    // so the state we load next cannot miss events stuck behind an undecided transaction.
    this.producer = this.kafka.producer({
      transactionalId: this.topics.group(
        `acd.${this.context.name}.processor.${this.opts.instanceId}`,
      ),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
    });
    await this.producer.connect();
    await this.reload();

    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      // A crashed processor's partitions are handed over after this long.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    let firstJoin = true;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      // After a rebalance another instance may have written events for partitions we now own.
      if (!firstJoin) this.stale = true;
      firstJoin = false;
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: this.topics.of(this.context.commandsTopic),
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Partitions fetched together are decided together (see decideSlices).
      partitionsConsumedConcurrently: this.opts.partitionsConcurrently ?? 16,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.opts.logger.error('command consumer crashed', {
        context: this.context.name,
        error: payload.error.message,
        restart: payload.restart,
      });
      // Without a consumer the processor decides nothing; exit so the supervisor restarts it.
      if (!payload.restart) process.exit(1);
    });
  }

  async stop(): Promise<void> {
    this.timings.stop();
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async reload(): Promise<void> {
    const started = Date.now();
    this.aggregates.clear();
    this.commandOwners.clear();
    let events = 0;
    await readLogToEnd(
      this.kafka,
      this.topics.of(this.context.eventsTopic),
      this.groupId,
      (batch) => {
        for (const m of batch.messages) {
          const envelope = this.decodeEvent(m);
          if (!envelope) continue;
          const id = envelope.metadata.aggregateId;
          const current =
            this.aggregates.get(id) ?? emptyAggregate(this.context.decider.initialState);
          this.aggregates.set(id, applyEnvelope(this.context.decider, current, envelope));
          if (envelope.metadata.causationId) {
            this.commandOwners.set(envelope.metadata.causationId, id);
          }
          events += 1;
        }
      },
    );
    this.stale = false;
    this.opts.logger.info('state loaded from the event log', {
      context: this.context.name,
      events,
      aggregates: this.aggregates.size,
      ms: Date.now() - started,
    });
  }

  private decodeEvent(m: KafkaMessage): EventEnvelope<E> | null {
    try {
      return decodeEnvelope<E>(this.codec, m);
    } catch {
      // Not ours to judge here: the projector dead-letters undecodable events.
      return null;
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset, isRunning, isStale } = payload;
    await forEachSlice(payload, this.maxTransaction, async (messages) => {
      const last = messages[messages.length - 1];
      if (!last) return;
      const slice: Slice = {
        partition: batch.partition,
        topic: batch.topic,
        messages,
        isRunning,
        isStale,
      };
      await this.committer.submit(slice);
      if (!slice.committed) return;
      resolveOffset(last.offset);
      await heartbeat();
    });
  }

  /**
   * Decides the slices that partitions handed in together, in order, against one overlay, and
   * writes their events, replies, dead letters and every partition's new position in one
   * transaction. Commands of different partitions concern different aggregates, so deciding
   * them together changes no decision; it only spares each its own transaction.
   */
  private async decideSlices(slices: Slice[]): Promise<void> {
    const t0 = performance.now();
    if (this.stale) await this.reload();
    const producer = this.producer;
    if (!producer) throw new Error('processor not started');
    // A slice of a partition taken from us since it was fetched is left to its new owner.
    const live = slices.filter((sl) => {
      sl.committed = sl.isRunning() && !sl.isStale();
      return sl.committed;
    });
    if (live.length === 0) return;
    if (this.timings.enabled) {
      const arrived = Date.now();
      for (const sl of live) {
        for (const m of sl.messages)
          this.timings.record('command queued', arrived - Number(m.timestamp));
      }
      this.timings.record('partitions per transaction', live.length);
      this.timings.record(
        'commands per transaction',
        live.reduce((n, sl) => n + sl.messages.length, 0),
      );
    }

    // Decisions go into an overlay first: if the transaction fails, memory still matches the log.
    const overlay = new Map<string, Aggregate<S>>();
    const owners = new Map<string, string>();
    const events: KafkaOut[] = [];
    const replies: KafkaOut[] = [];
    const dead: KafkaOut[] = [];
    const now = this.clock();
    const consumed: ConsumedSlice[] = [];

    for (const sl of live) {
      for (const message of sl.messages) {
        const outcome = this.decideOne(message, sl.partition, overlay, owners, now);
        if (outcome.deadLetter) dead.push(outcome.deadLetter);
        events.push(...outcome.events);
        if (outcome.reply) replies.push(outcome.reply);
      }
      const last = sl.messages[sl.messages.length - 1];
      if (last) {
        consumed.push({
          groupId: this.groupId,
          topic: sl.topic,
          partition: sl.partition,
          lastOffset: last.offset,
        });
      }
    }

    const outgoing: SliceOutput[] = [
      { topic: this.topics.of(this.context.eventsTopic), messages: events },
      { topic: this.topics.of('commandReplies'), messages: replies },
      { topic: this.topics.dlqOf(this.context.commandsTopic), messages: dead },
    ];
    const t1 = performance.now();
    try {
      await commitSlices(producer, consumed, outgoing);
    } catch (err) {
      this.opts.logger.error('command batch transaction failed; it will be decided again', {
        context: this.context.name,
        partitions: consumed.map((c) => c.partition),
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
    for (const [id, aggregate] of overlay) this.aggregates.set(id, aggregate);
    for (const [commandId, aggregateId] of owners) this.commandOwners.set(commandId, aggregateId);
    this.timings.record('decide', t1 - t0);
    this.timings.record('commit', performance.now() - t1);
  }

  private decideOne(
    message: KafkaMessage,
    partition: number,
    overlay: Map<string, Aggregate<S>>,
    owners: Map<string, string>,
    now: Date,
  ): { events: KafkaOut[]; reply?: KafkaOut; deadLetter?: KafkaOut } {
    const commandId = header(message.headers, H.commandId);
    const replyTo = header(message.headers, H.replyTo);
    const reply = (r: Omit<CommandReply, 'commandId'>): KafkaOut | undefined =>
      commandId === undefined
        ? undefined
        : {
            key: commandId,
            value: this.codec.encode('jp.acd.bus.CommandReply', { commandId, ...r }),
            headers: { [H.commandId]: commandId, ...(replyTo ? { [H.replyTo]: replyTo } : {}) },
          };

    let command: C;
    let aggregateId: string;
    let issuer: { orgId: string; kind: string; sector: string | null };
    let correlationId: string;
    try {
      if (!message.value)
        throw Object.assign(new Error('empty command'), { reason: 'empty-value' });
      const { fullName, value } = this.codec.decode(message.value);
      command = { type: shortName(fullName), data: value } as C;
      requireHeader(message.headers, H.commandId);
      issuer = {
        orgId: requireHeader(message.headers, H.orgId),
        kind: requireHeader(message.headers, H.orgKind),
        sector: header(message.headers, H.orgSector) ?? null,
      };
      if (this.context.redirect) {
        command = this.context.redirect(
          command,
          issuer,
          (a) => overlay.has(a) || this.aggregates.has(a),
        );
      }
      aggregateId = this.context.aggregateIdOf(command);
      correlationId = header(message.headers, H.correlationId) ?? commandId ?? '';
    } catch (err) {
      const letter = deadLetter(
        {
          topic: this.topics.of(this.context.commandsTopic),
          partition,
          consumerGroup: this.groupId,
        },
        message,
        err,
      );
      const refusal = reply({
        aggregateId: header(message.headers, H.aggregateId) ?? '',
        outcome: 'REFUSED',
        version: 0,
        eventIds: [],
        duplicate: false,
        code: 'invalid',
        // The decoder's own words stay in the dead letter's headers, for operators, not callers.
        reason: 'the command could not be processed',
        field: null,
      });
      return { events: [], deadLetter: letter, ...(refusal ? { reply: refusal } : {}) };
    }
    const id = commandId as string;

    const aggregate =
      overlay.get(aggregateId) ??
      this.aggregates.get(aggregateId) ??
      emptyAggregate(this.context.decider.initialState);

    const refused = (refusal: Refusal) => {
      const r = reply({
        aggregateId,
        outcome: 'REFUSED',
        version: aggregate.version,
        eventIds: [],
        duplicate: false,
        code: refusal.code,
        reason: refusal.reason,
        field: refusal.field ?? null,
      });
      return { events: [], ...(r ? { reply: r } : {}) };
    };

    // A stored outcome answers only the request that produced it: same principal, same command
    // type, aggregate and body (the gateway's fingerprint). Anything else that arrives under a
    // used key is refused before the decider, the version or the stored outcome is consulted, so
    // a reused key can neither borrow another request's authority nor overwrite its outcome.
    const fingerprint = header(message.headers, H.commandFingerprint) ?? '';
    const owner = owners.get(id) ?? this.commandOwners.get(id);
    const done = owner === aggregateId ? aggregate.processed.get(id) : undefined;
    if (
      (owner !== undefined && owner !== aggregateId) ||
      (done && done.fingerprint !== fingerprint)
    ) {
      const r = reply({
        aggregateId,
        outcome: 'REFUSED',
        version: 0,
        eventIds: [],
        duplicate: false,
        code: 'invalid',
        reason:
          'this Idempotency-Key was already used for a different request; retry a request only with its own key, and use a new key for a new request',
        field: 'Idempotency-Key',
      });
      return { events: [], ...(r ? { reply: r } : {}) };
    }
    if (done) {
      const r = reply({
        aggregateId,
        outcome: 'ACCEPTED',
        version: done.version,
        eventIds: done.eventIds,
        duplicate: true,
        code: null,
        reason: null,
        field: null,
      });
      return { events: [], ...(r ? { reply: r } : {}) };
    }

    const decision = this.context.decider.decide(command, aggregate.state, {
      issuedBy: issuer,
      now,
    });
    // What the issuer may not see does not exist for it: that answer comes before a stale
    // If-Match is answered with the aggregate's version, and it carries no version of its own.
    if (!decision.ok && decision.refusal.code === 'not-found') {
      const r = reply({
        aggregateId,
        outcome: 'REFUSED',
        version: 0,
        eventIds: [],
        duplicate: false,
        code: 'not-found',
        reason: decision.refusal.reason,
        field: null,
      });
      return { events: [], ...(r ? { reply: r } : {}) };
    }
    const expected = header(message.headers, H.expectedVersion);
    if (expected !== undefined && Number(expected) !== aggregate.version) {
      return refused({
        code: 'conflict',
        reason: `expected version ${expected}, but the aggregate is at version ${aggregate.version}`,
      });
    }
    if (!decision.ok) return refused(decision.refusal);

    let next = aggregate;
    const out: KafkaOut[] = [];
    decision.events.forEach((event, index) => {
      const envelope: EventEnvelope<E> = {
        metadata: {
          eventId: eventIdFor(id, index, aggregateId),
          eventType: event.type,
          aggregateId,
          aggregateVersion: next.version + 1,
          orgId: issuer.orgId,
          occurredAt: now,
          correlationId,
          causationId: id,
          ...(fingerprint ? { commandFingerprint: fingerprint } : {}),
        },
        event,
      };
      next = applyEnvelope(this.context.decider, next, envelope);
      out.push({
        key: aggregateId,
        value: this.codec.encode(`${this.context.namespace}.${event.type}`, event.data),
        headers: eventHeaders(envelope.metadata),
        timestamp: String(now.getTime()),
      });
    });
    overlay.set(aggregateId, next);
    if (out.length > 0) owners.set(id, aggregateId);
    const r = reply({
      aggregateId,
      outcome: 'ACCEPTED',
      version: next.version,
      eventIds: next.processed.get(id)?.eventIds ?? [],
      duplicate: false,
      code: null,
      reason: null,
      field: null,
    });
    return { events: out, ...(r ? { reply: r } : {}) };
  }
}
