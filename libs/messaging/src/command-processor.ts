import type { Kafka, KafkaMessage, Message as KafkaOut } from 'kafkajs';
import {
  applyEnvelope,
  emptyAggregate,
  eventIdFor,
  type Aggregate,
  type CommandContext,
  type EventEnvelope,
  type Refusal,
} from '@acd/event-sourcing';
import type { BoundedContext, Message } from './bounded-context';
import { decodeEnvelope, decodeTyped } from './envelope-codec';
import { eventHeaders, H, header, requireHeader } from './headers';
import type { BusLogger } from './kafka';
import { readLogToEnd } from './log-reader';
import type { CommandReply } from './command-reply';
import type { TopicNames } from './topics';
import {
  TransactionalWorker,
  type PoisonRecord,
  type SliceWork,
  type WorkerSlice,
} from './transactional-worker';
import { shortName, type WireCodec } from './wire-codec';
import { StageTimings } from './stage-timings';

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
  /**
   * Aggregates with an event this processor cannot decode (written with a newer schema
   * version, during an upgrade): their state is not known, so no command on them is decided.
   */
  private readonly unreadable = new Set<string>();
  private readonly clock: () => Date;
  readonly groupId: string;
  private readonly timings: StageTimings;
  private readonly worker: TransactionalWorker;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly context: BoundedContext<C, E, S>,
    private readonly opts: CommandProcessorOptions,
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.groupId = topics.group(`acd.${context.name}.processor`);
    this.timings = new StageTimings(`${context.name} processor`, opts.logger);
    this.worker = new TransactionalWorker(kafka, {
      name: `${context.name} processor`,
      groupId: this.groupId,
      // Per instance: processors scale out by partition, and a restarted instance fences its
      // own predecessor before it loads state, so no undecided transaction hides events from it.
      transactionalId: topics.group(`acd.${context.name}.processor.${opts.instanceId}`),
      topics: [topics.of(context.commandsTopic)],
      maxPerTransaction: opts.maxTransaction ?? 500,
      // Partitions fetched together are decided together (see decideSlices).
      partitionsConcurrently: opts.partitionsConcurrently ?? 16,
      prepare: () => this.reload(),
      // After a rebalance another instance may have written events for partitions we now own.
      prepareAfterRebalance: true,
      handle: (slices) => this.decideSlices(slices),
      logger: opts.logger,
    });
  }

  start(): Promise<void> {
    return this.worker.start();
  }

  async stop(): Promise<void> {
    this.timings.stop();
    await this.worker.stop();
  }

  private async reload(): Promise<void> {
    const started = Date.now();
    this.aggregates.clear();
    this.commandOwners.clear();
    this.unreadable.clear();
    let events = 0;
    await readLogToEnd(
      this.kafka,
      this.topics.of(this.context.eventsTopic),
      this.groupId,
      (batch) => {
        for (const m of batch.messages) {
          const envelope = this.decodeEvent(m);
          if (!envelope) {
            // Its aggregate's state past this event is unknown (see `unreadable`); a record
            // that names no aggregate is poison, not an event of ours.
            const id = header(m.headers, H.aggregateId);
            if (id) this.unreadable.add(id);
            continue;
          }
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
    this.opts.logger.info('state loaded from the event log', {
      context: this.context.name,
      events,
      aggregates: this.aggregates.size,
      ms: Date.now() - started,
    });
    if (this.unreadable.size > 0) {
      this.opts.logger.warn(
        'events this version cannot read (a newer schema version?): their aggregates take no commands until it can',
        { context: this.context.name, aggregates: this.unreadable.size },
      );
    }
  }

  private decodeEvent(m: KafkaMessage): EventEnvelope<E> | null {
    try {
      return decodeEnvelope<E>(this.codec, m);
    } catch {
      // Not ours to judge here: the projector dead-letters undecodable events.
      return null;
    }
  }

  /**
   * Decides the slices that partitions handed in together, in order, against one overlay; the
   * worker writes their events, replies, dead letters and every partition's new position in one
   * transaction. Commands of different partitions concern different aggregates, so deciding
   * them together changes no decision; it only spares each its own transaction.
   */
  private decideSlices(slices: readonly WorkerSlice[]): SliceWork {
    const t0 = performance.now();
    if (this.timings.enabled) {
      const arrived = Date.now();
      for (const sl of slices) {
        for (const m of sl.messages)
          this.timings.record('command queued', arrived - Number(m.timestamp));
      }
      this.timings.record('partitions per transaction', slices.length);
      this.timings.record(
        'commands per transaction',
        slices.reduce((n, sl) => n + sl.messages.length, 0),
      );
    }

    // Decisions go into an overlay first: if the transaction fails, memory still matches the log.
    const overlay = new Map<string, Aggregate<S>>();
    const owners = new Map<string, string>();
    const events: KafkaOut[] = [];
    const replies: KafkaOut[] = [];
    const poison: PoisonRecord[] = [];
    const now = this.clock();

    for (const sl of slices) {
      for (const message of sl.messages) {
        const outcome = this.decideOne(message, overlay, owners, now);
        if (outcome.poison !== undefined) {
          poison.push({ topic: sl.topic, partition: sl.partition, message, error: outcome.poison });
        }
        events.push(...outcome.events);
        if (outcome.reply) replies.push(outcome.reply);
      }
    }
    const t1 = performance.now();
    return {
      outputs: [
        { topic: this.topics.of(this.context.eventsTopic), messages: events },
        { topic: this.topics.of('commandReplies'), messages: replies },
      ],
      poison,
      afterCommit: () => {
        for (const [id, aggregate] of overlay) this.aggregates.set(id, aggregate);
        for (const [commandId, aggregateId] of owners) {
          this.commandOwners.set(commandId, aggregateId);
        }
        this.timings.record('decide', t1 - t0);
        this.timings.record('commit', performance.now() - t1);
      },
    };
  }

  private decideOne(
    message: KafkaMessage,
    overlay: Map<string, Aggregate<S>>,
    owners: Map<string, string>,
    now: Date,
  ): { events: KafkaOut[]; reply?: KafkaOut; poison?: unknown } {
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
    let issuer: CommandContext['issuedBy'];
    let correlationId: string;
    let actor: string | undefined;
    try {
      if (!message.value)
        throw Object.assign(new Error('empty command'), { reason: 'empty-value' });
      const { fullName, value } = decodeTyped(
        this.codec,
        message.value,
        header(message.headers, H.commandType),
      );
      command = { type: shortName(fullName), data: value } as C;
      requireHeader(message.headers, H.commandId);
      issuer = {
        orgId: requireHeader(message.headers, H.orgId),
        kind: requireHeader(message.headers, H.orgKind),
        sector: header(message.headers, H.orgSector) ?? null,
        ...(header(message.headers, H.orgCouncil) === 'bound' ? { councilBound: true } : {}),
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
      actor = header(message.headers, H.actor);
    } catch (err) {
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
      return { events: [], poison: err, ...(refusal ? { reply: refusal } : {}) };
    }
    const id = commandId as string;

    const aggregate =
      overlay.get(aggregateId) ??
      this.aggregates.get(aggregateId) ??
      emptyAggregate(this.context.decider.initialState);

    const refused = (refusal: Refusal, version = aggregate.version) => {
      const r = reply({
        aggregateId,
        outcome: 'REFUSED',
        version,
        eventIds: [],
        duplicate: false,
        code: refusal.code,
        reason: refusal.reason,
        field: refusal.field ?? null,
      });
      return { events: [], ...(r ? { reply: r } : {}) };
    };

    // Deciding on what could be read of such an aggregate would write a version it already has
    // (or accept a command its unread events settled), so it takes none: retryable, since an
    // upgraded processor reads it. Its id tells nothing to a caller who could not name it.
    if (this.unreadable.has(aggregateId)) {
      return refused(
        {
          code: 'unavailable',
          reason:
            'this item has events this version of the bus cannot read (written by a newer version); it takes commands again once the bus is upgraded',
        },
        0,
      );
    }

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
      return refused(
        {
          code: 'invalid',
          reason:
            'this Idempotency-Key was already used for a different request; retry a request only with its own key, and use a new key for a new request',
          field: 'Idempotency-Key',
        },
        0,
      );
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
      return refused({ code: 'not-found', reason: decision.refusal.reason }, 0);
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
          ...(actor ? { actor } : {}),
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
