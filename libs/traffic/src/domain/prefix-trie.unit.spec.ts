import fc from 'fast-check';
import { parseIp } from './ip-address';
import { PrefixTrie } from './prefix-trie';

/** The naive reference: an address is in a prefix when their first `length` bits agree (bigint). */
const inPrefix = (addr: bigint, net: bigint, length: number, bits: number): boolean =>
  addr >> BigInt(bits - length) === net >> BigInt(bits - length);

const fromBig4 = (n: bigint): string =>
  [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
const fromBig6 = (n: bigint): string =>
  Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(
    ':',
  );

/** Networks and addresses that share leading bits often, so nesting and near-misses occur. */
const v4 = fc.bigInt({ min: 0n, max: 0xffffffffn }).map((n) => n & 0xfff0000fn);
const v6 = fc
  .bigInt({ min: 0n, max: (1n << 128n) - 1n })
  .map((n) => n & ((0xffffn << 112n) | 0xffn));

function canonicalNet(n: bigint, length: number, bits: number): bigint {
  return length === 0 ? 0n : (n >> BigInt(bits - length)) << BigInt(bits - length);
}

describe('PrefixTrie', () => {
  it.each([
    [32, v4, fromBig4],
    [128, v6, fromBig6],
  ] as const)('finds exactly the prefixes containing an address (IPv%s bits)', (bits, gen, fmt) => {
    const prefix = fc.tuple(gen, fc.integer({ min: 0, max: bits }));
    fc.assert(
      fc.property(
        fc.array(prefix, { maxLength: 40 }),
        fc.array(gen, { maxLength: 20 }),
        (nets, addrs) => {
          const trie = new PrefixTrie<number>(bits);
          const canon = nets.map(([n, l]) => [canonicalNet(n, l, bits), l] as const);
          canon.forEach(([n, l], i) => {
            const key = parseIp(fmt(n));
            if (!key) throw new Error('bad key');
            trie.add(key.family === 4 ? [key.value] : key.words, l, i);
          });
          // Include the networks themselves, so every prefix is hit at least once.
          for (const a of [...addrs, ...canon.map(([n]) => n)]) {
            const key = parseIp(fmt(a));
            if (!key) throw new Error('bad key');
            const found: number[] = [];
            trie.forEachContaining(key.family === 4 ? [key.value] : key.words, (i) =>
              found.push(i),
            );
            const expected = canon.flatMap(([n, l], i) => (inPrefix(a, n, l, bits) ? [i] : []));
            expect(found.sort((x, y) => x - y)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets a deleted prefix, and counts each value once', () => {
    const trie = new PrefixTrie<string>(32);
    trie.add([0x0a000000], 8, 'a');
    trie.add([0x0a000000], 8, 'a');
    trie.add([0x0a010000], 16, 'b');
    expect(trie.size).toBe(2);
    trie.delete([0x0a000000], 8, 'a');
    const seen: string[] = [];
    trie.forEachContaining([0x0a010203], (v) => seen.push(v));
    expect(seen).toEqual(['b']);
    expect(trie.size).toBe(1);
    expect(() => trie.add([0], 33, 'x')).toThrow(RangeError);
  });
});
