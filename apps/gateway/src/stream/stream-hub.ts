import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Admin } from 'kafkajs';
import type { GatewayConfig } from '@acd/config';
import type { Reader } from '@acd/identity';
import { AdvisoryQueries } from '@acd/advisories';
import { IndicatorQueries } from '@acd/indicators';
import { ReferenceLookup } from '../common/reference.lookup';
import { StreamFilter, type StreamPosition, type StreamSource } from '@acd/persistence';
import { streamSources } from './stream-sources';
import { type Runtime } from '@acd/runtime';
import { GATEWAY_CONFIG, RUNTIME } from '../bus/bus.module';
import { PublisherNames } from '../indicators/publisher-names';
import { AuditTrail, streamReadItems } from '../audit/audit-trail.service';
import { CouncilStanding } from '../auth/council-standing';
import { StreamSession } from './stream-session';
import { StreamSlots, type StreamSlot } from './stream-slots';

export interface StreamRequest {
  /** Its council standing as resolved when the stream opened (re-checked before council items). */
  viewer: Reader;
  kinds: string[];
  /** Resume after this position; otherwise `from`. */
  after: StreamPosition | null;
  from: 'beginning' | 'end';
  res: Response;
  /** The person the token names, for the read audit. */
  subject?: string | undefined;
}

/**
 * Owns the live stream's connections: the caps on how many run at once (each holds a Kafka
 * consumer and up to one fetch), in all and per organisation, the source registry, and where
 * each one starts.
 */
@Injectable()
export class StreamHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('stream');
  readonly sources: StreamSource[];
  private readonly sessions = new Set<StreamSession>();
  private readonly slots: StreamSlots;
  private admin: Promise<Admin> | null = null;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(GATEWAY_CONFIG) private readonly cfg: GatewayConfig,
    queries: IndicatorQueries,
    advisories: AdvisoryQueries,
    references: ReferenceLookup,
    names: PublisherNames,
    private readonly audit: AuditTrail,
    private readonly council: CouncilStanding,
  ) {
    this.slots = new StreamSlots(cfg.ACD_STREAM_MAX_CLIENTS, cfg.ACD_STREAM_MAX_CLIENTS_PER_ORG);
    this.sources = streamSources({
      queries,
      advisories,
      references,
      presentPublisher: (viewer, item) => names.present(viewer, item),
    });
  }

  get kinds(): string[] {
    return this.sources.map((s) => s.kind);
  }

  get maxClients(): number {
    return this.cfg.ACD_STREAM_MAX_CLIENTS;
  }

  /** Most streams one organisation may hold at once (never more than the gateway's cap). */
  get maxClientsPerOrg(): number {
    return this.slots.perOrg;
  }

  /**
   * Takes one of the `ACD_STREAM_MAX_CLIENTS` slots for an organisation that holds fewer than
   * `ACD_STREAM_MAX_CLIENTS_PER_ORG`, so one organisation can never take them all.
   */
  reserve(orgId: string): StreamSlot {
    return this.slots.reserve(orgId);
  }

  release(orgId: string): void {
    this.slots.release(orgId);
  }

  /** Opens a stream on a reserved slot; the slot is released when the stream closes. */
  async open(r: StreamRequest): Promise<void> {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.release(r.viewer.id);
    };
    try {
      const sources = this.sources.filter((s) => r.kinds.includes(s.kind));
      const start = await this.startPosition(sources, r.after, r.from);
      const opened = Date.now();
      const session: StreamSession = new StreamSession({
        kafka: this.runtime.kafka,
        topics: this.runtime.topics,
        codec: this.runtime.codec,
        sources,
        filter: new StreamFilter(r.viewer),
        start,
        res: r.res,
        logger: this.logger,
        heartbeatMs: this.cfg.ACD_STREAM_HEARTBEAT_MS,
        maxBytes: this.cfg.ACD_STREAM_MAX_BYTES,
        maxBytesPerPartition: this.cfg.ACD_STREAM_MAX_BYTES_PER_PARTITION,
        bufferBytes: this.cfg.ACD_STREAM_BUFFER_BYTES,
        // RED, AMBER and council deliveries are on record before they are written, one record
        // per batch. A stream outlives a standing: before council material goes out, the viewer
        // must still be bound; a member removed meanwhile has its stream closed instead (it may
        // reconnect and resume, and then reads as what it is now).
        beforeDelivery: async (items) => {
          const recorded = streamReadItems(items);
          if (
            r.viewer.councilBound === true &&
            recorded.some((i) => i.council === true) &&
            !(await this.council.isBound(r.viewer.id))
          ) {
            this.logger.log(
              `stream closed: council standing ended ${JSON.stringify({ org: r.viewer.id })}`,
            );
            await session.close();
            return;
          }
          await this.audit.recordRead({
            org: r.viewer,
            subject: r.subject,
            route: 'GET /v1/stream',
            query: { kinds: r.kinds.join(',') },
            items: recorded,
          });
        },
        onClose: () => {
          this.sessions.delete(session);
          release();
          this.logger.log(
            `stream closed ${JSON.stringify({ org: r.viewer.id, sent: session.sent, pauses: session.pauses, paused: session.isPaused, ms: Date.now() - opened })}`,
          );
        },
      });
      this.sessions.add(session);
      this.logger.log(
        `stream opened ${JSON.stringify({ org: r.viewer.id, kinds: r.kinds, resumed: r.after !== null, open: this.sessions.size })}`,
      );
      await session.start().catch(async (err: unknown) => {
        this.logger.warn(`stream failed: ${err instanceof Error ? err.message : String(err)}`);
        await session.close();
      });
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Where a connection starts, per selected kind and partition: after the given position (a
   * partition it does not name: from the beginning, so nothing is skipped), else at the live
   * end (high watermark) or the beginning. Kinds of the position that were not selected are
   * kept, so the ids this connection issues still resume them later.
   */
  private async startPosition(
    sources: StreamSource[],
    after: StreamPosition | null,
    from: 'beginning' | 'end',
  ): Promise<StreamPosition> {
    const admin = await this.adminClient();
    const start: StreamPosition = { ...(after ?? {}) };
    for (const s of sources) {
      const offsets = await admin.fetchTopicOffsets(this.runtime.topics.of(s.topic));
      const given = after?.[s.kind];
      const vector: number[] = [];
      for (const p of [...offsets].sort((a, b) => a.partition - b.partition)) {
        const low = Number(p.low);
        const high = Number(p.high);
        // A given offset outside the log (truncated, or from another deployment) is clamped.
        vector[p.partition] = given
          ? Math.min(Math.max(given[p.partition] ?? low, low), high)
          : from === 'beginning'
            ? low
            : high;
      }
      start[s.kind] = Array.from(vector, (v) => v ?? 0);
    }
    return start;
  }

  private adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.runtime.kafka.admin();
      this.admin = admin.connect().then(
        () => admin,
        (err: unknown) => {
          this.admin = null;
          throw err;
        },
      );
    }
    return this.admin;
  }

  /** Ends every stream before the HTTP server closes (an open stream would hold it open). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    if (admin) await (await admin.catch(() => null))?.disconnect();
  }
}
