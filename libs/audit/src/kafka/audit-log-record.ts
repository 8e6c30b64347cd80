import type { KeyObject } from 'node:crypto';
import type { KafkaMessage, Message } from 'kafkajs';
import { entryJson, type AuditEntry } from '../domain/audit-entry';
import { type JsonValue } from '../domain/canonical-json';
import { type CompactRange } from '../domain/compact-range';
import { extendFrontier, LogGapError, type FrontierStep } from '../domain/log-frontier';
import { type LogRecord } from '../domain/log-verifier';
import { type SignedTreeHead } from '../domain/tree-head';
import { eventHeaders, type BusLogger, type WireCodec } from '@acd/messaging';

export const AUDIT_ENTRY_RECORD = 'jp.acd.audit.AuditEntryAppended';
export const AUDIT_LOG_AGGREGATE = 'audit-log';

interface AuditEntryAppended {
  index: number;
  entryJson: string;
  treeSize: number;
  timestamp: number | Date;
  rootHash: string;
  signature: string;
  keyId: string;
}

/** One log record as written to acd.audit.log.v1: key = index, Avro value, the usual headers. */
export function encodeLogRecord(codec: WireCodec, record: LogRecord, keyId: string): Message {
  const { entry, head } = record;
  const value: AuditEntryAppended = {
    index: entry.index,
    entryJson: entryJson(entry),
    treeSize: head.treeSize,
    timestamp: head.timestamp,
    rootHash: head.rootHash,
    signature: head.signature,
    keyId,
  };
  return {
    key: String(entry.index),
    value: codec.encode(AUDIT_ENTRY_RECORD, value),
    headers: eventHeaders({
      eventType: 'AuditEntryAppended',
      eventId: `${AUDIT_LOG_AGGREGATE}-${entry.index}`,
      aggregateId: AUDIT_LOG_AGGREGATE,
      aggregateVersion: entry.index + 1,
      orgId: entry.orgId || 'unknown',
      occurredAt: new Date(head.timestamp),
      correlationId: entry.eventId,
      causationId: entry.eventId,
    }),
  };
}

export class BadLogRecordError extends Error {}

/**
 * Reads a log record back. Structure only: whether it is true is the verifier's question, so a
 * record whose entry was altered decodes fine and fails verification, naming its index.
 */
export function decodeLogRecord(
  codec: WireCodec,
  message: Pick<KafkaMessage, 'value' | 'offset'>,
): LogRecord & { keyId: string } {
  if (!message.value)
    throw new BadLogRecordError(`record at offset ${message.offset} has no value`);
  let decoded: { fullName: string; value: unknown };
  try {
    decoded = codec.decode(message.value);
  } catch (err) {
    throw new BadLogRecordError(
      `record at offset ${message.offset} is not decodable: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (decoded.fullName !== AUDIT_ENTRY_RECORD)
    throw new BadLogRecordError(`record at offset ${message.offset} is a ${decoded.fullName}`);
  const v = decoded.value as AuditEntryAppended;
  return {
    entry: parseEntryJson(v.entryJson, v.index),
    leafData: v.entryJson,
    head: {
      treeSize: v.treeSize,
      timestamp: v.timestamp instanceof Date ? v.timestamp.getTime() : v.timestamp,
      rootHash: v.rootHash,
      signature: v.signature,
    },
    keyId: v.keyId,
  };
}

/**
 * A record of the log topic as its writer (rebuilding its frontier) and its store read it: one
 * that is not even a log record is not part of the log (anyone with producer access can write
 * to the topic; only the appender's records hold entries), so it is passed over, logged, and
 * `undefined` returned; stopping at it would stop the log for good, since a Kafka record cannot
 * be removed. `acd audit verify --source topic` still names it.
 */
export function readLogRecord(
  codec: WireCodec,
  message: Pick<KafkaMessage, 'value' | 'offset'>,
  logger: BusLogger,
): (LogRecord & { keyId: string }) | undefined {
  try {
    return decodeLogRecord(codec, message);
  } catch (err) {
    if (!(err instanceof BadLogRecordError)) throw err;
    logger.error('audit log record passed over: not a log record', {
      offset: message.offset,
      error: err.message,
    });
    return undefined;
  }
}

/** The entry inside a record; the structural checks keep a malformed one from crashing a reader. */
export function parseEntryJson(text: string, fallbackIndex: number): AuditEntry {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    raw = {};
  }
  const source = (raw.source ?? {}) as Record<string, unknown>;
  const str = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x ?? null));
  return {
    index: typeof raw.index === 'number' ? raw.index : fallbackIndex,
    eventType: str(raw.eventType),
    eventId: str(raw.eventId),
    orgId: str(raw.orgId),
    ...(raw.actor !== undefined ? { actor: str(raw.actor) } : {}),
    aggregateId: str(raw.aggregateId),
    occurredAt: str(raw.occurredAt),
    source: {
      topic: str(source.topic),
      partition: typeof source.partition === 'number' ? source.partition : -1,
      offset: str(source.offset),
    },
    payload: (raw.payload ?? null) as JsonValue,
  };
}

export type { SignedTreeHead };

/**
 * One record of the log topic against the frontier (`extendFrontier`): a record that does not
 * even decode is passed over too (no producer can stop the log with garbage); a gap throws,
 * naming the offset.
 */
export function frontierStep(
  range: CompactRange,
  publicKey: KeyObject,
  codec: WireCodec,
  message: Pick<KafkaMessage, 'value' | 'offset'>,
):
  | (Extract<FrontierStep, { kind: 'appended' }> & {
      record: LogRecord & { keyId: string };
      head: SignedTreeHead;
    })
  | Extract<FrontierStep, { kind: 'passed-over' }> {
  let record: LogRecord & { keyId: string };
  try {
    record = decodeLogRecord(codec, message);
  } catch (err) {
    if (!(err instanceof BadLogRecordError)) throw err;
    return { kind: 'passed-over', reason: err.message };
  }
  let step: FrontierStep;
  try {
    step = extendFrontier(range, publicKey, record);
  } catch (err) {
    if (!(err instanceof LogGapError)) throw err;
    throw new LogGapError(
      `${err.message} (offset ${message.offset}); run acd audit verify --source topic`,
    );
  }
  return step.kind === 'appended' ? { ...step, record, head: record.head } : step;
}
