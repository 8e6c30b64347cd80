import { DEMO_ORGANISATIONS, canRead, type Tlp } from '@acd/identity/domain';
import type { EventEnvelope } from '@acd/event-sourcing';
import { counterDeltasOf, type Transition } from '@acd/persistence';
import { canCountIndicatorBucket, indicatorCounters } from './indicator.counters';
import type { IndicatorDoc } from './indicator.read-model';

const operator = DEMO_ORGANISATIONS.find((o) => o.kind === 'operator')!;
const other = DEMO_ORGANISATIONS.find(
  (o) => o.kind === 'operator' && o.sector !== operator.sector,
)!;

function doc(over: Partial<IndicatorDoc> = {}): IndicatorDoc {
  return {
    _id: 'i-1',
    version: 1,
    indicatorType: 'ipv4',
    value: '192.0.2.1',
    publisherOrgId: operator.id,
    publisherSector: operator.sector ?? null,
    tlp: 'GREEN',
    audience: { orgs: [], sectors: [] },
    confidence: 50,
    validFrom: new Date(0),
    validUntil: null,
    description: null,
    cves: [],
    killChainPhases: [],
    disclosePublisher: false,
    status: 'active',
    revokedAt: null,
    revocationReason: null,
    sightingCount: 0,
    lastSightedAt: null,
    // 23:30 UTC is the next morning in Tokyo.
    publishedAt: new Date('2026-12-05T23:30:00Z'),
    updatedAt: new Date('2026-12-05T23:30:00Z'),
    ...over,
  };
}

const transition = (before: IndicatorDoc | null, after: IndicatorDoc) =>
  ({ envelope: {} as EventEnvelope<unknown>, before, after }) as Transition<unknown, IndicatorDoc>;

describe('indicator counters', () => {
  it('count an indicator on the Tokyo day it was first published', () => {
    const [c] = indicatorCounters.of(doc());
    expect(c?.day).toBe('2026-12-06');
    expect(c?.values).toEqual({ n: 1 });
  });

  it('a narrowing moves the indicator to a bucket the others may not count', () => {
    const before = doc();
    const after = doc({ version: 2, tlp: 'AMBER', audience: { orgs: [operator.id], sectors: [] } });
    const deltas = counterDeltasOf(indicatorCounters, [transition(before, after)], () => '7');
    const changes = deltas.get('2026-12-06') ?? [];
    expect(changes.map(([, , d]) => d)).toEqual([{ n: -1 }, { n: 1 }]);
    const [, fromKey] = changes[0]!;
    const [, toKey] = changes[1]!;
    expect(canCountIndicatorBucket(other, fromKey)).toBe(true);
    expect(canCountIndicatorBucket(other, toKey)).toBe(false);
    expect(canCountIndicatorBucket(operator, toKey)).toBe(true);
    expect(
      canRead(other, { ...after, tlp: after.tlp as Tlp, audience: after.audience as never }),
    ).toBe(false);
  });

  it('a revocation keeps the indicator counted, with a revoked amount', () => {
    const deltas = counterDeltasOf(
      indicatorCounters,
      [transition(doc(), doc({ version: 2, status: 'revoked' }))],
      () => '3',
    );
    expect((deltas.get('2026-12-06') ?? []).map(([, , d]) => d)).toEqual([
      { n: -1 },
      { n: 1, revoked: 1 },
    ]);
  });

  it('a change that moves nothing changes no counter; an impossible time counts nowhere', () => {
    const deltas = counterDeltasOf(
      indicatorCounters,
      [transition(doc(), doc({ version: 2, sightingCount: 4 }))],
      () => '1',
    );
    expect(deltas.size).toBe(0);
    expect(indicatorCounters.of(doc({ publishedAt: new Date(Number.NaN) }))).toEqual([]);
  });
});
