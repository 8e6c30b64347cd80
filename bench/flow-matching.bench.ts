/**
 * Flow matching throughput, in one run on one machine:
 *   - the matcher (`IndicatorIndex.match`: exact addresses, CIDR tries, domains and their
 *     parents) on a 100,000-flow corpus against 10,000 indicators;
 *   - baseline A: a plain Set of the exact IPv4/IPv6 indicator values, two look-ups per flow
 *     (what the matcher costs beyond the cheapest possible check, which misses CIDRs and domains);
 *   - baseline B: the naive scan, every flow against every indicator, on a smaller sample
 *     (what the index structure buys);
 *   - the IP-to-country look-up rate (`countryOfAddress`, GeoLite2 Country via geoip-country),
 *     which the gateway runs twice per submitted flow, and its load time.
 * Run: `npm run bench:flows` (no servers needed). Writes bench/out/flow-matching.json.
 * Sizes: BENCH_FLOWS (100000), BENCH_INDICATORS (10000), BENCH_NAIVE_FLOWS (2000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  countryOfAddress,
  IndicatorIndex,
  loadIpCountryTable,
  parseCidr,
  parseIp,
} from '@acd/traffic';
import { buildFlowCorpus } from '../libs/traffic/src/domain/testing/flow-corpus';

const FLOWS = Number(process.env.BENCH_FLOWS ?? 100_000);
const INDICATORS = Number(process.env.BENCH_INDICATORS ?? 10_000);
const NAIVE_FLOWS = Number(process.env.BENCH_NAIVE_FLOWS ?? 2_000);
const ROUNDS = 5;

/** Best of ROUNDS (after one warm-up), in flows per second. */
function rate(
  label: string,
  n: number,
  run: () => number,
): { label: string; perSecond: number; checksum: number } {
  run();
  let best = Infinity;
  let checksum = 0;
  for (let r = 0; r < ROUNDS; r += 1) {
    const t = performance.now();
    checksum = run();
    best = Math.min(best, performance.now() - t);
  }
  return { label, perSecond: (n / best) * 1000, checksum };
}

function main(): void {
  const corpus = buildFlowCorpus({ seed: 20261122, indicators: INDICATORS, flows: FLOWS });
  const index = new IndicatorIndex();
  const buildStart = performance.now();
  for (const { event, version } of corpus.events) index.apply(event, version);
  const buildMs = performance.now() - buildStart;
  const live = corpus.indicators.filter((i) => !i.revoked);

  const matcher = rate('matcher (IndicatorIndex)', FLOWS, () => {
    let hits = 0;
    for (const f of corpus.flows) hits += index.match(f).length;
    return hits;
  });

  const exact = new Set(
    live.filter((i) => i.type === 'ipv4' || i.type === 'ipv6').map((i) => i.value),
  );
  const setBaseline = rate('baseline A: Set of exact addresses', FLOWS, () => {
    let hits = 0;
    for (const f of corpus.flows) {
      if (exact.has(f.srcAddress)) hits += 1;
      if (exact.has(f.dstAddress)) hits += 1;
    }
    return hits;
  });

  // The naive scan: every indicator checked against every flow, parsing nothing twice.
  const naiveIndicators = live.map((i) => ({
    ...i,
    cidr: i.type === 'cidr' ? parseCidr(i.value) : null,
  }));
  const inCidr = (address: string, c: NonNullable<ReturnType<typeof parseCidr>>): boolean => {
    const a = parseIp(address);
    if (!a || (a.family === 4) !== (c.family === 4)) return false;
    const words = a.family === 4 ? [a.value] : a.words;
    for (let bit = 0; bit < c.length; bit += 32) {
      const keep = Math.min(32, c.length - bit);
      const mask = keep === 32 ? 0xffffffff : ~((1 << (32 - keep)) - 1);
      const w = bit >>> 5;
      if ((((words[w] as number) ^ (c.key[w] as number)) & mask) !== 0) return false;
    }
    return true;
  };
  const sample = corpus.flows.slice(0, NAIVE_FLOWS);
  const naive = rate('baseline B: naive scan (every indicator per flow)', sample.length, () => {
    let hits = 0;
    for (const f of sample) {
      for (const i of naiveIndicators) {
        if (i.type === 'domain') {
          if (f.domain && (f.domain === i.value || f.domain.endsWith(`.${i.value}`))) hits += 1;
        } else if (i.cidr) {
          if (inCidr(f.srcAddress, i.cidr) || inCidr(f.dstAddress, i.cidr)) hits += 1;
        } else if (f.srcAddress === i.value || f.dstAddress === i.value) {
          hits += 1;
        }
      }
    }
    return hits;
  });
  const matcherOnSample = (() => {
    let hits = 0;
    for (const f of sample) hits += index.match(f).length;
    return hits;
  })();
  if (matcherOnSample !== naive.checksum) {
    throw new Error(
      `matcher found ${matcherOnSample} matches on the sample, the naive scan ${naive.checksum}`,
    );
  }

  const table = loadIpCountryTable();
  const addresses = corpus.flows.flatMap((f) => [f.srcAddress, f.dstAddress]);
  const country = rate('IP-to-country look-ups (countryOfAddress)', addresses.length, () => {
    let jp = 0;
    for (const a of addresses) if (countryOfAddress(a) === 'JP') jp += 1;
    return jp;
  });

  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const results = {
    machine,
    corpus: {
      flows: FLOWS,
      indicators: INDICATORS,
      live: live.length,
      matches: matcher.checksum,
      indexBuildMs: Math.round(buildMs),
    },
    flowsPerSecond: {
      matcher: Math.round(matcher.perSecond),
      setOfExactAddresses: Math.round(setBaseline.perSecond),
      naiveScan: Math.round(naive.perSecond),
    },
    ratios: {
      matcherOverNaive: Number((matcher.perSecond / naive.perSecond).toFixed(1)),
      matcherOverSet: Number((matcher.perSecond / setBaseline.perSecond).toFixed(3)),
    },
    ipCountry: {
      source: `${table.source.package}@${table.source.version}`,
      ipv4Ranges: table.ipv4Ranges,
      ipv6Ranges: table.ipv6Ranges,
      loadMs: Math.round(table.loadMs),
      lookupsPerSecond: Math.round(country.perSecond),
    },
  };
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`,
  );
  console.log(
    `corpus: ${FLOWS} flows, ${INDICATORS} indicators (${live.length} in force), ${matcher.checksum} matches; index built in ${results.corpus.indexBuildMs} ms`,
  );
  for (const r of [matcher, setBaseline, naive, country]) {
    console.log(
      `  ${r.label.padEnd(52)} ${Math.round(r.perSecond).toLocaleString('en').padStart(14)} /s`,
    );
  }
  console.log(
    `  matcher / naive scan: ${results.ratios.matcherOverNaive}x; matcher / exact-address Set: ${results.ratios.matcherOverSet}x`,
  );
  console.log(
    `  IP-to-country: ${results.ipCountry.source}, ${table.ipv4Ranges} IPv4 + ${table.ipv6Ranges} IPv6 ranges, loaded in ${results.ipCountry.loadMs} ms`,
  );
  const out = join(__dirname, '..', '..', 'bench', 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'flow-matching.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main();
