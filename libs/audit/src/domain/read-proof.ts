import type { KeyObject } from 'node:crypto';
import { entryLeafHash, type AuditEntry } from './audit-entry';
import { verifyInclusion } from './merkle';
import { verifyTreeHead, type SignedTreeHead } from './tree-head';

/** One recorded read of an item, as the API answers it: the entry and its inclusion proof. */
export interface ProvenRead {
  index: number;
  entry: AuditEntry;
  /** Hex sibling hashes from the leaf up (RFC 9162 §2.1.3). */
  proof: readonly string[];
}

export type ReadProofCheck =
  | { ok: true }
  | { ok: false; reason: 'head-signature' | 'not-in-tree' | 'not-this-item'; detail: string };

/**
 * Checks that a "who read" answer is what the log says: the head carries the bus's signature,
 * every entry is in the tree of that head at its index, and every entry records a read of the
 * item asked about. A store or server that drops, adds or alters an entry fails here.
 */
export function checkProvenReads(
  publicKey: KeyObject,
  head: SignedTreeHead,
  itemId: string,
  reads: readonly ProvenRead[],
): ReadProofCheck[] {
  const headOk = verifyTreeHead(publicKey, head);
  const root = Buffer.from(head.rootHash, 'hex');
  return reads.map((r): ReadProofCheck => {
    if (!headOk)
      return {
        ok: false,
        reason: 'head-signature',
        detail: 'the tree head is not signed by the bus key',
      };
    if (
      r.entry.index !== r.index ||
      r.entry.eventType !== 'ReadRecorded' ||
      !readsItem(r.entry, itemId)
    )
      return {
        ok: false,
        reason: 'not-this-item',
        detail: `entry ${r.index} does not record a read of ${itemId}`,
      };
    const proof = r.proof.map((p) => Buffer.from(p, 'hex'));
    if (!verifyInclusion(entryLeafHash(r.entry), r.index, head.treeSize, proof, root))
      return {
        ok: false,
        reason: 'not-in-tree',
        detail: `entry ${r.index} is not in the tree of ${head.treeSize} entries`,
      };
    return { ok: true };
  });
}

function readsItem(entry: AuditEntry, itemId: string): boolean {
  const items = (entry.payload as { items?: unknown } | null)?.items;
  return Array.isArray(items) && items.some((i) => (i as { id?: unknown })?.id === itemId);
}
