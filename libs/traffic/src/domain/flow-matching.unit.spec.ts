import { normaliseIndicatorValue } from '@acd/indicators/domain';
import { IndicatorIndex } from './indicator-index';
import { buildFlowCorpus, type CorpusIndicator } from './testing/flow-corpus';

/**
 * The matcher against an independent reference on a large corpus: 100,000 flows, 10,000
 * indicators (exact IPv4/IPv6, CIDRs of both families, domains; 5% relabelled, 5% revoked).
 * The reference shares no code with the index: CIDRs by masking the address with bigint at
 * every prefix length in use, domains by a suffix scan over every domain indicator.
 */
describe('matching a 100,000-flow batch against 10,000 indicators', () => {
  const corpus = buildFlowCorpus({ seed: 20261122, indicators: 10_000, flows: 100_000 });

  function reference(): Set<string> {
    const live = corpus.indicators.filter((i) => !i.revoked);
    const exact = new Map<string, CorpusIndicator[]>();
    const nets = new Map<string, CorpusIndicator[]>();
    const lengths = { 4: new Set<number>(), 6: new Set<number>() };
    const toBig = (text: string): { family: 4 | 6; n: bigint } => {
      if (!text.includes(':')) {
        return { family: 4, n: text.split('.').reduce((a, o) => (a << 8n) | BigInt(o), 0n) };
      }
      // Expand '::' by hand; the corpus writes RFC 5952 text.
      const [head = '', tail = ''] = text.split('::');
      const h = head ? head.split(':') : [];
      const t = text.includes('::') ? (tail ? tail.split(':') : []) : [];
      const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
      return { family: 6, n: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n) };
    };
    const bitsOf = (f: 4 | 6): number => (f === 4 ? 32 : 128);
    // IPv4 with plain numbers (exact below 2^53), IPv6 with bigint.
    const netKey = (f: 4 | 6, n: bigint | number, len: number): string =>
      f === 4
        ? `4|${len}|${Math.floor(Number(n) / 2 ** (32 - len))}`
        : `6|${len}|${(n as bigint) >> BigInt(bitsOf(f) - len)}`;
    const toNumber4 = (text: string): number =>
      text.split('.').reduce((a, o) => a * 256 + Number(o), 0);
    const push = (m: Map<string, CorpusIndicator[]>, k: string, i: CorpusIndicator) =>
      m.set(k, [...(m.get(k) ?? []), i]);
    for (const i of live) {
      if (i.type === 'ipv4' || i.type === 'ipv6') push(exact, i.value, i);
      if (i.type === 'cidr') {
        const [addr = '', len = ''] = i.value.split('/');
        const { family, n } = toBig(addr);
        lengths[family].add(Number(len));
        push(nets, netKey(family, n, Number(len)), i);
      }
    }
    // Scanned by top-level label only, to keep the suffix scan affordable.
    const domainsByTld = new Map<string, CorpusIndicator[]>();
    for (const i of live.filter((x) => x.type === 'domain')) {
      push(domainsByTld, i.value.slice(i.value.lastIndexOf('.') + 1), i);
    }
    const out = new Set<string>();
    corpus.flows.forEach((flow, index) => {
      const hits = new Map<string, { on: string; src: boolean; dst: boolean; tlp: string }>();
      const hit = (i: CorpusIndicator, on: string, end: 'src' | 'dst' | null) => {
        const h = hits.get(i.indicatorId) ?? { on, src: false, dst: false, tlp: i.tlp };
        if (end) h[end] = true;
        hits.set(i.indicatorId, h);
      };
      for (const [end, text] of [
        ['src', flow.srcAddress],
        ['dst', flow.dstAddress],
      ] as const) {
        for (const i of exact.get(text) ?? []) hit(i, 'address', end);
        const family = text.includes(':') ? 6 : 4;
        const n = family === 4 ? toNumber4(text) : toBig(text).n;
        for (const len of lengths[family]) {
          for (const i of nets.get(netKey(family, n, len)) ?? []) hit(i, 'cidr', end);
        }
      }
      if (flow.domain) {
        for (const i of domainsByTld.get(flow.domain.slice(flow.domain.lastIndexOf('.') + 1)) ??
          []) {
          if (flow.domain === i.value || flow.domain.endsWith(`.${i.value}`))
            hit(i, 'domain', null);
        }
      }
      for (const [id, h] of hits) {
        const endpoint = h.src && h.dst ? 'both' : h.src ? 'source' : h.dst ? 'destination' : null;
        out.add(`${index}|${id}|${h.on}|${endpoint}|${h.tlp}`);
      }
    });
    return out;
  }

  it('the corpus is valid input: every value is in its normalised spelling', () => {
    for (const i of corpus.indicators) {
      const n = normaliseIndicatorValue(i.type, i.value);
      expect(n).toEqual({ ok: true, value: i.value });
    }
    for (const f of corpus.flows.slice(0, 2_000)) {
      for (const a of [f.srcAddress, f.dstAddress]) {
        expect(normaliseIndicatorValue(a.includes(':') ? 'ipv6' : 'ipv4', a)).toEqual({
          ok: true,
          value: a,
        });
      }
    }
  });

  it('finds exactly the matches the reference finds', () => {
    const index = new IndicatorIndex();
    for (const { event, version } of corpus.events) index.apply(event, version);
    expect(index.size).toBe(corpus.indicators.filter((i) => !i.revoked).length);

    const started = performance.now();
    const got = new Set<string>();
    corpus.flows.forEach((flow, i) => {
      for (const m of index.match(flow)) {
        got.add(`${i}|${m.indicatorId}|${m.matchedOn}|${m.endpoint}|${m.tlp}`);
      }
    });
    const matchMs = performance.now() - started;

    const expected = reference();
    // A corpus that hits nothing proves nothing: every kind of match must occur.
    for (const kind of ['|address|source|', '|address|destination|', '|cidr|', '|domain|null|']) {
      expect([...expected].some((k) => k.includes(kind))).toBe(true);
    }
    expect(expected.size).toBeGreaterThan(10_000);
    expect([...got].filter((k) => !expected.has(k)).slice(0, 10)).toEqual([]);
    expect([...expected].filter((k) => !got.has(k)).slice(0, 10)).toEqual([]);
    expect(got.size).toBe(expected.size);
    // Generous: the point is that it is linear in flows, not a benchmark (see bench:flows).
    expect(matchMs).toBeLessThan(20_000);
  });
});
