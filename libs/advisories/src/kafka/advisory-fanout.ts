import type { Admin, Kafka, KafkaMessage, Message as KafkaOut } from 'kafkajs';
import {
  advisoryAudienceFor,
  advisoryRecipients,
  sharedAdvisoryAudience,
  type AdvisoryAudience,
  type AudienceViewer,
  type OrgKind,
  type Tlp,
} from '@acd/identity/domain';
import {
  decodeEnvelope,
  createTopics,
  type BusLogger,
  ADVISORY_FANOUT_SPEC,
  type TopicNames,
  firstHeaders,
  TransactionalWorker,
  type SliceWork,
  type WorkerSlice,
} from '@acd/messaging';
import type { WireCodec } from '@acd/messaging';

/** The part of an advisory event that decides where its copies go. */
export interface FanoutItem {
  issuerOrgId: string;
  tlp: string;
  audience: AdvisoryAudience;
}

/** Event types copied to the audience topics; acknowledgements stay on the events topic. */
export const FANNED_OUT_EVENT_TYPES: readonly string[] = [
  'AdvisoryIssued',
  'AdvisoryUpdated',
  'AdvisoryWithdrawn',
];

/** One audience topic of an advisory, and whose view of the advisory its copy carries. */
export interface AudienceRoute {
  topic: string;
  /** The organisation whose own topic it is; null for a topic many read alike (sector, public). */
  orgId: string | null;
}

/**
 * The audience topics of one advisory, from the policy's `advisoryRecipients` (which
 * `canReadAdvisory` also decides by): the public topic, a topic per sector, and an organisation
 * topic per member of each kind and per named organisation (the issuer among them, and the
 * cabinet office unless the label is RED or AMBER+STRICT and it is not named). A topic's readers are exactly the advisory's readers there
 * (`TopicNames.advisoryTopicsFor`), so a broker ACL per organisation enforces the policy.
 */
export async function advisoryAudienceRoutes(
  topics: TopicNames,
  item: FanoutItem,
  orgIdsOfKinds: (kinds: string[]) => Promise<string[]>,
): Promise<AudienceRoute[]> {
  const { everyone, sectors, kinds, orgs } = advisoryRecipients({ ...item, tlp: item.tlp as Tlp });
  const out = new Map<string, AudienceRoute>();
  const add = (topic: string, orgId: string | null) => out.set(topic, { topic, orgId });
  if (everyone) add(topics.advisoryPublic(), null);
  for (const sector of sectors) add(topics.advisorySector(sector), null);
  for (const id of await orgIdsOfKinds(kinds)) add(topics.advisoryOrg(id), id);
  for (const id of orgs) add(topics.advisoryOrg(id), id);
  return [...out.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

export async function advisoryAudienceTopics(
  topics: TopicNames,
  item: FanoutItem,
  orgIdsOfKinds: (kinds: string[]) => Promise<string[]>,
): Promise<string[]> {
  return (await advisoryAudienceRoutes(topics, item, orgIdsOfKinds)).map((r) => r.topic);
}

/** A fanned-out event's value as decoded: the routing fields, and whatever else its type has. */
export type FanoutData = FanoutItem & {
  issuerOrgId: string;
  indicatorIds?: string[];
  incidentIds?: string[];
} & Record<string, unknown>;

/**
 * What the copy of an advisory event on one audience topic carries. A record on Kafka is written
 * once and kept for the topic's retention, for every reader of the topic, so:
 *
 * - the audience is what the topic's reader sees over REST (`advisoryAudienceFor`): on an
 *   organisation's own topic, all named organisations only when that organisation is the issuer
 *   or the cabinet office, otherwise itself alone; on a sector or the public topic, read by many
 *   alike, none (`sharedAdvisoryAudience`);
 * - related indicators and incidents are never carried (empty lists): whether a reader may read
 *   a referenced item can change after the record is written (a publisher narrows an indicator,
 *   an operator stops sharing an incident with the police), and a written record cannot be
 *   recalled. Readers get them from `GET /v1/advisories/:id`, which shows each reader the ones it
 *   may read at that moment.
 *
 * Everything else (title, summary, label, severity, actions, expiry, the issuer) is the event's.
 */
export function advisoryCopyData(data: FanoutData, reader: AudienceViewer | null): FanoutData {
  const item = { issuerOrgId: data.issuerOrgId, tlp: data.tlp as Tlp, audience: data.audience };
  const audience: AdvisoryAudience = reader
    ? advisoryAudienceFor(reader, item)
    : sharedAdvisoryAudience(item);
  return {
    ...data,
    audience,
    ...(data.indicatorIds !== undefined ? { indicatorIds: [] } : {}),
    ...(data.incidentIds !== undefined ? { incidentIds: [] } : {}),
  };
}

/** One copy of an advisory event: where it goes and the value (Avro single-object) it carries. */
export interface AdvisoryCopy {
  topic: string;
  value: Buffer;
}

/** Where an advisory's readers come from: the organisations read model. */
export interface AdvisoryDirectory {
  /** Ids of every organisation of these kinds. */
  orgIdsOfKinds(kinds: string[]): Promise<string[]>;
  /** The kind of each of these organisations that is registered. */
  kindsOf(orgIds: string[]): Promise<ReadonlyMap<string, OrgKind>>;
}

class UndecodableAdvisory extends Error {}

/**
 * The copies of one record of the advisory events topic: none for an event that is not fanned
 * out, otherwise one per audience topic (`advisoryAudienceRoutes`), each the event re-encoded with
 * its own schema as `advisoryCopyData` cuts it for that topic's readers. Throws
 * `UndecodableAdvisory` for a record that cannot be read.
 */
export async function advisoryCopies(
  codec: WireCodec,
  topics: TopicNames,
  message: Pick<KafkaMessage, 'value' | 'headers'>,
  directory: AdvisoryDirectory,
): Promise<AdvisoryCopy[]> {
  let data: FanoutData;
  let fullName: string;
  try {
    const envelope = decodeEnvelope<{ type: string; data: FanoutData }>(
      codec,
      message as KafkaMessage,
    );
    if (!FANNED_OUT_EVENT_TYPES.includes(envelope.event.type)) return [];
    data = envelope.event.data;
    fullName = codec.decode(message.value as Buffer).fullName;
  } catch (err) {
    throw new UndecodableAdvisory(err instanceof Error ? err.message : String(err));
  }
  const routes = await advisoryAudienceRoutes(topics, data, (kinds) =>
    directory.orgIdsOfKinds(kinds),
  );
  const orgIds = routes.flatMap((r) => (r.orgId === null ? [] : [r.orgId]));
  const kinds = orgIds.length > 0 ? await directory.kindsOf(orgIds) : new Map<string, OrgKind>();
  return routes.map(({ topic, orgId }) => {
    // An organisation the directory does not know has no kind: an ordinary reader.
    const reader: AudienceViewer | null =
      orgId === null ? null : { id: orgId, kind: kinds.get(orgId) };
    return { topic, value: codec.encode(fullName, advisoryCopyData(data, reader)) };
  });
}

export interface AdvisoryFanoutOptions extends AdvisoryDirectory {
  instanceId: string;
  replicationFactor: number;
  logger: BusLogger;
  /** Most events copied in one transaction (default 500). */
  maxTransaction?: number;
}

/**
 * Copies advisory events to their audience topics, exactly once in effect: each slice of a
 * fetched batch is consume-transform-produce in one Kafka transaction (copies plus the consumed
 * offsets), so a crash before the commit leaves no visible copy and no progress, and the slice is
 * copied again. Copies keep the original key and headers, so a consumer also recognises a copy
 * by its `event-id`; the value is the event re-encoded (Avro single-object, same schema) as
 * `advisoryCopyData` cuts it for the topic's readers. Missing audience topics are created with
 * `ADVISORY_FANOUT_SPEC` before the transaction that first writes to them.
 */
export class AdvisoryFanout {
  private admin?: Admin;
  private readonly existing = new Set<string>();
  readonly groupId: string;
  private readonly worker: TransactionalWorker;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
    private readonly opts: AdvisoryFanoutOptions,
  ) {
    this.groupId = topics.group('acd.advisory.fanout');
    this.worker = new TransactionalWorker(kafka, {
      name: 'advisory fan-out',
      groupId: this.groupId,
      // Per instance: a restarted instance fences its own predecessor.
      transactionalId: topics.group(`acd.advisory.fanout.${opts.instanceId}`),
      topics: [topics.of('advisoryEvents')],
      maxPerTransaction: opts.maxTransaction ?? 500,
      handle: (slices) => this.copySlices(slices),
      logger: opts.logger,
    });
  }

  async start(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    for (const t of await this.admin.listTopics()) this.existing.add(t);
    await this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.admin?.disconnect();
  }

  private async copySlices(slices: readonly WorkerSlice[]): Promise<SliceWork> {
    const byTopic = new Map<string, KafkaOut[]>();
    for (const slice of slices) {
      for (const message of slice.messages) {
        for (const { topic, value } of await this.copiesOf(message, slice.partition)) {
          const copies = byTopic.get(topic) ?? [];
          copies.push(copyOf(message, value));
          byTopic.set(topic, copies);
        }
      }
    }
    await this.ensureAudienceTopics([...byTopic.keys()]);
    return { outputs: [...byTopic].map(([topic, messages]) => ({ topic, messages })) };
  }

  private async copiesOf(message: KafkaMessage, partition: number): Promise<AdvisoryCopy[]> {
    try {
      return await advisoryCopies(this.codec, this.topics, message, this.opts);
    } catch (err) {
      if (!(err instanceof UndecodableAdvisory)) throw err;
      // Not ours to judge: the projector dead-letters undecodable events.
      this.opts.logger.warn('advisory event not copied: undecodable', {
        partition,
        offset: message.offset,
        error: err.message,
      });
      return [];
    }
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

function copyOf(message: KafkaMessage, value: Buffer): KafkaOut {
  return {
    key: message.key,
    value,
    headers: firstHeaders(message.headers),
    timestamp: message.timestamp,
  };
}
