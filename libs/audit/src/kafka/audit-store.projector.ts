import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { KeyObject } from 'node:crypto';
import { parsePublicKey } from '../domain/tree-head';
import { type CompactRange, type PerfectNode } from '../domain/compact-range';
import type { BusLogger, TopicNames, WireCodec } from '@acd/messaging';
import { frontierStep } from './audit-log-record';
import type { AuditStore } from '../read/audit.store';

/**
 * Copies acd.audit.log.v1 into the audit store (entries, perfect-subtree nodes, state): the
 * records that extend the log the bus's key signed (`extendFrontier`), none other. The
 * state (size and next offset) is written after the batch's entries and nodes; on restart,
 * anything beyond it is dropped and the topic is read again from the stored offset.
 */
export class AuditStoreProjector {
  private consumer?: Consumer;
  private range?: CompactRange;
  private positioned = false;
  private readonly topic: string;
  private readonly publicKey: KeyObject;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly store: AuditStore,
    private readonly opts: {
      logger: BusLogger;
      /** The bus's public key: records its heads do not verify with never enter the store. */
      publicKeyPem: string;
      onFatal(err: unknown): void;
    },
  ) {
    this.topic = topics.of('auditLog');
    this.publicKey = parsePublicKey(opts.publicKeyPem);
  }

  async start(): Promise<void> {
    await this.store.indexSources((indexed, size) =>
      this.opts.logger.info('audit store: indexing entries by source', { indexed, size }),
    );
    const { range } = await this.store.recover();
    this.range = range;
    this.consumer = this.kafka.consumer({
      groupId: this.topics.group('acd.audit.store'),
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 1_000,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.positioned = false));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.opts.logger.error('audit store consumer crashed', { error: payload.error.message });
      if (!payload.restart) this.opts.onFatal(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.handleBatch(p),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale()) return;
    const first = batch.messages[0];
    const last = batch.messages[batch.messages.length - 1];
    const range = this.range;
    if (!first || !last || !range) return;
    const state = await this.store.state();
    if (!this.positioned) {
      this.positioned = true;
      if (first.offset !== state.nextOffset) {
        this.consumer?.seek({
          topic: this.topic,
          partition: batch.partition,
          offset: state.nextOffset,
        });
        return;
      }
    }
    const records = [];
    const nodes: PerfectNode[] = [];
    for (const message of batch.messages) {
      if (BigInt(message.offset) < BigInt(state.nextOffset)) continue;
      const step = frontierStep(range, this.publicKey, this.codec, message);
      if (step.kind === 'passed-over') {
        // Not the bus's: the store keeps the log the key signed (the verifier names the record).
        this.opts.logger.error('audit log record passed over: not part of the signed log', {
          offset: message.offset,
          reason: step.reason,
        });
        continue;
      }
      nodes.push(...step.nodes);
      records.push(step.record);
    }
    const nextOffset = (BigInt(last.offset) + 1n).toString();
    try {
      await this.store.append(records, nodes, {
        size: range.size,
        nextOffset,
        publicKeyPem: this.opts.publicKeyPem,
      });
    } catch (err) {
      // Start over from what the store holds; the batch is fetched again from there.
      this.range = (await this.store.recover()).range;
      this.positioned = false;
      throw err;
    }
    resolveOffset(last.offset);
    await heartbeat();
  }
}
