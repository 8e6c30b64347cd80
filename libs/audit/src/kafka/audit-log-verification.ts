import type { KeyObject } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import {
  LogVerifier,
  type LogProgressListener,
  type PinnedHead,
  type VerifyResult,
} from '../domain/log-verifier';
import { type SignedTreeHead } from '../domain/tree-head';
import { readLogToEnd, type WireCodec } from '@acd/messaging';
import { BadLogRecordError, decodeLogRecord } from './audit-log-record';
import type { AuditStore } from '../read/audit.store';

/**
 * Verifies the log as it stands on a Kafka topic (acd.audit.log.v1, or a copy of it): every
 * record in offset order, read-committed, against the trusted key; the newest head is the last
 * record's. A record that does not even decode is named as the entry it should have been.
 */
export async function verifyLogTopic(
  kafka: Kafka,
  codec: WireCodec,
  topic: string,
  publicKey: KeyObject,
  opts: { groupPrefix: string; pinned?: PinnedHead; onProgress?: LogProgressListener },
): Promise<VerifyResult> {
  const verifier = new LogVerifier(publicKey, opts.pinned);
  let broken: VerifyResult | undefined;
  let seen = -1n;
  await readLogToEnd(
    kafka,
    topic,
    opts.groupPrefix,
    (batch) => {
      for (const message of batch.messages) {
        if (broken) return;
        // A re-fetched batch (after a rebalance of the reader) must not count twice.
        if (BigInt(message.offset) <= seen) continue;
        seen = BigInt(message.offset);
        let record;
        try {
          record = decodeLogRecord(codec, message);
        } catch (err) {
          if (!(err instanceof BadLogRecordError)) throw err;
          broken = { ok: false, index: verifier.size, reason: err.message, checked: verifier.size };
          return;
        }
        const failure = verifier.push(record);
        // On a topic the record is also named by its offset (a forged one may claim any index).
        if (failure)
          broken = { ...failure, reason: `${failure.reason} (record at offset ${message.offset})` };
      }
    },
    (p) => opts.onProgress?.({ checked: verifier.size, total: p.total, unit: 'offsets' }),
  );
  return broken ?? verifier.finish();
}

/** Verifies the store's copy page by page (what the API serves), against its newest head. */
export async function verifyStore(
  store: AuditStore,
  publicKey: KeyObject,
  opts: { pinned?: PinnedHead; pageSize?: number; onProgress?: LogProgressListener } = {},
): Promise<VerifyResult> {
  const state = await store.state();
  const newest: SignedTreeHead | undefined = state.head;
  const verifier = new LogVerifier(publicKey, opts.pinned);
  const pageSize = opts.pageSize ?? 500;
  let from = 0;
  for (;;) {
    const page = await store.page(from, pageSize, Number.MAX_SAFE_INTEGER);
    for (const record of page) {
      const failure = verifier.push(record);
      if (failure) return failure;
    }
    opts.onProgress?.({ checked: verifier.size, total: state.size, unit: 'entries' });
    if (page.length < pageSize) break;
    from = (page[page.length - 1]?.entry.index ?? from) + 1;
  }
  return verifier.finish(newest);
}
