import type {
  Admin,
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Message as KafkaOut,
  Producer,
} from 'kafkajs';
import { OPEN_BY_DEFAULT_TLPS, SECTOR_SHAREABLE_TLPS, type Tlp } from '@acd/identity';
import { decodeEnvelope } from './envelope-codec';
import { createTopics, type BusLogger } from './kafka';
import { ADVISORY_FANOUT_SPEC, type TopicNames } from './topics';
import { commitSlice, forEachSlice } from './transactional-slice';
import type { WireCodec } from './wire-codec';

/** The part of an advisory event that decides where its copies go. */
export interface FanoutItem {
  tlp: string;
  audience: { everyone: boolean; sectors: string[]; kinds: string[]; orgs: string[] };
}

/** Event types copied to the audience topics; acknowledgements stay on the events topic. */
export const FANNED_OUT_EVENT_TYPES: readonly string[] = [
  'AdvisoryIssued',
  'AdvisoryUpdated',
  'AdvisoryWithdrawn',
];

/**
 * The audience topics of one advisory, by the same rules as `canReadAdvisory`: the public topic
 * when it is for everyone (CLEAR, GREEN), a sector topic per sector and an organisation topic
 * per member of each named kind (CLEAR, GREEN, AMBER), and an organisation topic per named
 * organisation (any label). A topic's readers are exactly the advisory's readers there
 * (`TopicNames.advisoryTopicsFor`), so a broker ACL per organisation enforces the policy.
 */
export async function advisoryAudienceTopics(
  topics: TopicNames,
  item: FanoutItem,
  orgIdsOfKinds: (kinds: string[]) => Promise<string[]>,
): Promise<string[]> {
  const tlp = item.tlp as Tlp;
  const { everyone, sectors, kinds, orgs } = item.audience;
  const out = new Set<string>();
  if (everyone && OPEN_BY_DEFAULT_TLPS.includes(tlp)) out.add(topics.advisoryPublic());
  if (SECTOR_SHAREABLE_TLPS.includes(tlp)) {
    for (const sector of sectors) out.add(topics.advisorySector(sector));
    if (kinds.length > 0) {
      for (const id of await orgIdsOfKinds(kinds)) out.add(topics.advisoryOrg(id));
    }
  }
  for (const id of orgs) out.add(topics.advisoryOrg(id));
  return [...out].sort();
}

export interface AdvisoryFanoutOptions {
  instanceId: string;
  replicationFactor: number;
  logger: BusLogger;
  /** Ids of every organisation of these kinds (from the organisations read model). */
  orgIdsOfKinds(kinds: string[]): Promise<string[]>;
  /** Most events copied in one transaction (default 500). */
  maxTransaction?: number;
}

/**
 * Copies advisory events to their audience topics, exactly once in effect: each slice of a
 * fetched batch is consume-transform-produce in one Kafka transaction (copies plus the consumed
 * offsets), so a crash before the commit leaves no visible copy and no progress, and the slice is
 * copied again. Copies keep the original key, value (Avro single-object) and headers, so a
 * consumer also recognises a copy by its `event-id`. Missing audience topics are created with
 * `ADVISORY_FANOUT_SPEC` before the transaction that first writes to them.
 */
export class AdvisoryFanout {
  private producer?: Producer;
  private consumer?: Consumer;
  private admin?: Admin;
  private readonly existing = new Set<string>();
  readonly groupId: string;
  private readonly maxTransaction: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly opts: AdvisoryFanoutOptions,
  ) {
    this.groupId = topics.group('acd.advisory.fanout');
    this.maxTransaction = opts.maxTransaction ?? 500;
  }

  async start(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    for (const t of await this.admin.listTopics()) this.existing.add(t);
    this.producer = this.kafka.producer({
      transactionalId: this.topics.group(`acd.advisory.fanout.${this.opts.instanceId}`),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
    });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.of('advisoryEvents'), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.opts.logger.error('advisory fan-out consumer crashed', {
        error: payload.error.message,
        restart: payload.restart,
      });
      if (!payload.restart) process.exit(1);
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    await forEachSlice(payload, this.maxTransaction, (messages) =>
      this.copySlice(payload, messages),
    );
  }

  private async copySlice(
    { batch, heartbeat, resolveOffset }: EachBatchPayload,
    messages: KafkaMessage[],
  ): Promise<void> {
    const last = messages[messages.length - 1];
    const producer = this.producer;
    if (!last || !producer) return;

    const byTopic = new Map<string, KafkaOut[]>();
    for (const message of messages) {
      for (const topic of await this.routeOf(message, batch.partition)) {
        const copies = byTopic.get(topic) ?? [];
        copies.push(copyOf(message));
        byTopic.set(topic, copies);
      }
    }
    await this.ensureAudienceTopics([...byTopic.keys()]);

    const consumed = {
      groupId: this.groupId,
      topic: batch.topic,
      partition: batch.partition,
      lastOffset: last.offset,
    };
    try {
      await commitSlice(
        producer,
        consumed,
        [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      );
    } catch (err) {
      this.opts.logger.error('advisory fan-out transaction failed; the slice is copied again', {
        partition: batch.partition,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
    resolveOffset(last.offset);
    await heartbeat();
  }

  private async routeOf(message: KafkaMessage, partition: number): Promise<string[]> {
    let item: FanoutItem;
    try {
      const envelope = decodeEnvelope<{ type: string; data: FanoutItem }>(this.codec, message);
      if (!FANNED_OUT_EVENT_TYPES.includes(envelope.event.type)) return [];
      item = envelope.event.data;
    } catch (err) {
      // Not ours to judge: the projector dead-letters undecodable events.
      this.opts.logger.warn('advisory event not copied: undecodable', {
        partition,
        offset: message.offset,
        error: err instanceof Error ? err.message : String(err),
      });
      return [];
    }
    return advisoryAudienceTopics(this.topics, item, (kinds) => this.opts.orgIdsOfKinds(kinds));
  }

  /** Creates the audience topics not seen yet; brokers run with auto-creation off. */
  private async ensureAudienceTopics(names: string[]): Promise<void> {
    const missing = names.filter((n) => !this.existing.has(n));
    const admin = this.admin;
    if (missing.length === 0 || !admin) return;
    await createTopics(
      admin,
      missing.map((name) => ({ name, spec: ADVISORY_FANOUT_SPEC })),
      this.opts.replicationFactor,
    );
    for (const n of missing) this.existing.add(n);
    this.opts.logger.info('advisory audience topics created', { topics: missing });
  }
}

function copyOf(message: KafkaMessage): KafkaOut {
  const headers: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) headers[k] = first;
  }
  return { key: message.key, value: message.value, headers, timestamp: message.timestamp };
}
