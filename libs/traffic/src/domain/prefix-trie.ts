/**
 * A binary trie of network prefixes (CIDRs), for "which prefixes contain this address".
 * Keys are addresses as 32-bit words, most significant first: one word for IPv4, four for
 * IPv6. A look-up walks at most 32 or 128 nodes and collects the values stored on the way,
 * so its cost does not grow with the number of prefixes.
 */
interface TrieNode<V> {
  zero?: TrieNode<V>;
  one?: TrieNode<V>;
  values?: Set<V>;
}

const bitAt = (words: ArrayLike<number>, i: number): number =>
  ((words[i >>> 5] as number) >>> (31 - (i & 31))) & 1;

export class PrefixTrie<V> {
  private readonly root: TrieNode<V> = {};
  private count = 0;

  /** `maxBits` is 32 for IPv4, 128 for IPv6. */
  constructor(readonly maxBits: 32 | 128) {}

  get size(): number {
    return this.count;
  }

  add(network: ArrayLike<number>, prefixLength: number, value: V): void {
    this.checkLength(prefixLength);
    let node = this.root;
    for (let i = 0; i < prefixLength; i += 1) {
      if (bitAt(network, i) === 0) node = node.zero ??= {};
      else node = node.one ??= {};
    }
    node.values ??= new Set();
    if (!node.values.has(value)) {
      node.values.add(value);
      this.count += 1;
    }
  }

  delete(network: ArrayLike<number>, prefixLength: number, value: V): void {
    this.checkLength(prefixLength);
    let node: TrieNode<V> | undefined = this.root;
    for (let i = 0; i < prefixLength && node; i += 1) {
      node = bitAt(network, i) === 0 ? node.zero : node.one;
    }
    if (node?.values?.delete(value)) this.count -= 1;
  }

  /** Calls `visit` for every value whose prefix contains the address, shortest prefix first. */
  forEachContaining(address: ArrayLike<number>, visit: (value: V) => void): void {
    let node: TrieNode<V> | undefined = this.root;
    for (let i = 0; node; i += 1) {
      if (node.values) for (const v of node.values) visit(v);
      if (i === this.maxBits) return;
      node = bitAt(address, i) === 0 ? node.zero : node.one;
    }
  }

  private checkLength(prefixLength: number): void {
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > this.maxBits) {
      throw new RangeError(`prefix length ${prefixLength} outside 0-${this.maxBits}`);
    }
  }
}
