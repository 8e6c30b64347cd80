import { EMPTY_ROOT, isPowerOfTwo, nodeHash, splitPoint, type SubtreeHashes } from './merkle';

/** A perfect subtree: it covers leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

export interface PerfectNode extends NodeId {
  hash: Buffer;
}

/**
 * The frontier of an append-only Merkle tree: the roots of the perfect subtrees that make up
 * its leaves, left to right (one per 1-bit of the size). Enough to append and to compute the
 * root without holding any leaf, so the appender keeps O(log n) hashes.
 */
export class CompactRange {
  private constructor(
    private count: number,
    private readonly roots: Buffer[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** The frontier of a tree of `size` leaves from the hashes of `CompactRange.nodesOf(size)`. */
  static fromHashes(size: number, hashes: readonly Buffer[]): CompactRange {
    const expected = CompactRange.nodesOf(size).length;
    if (hashes.length !== expected)
      throw new RangeError(
        `a tree of ${size} leaves has ${expected} frontier nodes, not ${hashes.length}`,
      );
    return new CompactRange(
      size,
      hashes.map((h) => Buffer.from(h)),
    );
  }

  /** Which perfect subtrees form the frontier of a tree of `size` leaves, left to right. */
  static nodesOf(size: number): NodeId[] {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad tree size ${size}`);
    const out: NodeId[] = [];
    let start = 0;
    let width = 1;
    while (width * 2 <= size) width *= 2;
    for (let level = Math.round(Math.log2(width)); width >= 1; level--, width /= 2) {
      if (size - start >= width) {
        out.push({ level, index: start / width });
        start += width;
      }
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  /** Appends a leaf hash; returns every perfect subtree this completed (the leaf itself first). */
  append(leaf: Buffer): PerfectNode[] {
    const created: PerfectNode[] = [{ level: 0, index: this.count, hash: leaf }];
    let hash = leaf;
    let level = 0;
    let index = this.count;
    while (index % 2 === 1) {
      const left = this.roots.pop();
      if (!left) throw new Error('compact range corrupted: frontier shorter than its size says');
      hash = nodeHash(left, hash);
      level += 1;
      index = (index - 1) / 2;
      created.push({ level, index, hash });
    }
    this.roots.push(hash);
    this.count += 1;
    return created;
  }

  root(): Buffer {
    let acc: Buffer | undefined;
    for (let i = this.roots.length - 1; i >= 0; i--) {
      const h = this.roots[i] as Buffer;
      acc = acc ? nodeHash(h, acc) : h;
    }
    return acc ?? EMPTY_ROOT;
  }

  frontier(): Buffer[] {
    return this.roots.map((h) => Buffer.from(h));
  }

  clone(): CompactRange {
    return new CompactRange(this.count, this.frontier());
  }
}

/** MTH(D[start:end]) from stored perfect-subtree hashes: no leaf has to be loaded. */
export function hashesOfPerfectNodes(get: (level: number, index: number) => Buffer): SubtreeHashes {
  const mth = (start: number, end: number): Buffer => {
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) return get(Math.round(Math.log2(n)), start / n);
    const k = splitPoint(n);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return mth;
}

/**
 * The perfect subtrees a computation over `SubtreeHashes` reads (a proof, a root): run it once
 * with placeholders to learn which nodes to fetch, fetch them in one query, then run it for real.
 */
export function nodesRead(compute: (hashes: SubtreeHashes) => unknown): NodeId[] {
  const seen = new Map<string, NodeId>();
  const placeholder = Buffer.alloc(32);
  compute(
    hashesOfPerfectNodes((level, index) => {
      seen.set(`${level}:${index}`, { level, index });
      return placeholder;
    }),
  );
  return [...seen.values()];
}
