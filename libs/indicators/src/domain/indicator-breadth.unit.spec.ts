import fc from 'fast-check';
import {
  breadthProblem,
  DEFAULT_INDICATOR_BREADTH,
  normaliseIndicatorValue,
  publishableIndicatorValue,
  type IndicatorBreadth,
} from './indicator-value';

/** A normalised CIDR network (host bits cleared), as publishing would store it. */
const network = (raw: string): string => {
  const n = normaliseIndicatorValue('cidr', raw);
  if (n.ok) return n.value;
  const suggested = /did you mean (\S+)\?$/.exec(n.reason)?.[1];
  if (!suggested) throw new Error(`no network for ${raw}: ${n.reason}`);
  return suggested;
};

const v4Cidr = fc
  .tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }))
  .map(([a, p]) => network(`${a}/${p}`));

/** IPv6 networks, with the IPv4-embedding ranges and their neighbourhoods well represented. */
const v6Cidr = fc
  .tuple(
    fc.oneof(
      fc.ipV6(),
      fc.ipV4().map((a) => `::ffff:${a}`),
      fc.ipV4().map((a) => `::${a}`),
      fc.ipV4().map((a) => `64:ff9b::${a}`),
      fc.constant('::'),
    ),
    fc.integer({ min: 0, max: 128 }),
  )
  .map(([a, p]) => network(`${a}/${p}`));

const bounds: fc.Arbitrary<IndicatorBreadth> = fc.record({
  minPrefixV4: fc.integer({ min: 1, max: 32 }),
  minPrefixV6: fc.integer({ min: 1, max: 128 }),
});

/** An independent reading of an IPv6 network, as a 128-bit range. */
function v6Range(cidr: string): { start: bigint; size: bigint; prefix: number } {
  const [address = '', prefixText = ''] = cidr.split('/');
  const groups = parseGroups(address);
  const start = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  const prefix = Number(prefixText);
  return { start, size: 1n << BigInt(128 - prefix), prefix };
}

function parseGroups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((g) => parseInt(g, 16));
}

const EMBEDDINGS = ['::ffff:0:0', '::', '64:ff9b::'].map((a) => v6Range(`${a}/96`).start);
const V4_SPACE = 1n << 32n;

/** What the rule must say, computed on 128-bit ranges rather than on 16-bit groups. */
function expectedV6Refusal(cidr: string, b: IndicatorBreadth): boolean {
  const { start, size, prefix } = v6Range(cidr);
  if (prefix < b.minPrefixV6) return true;
  return EMBEDDINGS.some((e) => {
    const containsAll = start <= e && e + V4_SPACE <= start + size;
    const inside = e <= start && start + size <= e + V4_SPACE;
    return containsAll || (inside && prefix - 96 < b.minPrefixV4);
  });
}

describe('indicator breadth: nothing that matches everything is publishable', () => {
  it.each([
    ['cidr', '0.0.0.0/0', 'is the default route: it matches every IPv4 address'],
    ['cidr', '::/0', 'is the default route: it matches every IPv6 address'],
    ['cidr', '10.0.0.0/7', 'an IPv4 range may be at most a /8'],
    ['cidr', '128.0.0.0/1', 'an IPv4 range may be at most a /8'],
    ['cidr', '2000::/3', 'an IPv6 range may be at most a /32'],
    ['cidr', '2001:db8::/31', 'an IPv6 range may be at most a /32'],
    ['cidr', '::/64', 'range, so it matches every IPv4 address'],
    ['cidr', '::ffff:0.0.0.0/96', 'contains the IPv4-mapped range'],
    ['cidr', '::ffff:0.0.0.0/100', 'as an IPv4-mapped range it spans 268,435,456 IPv4 addresses'],
    ['cidr', '64:ff9b::/96', 'contains the NAT64 range'],
    ['domain', 'com', 'is a top-level domain'],
    ['domain', 'co.jp', 'is a public suffix'],
    ['domain', 'lg.jp', 'is a public suffix'],
    ['domain', 'tokyo.jp', 'is a public suffix'],
    ['domain', 'gov.uk', 'is a public suffix'],
    ['domain', 'com.au', 'is a public suffix'],
  ] as const)('%s %s is refused: %s', (type, value, reason) => {
    expect(breadthProblem(type, value)).toContain(reason);
  });

  it.each([
    ['cidr', '10.0.0.0/8'],
    ['cidr', '198.51.100.0/24'],
    ['cidr', '203.0.113.7/32'],
    ['cidr', '2001:db8::/32'],
    ['cidr', '2001:db8:1::/48'],
    ['cidr', '::ffff:10.0.0.0/104'],
    ['cidr', '::1/128'],
    ['domain', 'example.jp'],
    ['domain', 'evil.co.jp'],
    ['domain', 'c2.example.org'],
    ['domain', 'tokyo.example'],
    ['ipv4', '0.0.0.0'],
    ['ipv6', '::'],
    ['url', 'http://co.jp/'],
    ['sha256', 'a'.repeat(64)],
  ] as const)('%s %s is specific enough', (type, value) => {
    expect(breadthProblem(type, value)).toBeNull();
  });

  it('the default route is refused whatever the bounds', () => {
    fc.assert(
      fc.property(bounds, (b) => {
        expect(breadthProblem('cidr', '0.0.0.0/0', b)).not.toBeNull();
        expect(breadthProblem('cidr', '::/0', b)).not.toBeNull();
      }),
    );
  });

  it('an IPv4 range is refused exactly when its prefix is shorter than the bound', () => {
    fc.assert(
      fc.property(v4Cidr, bounds, (cidr, b) => {
        const prefix = Number(cidr.split('/')[1]);
        const problem = breadthProblem('cidr', cidr, b);
        expect(problem !== null).toBe(prefix < b.minPrefixV4);
        if (problem) expect(problem).toContain(cidr);
      }),
      { numRuns: 1000 },
    );
  });

  it('an IPv6 range is refused exactly when it is shorter than the bound or as wide as a too-broad IPv4 range', () => {
    fc.assert(
      fc.property(v6Cidr, bounds, (cidr, b) => {
        const problem = breadthProblem('cidr', cidr, b);
        expect(problem !== null).toBe(expectedV6Refusal(cidr, b));
        if (problem) expect(problem).toContain(cidr);
      }),
      { numRuns: 2000 },
    );
  });

  it('narrowing an allowed range never makes it refused', () => {
    fc.assert(
      fc.property(
        fc.oneof(v4Cidr, v6Cidr),
        fc.integer({ min: 0, max: 128 }),
        bounds,
        (cidr, extra, b) => {
          fc.pre(breadthProblem('cidr', cidr, b) === null);
          const [address = '', prefixText = ''] = cidr.split('/');
          const max = address.includes(':') ? 128 : 32;
          const narrower = `${address}/${Math.min(max, Number(prefixText) + extra)}`;
          expect(breadthProblem('cidr', narrower, b)).toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('domains of three labels or more, and hosts under any suffix, are never refused', () => {
    fc.assert(
      fc.property(fc.domain(), (raw) => {
        const n = normaliseIndicatorValue('domain', raw);
        fc.pre(n.ok);
        const value = (n as { value: string }).value;
        const problem = breadthProblem('domain', value);
        if (value.split('.').length >= 3) expect(problem).toBeNull();
        expect(breadthProblem('domain', `host.${value}`)).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });

  it('publishing refuses what normalisation accepts only when it is too broad, naming the type', () => {
    fc.assert(
      fc.property(fc.oneof(v4Cidr, v6Cidr), bounds, (cidr, b) => {
        const result = publishableIndicatorValue('cidr', cidr, b);
        const problem = breadthProblem('cidr', cidr, b);
        if (problem === null) expect(result).toEqual({ ok: true, value: cidr });
        else expect(result).toEqual({ ok: false, reason: `cidr: ${problem}` });
      }),
      { numRuns: 1000 },
    );
    expect(publishableIndicatorValue('cidr', 'nonsense')).toMatchObject({ ok: false });
    expect(DEFAULT_INDICATOR_BREADTH).toEqual({ minPrefixV4: 8, minPrefixV6: 32 });
  });
});
