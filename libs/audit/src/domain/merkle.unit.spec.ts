import fc from 'fast-check';
import { CompactRange, hashesOfPerfectNodes, nodesRead } from './compact-range';
import {
  consistencyProof,
  EMPTY_ROOT,
  hashesOfLeaves,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  sha256,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const hex = (b: Buffer): string => b.toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

// RFC 6962 reference leaves and roots, as published with the Certificate Transparency test data
// (also in transparency-dev/merkle's testonly constants).
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((s) => leafHash(unhex(s)));
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/**
 * A second, deliberately naive reading of RFC 9162 §2.1: recursion on arrays, slices and
 * concatenation, nothing shared with the implementation but SHA-256.
 */
const ref = {
  mth(d: Buffer[]): Buffer {
    if (d.length === 0) return sha256();
    if (d.length === 1) return d[0] as Buffer;
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return sha256(Buffer.from([1]), ref.mth(d.slice(0, k)), ref.mth(d.slice(k)));
  },
  path(m: number, d: Buffer[]): Buffer[] {
    if (d.length === 1) return [];
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return m < k
      ? [...ref.path(m, d.slice(0, k)), ref.mth(d.slice(k))]
      : [...ref.path(m - k, d.slice(k)), ref.mth(d.slice(0, k))];
  },
  subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
    const n = d.length;
    if (m === n) return b ? [] : [ref.mth(d)];
    let k = 1;
    while (k * 2 < n) k *= 2;
    return m <= k
      ? [...ref.subproof(m, d.slice(0, k), b), ref.mth(d.slice(k))]
      : [...ref.subproof(m - k, d.slice(k), false), ref.mth(d.slice(0, k))];
  },
};

const leavesOf = (n: number, salt = 0): Buffer[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf-${salt}-${i}`)));

/** Flips one bit of one hash of a proof. */
function flip(proof: Buffer[], which: number, bit: number): Buffer[] {
  return proof.map((p, i) => {
    if (i !== which) return p;
    const c = Buffer.from(p);
    const at = Math.floor(bit / 8) % c.length;
    c[at] = (c[at] ?? 0) ^ (1 << (bit % 8));
    return c;
  });
}

describe('RFC 9162 hashing, against the published Certificate Transparency vectors', () => {
  it('gives the reference root for every size 0 to 8', () => {
    expect(hex(EMPTY_ROOT)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    for (let n = 1; n <= 8; n++)
      expect(hex(rootOf(hashesOfLeaves(CT_LEAVES), n))).toBe(CT_ROOTS[n - 1]);
  });

  it('gives the reference inclusion proofs', () => {
    const h = hashesOfLeaves(CT_LEAVES);
    expect(inclusionProof(h, 0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(inclusionProof(h, 5, 8).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('gives the reference consistency proofs, and they verify', () => {
    const h = hashesOfLeaves(CT_LEAVES);
    const cases: [number, number, string[]][] = [
      [
        2,
        8,
        [
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
        ],
      ],
      [
        6,
        8,
        [
          '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
      [
        2,
        5,
        [
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        ],
      ],
    ];
    for (const [m, n, proof] of cases) {
      expect(consistencyProof(h, m, n).map(hex)).toEqual(proof);
      expect(
        verifyConsistency(m, n, proof.map(unhex), unhex(CT_ROOTS[m - 1]!), unhex(CT_ROOTS[n - 1]!)),
      ).toBe(true);
    }
  });
});

describe('inclusion proofs', () => {
  const sizeAndIndex = fc
    .integer({ min: 1, max: 300 })
    .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));

  it('verify for every tree size and index, and equal the naive reference', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([n, i]) => {
        const leaves = leavesOf(n);
        const h = hashesOfLeaves(leaves);
        const proof = inclusionProof(h, i, n);
        expect(proof.map(hex)).toEqual(ref.path(i, leaves).map(hex));
        expect(hex(rootOf(h, n))).toBe(hex(ref.mth(leaves)));
        expect(verifyInclusion(leaves[i]!, i, n, proof, rootOf(h, n))).toBe(true);
      }),
    );
  });

  it('exhaustively verify for all sizes up to 64', () => {
    for (let n = 1; n <= 64; n++) {
      const leaves = leavesOf(n, 1);
      const h = hashesOfLeaves(leaves);
      const root = rootOf(h, n);
      for (let i = 0; i < n; i++)
        expect(verifyInclusion(leaves[i]!, i, n, inclusionProof(h, i, n), root)).toBe(true);
    }
  });

  it('fail for any altered bit of the proof, the leaf or the root, and for another index', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), ([n, i], pick, bit) => {
        const leaves = leavesOf(n);
        const h = hashesOfLeaves(leaves);
        const root = rootOf(h, n);
        const proof = inclusionProof(h, i, n);
        const leaf = leaves[i]!;
        if (proof.length > 0)
          expect(verifyInclusion(leaf, i, n, flip(proof, pick % proof.length, bit), root)).toBe(
            false,
          );
        expect(verifyInclusion(flip([leaf], 0, bit)[0]!, i, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, i, n, proof, flip([root], 0, bit)[0]!)).toBe(false);
        if (n > 1) {
          const other = (i + 1 + (pick % (n - 1))) % n;
          expect(verifyInclusion(leaf, other, n, proof, root)).toBe(false);
        }
        expect(verifyInclusion(leaf, i, n, [...proof, leaf], root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(leaf, i, n, proof.slice(1), root)).toBe(false);
      }),
    );
  });
});

describe('consistency proofs', () => {
  const sizes = fc
    .integer({ min: 1, max: 300 })
    .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

  it('verify for every pair of sizes, and equal the naive reference', () => {
    fc.assert(
      fc.property(sizes, ([m, n]) => {
        const leaves = leavesOf(n, 2);
        const h = hashesOfLeaves(leaves);
        const proof = consistencyProof(h, m, n);
        expect(proof.map(hex)).toEqual(ref.subproof(m, leaves, true).map(hex));
        expect(verifyConsistency(m, n, proof, rootOf(h, m), rootOf(h, n))).toBe(true);
      }),
    );
  });

  it('fail for any altered bit and for a first tree with another history', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(255), ([m, n], pick, bit) => {
        const leaves = leavesOf(n, 3);
        const h = hashesOfLeaves(leaves);
        const [r1, r2] = [rootOf(h, m), rootOf(h, n)];
        const proof = consistencyProof(h, m, n);
        if (proof.length > 0)
          expect(verifyConsistency(m, n, flip(proof, pick % proof.length, bit), r1, r2)).toBe(
            false,
          );
        expect(verifyConsistency(m, n, proof, flip([r1], 0, bit)[0]!, r2)).toBe(false);
        expect(verifyConsistency(m, n, proof, r1, flip([r2], 0, bit)[0]!)).toBe(false);
        // A different history of the first m leaves is never consistent with this tree.
        const forked = [...leaves];
        forked[pick % m] = leafHash(Buffer.from('forged'));
        expect(verifyConsistency(m, n, proof, rootOf(hashesOfLeaves(forked), m), r2)).toBe(false);
      }),
    );
  });
});

describe('the compact range (frontier) and stored perfect subtrees', () => {
  it('has the root of the whole tree after every append, and records every perfect node', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (n) => {
        const leaves = leavesOf(n, 4);
        const range = CompactRange.empty();
        const stored = new Map<string, Buffer>();
        for (let i = 0; i < n; i++) {
          for (const node of range.append(leaves[i]!))
            stored.set(`${node.level}:${node.index}`, node.hash);
          expect(hex(range.root())).toBe(hex(ref.mth(leaves.slice(0, i + 1))));
        }
        expect(hex(range.root())).toBe(hex(ref.mth(leaves)));
        // Rebuilt from the stored frontier nodes alone, it continues identically.
        const ids = CompactRange.nodesOf(n);
        const rebuilt = CompactRange.fromHashes(
          n,
          ids.map((id) => stored.get(`${id.level}:${id.index}`)!),
        );
        const extra = leafHash(Buffer.from('next'));
        range.append(extra);
        rebuilt.append(extra);
        expect(hex(rebuilt.root())).toBe(hex(range.root()));
      }),
    );
  });

  it('serves roots and proofs from stored nodes, reading only O(log² n) of them', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.integer({ min: 0, max: n - 1 }),
              fc.integer({ min: 1, max: n }),
            ),
          ),
        ([n, i, m]) => {
          const leaves = leavesOf(n, 5);
          const range = CompactRange.empty();
          const stored = new Map<string, Buffer>();
          for (const l of leaves)
            for (const node of range.append(l))
              stored.set(`${node.level}:${node.index}`, node.hash);
          const fromStore = hashesOfPerfectNodes((level, index) => {
            const h = stored.get(`${level}:${index}`);
            if (!h) throw new Error(`node ${level}:${index} not stored`);
            return h;
          });
          const inMemory = hashesOfLeaves(leaves);
          expect(inclusionProof(fromStore, i, n).map(hex)).toEqual(
            inclusionProof(inMemory, i, n).map(hex),
          );
          expect(consistencyProof(fromStore, m, n).map(hex)).toEqual(
            consistencyProof(inMemory, m, n).map(hex),
          );
          expect(hex(rootOf(fromStore, m))).toBe(hex(ref.mth(leaves.slice(0, m))));
          const log = Math.ceil(Math.log2(n + 1)) + 1;
          expect(nodesRead((h) => consistencyProof(h, m, n)).length).toBeLessThanOrEqual(log * log);
        },
      ),
    );
  });

  it('interior hashes are domain-separated from leaves (second preimage)', () => {
    const [a, b] = leavesOf(2);
    expect(hex(leafHash(Buffer.concat([a!, b!])))).not.toBe(hex(nodeHash(a!, b!)));
  });
});
