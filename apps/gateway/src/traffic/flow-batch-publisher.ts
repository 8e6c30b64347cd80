import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Message, Producer } from 'kafkajs';
import { eventHeaders } from '@acd/messaging';
import type { Runtime } from '@acd/runtime';
import {
  chunkFlows,
  flowBatchReceivedIdFor,
  flowChunkIdFor,
  TRAFFIC_NAMESPACE,
  type FlowBatchReceived,
  type FlowRecord,
} from '@acd/traffic';
import { RUNTIME } from '../bus/bus.module';

export interface FlowBatchToPublish {
  batchId: string;
  telecomOrgId: string;
  authorisationId: string;
  accepted: FlowRecord[];
  counts: Omit<
    FlowBatchReceived['data'],
    'batchId' | 'telecomOrgId' | 'authorisationId' | 'chunks' | 'receivedAt'
  >;
  receivedAt: Date;
  correlationId: string;
  chunkSize: number;
  /** Digest of the submitted body, carried as the event's `command-fingerprint` header. */
  fingerprint: string;
}

/**
 * Writes an accepted submission straight to Kafka (no request-reply: the feed is high-volume):
 * its flows in chunks to `acd.traffic.flows.v1` and one `FlowBatchReceived` to
 * `acd.traffic.events.v1`, all keyed by batch id, in ONE transaction with acks=all. Either the
 * whole submission becomes visible to read-committed consumers or none of it does, so a crash
 * half-way leaves nothing to deduplicate and a retry with the same key starts clean.
 * One transaction at a time per producer: submissions are queued, each is large.
 */
@Injectable()
export class FlowBatchPublisher implements OnModuleInit, OnApplicationShutdown {
  private producer?: Producer;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async onModuleInit(): Promise<void> {
    const rt = this.runtime;
    this.producer = rt.kafka.producer({
      transactionalId: rt.topics.group(`acd.gateway.traffic.${rt.kafkaConfig.ACD_INSTANCE_ID}`),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
    });
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.producer?.disconnect();
  }

  publish(batch: FlowBatchToPublish): Promise<{ chunks: number }> {
    const run = this.queue.then(
      () => this.publishNow(batch),
      () => this.publishNow(batch),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async publishNow(b: FlowBatchToPublish): Promise<{ chunks: number }> {
    const producer = this.producer;
    if (!producer) throw new Error('flow batch publisher not started');
    const { codec, topics } = this.runtime;
    const chunks = chunkFlows(b.accepted, b.chunkSize);
    const header = (eventType: string, eventId: string, version: number) =>
      eventHeaders({
        eventType,
        eventId,
        aggregateId: b.batchId,
        aggregateVersion: version,
        orgId: b.telecomOrgId,
        occurredAt: b.receivedAt,
        correlationId: b.correlationId,
        causationId: b.batchId,
        commandFingerprint: b.fingerprint,
      });
    const flowRecords: Message[] = chunks.map((flows, i) => ({
      key: b.batchId,
      value: codec.encode(`${TRAFFIC_NAMESPACE}.FlowsAccepted`, {
        batchId: b.batchId,
        telecomOrgId: b.telecomOrgId,
        authorisationId: b.authorisationId,
        chunkIndex: i,
        chunkCount: chunks.length,
        flows,
        acceptedAt: b.receivedAt.getTime(),
      }),
      headers: header('FlowsAccepted', flowChunkIdFor(b.batchId, i), i + 1),
    }));
    const received: FlowBatchReceived['data'] = {
      batchId: b.batchId,
      telecomOrgId: b.telecomOrgId,
      authorisationId: b.authorisationId,
      ...b.counts,
      chunks: chunks.length,
      receivedAt: b.receivedAt.getTime(),
    };
    const event: Message = {
      key: b.batchId,
      value: codec.encode(`${TRAFFIC_NAMESPACE}.FlowBatchReceived`, received),
      headers: header('FlowBatchReceived', flowBatchReceivedIdFor(b.batchId), 1),
    };
    const transaction = await producer.transaction();
    try {
      const topicMessages = [{ topic: topics.of('trafficEvents'), messages: [event] }];
      if (flowRecords.length > 0) {
        topicMessages.unshift({ topic: topics.of('trafficFlows'), messages: flowRecords });
      }
      await transaction.sendBatch({ topicMessages, acks: -1 });
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch(() => undefined);
      throw err;
    }
    return { chunks: chunks.length };
  }
}
