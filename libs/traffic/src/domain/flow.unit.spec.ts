import fc from 'fast-check';
import { reachOf, validateFlow, type SubmittedFlow } from './flow';
import { chunkFlows, flowBatchIdFor, sortFlowBatch } from './flow-batch';
import { countryOfAddress } from '../geo/ip-country';

const NOW = Date.UTC(2026, 10, 22, 9, 0);
const iso = (ms: number): string => new Date(ms).toISOString();

const base: SubmittedFlow = {
  srcAddress: '8.8.8.8',
  srcPort: 53,
  dstAddress: '133.242.0.1',
  dstPort: 40000,
  protocol: 'udp',
  bytes: 120,
  packets: 1,
  start: iso(NOW - 60_000),
  end: iso(NOW - 59_000),
  observationPoint: 'osaka-tap-1',
};

describe('validateFlow', () => {
  it('returns the canonical flow', () => {
    const r = validateFlow(
      {
        ...base,
        srcAddress: ' 2001:DB8::0:1 ',
        dstAddress: '2001:200::1',
        domain: 'WWW.Example.COM.',
      },
      3,
      NOW,
    );
    expect(r).toEqual({
      ok: true,
      flow: {
        index: 3,
        srcAddress: '2001:db8::1',
        srcPort: 53,
        dstAddress: '2001:200::1',
        dstPort: 40000,
        protocol: 17,
        bytes: 120,
        packets: 1,
        startedAt: NOW - 60_000,
        endedAt: NOW - 59_000,
        observationPoint: 'osaka-tap-1',
        domain: 'www.example.com',
      },
    });
  });

  it.each<[Partial<SubmittedFlow>, string, RegExp]>([
    [{ srcAddress: '10.0.0.256' }, 'srcAddress', /out of range/],
    [{ dstAddress: '10.0.0.0/8' }, 'dstAddress', /unexpected character/],
    [{ dstAddress: '2001:db8::1' }, 'dstAddress', /must both be IPv4 or both IPv6/],
    [{ protocol: 'quic' }, 'protocol', /unknown protocol name/],
    [{ protocol: 256 }, 'protocol', /0-255/],
    [{ srcPort: 70000 }, 'srcPort', /0 to 65535/],
    [{ dstPort: null }, 'dstPort', /required for protocol 17/],
    [{ protocol: 'icmp' }, 'srcPort', /has no ports/],
    [{ bytes: -1 }, 'bytes', /non-negative/],
    [{ packets: 1.5 }, 'packets', /non-negative integer/],
    [{ packets: 0 }, 'packets', /bytes without packets/],
    [{ start: '2026-11-22 09:00' }, 'start', /ISO 8601/],
    [{ end: iso(NOW - 120_000) }, 'end', /before start/],
    [{ end: iso(NOW + 3_600_000) }, 'end', /future/],
    [{ start: iso(NOW - 8 * 86_400_000) }, 'end', /over 7 days/],
    [{ observationPoint: '  ' }, 'observationPoint', /1 to 128/],
    [{ domain: 'evil.example/path' }, 'domain', /not allowed/],
  ])('refuses %j as %s', (change, field, reason) => {
    const r = validateFlow({ ...base, ...change }, 0, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issue.field).toBe(field);
      expect(r.issue.reason).toMatch(reason);
    }
  });

  it('never throws, and an accepted flow is its own canonical form', () => {
    const anyFlow = fc.record({
      srcAddress: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()),
      srcPort: fc.option(fc.integer({ min: -5, max: 70_000 })),
      dstAddress: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()),
      dstPort: fc.option(fc.integer({ min: -5, max: 70_000 })),
      protocol: fc.oneof(
        fc.integer({ min: -1, max: 300 }),
        fc.constantFrom('tcp', 'udp', 'icmp', 'x'),
      ),
      bytes: fc.integer({ min: -1, max: 1e12 }),
      packets: fc.integer({ min: -1, max: 1e9 }),
      start: fc.integer({ min: NOW - 9 * 86_400_000, max: NOW }).map(iso),
      end: fc.integer({ min: NOW - 9 * 86_400_000, max: NOW + 600_000 }).map(iso),
      observationPoint: fc.string({ maxLength: 130 }),
      domain: fc.option(fc.oneof(fc.domain(), fc.string())),
    });
    fc.assert(
      fc.property(anyFlow, (raw) => {
        const r = validateFlow(raw, 0, NOW);
        if (!r.ok) return;
        const again = validateFlow(
          {
            ...r.flow,
            start: iso(r.flow.startedAt),
            end: iso(r.flow.endedAt),
          },
          0,
          NOW,
        );
        expect(again).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('reachOf', () => {
  it('refuses domestic and unlocated flows, accepts any with an end abroad', () => {
    const country = fc.constantFrom('JP', 'US', 'KR', null);
    fc.assert(
      fc.property(country, country, (a, b) => {
        const reach = reachOf(a, b);
        if (a === 'JP' && b === 'JP') expect(reach).toBe('domestic');
        else if ((a !== null && a !== 'JP') || (b !== null && b !== 'JP')) {
          expect(reach).toBe('cross-border');
        } else expect(reach).toBe('unlocated');
      }),
    );
  });
});

describe('sortFlowBatch against the real dataset', () => {
  // Addresses the dataset itself places: checked here so the test fails loudly if it moves.
  const JP = ['133.242.0.1', '210.130.1.1', '2001:200::1'];
  const ABROAD = ['8.8.8.8', '1.0.1.1', '2404:6800::1'];
  beforeAll(() => {
    for (const a of JP) expect(countryOfAddress(a)).toBe('JP');
    for (const a of ABROAD) expect(countryOfAddress(a)).not.toBe('JP');
  });

  it('refuses domestic-only flows and keeps cross-border and foreign-to-foreign ones', () => {
    const flows: SubmittedFlow[] = [
      { ...base, srcAddress: '133.242.0.1', dstAddress: '210.130.1.1' }, // JP -> JP
      { ...base, srcAddress: '8.8.8.8', dstAddress: '133.242.0.1' }, // US -> JP
      { ...base, srcAddress: '1.0.1.1', dstAddress: '8.8.8.8' }, // CN -> US (transit)
      { ...base, srcAddress: '10.0.0.1', dstAddress: '133.242.0.1' }, // private -> JP
      { ...base, srcAddress: '2001:200::1', dstAddress: '2001:200::2' }, // JP -> JP, IPv6
      { ...base, srcAddress: '2404:6800::1', dstAddress: '2001:200::1' }, // AU -> JP, IPv6
      { ...base, bytes: -3 },
    ];
    const out = sortFlowBatch(flows, countryOfAddress, NOW);
    expect(out.received).toBe(7);
    expect(out.refusedDomestic).toBe(2);
    expect(out.refusedUnlocated).toBe(1);
    expect(out.invalid).toEqual([
      { index: 6, field: 'bytes', reason: 'must be a non-negative integer' },
    ]);
    expect(out.accepted.map((f) => [f.index, f.srcCountry, f.dstCountry])).toEqual([
      [1, 'US', 'JP'],
      [2, 'CN', 'US'],
      [5, 'AU', 'JP'],
    ]);
  });

  it('never lets a flow with both ends in Japan through', () => {
    const jpAddress = fc.constantFrom(...JP.slice(0, 2), '133.242.1.2', '210.130.200.1');
    fc.assert(
      fc.property(fc.array(fc.tuple(jpAddress, jpAddress), { maxLength: 20 }), (pairs) => {
        const flows = pairs.map(([s, d]) => ({ ...base, srcAddress: s, dstAddress: d }));
        const out = sortFlowBatch(flows, countryOfAddress, NOW);
        expect(out.accepted).toEqual([]);
        expect(out.refusedDomestic).toBe(flows.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('batch ids and chunks', () => {
  it('name the same batch for the same telecom and key, and differ otherwise', () => {
    const key = 'k'.repeat(32);
    expect(flowBatchIdFor(key, 'tel-a', 'k1')).toBe(flowBatchIdFor(key, 'tel-a', 'k1'));
    expect(flowBatchIdFor(key, 'tel-a', 'k1')).not.toBe(flowBatchIdFor(key, 'tel-b', 'k1'));
    expect(flowBatchIdFor(key, 'tel-a', 'k1')).not.toBe(flowBatchIdFor(key, 'tel-a', 'k2'));
    expect(flowBatchIdFor(key, 'tel-a', 'k1')).not.toBe(
      flowBatchIdFor('x'.repeat(32), 'tel-a', 'k1'),
    );
  });

  it('chunks keep every flow once, in order, each at most the size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (xs, n) => {
          const chunks = chunkFlows(xs, n);
          expect(chunks.flat()).toEqual(xs);
          expect(chunks.every((c) => c.length >= 1 && c.length <= n)).toBe(true);
        },
      ),
    );
  });
});
