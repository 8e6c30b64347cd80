import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, type Admin, type Producer } from 'kafkajs';
import type { Db, Filter } from 'mongodb';
import {
  dlqName,
  eventHeaders,
  TOPICS,
  type BusLogger,
  type TopicNames,
  type WireCodec,
} from '@acd/messaging';
import {
  TRAFFIC_NAMESPACE,
  type TrafficDataCategory,
  type TrafficDataDeleted,
} from '../domain/traffic.events';
import type { TrafficRetention } from '../traffic.config';
import { flowMatchProjection, flowSubmissionProjection } from './traffic.projection';

const DAY_MS = 86_400_000;
const DLQ_MAX_MS = 30 * DAY_MS;

/** The identity the retention sweeper records its deletions under. */
export const RETENTION_SWEEPER_ID = 'acd-traffic-retention';

/** Each category's retention setting, in days. */
export function retentionDaysOf(r: TrafficRetention, category: TrafficDataCategory): number {
  switch (category) {
    case 'flows':
      return r.ACD_TRAFFIC_FLOWS_RETENTION_DAYS;
    case 'events':
      return r.ACD_TRAFFIC_EVENTS_RETENTION_DAYS;
    case 'submissions':
      return r.ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS;
    case 'matches':
      return r.ACD_TRAFFIC_MATCHES_RETENTION_DAYS;
    default:
      return unknownCategory(category);
  }
}

function unknownCategory(category: never): never {
  throw new Error(`no retention setting for ${String(category)}`);
}

/** Records one deletion; resolves once the record is durable (acknowledged by every in-sync replica). */
export type DeletionRecorder = (deletion: TrafficDataDeleted['data']) => Promise<void>;

/**
 * One place a category of acquired communications information is kept. `deleteDue` finds what is
 * due before `cutoff` (at most one batch), calls `record` with its count, and only once that
 * resolved deletes exactly what it counted, never more. It returns the count (0: nothing was due,
 * nothing recorded). The order is the point: a crash between record and deletion leaves a record
 * of a deletion not yet done, which the next sweep records again and carries out; a crash can
 * never leave a deletion without its record.
 */
export interface RetentionStore {
  readonly category: TrafficDataCategory;
  /** The store's name without the deployment prefix, as the record gives it. */
  readonly name: string;
  deleteDue(cutoff: Date, record: (count: number) => Promise<void>): Promise<number>;
}

/** Documents of a read-model collection, by the instant in `timeField`, in batches of `batch`. */
export function collectionStore(
  db: Db,
  category: TrafficDataCategory,
  collection: string,
  timeField: string,
  batch = 5_000,
): RetentionStore {
  return {
    category,
    name: collection,
    async deleteDue(cutoff, record) {
      const c = db.collection<{ _id: string }>(collection);
      const due = (await c
        .find({ [timeField]: { $lt: cutoff } } as Filter<{ _id: string }>, {
          projection: { _id: 1 },
        })
        .sort({ [timeField]: 1, _id: 1 })
        .limit(batch)
        .toArray()) as { _id: string }[];
      if (due.length === 0) return 0;
      await record(due.length);
      await c.deleteMany({ _id: { $in: due.map((d) => d._id) } } as Filter<{ _id: string }>);
      return due.length;
    },
  };
}

/**
 * Records of a Kafka topic older than the cutoff (by record timestamp): per partition, everything
 * below the first offset at or after the cutoff, deleted with DeleteRecords. The count is offsets,
 * Kafka's transaction markers included. Kafka's own retention (`alignTopicRetention`) is the
 * backstop should the sweeper stop: it never keeps records longer than the setting either.
 */
export function topicStore(
  admin: Admin,
  category: TrafficDataCategory,
  topic: string,
  name: string,
): RetentionStore {
  return {
    category,
    name,
    async deleteDue(cutoff, record) {
      const ends = await admin.fetchTopicOffsets(topic);
      const at = await admin.fetchTopicOffsetsByTimestamp(topic, cutoff.getTime());
      const due = at
        .map(({ partition, offset }) => {
          const low = Number(ends.find((e) => e.partition === partition)?.low ?? offset);
          return { partition, offset, count: Math.max(0, Number(offset) - low) };
        })
        .filter((p) => p.count > 0);
      const count = due.reduce((n, p) => n + p.count, 0);
      if (count === 0) return 0;
      await record(count);
      await admin.deleteTopicRecords({
        topic,
        partitions: due.map(({ partition, offset }) => ({ partition, offset: String(offset) })),
      });
      return count;
    },
  };
}

/** Every store of acquired communications information on the bus, with its category. */
export function trafficRetentionStores(db: Db, admin: Admin, topics: TopicNames): RetentionStore[] {
  const { trafficFlows, trafficEvents } = TOPICS;
  return [
    topicStore(admin, 'flows', topics.of('trafficFlows'), trafficFlows.name),
    topicStore(admin, 'flows', topics.dlqOf('trafficFlows'), dlqName(trafficFlows.name)),
    topicStore(admin, 'events', topics.of('trafficEvents'), trafficEvents.name),
    topicStore(admin, 'events', topics.dlqOf('trafficEvents'), dlqName(trafficEvents.name)),
    collectionStore(db, 'submissions', flowSubmissionProjection.collection, 'receivedAt'),
    collectionStore(db, 'matches', flowMatchProjection.collection, 'matchedAt'),
  ];
}

/**
 * Sets `retention.ms` of the traffic topics to their category's setting (a dead-letter topic: 30
 * days, never more than the setting), so Kafka never keeps acquired communications information
 * longer than the setting says, also after the setting was lowered. AlterConfigs replaces a
 * topic's whole dynamic configuration, so the others are read first and written back.
 */
export async function alignTopicRetention(
  admin: Admin,
  topics: TopicNames,
  retention: TrafficRetention,
): Promise<void> {
  const wanted: { name: string; ms: number }[] = [];
  for (const [key, category] of [
    ['trafficFlows', 'flows'],
    ['trafficEvents', 'events'],
  ] as const) {
    const ms = retentionDaysOf(retention, category) * DAY_MS;
    wanted.push(
      { name: topics.of(key), ms },
      { name: topics.dlqOf(key), ms: Math.min(ms, DLQ_MAX_MS) },
    );
  }
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: wanted.map((w) => ({ type: ConfigResourceTypes.TOPIC, name: w.name })),
  });
  const DYNAMIC_TOPIC_CONFIG = 1;
  await admin.alterConfigs({
    validateOnly: false,
    resources: wanted.map((w) => {
      const current = described.resources.find((r) => r.resourceName === w.name);
      const kept = (current?.configEntries ?? []).filter(
        (e) => e.configSource === DYNAMIC_TOPIC_CONFIG && e.configName !== 'retention.ms',
      );
      return {
        type: ConfigResourceTypes.TOPIC,
        name: w.name,
        configEntries: [
          ...kept.map((e) => ({ name: e.configName, value: e.configValue })),
          { name: 'retention.ms', value: String(w.ms) },
        ],
      };
    }),
  });
}

/** Writes each deletion record to acd.traffic.retention.v1 with acks from every in-sync replica. */
export function kafkaDeletionRecorder(
  producer: Producer,
  codec: WireCodec,
  topics: TopicNames,
): DeletionRecorder {
  return async (d) => {
    await producer.send({
      topic: topics.of('trafficRetention'),
      acks: -1,
      messages: [
        {
          key: d.category,
          value: codec.encode(`${TRAFFIC_NAMESPACE}.TrafficDataDeleted`, d),
          headers: eventHeaders({
            eventType: 'TrafficDataDeleted',
            eventId: d.deletionId,
            aggregateId: d.category,
            aggregateVersion: 1,
            orgId: RETENTION_SWEEPER_ID,
            occurredAt: new Date(d.deletedAt),
            correlationId: d.deletionId,
            causationId: d.deletionId,
          }),
        },
      ],
    });
  };
}

/** Most batches one store is swept in one run (the rest waits for the next interval). */
const MAX_BATCHES_PER_SWEEP = 100;

/**
 * Deletes what is past its category's retention from every store, recording each deletion first
 * (see `RetentionStore`). Runs now and then every `intervalMs` until stopped; a store that fails
 * is logged and retried at the next interval, the others go on. Two sweepers at once record a
 * batch twice at worst, and delete it once.
 */
export class TrafficRetentionSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly stores: readonly RetentionStore[],
    private readonly retention: TrafficRetention,
    private readonly record: DeletionRecorder,
    private readonly intervalMs: number,
    private readonly logger: BusLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    const tick = (): void => {
      this.running = this.sweepOnce()
        .then(() => undefined)
        .finally(() => {
          this.running = undefined;
        });
    };
    tick();
    this.timer = setInterval(() => {
      if (!this.running) tick();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One sweep of every store; what each deleted, by store name. */
  async sweepOnce(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const store of this.stores) {
      const retentionDays = retentionDaysOf(this.retention, store.category);
      const cutoff = new Date(this.clock().getTime() - retentionDays * DAY_MS);
      const record = (count: number) =>
        this.record({
          deletionId: randomUUID(),
          category: store.category,
          store: store.name,
          retentionDays,
          cutoff: cutoff.getTime(),
          count,
          deletedAt: this.clock().getTime(),
        });
      let total = 0;
      try {
        for (let batch = 0; batch < MAX_BATCHES_PER_SWEEP; batch += 1) {
          const n = await store.deleteDue(cutoff, record);
          if (n === 0) break;
          total += n;
        }
      } catch (err) {
        this.logger.warn('traffic retention sweep failed; retried at the next interval', {
          store: store.name,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      deleted[store.name] = total;
    }
    if (Object.values(deleted).some((n) => n > 0)) {
      this.logger.info('traffic data past its retention deleted, each deletion recorded', deleted);
    }
    return deleted;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
