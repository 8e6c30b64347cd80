import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { CompactRange } from '../domain/compact-range';
import { entryLeafHash, type AuditedFact } from '../domain/audit-entry';
import { LogAppender } from '../domain/log-appender';
import { type AuditSigningKey } from '../domain/tree-head';
import {
  commitSlice,
  decodeEnvelope,
  forEachSlice,
  header,
  H,
  readLogToEnd,
  type BusLogger,
  type TopicKey,
  type TopicNames,
  type WireCodec,
} from '@acd/messaging';
import { decodeLogRecord, encodeLogRecord } from './audit-log-record';

/**
 * What the audit log records, by source topic: every oversight event (votes, decisions,
 * operation steps), metadata submissions, re-identifications, penalty decisions, and every
 * recorded read or metadata query. `undefined` means every event type of the topic.
 */
export const AUDITED_SOURCES: readonly { topic: TopicKey; eventTypes?: readonly string[] }[] = [
  { topic: 'oversightEvents' },
  { topic: 'trafficEvents', eventTypes: ['FlowBatchReceived'] },
  { topic: 'indicatorEvents', eventTypes: ['PublisherReidentified'] },
  { topic: 'reportingEvents', eventTypes: ['PenaltyAssessed'] },
  { topic: 'auditReads' },
];

export interface AuditAppenderOptions {
  logger: BusLogger;
  /** Most entries appended in one transaction (default 500). */
  maxTransaction?: number;
  /** Called when this appender can no longer write (fenced by a newer one): stop the process. */
  onFatal(err: unknown): void;
  now?: () => number;
}

/**
 * The audit log's single writer. Consume-transform-produce in Kafka transactions: each slice of
 * audited events becomes entries (with their signed heads) on acd.audit.log.v1, committed with
 * the consumed offsets, so every audited fact is appended exactly once, in one order. The
 * transactional id is fixed: a second appender fences the first, whose next commit fails and
 * which then stops. On start it fences, then reads the log to its end (read-committed) to learn
 * the frontier and the next index, checking every record's head as it goes.
 */
export class AuditAppender {
  readonly groupId: string;
  readonly transactionalId: string;
  private producer?: Producer;
  private consumer?: Consumer;
  private appender: LogAppender;
  private readonly maxTransaction: number;
  private readonly sources: Map<string, readonly string[] | undefined>;
  private readonly logTopic: string;
  /** Set once a transaction failed: this instance never writes again. */
  private failed: unknown;
  private recovering = false;
  /** The recovery under way, if any: `stop` waits for it, so nothing starts after a stop. */
  private recovery?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly key: AuditSigningKey,
    private readonly opts: AuditAppenderOptions,
  ) {
    this.groupId = topics.group('acd.audit.appender');
    this.transactionalId = topics.group('acd.audit.appender');
    this.maxTransaction = opts.maxTransaction ?? 500;
    this.appender = new LogAppender(key);
    this.sources = new Map(AUDITED_SOURCES.map((s) => [topics.of(s.topic), s.eventTypes]));
    this.logTopic = topics.of('auditLog');
  }

  get size(): number {
    return this.appender.size;
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
    });
    // Connecting fences any older appender and aborts its open transaction, so the log read
    // next cannot grow behind our back.
    await this.producer.connect();
    // kafkajs registers the transactional id (InitProducerId) only at the first transaction:
    // open and abort an empty one now, so the fence is up before the log is read.
    const fence = await this.producer.transaction();
    await fence.abort();
    await this.rebuild();
    if (this.stopped) return;
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.opts.logger.error('audit appender consumer crashed', {
        error: payload.error.message,
        restart: payload.restart,
      });
      if (!payload.restart && !this.stopped) this.opts.onFatal(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.sources.keys()], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.recovery?.catch(() => undefined);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  /**
   * After a failed transaction: a fresh producer (which fences nothing but aborts what is
   * open), the frontier read from the log again, a fresh consumer from the committed offsets.
   * The same as a process restart, without one.
   */
  private recover(): Promise<void> {
    if (this.recovering || this.stopped) return Promise.resolve();
    this.recovering = true;
    this.recovery = this.recoverOnce();
    return this.recovery;
  }

  private async recoverOnce(): Promise<void> {
    try {
      await this.consumer?.disconnect().catch(() => undefined);
      await this.producer?.disconnect().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1_000));
      if (this.stopped) return;
      this.failed = undefined;
      await this.start();
      this.opts.logger.info('audit appender resumed', { size: this.size });
    } catch (err) {
      if (!this.stopped) this.opts.onFatal(err);
    } finally {
      this.recovering = false;
    }
  }

  /** The frontier from the log itself; refuses to extend a log whose records do not add up. */
  private async rebuild(): Promise<void> {
    const range = CompactRange.empty();
    let lastTimestamp = 0;
    let seen = -1n;
    await readLogToEnd(
      this.kafka,
      this.logTopic,
      this.topics.group('acd.audit.appender'),
      (batch) => {
        for (const message of batch.messages) {
          // A re-fetched batch (after a rebalance of the reader) must not count twice.
          if (BigInt(message.offset) <= seen) continue;
          seen = BigInt(message.offset);
          const { entry, head } = decodeLogRecord(this.codec, message);
          if (entry.index !== range.size)
            throw new Error(
              `audit log holds entry ${entry.index} where ${range.size} belongs (offset ${message.offset}); run acd audit verify --source topic`,
            );
          range.append(entryLeafHash(entry));
          if (head.rootHash !== range.root().toString('hex'))
            throw new Error(
              `audit log entry ${entry.index} does not match its signed head; run acd audit verify --source topic`,
            );
          lastTimestamp = head.timestamp;
        }
      },
    );
    this.appender = new LogAppender(this.key, range, lastTimestamp);
    this.opts.logger.info('audit log read to its end', { size: range.size });
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    await forEachSlice(payload, this.maxTransaction, (messages) =>
      this.appendSlice(payload, messages),
    );
  }

  private async appendSlice(
    { batch, heartbeat, resolveOffset }: EachBatchPayload,
    messages: KafkaMessage[],
  ): Promise<void> {
    const last = messages[messages.length - 1];
    const producer = this.producer;
    if (this.failed) throw this.failed;
    if (!last || !producer) return;
    const wanted = this.sources.get(batch.topic);
    // Entries go to a fork of the frontier, kept only once the transaction commits.
    const next = this.appender.fork();
    const now = this.opts.now ?? Date.now;
    const out = [];
    for (const message of messages) {
      const type = header(message.headers, H.eventType);
      if (wanted && (!type || !wanted.includes(type))) continue;
      const fact = this.factOf(batch.topic, batch.partition, message);
      const { entry, head } = next.append(fact, now());
      out.push(encodeLogRecord(this.codec, { entry, head }, this.key.keyId));
    }
    const consumed = {
      groupId: this.groupId,
      topic: batch.topic,
      partition: batch.partition,
      lastOffset: last.offset,
    };
    try {
      await commitSlice(producer, consumed, [{ topic: this.logTopic, messages: out }]);
    } catch (err) {
      // A failed commit may still have committed (the answer was lost), and a fenced producer
      // must never write again. Either way the only truth is the log: stop, and let a fresh
      // start read it (and the offsets committed with it) again.
      this.failed = err;
      if (this.stopped) throw err; // stopping: the next start reads the log anyway
      this.opts.logger.error(
        isFenced(err)
          ? 'audit appender fenced: another appender took over; this one stops'
          : 'audit transaction failed; restarting from the log',
        { topic: batch.topic, partition: batch.partition, error: errorText(err) },
      );
      if (isFenced(err)) this.opts.onFatal(err);
      else setTimeout(() => void this.recover(), 0);
      throw err;
    }
    this.appender = next;
    resolveOffset(last.offset);
    await heartbeat();
  }

  /** Generic: metadata from the envelope, the value as JSON; undecodable events are kept too. */
  private factOf(topic: string, partition: number, message: KafkaMessage): AuditedFact {
    const source = { topic, partition, offset: message.offset };
    try {
      const { metadata, event } = decodeEnvelope<{ type: string; data: unknown }>(
        this.codec,
        message,
      );
      return { metadata, data: event.data, source };
    } catch (err) {
      // An audited act that cannot be decoded is still an act: recorded with its raw bytes.
      const reason = err instanceof Error ? err.message : String(err);
      this.opts.logger.warn('audited event undecodable; appended with its raw value', {
        topic,
        partition,
        offset: message.offset,
        error: reason,
      });
      const at = new Date(Number(message.timestamp));
      return {
        metadata: {
          eventType: header(message.headers, H.eventType) ?? 'Undecodable',
          eventId: header(message.headers, H.eventId) ?? `${topic}/${partition}/${message.offset}`,
          orgId: header(message.headers, H.orgId) ?? '',
          aggregateId: message.key?.toString('utf8') ?? '',
          occurredAt: Number.isNaN(at.getTime()) ? new Date(0) : at,
        },
        data: { undecodable: reason, value: message.value ?? null },
        source,
      };
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isFenced(err: unknown): boolean {
  const e = err as { type?: string; name?: string; message?: string } | undefined;
  const text = `${e?.type ?? ''} ${e?.name ?? ''} ${e?.message ?? ''}`;
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|fenced/i.test(text);
}
