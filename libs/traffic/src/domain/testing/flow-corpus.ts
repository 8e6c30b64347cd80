import type { IndicatorEvent } from '@acd/indicators/domain';
import type { MatchableFlow, MatchableType } from '../indicator-index';

/**
 * A reproducible corpus for the matcher's tests and benchmark: indicators of every matchable
 * type (with some updated and some revoked), and flows of which a share hits them exactly,
 * inside a range, or through a sub-domain. Seeded, so a failure can be replayed.
 */
export interface CorpusIndicator {
  indicatorId: string;
  type: MatchableType;
  value: string;
  tlp: string;
  revoked: boolean;
}

export interface FlowCorpus {
  indicators: CorpusIndicator[];
  /** In log order, each with its aggregate version. */
  events: { event: IndicatorEvent; version: number }[];
  flows: MatchableFlow[];
}

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** RFC 5952 spelling: what the normaliser produces for indicators and flows alike. */
export function canonicalIpv6(words: readonly number[]): string {
  const groups = words.flatMap((w) => [w >>> 16, w & 0xffff]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

const maskWord = (w: number, keep: number): number =>
  keep <= 0 ? 0 : keep >= 32 ? w >>> 0 : (w & ~((1 << (32 - keep)) - 1)) >>> 0;

export function buildFlowCorpus(options: {
  seed: number;
  indicators: number;
  flows: number;
}): FlowCorpus {
  const rnd = seededRandom(options.seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const word = (): number => (rnd() * 4_294_967_296) >>> 0;
  // Public-looking space only: the first octet avoids 0, 10, 127 and 224+.
  const v4 = (): number => (((1 + int(222)) << 24) | (word() & 0xffffff)) >>> 0;
  const v6 = (): number[] => [(0x20010000 | int(0x1000)) >>> 0, word(), word(), word()];
  const label = (): string =>
    Array.from({ length: 3 + int(8) }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[int(36)]).join(
      '',
    );
  const tld = (): string => ['com', 'net', 'example', 'jp', 'io'][int(5)] as string;

  const indicators: CorpusIndicator[] = [];
  const ipv4Values: number[] = [];
  const ipv6Values: number[][] = [];
  const cidr4: { net: number; len: number }[] = [];
  const cidr6: { net: number[]; len: number }[] = [];
  const domains: string[] = [];
  const n = options.indicators;
  for (let i = 0; i < n; i += 1) {
    const id = `ind-${String(i).padStart(6, '0')}`;
    const tlp = TLPS[int(TLPS.length)] as string;
    const r = i / n;
    let type: MatchableType;
    let value: string;
    if (r < 0.4) {
      const a = v4();
      ipv4Values.push(a);
      type = 'ipv4';
      value = formatIpv4(a);
    } else if (r < 0.5) {
      const w = v6();
      ipv6Values.push(w);
      type = 'ipv6';
      value = canonicalIpv6(w);
    } else if (r < 0.7) {
      const len = 16 + int(17);
      const net = maskWord(v4(), len);
      cidr4.push({ net, len });
      type = 'cidr';
      value = `${formatIpv4(net)}/${len}`;
    } else if (r < 0.8) {
      const len = 32 + int(97);
      const w = v6();
      const net = w.map((x, k) => maskWord(x, len - 32 * k));
      cidr6.push({ net, len });
      type = 'cidr';
      value = `${canonicalIpv6(net)}/${len}`;
    } else {
      const d = `${label()}.${tld()}`;
      domains.push(d);
      type = 'domain';
      value = d;
    }
    indicators.push({ indicatorId: id, type, value, tlp, revoked: false });
  }

  const events: FlowCorpus['events'] = [];
  for (const ind of indicators) {
    events.push({
      version: 1,
      event: {
        type: 'IndicatorPublished',
        data: {
          indicatorId: ind.indicatorId,
          publisherOrgId: 'op-corpus',
          publisherSector: null,
          indicatorType: ind.type,
          value: ind.value,
          tlp: ind.tlp,
          audience: { orgs: [], sectors: [] },
          confidence: 50,
          validFrom: 0,
          validUntil: null,
          description: null,
          cves: [],
          killChainPhases: [],
          disclosePublisher: false,
          publishedAt: 0,
        },
      },
    });
  }
  // Some change label, some are revoked: the index must reflect only the latest state.
  for (const ind of indicators) {
    const roll = rnd();
    if (roll < 0.05) {
      ind.tlp = 'RED';
      events.push({
        version: 2,
        event: {
          type: 'IndicatorUpdated',
          data: {
            indicatorId: ind.indicatorId,
            tlp: 'RED',
            audience: { orgs: ['gov-nco'], sectors: [] },
            confidence: 50,
            validFrom: 0,
            validUntil: null,
            description: null,
            cves: [],
            killChainPhases: [],
            disclosePublisher: false,
            changedFields: ['tlp'],
            updatedAt: 1,
          },
        },
      });
    } else if (roll < 0.1) {
      ind.revoked = true;
      events.push({
        version: 2,
        event: {
          type: 'IndicatorRevoked',
          data: {
            indicatorId: ind.indicatorId,
            reason: 'test',
            revokedByOrgId: 'op-corpus',
            revokedAt: 1,
          },
        },
      });
    }
  }

  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[int(xs.length)] : undefined);
  const endpoint4 = (): string => {
    const roll = rnd();
    if (roll < 0.05) return formatIpv4(pick(ipv4Values) ?? v4());
    if (roll < 0.1) {
      const c = pick(cidr4);
      if (c) {
        const host =
          c.len === 32 ? 0 : word() & (c.len === 0 ? 0xffffffff : (1 << (32 - c.len)) - 1);
        return formatIpv4((c.net | host) >>> 0);
      }
    }
    return formatIpv4(v4());
  };
  const endpoint6 = (): string => {
    const roll = rnd();
    if (roll < 0.05) return canonicalIpv6(pick(ipv6Values) ?? v6());
    if (roll < 0.1) {
      const c = pick(cidr6);
      if (c) {
        const w = c.net.map((x, k) => {
          const keep = c.len - 32 * k;
          return keep >= 32
            ? x
            : (x | (word() & (keep <= 0 ? 0xffffffff : (1 << (32 - keep)) - 1))) >>> 0;
        });
        return canonicalIpv6(w);
      }
    }
    return canonicalIpv6(v6());
  };
  const flows: MatchableFlow[] = [];
  for (let i = 0; i < options.flows; i += 1) {
    const six = rnd() < 0.1;
    const src = six ? endpoint6() : endpoint4();
    const dst = six ? endpoint6() : endpoint4();
    let domain: string | null = null;
    if (rnd() < 0.3) {
      const base = rnd() < 0.3 ? (pick(domains) ?? `${label()}.${tld()}`) : `${label()}.${tld()}`;
      const depth = int(3);
      domain = [...Array.from({ length: depth }, label), base].join('.');
    }
    flows.push({ srcAddress: src, dstAddress: dst, domain });
  }
  return { indicators, events, flows };
}
