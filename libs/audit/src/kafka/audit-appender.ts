import { createHash } from 'node:crypto';
import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { CompactRange } from '../domain/compact-range';
import { type AuditedFact } from '../domain/audit-entry';
import { LogAppender } from '../domain/log-appender';
import { type AuditSigningKey } from '../domain/tree-head';
import {
  decodeEnvelope,
  header,
  H,
  readLogToEnd,
  TransactionalWorker,
  type BusLogger,
  type PoisonRecord,
  type SliceWork,
  type TopicKey,
  type TopicNames,
  type WireCodec,
  type WorkerSlice,
} from '@acd/messaging';
import { encodeLogRecord, frontierStep } from './audit-log-record';

/**
 * What the audit log records, by source topic: every oversight event (votes, decisions,
 * operation steps), metadata submissions, deletions of acquired communications information at
 * their retention, re-identifications, referrals to the public prosecutors and their outcomes
 * (and legacy penalties of old logs), and every recorded read or metadata query. `undefined`
 * means every event type of the topic.
 */
export const AUDITED_SOURCES: readonly {
  topic: TopicKey;
  eventTypes?: readonly string[];
  /**
   * The appender is the topic's only reader, so it also dead-letters what it cannot decode
   * (elsewhere the projector does). Every record is appended all the same.
   */
  deadLetters?: boolean;
}[] = [
  { topic: 'oversightEvents' },
  { topic: 'trafficEvents', eventTypes: ['FlowBatchReceived'] },
  // No DLQ: every record of it is appended, undecodable ones too, and the topic keeps them.
  { topic: 'trafficRetention' },
  { topic: 'indicatorEvents', eventTypes: ['PublisherReidentified'] },
  {
    topic: 'reportingEvents',
    eventTypes: ['CaseReferredToProsecutors', 'ProsecutionOutcomeRecorded', 'PenaltyAssessed'],
  },
  { topic: 'auditReads', deadLetters: true },
];

/** Bytes of an undecodable audited value kept in its entry (with its length and SHA-256). */
export const UNDECODABLE_KEPT_BYTES = 4 * 1024;
/** Longest header-derived string of an undecodable audited record kept in its entry. */
const UNDECODABLE_HEADER_CHARS = 256;

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
 * the frontier and the next index, checking every record's head as it goes: a record its key did
 * not sign, or an entry written again, is passed over (`extendFrontier`), never signed over.
 */
export class AuditAppender {
  readonly groupId: string;
  readonly transactionalId: string;
  private appender: LogAppender;
  private readonly sources: Map<string, readonly string[] | undefined>;
  private readonly deadLettered: Set<string>;
  private readonly logTopic: string;
  private readonly worker: TransactionalWorker;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly key: AuditSigningKey,
    private readonly opts: AuditAppenderOptions,
  ) {
    this.groupId = topics.group('acd.audit.appender');
    this.transactionalId = topics.group('acd.audit.appender');
    this.appender = new LogAppender(key);
    this.sources = new Map(AUDITED_SOURCES.map((s) => [topics.of(s.topic), s.eventTypes]));
    this.deadLettered = new Set(
      AUDITED_SOURCES.filter((s) => s.deadLetters).map((s) => topics.of(s.topic)),
    );
    this.logTopic = topics.of('auditLog');
    this.worker = new TransactionalWorker(kafka, {
      name: 'audit appender',
      groupId: this.groupId,
      transactionalId: this.transactionalId,
      topics: [...this.sources.keys()],
      maxPerTransaction: opts.maxTransaction ?? 500,
      prepare: () => this.rebuild(),
      handle: (slices) => this.appendSlices(slices),
      logger: opts.logger,
      onFatal: (err) => opts.onFatal(err),
    });
  }

  get size(): number {
    return this.appender.size;
  }

  start(): Promise<void> {
    return this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
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
          const step = frontierStep(range, this.key.publicKey, this.codec, message);
          if (step.kind === 'passed-over') {
            // Written by someone else, or again: never part of the tree this writer signs.
            this.opts.logger.error('audit log record passed over: not part of the signed log', {
              offset: message.offset,
              reason: step.reason,
            });
            continue;
          }
          lastTimestamp = step.head.timestamp;
        }
      },
    );
    this.appender = new LogAppender(this.key, range, lastTimestamp);
    this.opts.logger.info('audit log read to its end', { size: range.size });
  }

  private appendSlices(slices: readonly WorkerSlice[]): SliceWork {
    // Entries go to a fork of the frontier, kept only once the transaction commits.
    const next = this.appender.fork();
    const now = this.opts.now ?? Date.now;
    const out: Message[] = [];
    const poison: PoisonRecord[] = [];
    for (const { topic, partition, messages } of slices) {
      const wanted = this.sources.get(topic);
      for (const message of messages) {
        const type = header(message.headers, H.eventType);
        if (wanted && (!type || !wanted.includes(type))) continue;
        const { fact, error } = this.factOf(topic, partition, message);
        if (error !== undefined && this.deadLettered.has(topic))
          poison.push({ topic, partition, message, error });
        const { entry, head } = next.append(fact, now());
        out.push(encodeLogRecord(this.codec, { entry, head }, this.key.keyId));
      }
    }
    return {
      outputs: [{ topic: this.logTopic, messages: out }],
      poison,
      afterCommit: () => (this.appender = next),
    };
  }

  /** Generic: metadata from the envelope, the value as JSON; undecodable events are kept too. */
  private factOf(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): { fact: AuditedFact; error?: unknown } {
    const source = { topic, partition, offset: message.offset };
    try {
      const { metadata, event } = decodeEnvelope<{ type: string; data: unknown }>(
        this.codec,
        message,
      );
      return { fact: { metadata, data: event.data, source } };
    } catch (err) {
      // An audited act that cannot be decoded is still an act: recorded with what identifies it.
      const reason = err instanceof Error ? err.message : String(err);
      this.opts.logger.warn('audited event undecodable; appended with its value digest', {
        topic,
        partition,
        offset: message.offset,
        error: reason,
      });
      return { fact: undecodableFact(source, message, reason), error: err };
    }
  }
}

/**
 * The entry of an audited record that cannot be decoded: its headers' claims (cut short), and of
 * its value the first `UNDECODABLE_KEPT_BYTES`, its length and SHA-256. Never the whole value: a
 * record as large as the brokers take would make an entry larger than they take, and the log
 * would stop at it for good. The whole record stays at `source` in its topic (and, for a topic
 * the appender alone reads, in its DLQ).
 */
export function undecodableFact(
  source: AuditedFact['source'],
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'timestamp'>,
  reason: string,
): AuditedFact {
  const cut = (v: string | undefined) => v?.slice(0, UNDECODABLE_HEADER_CHARS);
  const at = new Date(Number(message.timestamp));
  const value = message.value ?? null;
  return {
    metadata: {
      eventType: cut(header(message.headers, H.eventType)) ?? 'Undecodable',
      eventId:
        cut(header(message.headers, H.eventId)) ??
        `${source.topic}/${source.partition}/${source.offset}`,
      orgId: cut(header(message.headers, H.orgId)) ?? '',
      aggregateId: cut(message.key?.toString('utf8')) ?? '',
      occurredAt: Number.isNaN(at.getTime()) ? new Date(0) : at,
    },
    data: {
      undecodable: reason.slice(0, 1000),
      value: value === null ? null : value.subarray(0, UNDECODABLE_KEPT_BYTES),
      valueBytes: value?.length ?? 0,
      valueSha256: value === null ? null : createHash('sha256').update(value).digest('hex'),
    },
    source,
  };
}
