import { createHash } from 'node:crypto';

/**
 * Merkle tree hashing of RFC 9162 §2.1 (the same as RFC 6962): SHA-256, leaves prefixed 0x00,
 * interior nodes 0x01, and the split of n leaves at the largest power of two below n. Proofs are
 * written once over a `SubtreeHashes` source, so the same code serves a list of leaves in memory
 * and a store of perfect-subtree hashes.
 */

export const HASH_SIZE = 32;

export function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({d}) = SHA-256(0x00 || d). */
export const leafHash = (data: Uint8Array): Buffer => sha256(LEAF_PREFIX, data);

/** SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer =>
  sha256(NODE_PREFIX, left, right);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT = sha256();

/** The largest power of two strictly smaller than n (n > 1). */
export function splitPoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`no split for ${n} leaves`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** MTH(D[start:end]) for 0 <= start < end. */
export type SubtreeHashes = (start: number, end: number) => Buffer;

/** MTH(D[start:end]) straight from the definition, over leaf hashes held in memory. */
export function hashesOfLeaves(leafHashes: readonly Buffer[]): SubtreeHashes {
  const mth = (start: number, end: number): Buffer => {
    const n = end - start;
    if (n === 1) {
      const leaf = leafHashes[start];
      if (!leaf) throw new RangeError(`no leaf ${start}`);
      return leaf;
    }
    const k = splitPoint(n);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return mth;
}

/** The root of a tree of `size` leaves. */
export function rootOf(hashes: SubtreeHashes, size: number): Buffer {
  return size === 0 ? EMPTY_ROOT : hashes(0, size);
}

function checkSize(name: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min)
    throw new RangeError(`${name} must be a whole number >= ${min}, not ${n}`);
}

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in a tree of `size`. */
export function inclusionProof(hashes: SubtreeHashes, index: number, size: number): Buffer[] {
  checkSize('size', size, 1);
  checkSize('index', index, 0);
  if (index >= size) throw new RangeError(`index ${index} is not below size ${size}`);
  const path = (m: number, start: number, end: number): Buffer[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, start, start + k), hashes(start + k, end)]
      : [...path(m - k, start + k, end), hashes(start, start + k)];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]) of RFC 9162 §2.1.4.1: the consistency proof between sizes m <= n. */
export function consistencyProof(hashes: SubtreeHashes, first: number, second: number): Buffer[] {
  checkSize('first size', first, 1);
  checkSize('second size', second, first);
  const subproof = (m: number, start: number, end: number, whole: boolean): Buffer[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [hashes(start, end)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, whole), hashes(start + k, end)]
      : [...subproof(m - k, start + k, end, false), hashes(start, start + k)];
  };
  return subproof(first, 0, second, true);
}

const lsb = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` with hash `leaf` in the tree `root` of `size`? */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0) return false;
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (p.length !== HASH_SIZE) return false;
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree `firstRoot` of `first` leaves is a prefix of
 * the tree `secondRoot` of `second` leaves? Equal sizes need an empty proof and equal roots.
 */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second)) return false;
  if (first < 1 || second < first) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
