import fc from 'fast-check';
import { TLP_LEVELS, TLP_MARKING_IDS } from '@acd/identity/domain';
import { INDICATOR_TYPES, type IndicatorType } from './indicator-value';
import {
  indicatorToStix,
  sightingToStix,
  stixPattern,
  type IndicatorStixView,
} from './indicator.stix';

const view = (over: Partial<IndicatorStixView> = {}): IndicatorStixView => ({
  indicatorId: '0b6c3c55-4a7c-4f8e-9f1e-5b8c1a2d3e4f',
  indicatorType: 'ipv4',
  value: '203.0.113.10',
  tlp: 'AMBER',
  confidence: 70,
  validFrom: new Date('2026-12-01T00:00:00.000Z'),
  validUntil: null,
  description: null,
  cves: [],
  killChainPhases: [],
  status: 'active',
  publishedAt: new Date('2026-12-01T00:00:01.000Z'),
  updatedAt: new Date('2026-12-01T00:00:01.000Z'),
  ...over,
});

/** Reads back the one comparison a pattern of ours holds (the inverse of the escaping). */
function parsePattern(pattern: string): { path: string; value: string } | null {
  const m = /^\[([a-z0-9-]+:[A-Za-z0-9_.'-]+) = '((?:[^'\\]|\\.)*)'\]$/.exec(pattern);
  return m ? { path: m[1]!, value: m[2]!.replace(/\\(.)/g, '$1') } : null;
}

describe('indicators as STIX 2.1', () => {
  it.each<[IndicatorType, string, string]>([
    ['ipv4', '203.0.113.10', "[ipv4-addr:value = '203.0.113.10']"],
    ['ipv6', '2001:db8::1', "[ipv6-addr:value = '2001:db8::1']"],
    ['cidr', '198.51.100.0/24', "[ipv4-addr:value = '198.51.100.0/24']"],
    ['cidr', '2001:db8::/48', "[ipv6-addr:value = '2001:db8::/48']"],
    ['domain', 'evil.example', "[domain-name:value = 'evil.example']"],
    ['url', 'https://evil.example/a', "[url:value = 'https://evil.example/a']"],
    ['sha256', 'a'.repeat(64), `[file:hashes.'SHA-256' = '${'a'.repeat(64)}']`],
    ['sha1', 'b'.repeat(40), `[file:hashes.'SHA-1' = '${'b'.repeat(40)}']`],
    ['md5', 'c'.repeat(32), `[file:hashes.MD5 = '${'c'.repeat(32)}']`],
    ['email', 'boss@evil.example', "[email-addr:value = 'boss@evil.example']"],
  ])('%s %s is the pattern %s', (type, value, pattern) => {
    expect(stixPattern(type, value)).toBe(pattern);
  });

  it('escapes quotes and backslashes, so any value reads back unchanged', () => {
    expect(stixPattern('url', "https://x.example/it's\\here")).toBe(
      "[url:value = 'https://x.example/it\\'s\\\\here']",
    );
    fc.assert(
      fc.property(fc.constantFrom(...INDICATOR_TYPES), fc.string(), (type, value) => {
        expect(parsePattern(stixPattern(type, value))?.value).toBe(value);
      }),
    );
  });

  it('maps every field, and the TLP to its official marking definition', () => {
    for (const tlp of TLP_LEVELS) {
      const { indicator, author } = indicatorToStix(
        view({
          tlp,
          validUntil: new Date('2027-01-01T00:00:00.000Z'),
          description: 'C2 of the campaign',
          cves: ['cve-2024-3400'],
          killChainPhases: [{ killChainName: 'mitre-attack', phaseName: 'command-and-control' }],
        }),
        'Operator 7f3a',
      );
      expect(indicator).toMatchObject({
        type: 'indicator',
        spec_version: '2.1',
        pattern: "[ipv4-addr:value = '203.0.113.10']",
        pattern_type: 'stix',
        valid_from: '2026-12-01T00:00:00.000Z',
        valid_until: '2027-01-01T00:00:00.000Z',
        confidence: 70,
        description: 'C2 of the campaign',
        kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'command-and-control' }],
        external_references: [{ source_name: 'cve', external_id: 'CVE-2024-3400' }],
        created_by_ref: author.id,
        object_marking_refs: [TLP_MARKING_IDS[tlp]],
      });
      expect(indicator.revoked).toBeUndefined();
    }
    expect(TLP_MARKING_IDS.RED).toBe('marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1');
  });

  it('gives an indicator without a description one from its type and value (a producer SHOULD give both name and description)', () => {
    expect(indicatorToStix(view(), 'Operator 7f3a').indicator.description).toBe(
      'Malicious activity involving the IPv4 address 203.0.113.10.',
    );
    expect(
      indicatorToStix(view({ indicatorType: 'cidr', value: '198.51.100.0/24' }), 'x').indicator
        .description,
    ).toBe('Malicious activity involving an address in the network 198.51.100.0/24.');
    expect(
      indicatorToStix(view({ indicatorType: 'sha256', value: 'a'.repeat(64) }), 'x').indicator
        .description,
    ).toBe(`Malicious activity involving a file with the SHA-256 hash ${'a'.repeat(64)}.`);
  });

  it('writes kill chain and phase names lowercase with hyphens, as STIX recommends, whatever the publisher typed', () => {
    const { indicator } = indicatorToStix(
      view({
        killChainPhases: [
          { killChainName: 'Lockheed Martin Cyber Kill Chain', phaseName: 'Command and Control' },
          { killChainName: 'mitre_attack', phaseName: 'initial-access' },
        ],
      }),
      'x',
    );
    expect(indicator.kill_chain_phases).toEqual([
      { kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'command-and-control' },
      { kill_chain_name: 'mitre-attack', phase_name: 'initial-access' },
    ]);
  });

  it('is deterministic: a version is always the same object; a revocation is the next version of the same id', () => {
    const a = indicatorToStix(view(), 'Operator 7f3a');
    expect(indicatorToStix(view(), 'Operator 7f3a')).toEqual(a);
    // UUIDv5 in the bus's namespace: anyone can recompute it (Python's uuid.uuid5 gives the same).
    expect(a.indicator.id).toBe('indicator--89526c57-cee8-5cfa-b43b-0b5130b8e862');
    const revoked = indicatorToStix(
      view({ status: 'revoked', updatedAt: new Date('2026-12-02T00:00:00.000Z') }),
      'Operator 7f3a',
    ).indicator;
    expect(revoked.id).toBe(a.indicator.id);
    expect(revoked.created).toBe(a.indicator.created);
    expect(revoked.modified > a.indicator.modified).toBe(true);
    expect(revoked.revoked).toBe(true);
  });

  it('names the publisher only as the reader sees it: a pseudonym gives an identity unlinkable to the name', () => {
    const named = indicatorToStix(view(), 'Kanto Electric Power').author;
    const pseudonymous = indicatorToStix(view(), 'Operator 7f3a').author;
    expect(pseudonymous.name).toBe('Operator 7f3a');
    expect(pseudonymous.id).not.toBe(named.id);
    expect(JSON.stringify(indicatorToStix(view(), 'Operator 7f3a'))).not.toContain('Kanto');
  });

  it('maps a sighting onto the indicator it sights, marked like it', () => {
    const s = sightingToStix({
      sightingId: 'e1',
      indicatorId: view().indicatorId,
      tlp: 'GREEN',
      count: 3,
      observedAt: new Date('2026-12-03T01:00:00.000Z'),
      recordedAt: new Date('2026-12-03T01:00:05.000Z'),
      note: null,
    });
    expect(s).toMatchObject({
      type: 'sighting',
      sighting_of_ref: indicatorToStix(view(), 'x').indicator.id,
      count: 3,
      first_seen: '2026-12-03T01:00:00.000Z',
      object_marking_refs: [TLP_MARKING_IDS.GREEN],
    });
  });
});
