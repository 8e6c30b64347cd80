import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Message } from 'kafkajs';
import type { IndicatorBreadth, IndicatorEvent } from '@acd/indicators';
import {
  decodeEnvelope,
  decodeSlice,
  eventHeaders,
  readLogToEnd,
  TransactionalWorker,
  type BusLogger,
  type PoisonRecord,
  type SliceWork,
  type TopicNames,
  type WireCodec,
  type WorkerSlice,
} from '@acd/messaging';
import {
  IndicatorIndex,
  matchFlowChunk,
  TRAFFIC_NAMESPACE,
  type FlowMatched,
  type FlowsAccepted,
} from '../domain';

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
  private indicatorConsumer?: Consumer;
  private readonly worker: TransactionalWorker;
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
    this.clock = opts.clock ?? (() => new Date());
    this.worker = new TransactionalWorker(kafka, {
      name: 'flow matcher',
      groupId: this.groupId,
      // Per instance: a restarted instance fences its own predecessor.
      transactionalId: topics.group(`acd.traffic.matcher.${opts.instanceId}`),
      topics: [topics.of('trafficFlows')],
      maxPerTransaction: opts.maxTransaction ?? 50,
      // Matching a full slice of large chunks takes longer than a command batch.
      sessionTimeout: 30_000,
      transactionTimeout: 60_000,
      handle: (slices) => this.matchSlices(slices),
      logger: opts.logger,
    });
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
    await this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.indicatorConsumer?.disconnect();
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

  private matchSlices(slices: readonly WorkerSlice[]): SliceWork {
    const matches: Message[] = [];
    const poison: PoisonRecord[] = [];
    const now = this.clock();
    for (const slice of slices) {
      const chunks = decodeSlice(slice, (m) => decodeEnvelope<FlowsAccepted>(this.codec, m));
      poison.push(...chunks.poison);
      for (const { value: envelope } of chunks.decoded) {
        for (const event of matchFlowChunk(envelope.event.data, this.index, now.getTime())) {
          matches.push(this.recordOf(event, envelope.metadata.eventId, now));
        }
      }
    }
    return {
      outputs: [{ topic: this.topics.of('trafficEvents'), messages: matches }],
      poison,
      afterCommit: () => (this.matched += matches.length),
    };
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
