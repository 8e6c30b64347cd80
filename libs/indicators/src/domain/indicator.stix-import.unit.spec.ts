import fc from 'fast-check';
import { TLP_LEVELS, TLP_MARKING_IDS } from '@acd/identity/domain';
import { indicatorFromStix, parseStixPattern } from './indicator.stix-import';
import { indicatorToStix, stixPattern, type IndicatorStixView } from './indicator.stix';
import type { IndicatorType } from './indicator-value';

const at = new Date('2026-12-01T00:00:00.000Z');

/** Values of each type as the bus holds them (addresses without a prefix, networks with one). */
const typedValue: fc.Arbitrary<[IndicatorType, string]> = fc.oneof(
  fc.ipV4().map((v): [IndicatorType, string] => ['ipv4', v]),
  fc.ipV6().map((v): [IndicatorType, string] => ['ipv6', v]),
  fc
    .tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 }))
    .map(([v, p]): [IndicatorType, string] => ['cidr', `${v}/${p}`]),
  fc
    .tuple(
      fc.constantFrom<IndicatorType>('domain', 'url', 'sha256', 'sha1', 'md5', 'email'),
      fc.string(),
    )
    .map(([t, v]): [IndicatorType, string] => [t, v]),
);

const marked = (over: Record<string, unknown>) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  pattern_type: 'stix',
  pattern: "[ipv4-addr:value = '203.0.113.10']",
  valid_from: '2026-12-01T00:00:00Z',
  object_marking_refs: [TLP_MARKING_IDS.GREEN],
  ...over,
});

describe('STIX 2.1 into indicators', () => {
  it('reads back every indicator the bus exports: type, value, TLP and terms', () => {
    fc.assert(
      fc.property(typedValue, fc.constantFrom(...TLP_LEVELS), ([type, value], tlp) => {
        const view: IndicatorStixView = {
          indicatorId: 'i-1',
          indicatorType: type,
          value,
          tlp,
          confidence: 60,
          validFrom: at,
          validUntil: null,
          description: 'seen in the campaign',
          cves: ['CVE-2024-3400'],
          killChainPhases: [{ killChainName: 'mitre-attack', phaseName: 'execution' }],
          status: 'active',
          publishedAt: at,
          updatedAt: at,
        };
        const back = indicatorFromStix(indicatorToStix(view, 'Operator 1').indicator);
        expect(back).toMatchObject({
          ok: true,
          indicator: {
            type,
            value,
            tlp,
            confidence: 60,
            validFrom: at.toISOString(),
            description: 'seen in the campaign',
            cves: ['CVE-2024-3400'],
            killChainPhases: [{ killChainName: 'mitre-attack', phaseName: 'execution' }],
          },
        });
      }),
    );
  });

  it('reads the patterns other tools write (unquoted hash names, spacing, IPv6 networks)', () => {
    expect(parseStixPattern("[file:hashes.SHA256='ab']")).toEqual({
      ok: true,
      type: 'sha256',
      value: 'ab',
    });
    expect(parseStixPattern("[ ipv6-addr:value = '2001:db8::/32' ]")).toEqual({
      ok: true,
      type: 'cidr',
      value: '2001:db8::/32',
    });
    expect(parseStixPattern(stixPattern('md5', 'c'.repeat(32)))).toEqual({
      ok: true,
      type: 'md5',
      value: 'c'.repeat(32),
    });
  });

  it.each([
    ["[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '5.6.7.8']", /single comparison/],
    ["[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '5.6.7.8']", /single comparison/],
    ["[domain-name:value MATCHES 'evil']", /operator MATCHES/],
    ["[ipv4-addr:value != '1.2.3.4']", /operator !=/],
    ["[process:name = 'evil.exe']", /process:name is not an indicator type/],
    ["[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS", /single comparison/],
  ])('refuses %s with its reason', (pattern, reason) => {
    const r = indicatorFromStix(marked({ pattern }));
    expect(r).toMatchObject({
      ok: false,
      stixId: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    });
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });

  it('refuses what carries no TLP, is not an indicator, or is not a STIX pattern', () => {
    expect(indicatorFromStix(marked({ object_marking_refs: [] }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no TLP marking/),
    });
    expect(indicatorFromStix(marked({ type: 'malware' }))).toMatchObject({
      ok: false,
      reason: 'a malware is not an indicator',
    });
    expect(indicatorFromStix(marked({ pattern_type: 'sigma' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/pattern_type sigma/),
    });
    expect(indicatorFromStix('nonsense')).toEqual({
      ok: false,
      stixId: null,
      reason: 'not a STIX object',
    });
  });

  it('reads STIX TLP 1.0 markings as TLP 2.0 (WHITE is CLEAR), and the most restrictive of several', () => {
    const white = 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9';
    expect(indicatorFromStix(marked({ object_marking_refs: [white] }))).toMatchObject({
      ok: true,
      indicator: { tlp: 'CLEAR' },
    });
    expect(
      indicatorFromStix(marked({ object_marking_refs: [white, TLP_MARKING_IDS['AMBER+STRICT']] })),
    ).toMatchObject({ ok: true, indicator: { tlp: 'AMBER+STRICT' } });
  });
});
