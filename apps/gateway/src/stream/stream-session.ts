import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { decodeEnvelope, type TopicNames, type WireCodec } from '@acd/messaging';
import type { Organisation } from '@acd/identity';
import {
  PositionTracker,
  type AnyEvent,
  type StreamFilter,
  type StreamItem,
  type StreamPosition,
  type StreamSource,
} from '@acd/persistence';

export interface StreamSessionOptions {
  kafka: Kafka;
  topics: TopicNames;
  codec: WireCodec;
  sources: StreamSource[];
  filter: StreamFilter<Organisation>;
  start: StreamPosition;
  res: Response;
  logger: Logger;
  heartbeatMs: number;
  maxBytes: number;
  maxBytesPerPartition: number;
  /** Unread bytes a client may have buffered before its consumer pauses. */
  bufferBytes: number;
  onClose: () => void;
  /**
   * Called with the items of a fetched batch the client is about to receive, before any is
   * written (read auditing: resolves once the read is on record).
   */
  beforeDelivery?: (items: StreamItem[]) => Promise<void>;
}

/**
 * One SSE connection: its own Kafka consumer (a throw-away group that never commits, read
 * committed, positioned by `seek`), its own entitlement filter and its own position.
 *
 * Back-pressure: when the response holds `bufferBytes` the client has not read, the consumer
 * pauses every partition and the batch in hand waits (heartbeating the group) until the response
 * drains; kafkajs fetches the next batch only once this one is handled. So a client that stops
 * reading holds at most one fetch (`maxBytes`) and `bufferBytes` plus one event in memory, and
 * slows nobody else: every connection has its own consumer.
 */
export class StreamSession {
  private consumer: Consumer | null = null;
  private readonly tracker: PositionTracker;
  private readonly byTopic = new Map<string, StreamSource>();
  private heartbeat: NodeJS.Timeout | null = null;
  private paused = false;
  private closed = false;
  private lastIdSent = '';
  sent = 0;
  pauses = 0;

  constructor(private readonly o: StreamSessionOptions) {
    this.tracker = new PositionTracker(o.start);
    for (const s of o.sources) this.byTopic.set(o.topics.of(s.topic), s);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get position(): string {
    return this.tracker.encode();
  }

  /** Writes the SSE preamble with the starting position, then starts consuming. */
  async start(): Promise<void> {
    const { res } = this.o;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.on('close', () => void this.close());
    // An id-only block: EventSource adopts it as its last event id without dispatching an event,
    // so even a client that receives nothing can resume from here.
    this.lastIdSent = this.position;
    res.write(`: acd stream\nretry: 3000\nid: ${this.lastIdSent}\n\n`);
    this.heartbeat = setInterval(() => this.beat(), this.o.heartbeatMs);
    this.heartbeat.unref();

    const consumer = this.o.kafka.consumer({
      groupId: this.o.topics.group(`acd-gateway.stream.${randomUUID()}`),
      readUncommitted: false,
      maxBytes: this.o.maxBytes,
      maxBytesPerPartition: this.o.maxBytesPerPartition,
      maxWaitTimeInMs: 250,
      sessionTimeout: 30_000,
      allowAutoTopicCreation: false,
      // A crash ends the stream; the client reconnects with Last-Event-ID.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.o.logger.warn(`stream consumer crashed: ${payload.error.message}`);
      void this.close();
    });
    await consumer.connect();
    if (this.closed) return this.stopConsumer();
    for (const topic of this.byTopic.keys())
      await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    // `fromBeginning` only matters until these seeks land: records below the position are skipped.
    this.seekToPosition();
  }

  private seekToPosition(): void {
    const consumer = this.consumer;
    if (!consumer || this.closed) return;
    for (const [topic, source] of this.byTopic) {
      const offsets = this.tracker.snapshot()[source.kind] ?? [];
      offsets.forEach((offset, partition) =>
        consumer.seek({ topic, partition, offset: String(offset) }),
      );
    }
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const source = this.byTopic.get(batch.topic);
    if (!source) return;
    // Judge the whole batch first, so its deliveries are on record before the first is written.
    const judged: (StreamItem | null)[] = [];
    for (const message of batch.messages) {
      if (this.closed || !isRunning() || isStale()) return;
      const offset = Number(message.offset);
      if (offset < (this.tracker.next(source.kind, batch.partition) ?? 0)) {
        judged.push(null);
        continue;
      }
      let item: StreamItem | null = null;
      try {
        item = await this.o.filter.apply(source, decodeEnvelope<AnyEvent>(this.o.codec, message));
      } catch (err) {
        // Undecodable records are the projector's to dead-letter; a reader just moves on.
        this.o.logger.debug?.(
          `stream skips ${batch.topic}/${batch.partition}@${message.offset}: ${String(err)}`,
        );
      }
      judged.push(item);
    }
    const deliveries = judged.filter((i): i is StreamItem => i !== null);
    if (deliveries.length > 0 && this.o.beforeDelivery) await this.o.beforeDelivery(deliveries);
    for (const [n, message] of batch.messages.entries()) {
      if (this.closed || !isRunning() || isStale()) return;
      const offset = Number(message.offset);
      if (offset < (this.tracker.next(source.kind, batch.partition) ?? 0)) {
        resolveOffset(message.offset);
        continue;
      }
      const item = judged[n] ?? null;
      this.tracker.advance(source.kind, batch.partition, offset + 1);
      resolveOffset(message.offset);
      if (item && !this.send(item)) await this.waitForDrain(heartbeat);
    }
    await heartbeat();
  }

  /** Writes one event; false when the client has more than its buffer's worth unread. */
  private send(item: StreamItem): boolean {
    const id = this.position;
    this.lastIdSent = id;
    this.sent += 1;
    const { res } = this.o;
    const ok = res.write(`id: ${id}\nevent: ${item.kind}\ndata: ${JSON.stringify(item)}\n\n`);
    return ok || res.writableLength < this.o.bufferBytes;
  }

  /**
   * The client is not keeping up: stop fetching (pause) and hold the batch in hand until the
   * response drains or the client goes away, heartbeating the group meanwhile. Nothing else of
   * this connection is read from Kafka in the meantime, and no other connection waits.
   */
  private async waitForDrain(heartbeat: () => Promise<void>): Promise<void> {
    const consumer = this.consumer;
    const { res } = this.o;
    if (!consumer || this.closed) return;
    const topics = [...this.byTopic.keys()].map((topic) => ({ topic }));
    this.paused = true;
    this.pauses += 1;
    if (this.pauses === 1) this.o.logger.log('stream paused: the client is not reading');
    consumer.pause(topics);
    try {
      while (!this.closed && res.writableNeedDrain) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          const timer = setTimeout(done, 3_000);
          res.once('drain', done);
          res.once('close', done);
        });
        if (!this.closed) await heartbeat();
      }
    } finally {
      this.paused = false;
      if (!this.closed) consumer.resume(topics);
    }
  }

  private beat(): void {
    if (this.closed || this.paused || this.o.res.writableNeedDrain) return;
    // Also moves the client's last event id past events it was not entitled to.
    const id = this.position;
    const idLine = id !== this.lastIdSent ? `id: ${id}\n` : '';
    this.lastIdSent = id;
    this.o.res.write(`: heartbeat\n${idLine}\n`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (!this.o.res.writableEnded) this.o.res.end();
    try {
      await this.stopConsumer();
    } finally {
      this.o.onClose();
    }
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) await consumer.disconnect().catch(() => undefined);
  }
}
