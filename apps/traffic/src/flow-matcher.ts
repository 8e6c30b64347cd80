import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { IndicatorBreadth, IndicatorEvent } from '@acd/indicators';
import {
  commitSlice,
  deadLetter,
  decodeEnvelope,
  forEachSlice,
  eventHeaders,
  readLogToEnd,
  type BusLogger,
  type TopicNames,
  type WireCodec,
} from '@acd/messaging';
import {
  IndicatorIndex,
  matchFlowChunk,
  TRAFFIC_NAMESPACE,
  type FlowMatched,
  type FlowsAccepted,
} from '@acd/traffic';

export interface FlowMatcherOptions {
  instanceId: string;
  logger: BusLogger;
  /** Most flow records (chunks) matched in one transaction (default 50). */
  maxTransaction?: number;
  clock?: () => Date;
  /** Indicators broader than this never match (ACD_INDICATOR_MIN_PREFIX_V4/V6; the defaults). */
  breadth?: IndicatorBreadth;
}

/**
 * Matches accepted flows against the threat indicators in force and emits `FlowMatched`.
 *
 * 1. The indicator index is folded from `acd.indicator.events.v1` up to the end it had at
 *    start; only then does flow matching begin, so no flow is matched against a partial index.
 *    A follower consumer keeps the index current afterwards (version-guarded, so overlap with
 *    the catch-up read changes nothing).
 * 2. Flow chunks are consumed and their matches produced in consume-transform-produce Kafka
 *    transactions (matches plus consumed offsets; undecodable records go to the DLQ in the
 *    same transaction). A crash before the commit leaves no visible match and no progress.
 * 3. Match ids are derived from batch id, flow index and indicator id, so even a chunk matched
 *    twice (a zombie instance, a replay) yields the same ids, and the read model stores each once.
 */
export class FlowMatcher {
  readonly index: IndicatorIndex;
  readonly groupId: string;
  private producer?: Producer;
  private flowConsumer?: Consumer;
  private indicatorConsumer?: Consumer;
  private readonly maxTransaction: number;
  private readonly clock: () => Date;
  private matched = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly opts: FlowMatcherOptions,
  ) {
    this.index = new IndicatorIndex(opts.breadth);
    this.groupId = topics.group('acd.traffic.matcher');
    this.maxTransaction = opts.maxTransaction ?? 50;
    this.clock = opts.clock ?? (() => new Date());
  }

  /** Matches emitted by this instance since it started. */
  get emitted(): number {
    return this.matched;
  }

  async start(): Promise<void> {
    const indicatorTopic = this.topics.of('indicatorEvents');
    const started = Date.now();
    const ends = await readLogToEnd(
      this.kafka,
      indicatorTopic,
      this.topics.group('acd.traffic.index'),
      (batch) => {
        for (const m of batch.messages) this.applyIndicator(m);
      },
    );
    this.opts.logger.info('indicator index caught up', {
      indicators: this.index.size,
      ms: Date.now() - started,
    });
    await this.followIndicators(indicatorTopic, ends);
    await this.startMatching();
  }

  async stop(): Promise<void> {
    await this.flowConsumer?.disconnect();
    await this.indicatorConsumer?.disconnect();
    await this.producer?.disconnect();
  }

  private applyIndicator(message: KafkaMessage): void {
    try {
      const { metadata, event } = decodeEnvelope<IndicatorEvent>(this.codec, message);
      this.index.apply(event, metadata.aggregateVersion);
    } catch (err) {
      // Not ours to judge: the projector dead-letters undecodable indicator events.
      this.opts.logger.warn('indicator event skipped by the flow matcher: undecodable', {
        offset: message.offset,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async followIndicators(topic: string, ends: Map<number, string>): Promise<void> {
    // A group of its own per process: every matcher instance needs every indicator.
    const consumer = this.kafka.consumer({
      groupId: this.topics.group(`acd.traffic.index.follow.${randomUUID()}`),
      readUncommitted: false,
      maxWaitTimeInMs: 250,
    });
    this.indicatorConsumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          this.applyIndicator(m);
          resolveOffset(m.offset);
        }
        await heartbeat();
      },
    });
    for (const [partition, offset] of ends) consumer.seek({ topic, partition, offset });
  }

  private async startMatching(): Promise<void> {
    this.producer = this.kafka.producer({
      transactionalId: this.topics.group(`acd.traffic.matcher.${this.opts.instanceId}`),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
    });
    await this.producer.connect();
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    this.flowConsumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.of('trafficFlows'), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.opts.logger.error('flow matcher consumer crashed', {
        error: payload.error.message,
        restart: payload.restart,
      });
      if (!payload.restart) process.exit(1);
    });
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    await forEachSlice(payload, this.maxTransaction, (messages) =>
      this.matchSlice(payload, messages),
    );
  }

  private async matchSlice(
    { batch, heartbeat, resolveOffset }: EachBatchPayload,
    messages: KafkaMessage[],
  ): Promise<void> {
    const last = messages[messages.length - 1];
    const producer = this.producer;
    if (!last || !producer) return;
    const matches: Message[] = [];
    const dead: Message[] = [];
    const now = this.clock();
    for (const message of messages) {
      let chunk: FlowsAccepted['data'];
      let causationId: string;
      try {
        const envelope = decodeEnvelope<FlowsAccepted>(this.codec, message);
        chunk = envelope.event.data;
        causationId = envelope.metadata.eventId;
      } catch (err) {
        dead.push(
          deadLetter(
            { topic: batch.topic, partition: batch.partition, consumerGroup: this.groupId },
            message,
            err,
          ),
        );
        continue;
      }
      for (const event of matchFlowChunk(chunk, this.index, now.getTime())) {
        matches.push(this.recordOf(event, causationId, now));
      }
    }

    const consumed = {
      groupId: this.groupId,
      topic: batch.topic,
      partition: batch.partition,
      lastOffset: last.offset,
    };
    try {
      await commitSlice(producer, consumed, [
        { topic: this.topics.of('trafficEvents'), messages: matches },
        { topic: this.topics.dlqOf('trafficFlows'), messages: dead },
      ]);
    } catch (err) {
      this.opts.logger.error('flow matcher transaction failed; the slice is matched again', {
        partition: batch.partition,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
    this.matched += matches.length;
    if (dead.length > 0) {
      this.opts.logger.warn('undecodable flow records dead-lettered', { count: dead.length });
    }
    resolveOffset(last.offset);
    await heartbeat();
  }

  private recordOf(event: FlowMatched, causationId: string, now: Date): Message {
    const d = event.data;
    return {
      key: d.batchId,
      value: this.codec.encode(`${TRAFFIC_NAMESPACE}.FlowMatched`, d),
      headers: eventHeaders({
        eventType: 'FlowMatched',
        eventId: d.matchId,
        aggregateId: d.batchId,
        // Each match is its own item, written once: version 1 always.
        aggregateVersion: 1,
        orgId: d.telecomOrgId,
        occurredAt: now,
        correlationId: d.batchId,
        causationId,
      }),
    };
  }
}
