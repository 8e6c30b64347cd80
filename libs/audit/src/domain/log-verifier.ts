import type { KeyObject } from 'node:crypto';
import { entryJson, entryLeafHash, type AuditEntry } from './audit-entry';
import { CompactRange } from './compact-range';
import { verifyTreeHead, type SignedTreeHead } from './tree-head';

export interface LogRecord {
  entry: AuditEntry;
  head: SignedTreeHead;
  /**
   * The entry's bytes exactly as stored, where the store keeps them (the log topic): they must
   * be the canonical serialisation of the entry, so no member can be added or reformatted unseen.
   */
  leafData?: string;
}

export interface VerifyFailure {
  ok: false;
  /** The first entry that does not verify (or the first missing one). */
  index: number;
  reason: string;
  /** Entries verified before it. */
  checked: number;
}

export interface VerifySuccess {
  ok: true;
  size: number;
  rootHash: string;
  latest: SignedTreeHead | undefined;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

/** A head the verifier already trusts (pinned earlier, or published): the log must contain it. */
export interface PinnedHead {
  treeSize: number;
  rootHash?: string;
}

/**
 * Replays a log entry by entry: recomputes each leaf from the entry, appends it to the tree,
 * and checks the entry's own signed head (size, root, signature, time order). The first entry
 * that fails is named, whether it was altered (its root differs), removed or reordered (the
 * index or the size is not the next one), or re-signed by anyone without the key. Removing
 * entries from the end is caught by `finish` against the newest head the server signed, and by
 * a pinned head.
 */
export class LogVerifier {
  private readonly range = CompactRange.empty();
  private failure: VerifyFailure | undefined;
  private latest: SignedTreeHead | undefined;

  constructor(
    private readonly publicKey: KeyObject,
    private readonly pinned?: PinnedHead,
  ) {}

  get size(): number {
    return this.range.size;
  }

  /** Checks the next record; returns the failure once one is found (and keeps returning it). */
  push(record: LogRecord): VerifyFailure | undefined {
    if (this.failure) return this.failure;
    const i = this.range.size;
    const fail = (reason: string): VerifyFailure =>
      (this.failure = { ok: false, index: i, reason, checked: i });
    const { entry, head } = record;
    if (entry.index !== i) {
      return fail(
        entry.index > i
          ? `entry ${i} is missing: the next stored entry is ${entry.index}`
          : `entry ${entry.index} appears where entry ${i} belongs (entries reordered or repeated)`,
      );
    }
    let leaf: Buffer;
    try {
      if (record.leafData !== undefined && record.leafData !== entryJson(entry))
        return fail('the stored entry is not the canonical form of an entry (altered or extended)');
      leaf = entryLeafHash(entry);
    } catch (err) {
      return fail(
        `entry cannot be serialised: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    this.range.append(leaf);
    if (head.treeSize !== i + 1)
      return fail(`its tree head is for size ${head.treeSize}, not ${i + 1}`);
    if (!verifyTreeHead(this.publicKey, head))
      return fail('its tree head signature does not verify with the trusted key');
    const root = this.range.root().toString('hex');
    if (head.rootHash !== root)
      return fail(
        'the entry or an earlier one differs from what was signed: recomputed root does not match its signed tree head',
      );
    if (this.latest && head.timestamp < this.latest.timestamp)
      return fail('its tree head is older than the previous entry’s');
    if (
      this.pinned &&
      this.pinned.treeSize === i + 1 &&
      this.pinned.rootHash !== undefined &&
      this.pinned.rootHash !== root
    )
      return fail('the tree up to this entry differs from the pinned trusted head');
    this.latest = head;
    return undefined;
  }

  /**
   * Ends the replay. `newest` is the newest head the log publishes (the API's head, the last
   * record on the topic): entries it covers must all have been seen.
   */
  finish(newest?: SignedTreeHead): VerifyResult {
    if (this.failure) return this.failure;
    const size = this.range.size;
    const fail = (index: number, reason: string): VerifyFailure =>
      (this.failure = { ok: false, index, reason, checked: size });
    if (newest) {
      if (!verifyTreeHead(this.publicKey, newest))
        return fail(size, 'the newest tree head’s signature does not verify with the trusted key');
      if (newest.treeSize > size)
        return fail(
          size,
          `entry ${size} is missing: the log ends after ${size} entries but a signed head covers ${newest.treeSize}`,
        );
      if (newest.treeSize === size && newest.rootHash !== this.range.root().toString('hex'))
        return fail(size - 1, 'the newest signed tree head does not match the replayed tree');
    }
    if (this.pinned && this.pinned.treeSize > size)
      return fail(
        size,
        `entry ${size} is missing: the log ends after ${size} entries but the pinned head has ${this.pinned.treeSize}`,
      );
    return { ok: true, size, rootHash: this.range.root().toString('hex'), latest: this.latest };
  }
}

/** Verifies a whole log held in memory. */
export function verifyLog(
  records: Iterable<LogRecord>,
  publicKey: KeyObject,
  opts: { pinned?: PinnedHead; newest?: SignedTreeHead } = {},
): VerifyResult {
  const v = new LogVerifier(publicKey, opts.pinned);
  for (const r of records) {
    const failure = v.push(r);
    if (failure) return failure;
  }
  return v.finish(opts.newest);
}

/** Progress of a long verification, for a bar or a line on stderr. */
export type LogProgressListener = (p: { checked: number; total: number; unit: string }) => void;
