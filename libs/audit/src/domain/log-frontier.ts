import type { KeyObject } from 'node:crypto';
import { entryJson, entryLeafHash } from './audit-entry';
import { type CompactRange, type PerfectNode } from './compact-range';
import { type LogRecord } from './log-verifier';
import { verifyTreeHead } from './tree-head';

/** What one record read from the log topic does to the tree the bus goes on signing. */
export type FrontierStep =
  | { kind: 'appended'; nodes: PerfectNode[] }
  /** Not part of the bus's log: the record is left out of the tree (the verifier names it). */
  | { kind: 'passed-over'; reason: string };

/** The topic lacks entries the tree needs: nothing can safely be appended after it. */
export class LogGapError extends Error {}

/**
 * How the log's single writer (rebuilding its frontier on start) and the store (copying the log)
 * read the topic. Anyone with producer access can append to a topic; only the bus holds the key.
 * So a record extends the tree only if it is the next entry and its head, signed by the bus's
 * key, is the head of exactly the tree it makes. Every other record is passed over, never taken
 * into the tree:
 *
 * - a head the key did not sign (a forged or re-signed record): were it taken in, the bus would
 *   go on signing heads over a leaf it never wrote, and an inclusion proof of the forgery would
 *   verify against the bus's own signature;
 * - an entry already in the tree (a record written again, e.g. a replacement under an earlier
 *   entry's key): the tree has that index already;
 * - the next index, signed, whose head does not match the tree with this entry (its bytes were
 *   altered, or it is not canonical).
 *
 * Passing over rather than stopping means a record injected by some other producer neither
 * stops the log nor enters it; `acd audit verify --source topic` still fails naming it. A signed
 * record beyond the next index means entries are missing from the topic (deleted from its start):
 * the frontier cannot be known, so this throws.
 */
export function extendFrontier(
  range: CompactRange,
  publicKey: KeyObject,
  record: LogRecord,
): FrontierStep {
  const { entry, head } = record;
  const size = range.size;
  if (!verifyTreeHead(publicKey, head))
    return {
      kind: 'passed-over',
      reason: `a record claiming entry ${String(entry.index)} whose tree head the bus's key did not sign`,
    };
  if (typeof entry.index !== 'number' || entry.index < size)
    return {
      kind: 'passed-over',
      reason: `entry ${String(entry.index)} again, after the tree already holds ${size} entries`,
    };
  if (entry.index > size)
    throw new LogGapError(
      `the log topic lacks entry ${size}: the next signed record is entry ${entry.index}`,
    );
  let leaf: Buffer;
  try {
    if (record.leafData !== undefined && record.leafData !== entryJson(entry))
      return { kind: 'passed-over', reason: `entry ${size} is not in canonical form` };
    leaf = entryLeafHash(entry);
  } catch {
    return { kind: 'passed-over', reason: `entry ${size} cannot be serialised` };
  }
  const next = range.clone();
  next.append(leaf);
  if (head.treeSize !== size + 1 || head.rootHash !== next.root().toString('hex'))
    return {
      kind: 'passed-over',
      reason: `entry ${size} differs from what its signed tree head covers`,
    };
  return { kind: 'appended', nodes: range.append(leaf) };
}
