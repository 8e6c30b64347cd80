import { entryLeafHash, entryOf, type AuditEntry, type AuditedFact } from './audit-entry';
import { CompactRange, type PerfectNode } from './compact-range';
import { signTreeHead, type AuditSigningKey, type SignedTreeHead } from './tree-head';

/** One appended entry, the head signed for the tree that ends with it, and the new subtrees. */
export interface AppendedEntry {
  entry: AuditEntry;
  head: SignedTreeHead;
  nodes: PerfectNode[];
}

/**
 * The single writer's view of the log: the frontier and the next index. Every entry gets a
 * tree head of its own (size index+1), signed, so a verifier replaying the log names the first
 * entry whose signed head no longer matches, whatever unsigned data was rewritten around it.
 */
export class LogAppender {
  private lastTimestamp = 0;

  constructor(
    private readonly key: AuditSigningKey,
    private range: CompactRange = CompactRange.empty(),
    lastTimestamp = 0,
  ) {
    this.lastTimestamp = lastTimestamp;
  }

  get size(): number {
    return this.range.size;
  }

  append(fact: AuditedFact, now: number): AppendedEntry {
    const entry = entryOf(fact, this.range.size);
    const nodes = this.range.append(entryLeafHash(entry));
    // Heads never go back in time, even if the clock does.
    const timestamp = Math.max(Math.floor(now), this.lastTimestamp);
    this.lastTimestamp = timestamp;
    const head = signTreeHead(this.key, {
      treeSize: this.range.size,
      timestamp,
      rootHash: this.range.root().toString('hex'),
    });
    return { entry, head, nodes };
  }

  /** A copy to append to tentatively: kept only if the transaction that writes it commits. */
  fork(): LogAppender {
    return new LogAppender(this.key, this.range.clone(), this.lastTimestamp);
  }
}
