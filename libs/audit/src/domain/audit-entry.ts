import { canonicalJson, toJsonValue, type JsonValue } from './canonical-json';
import { leafHash } from './merkle';

/**
 * One audited fact. Its leaf data is the UTF-8 of the RFC 8785 canonical JSON of
 * `{"v": 1, ...entry}`; the index is part of it, so an entry cannot be moved without changing
 * its leaf.
 */
export interface AuditEntry {
  /** Position in the log, from 0: the Merkle tree's leaf index. */
  index: number;
  /** Event type of the audited fact (e.g. `VoteCast`, `ReadRecorded`, `CaseReferredToProsecutors`). */
  eventType: string;
  eventId: string;
  /** Organisation that acted (the event's `org-id`). */
  orgId: string;
  /**
   * The member (person) of that organisation who acted or read (the event's `actor`), when a
   * personal token was used. Entries that name one are version 2; others stay version 1, so
   * every entry written before keeps its exact bytes and leaf hash.
   */
  actor?: string;
  aggregateId: string;
  /** ISO-8601 instant of the fact (the event's `occurred-at`). */
  occurredAt: string;
  /** Where the fact came from: topic (with the deployment prefix), partition, offset. */
  source: { topic: string; partition: number; offset: string };
  /** The event's value as plain JSON. */
  payload: JsonValue;
}

export const AUDIT_ENTRY_VERSION = 1;
/** Entries that name the acting member. */
export const AUDIT_ENTRY_VERSION_WITH_ACTOR = 2;

export function entryJson(entry: AuditEntry): string {
  return canonicalJson({
    v: entry.actor !== undefined ? AUDIT_ENTRY_VERSION_WITH_ACTOR : AUDIT_ENTRY_VERSION,
    index: entry.index,
    eventType: entry.eventType,
    eventId: entry.eventId,
    orgId: entry.orgId,
    ...(entry.actor !== undefined ? { actor: entry.actor } : {}),
    aggregateId: entry.aggregateId,
    occurredAt: entry.occurredAt,
    source: {
      topic: entry.source.topic,
      partition: entry.source.partition,
      offset: entry.source.offset,
    },
    payload: entry.payload,
  });
}

export const entryBytes = (entry: AuditEntry): Buffer => Buffer.from(entryJson(entry), 'utf8');

export const entryLeafHash = (entry: AuditEntry): Buffer => leafHash(entryBytes(entry));

/** What the appender knows of a consumed event before it has an index. */
export interface AuditedFact {
  metadata: {
    eventType: string;
    eventId: string;
    orgId: string;
    aggregateId: string;
    occurredAt: Date;
    actor?: string;
  };
  data: unknown;
  source: { topic: string; partition: number; offset: string };
}

/** Generic mapping: the audit log needs no knowledge of any context's event shapes. */
export function entryOf(fact: AuditedFact, index: number): AuditEntry {
  return {
    index,
    eventType: fact.metadata.eventType,
    eventId: fact.metadata.eventId,
    orgId: fact.metadata.orgId,
    ...(fact.metadata.actor ? { actor: fact.metadata.actor } : {}),
    aggregateId: fact.metadata.aggregateId,
    occurredAt: fact.metadata.occurredAt.toISOString(),
    source: { ...fact.source },
    payload: toJsonValue(fact.data),
  };
}
