import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { canonicalJson, toJsonValue } from '@acd/audit';
import type { Organisation } from '@acd/identity';
import { eventHeaders } from '@acd/messaging';
import type { Runtime } from '@acd/runtime';
import { RUNTIME } from '../bus/bus.module';
import { personalTokenRequired } from '../auth/token-kind';

/** Labels whose every read is recorded (TLP 2.0: named recipients, own organisation, need to know). */
export const AUDITED_TLPS: readonly string[] = ['RED', 'AMBER+STRICT', 'AMBER'];

/** An audited label, or a delivery whose label the gateway did not see (recorded to be safe). */
export const isAudited = (tlp: string): boolean => AUDITED_TLPS.includes(tlp) || tlp === 'UNKNOWN';

export interface ReadItem {
  kind: string;
  id: string;
  /** The item's label, or `NONE` for data without one (traffic metadata). */
  tlp: string;
  /**
   * Shared in the council (Act art. 45): its members are bound to confidentiality, so every
   * read of it is recorded, whatever its label, as a RED read is.
   */
  council?: boolean;
}

/** What a read of a labelled document (an indicator, an advisory) puts on record. */
export function labelledReadItem(
  kind: string,
  doc: { _id: string; tlp: string; audience: { council?: boolean } },
): ReadItem {
  return {
    kind,
    id: doc._id,
    tlp: doc.tlp,
    ...(doc.audience.council === true ? { council: true } : {}),
  };
}

/** A read of this item goes on record: an audited label, or council material. */
export const mustRecord = (i: ReadItem): boolean => isAudited(i.tlp) || i.council === true;

export interface ReadRecord {
  org: Organisation;
  subject?: string | undefined;
  /** Method and route pattern, e.g. `GET /v1/indicators/:id`. */
  route: string;
  /** Path parameters and query string of the request; an access token is never recorded. */
  query: Record<string, unknown>;
  items: readonly ReadItem[];
}

/**
 * Records reads to acd.audit.reads.v1 before the data leaves the gateway: one record per
 * request, awaited with acks=all, so a response is never sent for a read that is not on record
 * (a failure answers 5xx instead). The audit appender copies each into the audit log.
 * Other contexts call `recordRead` (with `always`) for metadata queries.
 */
@Injectable()
export class AuditTrail implements OnModuleInit, OnApplicationShutdown {
  private producer?: Producer;

  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {}

  async onModuleInit(): Promise<void> {
    this.producer = this.rt.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
  }

  /**
   * Records the read if any item carries an audited label (or, with `always`, in any case: a
   * metadata query is audited whatever it returns). Resolves once Kafka holds the record.
   */
  async recordRead(read: ReadRecord, opts: { always?: boolean } = {}): Promise<void> {
    const items = opts.always ? read.items : read.items.filter(mustRecord);
    if (items.length === 0 && !opts.always) return;
    // Every recorded read names a person: the organisation's own token reads nothing audited.
    if (!read.subject) throw personalTokenRequired();
    const producer = this.producer;
    if (!producer) throw new Error('audit trail not started');
    const { access_token: _token, ...query } = read.query;
    const readId = randomUUID();
    const now = new Date();
    await producer.send({
      topic: this.rt.topics.of('auditReads'),
      acks: -1,
      messages: [
        {
          key: read.org.id,
          value: this.rt.codec.encode('jp.acd.audit.ReadRecorded', {
            readId,
            orgId: read.org.id,
            subject: read.subject ?? null,
            route: read.route,
            query: canonicalJson(toJsonValue(query)),
            items: items.map((i) => ({ kind: i.kind, id: i.id, tlp: i.tlp })),
            readAt: now.getTime(),
          }),
          headers: eventHeaders({
            eventType: 'ReadRecorded',
            eventId: readId,
            aggregateId: read.org.id,
            aggregateVersion: 1,
            orgId: read.org.id,
            occurredAt: now,
            correlationId: readId,
            causationId: readId,
            ...(read.subject ? { actor: read.subject } : {}),
          }),
        },
      ],
    });
  }
}

/**
 * What a batch of stream deliveries read. Events that carry terms (published, updated, issued)
 * carry their label; a revocation or a sighting does not, and is recorded as `UNKNOWN`: better
 * one record too many than a RED delivery missing from the log.
 */
export function streamReadItems(
  items: readonly { kind: string; id: string; data: unknown }[],
): ReadItem[] {
  return items
    .map((i) => {
      const data = i.data as { tlp?: unknown; audience?: { council?: unknown } } | null;
      const tlp = data?.tlp;
      return {
        kind: i.kind,
        id: i.id,
        tlp: typeof tlp === 'string' ? tlp : 'UNKNOWN',
        ...(data?.audience?.council === true ? { council: true } : {}),
      };
    })
    .filter(mustRecord);
}
