import { ADVISORY_SEVERITIES, advisoryToStix, type AdvisoryStixView } from '@acd/advisories/domain';
import { TLP_LEVELS, tlpMarkingDefinition, type Tlp } from '@acd/identity/domain';
import {
  indicatorToStix,
  normaliseIndicatorValue,
  sightingToStix,
  type IndicatorStixView,
  type IndicatorType,
} from '@acd/indicators/domain';
import { invalidResults, validateStix } from '../support/stix-validator';

jest.setTimeout(180_000);

/**
 * Every kind of STIX 2.1 object the bus exports, built by the pure mappings the TAXII server and
 * the STIX export use, checked by the OASIS validator (stix2-validator, unmodified, strict: every
 * best-practice check an error; see test/taxii/validate_stix.py). Needs no Kafka or MongoDB, only
 * the Python tools `npm test` installs.
 */

/** One value of each indicator type, as publishing stores it (canonical spelling). */
const VALUES: [IndicatorType, string][] = [
  ['ipv4', '203.0.113.10'],
  ['ipv6', '2001:db8::1'],
  ['cidr', '198.51.100.0/24'],
  ['cidr', '2001:db8::/48'],
  ['domain', 'evil.example'],
  ['url', 'https://evil.example/a/b?c=d'],
  // a quote and a backslash: the pattern's string literal escapes them
  ['url', "https://x.example/it's\\here"],
  ['sha256', 'a1'.repeat(32)],
  ['sha1', 'b2'.repeat(20)],
  ['md5', 'c3'.repeat(16)],
  ['email', 'boss@evil.example'],
];

const AT = (iso: string) => new Date(iso);

type Variant = 'bare' | 'full' | 'revoked';

function indicatorView(
  n: number,
  type: IndicatorType,
  raw: string,
  tlp: Tlp,
  variant: Variant,
): IndicatorStixView {
  const value = normaliseIndicatorValue(type, raw);
  if (!value.ok) throw new Error(`test value ${type} ${raw}: ${value.reason}`);
  const full = variant !== 'bare';
  return {
    indicatorId: `0b6c3c55-4a7c-4f8e-9f1e-${n.toString(16).padStart(12, '0')}`,
    indicatorType: type,
    value: value.value,
    tlp,
    confidence: [0, 15, 50, 85, 100][n % 5]!,
    validFrom: AT('2026-12-01T00:00:00.000Z'),
    validUntil: full ? AT('2027-01-01T00:00:00.000Z') : null,
    description: full ? `C2 of the campaign (${type})` : null,
    cves: full ? ['cve-2024-3400', 'CVE-2023-46805'] : [],
    killChainPhases: full
      ? [
          { killChainName: 'mitre-attack', phaseName: 'command-and-control' },
          { killChainName: 'lockheed-martin-cyber-kill-chain', phaseName: 'installation' },
          // as a publisher may type them (the API takes any text): exported lowercase, hyphenated
          { killChainName: 'Lockheed Martin Cyber Kill Chain', phaseName: 'Actions on Objectives' },
          { killChainName: 'mitre_attack', phaseName: 'Initial  Access' },
        ]
      : [],
    status: variant === 'revoked' ? 'revoked' : 'active',
    publishedAt: AT('2026-12-01T00:00:01.000Z'),
    updatedAt:
      variant === 'revoked' ? AT('2026-12-05T10:20:30.456Z') : AT('2026-12-01T00:00:01.000Z'),
  };
}

/** The author names a reader may see: an organisation's name and a pseudonym. */
const SHOWN_NAMES = ['Kanto Electric Power', 'Operator 7f3a', 'National Cybersecurity Office'];

function advisoryView(n: number, tlp: Tlp, over: Partial<AdvisoryStixView>): AdvisoryStixView {
  return {
    advisoryId: `5d1c7a2e-1111-4c2b-9d8e-${n.toString(16).padStart(12, '0')}`,
    title: 'Ransomware campaign against grid operators',
    summary: 'Block the listed C2 addresses; rotate the VPN credentials.',
    severity: ADVISORY_SEVERITIES[n % ADVISORY_SEVERITIES.length]!,
    tlp,
    indicatorIds: ['0b6c3c55-4a7c-4f8e-9f1e-000000000001', '0b6c3c55-4a7c-4f8e-9f1e-000000000002'],
    recommendedActions: [
      'Block 203.0.113.10 at the perimeter',
      // longer than a course of action's name may be: the name is cut, the description whole
      `Rotate every VPN credential issued before the incident; ${'then audit each account. '.repeat(8)}`,
    ],
    status: 'active',
    issuedAt: AT('2026-12-01T00:00:00.000Z'),
    updatedAt: AT('2026-12-01T00:00:00.000Z'),
    ...over,
  };
}

/** Everything the mappings produce, deduplicated (the same author comes back many times). */
function exportedObjects(): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  const add = (o: object) => {
    const obj = o as Record<string, unknown>;
    out.set(`${String(obj.id)}|${String(obj.modified ?? obj.created)}`, obj);
  };
  let n = 0;
  for (const [type, raw] of VALUES) {
    for (const tlp of TLP_LEVELS) {
      for (const variant of ['bare', 'full', 'revoked'] as const) {
        n += 1;
        const { indicator, author } = indicatorToStix(
          indicatorView(n, type, raw, tlp, variant),
          SHOWN_NAMES[n % SHOWN_NAMES.length]!,
        );
        add(indicator);
        add(author);
      }
    }
  }
  for (const tlp of TLP_LEVELS) {
    add(tlpMarkingDefinition(tlp));
    for (const [i, note] of [null, 'seen on the Osaka edge routers'].entries()) {
      for (const reporter of [undefined, 'Operator 7f3a']) {
        n += 1;
        add(
          sightingToStix(
            {
              sightingId: `sighting-${n}`,
              indicatorId: '0b6c3c55-4a7c-4f8e-9f1e-000000000001',
              tlp,
              count: [1, 1_000_000][i]!,
              observedAt: AT('2026-12-03T01:00:00.000Z'),
              recordedAt: AT('2026-12-03T01:00:05.123Z'),
              note,
            },
            reporter,
          ),
        );
      }
    }
    for (const over of [
      {},
      { status: 'withdrawn' as const, updatedAt: AT('2026-12-02T00:00:00.000Z') },
      // neither indicators nor actions: the report refers to its author
      { indicatorIds: [], recommendedActions: [] },
      { indicatorIds: [], recommendedActions: [], status: 'withdrawn' as const },
    ]) {
      n += 1;
      const { report, actions, author } = advisoryToStix(
        advisoryView(n, tlp, over),
        'National Cybersecurity Office',
      );
      add(report);
      actions.forEach(add);
      add(author);
    }
  }
  for (const name of SHOWN_NAMES) {
    add(indicatorToStix(indicatorView(1, 'ipv4', '203.0.113.10', 'CLEAR', 'bare'), name).author);
  }
  return [...out.values()];
}

describe('the STIX 2.1 the bus exports, checked by the OASIS validator', () => {
  const objects = exportedObjects();

  it('covers every object type the mappings produce', () => {
    const types = new Set(objects.map((o) => o.type));
    expect([...types].sort()).toEqual([
      'course-of-action',
      'identity',
      'indicator',
      'marking-definition',
      'report',
      'sighting',
    ]);
    expect(objects.filter((o) => o.type === 'indicator')).toHaveLength(VALUES.length * 5 * 3);
  });

  it('every object is valid, with no error and no warning', async () => {
    const results = await validateStix(objects);
    expect(results.map((r) => r.id)).toEqual(objects.map((o) => o.id));
    expect(invalidResults(objects, results)).toEqual([]);
    expect(results.flatMap((r) => r.warnings)).toEqual([]);
  });

  it('never reuses the UUID of an id for objects of different types (STIX 2.1, Identifier: a MUST)', () => {
    const typesByUuid = new Map<string, Set<unknown>>();
    for (const o of objects) {
      const uuid = String(o.id).split('--')[1]!;
      typesByUuid.set(uuid, (typesByUuid.get(uuid) ?? new Set()).add(o.type));
    }
    expect([...typesByUuid.values()].filter((t) => t.size > 1)).toEqual([]);
  });

  it('the validator is not vacuous: it refuses a broken pattern, a custom property, a bad marking and inverted validity', async () => {
    const { indicator } = indicatorToStix(
      indicatorView(1, 'ipv4', '203.0.113.10', 'GREEN', 'full'),
      'Operator 7f3a',
    );
    const broken = [
      { ...indicator, pattern: "[ipv4-addr:value = '203.0.113.10'" },
      { ...indicator, acd_tlp: 'GREEN' },
      { ...indicator, object_marking_refs: ['marking-definition--not-a-uuid'] },
      { ...indicator, valid_until: '2026-11-01T00:00:00.000Z' },
    ];
    const results = await validateStix(broken);
    expect(results.map((r) => r.valid)).toEqual([false, false, false, false]);
    const why = [/expecting '\]'/, /acd_tlp/, /object_marking_refs/, /valid_until/];
    results.forEach((r, i) => expect(r.errors.join('\n')).toMatch(why[i]!));
  });
});
