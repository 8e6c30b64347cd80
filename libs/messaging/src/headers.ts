import type { IHeaders } from 'kafkajs';
import type { EventMetadata } from '@acd/event-sourcing';

/** Header names, exactly as ARCHITECTURE.md lists them (plus causation-id and the DLQ set). */
export const H = {
  eventType: 'event-type',
  eventId: 'event-id',
  aggregateId: 'aggregate-id',
  aggregateVersion: 'aggregate-version',
  orgId: 'org-id',
  occurredAt: 'occurred-at',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  idempotencyKey: 'idempotency-key',
  commandType: 'command-type',
  commandId: 'command-id',
  commandFingerprint: 'command-fingerprint',
  expectedVersion: 'expected-version',
  replyTo: 'reply-to',
  orgKind: 'org-kind',
  orgSector: 'org-sector',
  /** `bound` when the issuing organisation sat on the council, bound to confidentiality, as the gateway took the command. */
  orgCouncil: 'org-council',
  /** The member (person) of `org-id` whose personal token issued the command; absent for the organisation's own token and for the bus itself. */
  actor: 'actor',
  dlqReason: 'dlq-reason',
  dlqError: 'dlq-error',
  dlqTopic: 'dlq-source-topic',
  dlqPartition: 'dlq-source-partition',
  dlqOffset: 'dlq-source-offset',
  dlqConsumer: 'dlq-consumer-group',
  /** On a dead letter whose value was cut to fit: the original's length and SHA-256 (hex). */
  dlqValueBytes: 'dlq-value-bytes',
  dlqValueSha256: 'dlq-value-sha256',
  /** On a dead letter whose key was cut, the original key's length. */
  dlqKeyBytes: 'dlq-key-bytes',
  /** On a dead letter that could not carry all the source headers: how many were left out. */
  dlqHeadersDropped: 'dlq-headers-dropped',
} as const;

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  if (raw === undefined || raw === null) return undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** The first value of every header, bytes untouched: for copying a record's headers on. */
export function firstHeaders(headers: IHeaders | undefined): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first;
  }
  return out;
}

export class MissingHeaderError extends Error {
  constructor(readonly headerName: string) {
    super(`missing header ${headerName}`);
  }
}

export function requireHeader(headers: IHeaders | undefined, name: string): string {
  const value = header(headers, name);
  if (value === undefined || value === '') throw new MissingHeaderError(name);
  return value;
}

export function eventHeaders(m: EventMetadata): Record<string, string> {
  return {
    [H.eventType]: m.eventType,
    [H.eventId]: m.eventId,
    [H.aggregateId]: m.aggregateId,
    [H.aggregateVersion]: String(m.aggregateVersion),
    [H.orgId]: m.orgId,
    [H.occurredAt]: m.occurredAt.toISOString(),
    [H.correlationId]: m.correlationId,
    [H.causationId]: m.causationId,
    ...(m.commandFingerprint ? { [H.commandFingerprint]: m.commandFingerprint } : {}),
    ...(m.actor ? { [H.actor]: m.actor } : {}),
  };
}

export function readEventMetadata(headers: IHeaders | undefined): EventMetadata {
  const version = Number(requireHeader(headers, H.aggregateVersion));
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new MissingHeaderError(`${H.aggregateVersion} (not a positive integer)`);
  }
  const occurredAt = new Date(requireHeader(headers, H.occurredAt));
  if (Number.isNaN(occurredAt.getTime())) {
    throw new MissingHeaderError(`${H.occurredAt} (not an ISO-8601 instant)`);
  }
  const fingerprint = header(headers, H.commandFingerprint);
  const actor = header(headers, H.actor);
  return {
    eventType: requireHeader(headers, H.eventType),
    eventId: requireHeader(headers, H.eventId),
    aggregateId: requireHeader(headers, H.aggregateId),
    aggregateVersion: version,
    orgId: requireHeader(headers, H.orgId),
    occurredAt,
    correlationId: header(headers, H.correlationId) ?? '',
    causationId: header(headers, H.causationId) ?? '',
    ...(fingerprint ? { commandFingerprint: fingerprint } : {}),
    ...(actor ? { actor } : {}),
  };
}
