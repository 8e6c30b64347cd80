import type { EventEnvelope } from '@acd/event-sourcing';
import type { Organisation, Sector } from '@acd/identity';
import { advisoryStreamSource } from './advisory.stream-source';
import { StreamFilter, type AnyEvent } from './stream-source';

const org = (id: string, kind: Organisation['kind'], sector?: Sector): Organisation =>
  ({ id, name: id, kind, ...(sector ? { sector } : {}) }) as Organisation;
const police = org('npa', 'police');
const nco = org('nco', 'cabinet-office');
const electric = org('op-e', 'operator', 'electricity');
const bank = org('op-f', 'operator', 'finance');
const meti = org('meti', 'ministry', 'electricity');
const viewers = [police, nco, electric, bank, meti];

let v = 0;
const env = (type: string, data: Record<string, unknown>): EventEnvelope<AnyEvent> => {
  v += 1;
  return {
    metadata: {
      eventId: `e${v}`,
      eventType: type,
      aggregateId: 'adv-1',
      aggregateVersion: v,
      orgId: police.id,
      occurredAt: new Date(0),
      correlationId: '',
      causationId: '',
    },
    event: { type, data: { advisoryId: 'adv-1', issuerOrgId: police.id, ...data } },
  };
};
const audience = (
  a: Partial<Record<'sectors' | 'kinds' | 'orgs', string[]>>,
  everyone = false,
) => ({
  everyone,
  sectors: a.sectors ?? [],
  kinds: a.kinds ?? [],
  orgs: a.orgs ?? [],
});
const content = (tlp: string, a: ReturnType<typeof audience>) => ({
  title: 't',
  summary: 's',
  severity: 'high',
  tlp,
  audience: a,
  indicatorIds: [],
  incidentIds: [],
  recommendedActions: [],
  expiresAt: 0,
});

async function receivers(events: EventEnvelope<AnyEvent>[]) {
  const source = advisoryStreamSource({ advisories: { findVisible: async () => null } });
  const out: Record<string, string[]> = {};
  for (const viewer of viewers) {
    const f = new StreamFilter(viewer);
    out[viewer.id] = [];
    for (const e of events) {
      const item = await f.apply(source, e);
      if (item) out[viewer.id]!.push(item.type);
    }
  }
  return out;
}

describe('advisory stream source: who receives which event', () => {
  it('issued, updated and withdrawn advisories reach exactly their audience under canReadAdvisory', async () => {
    const r = await receivers([
      env('AdvisoryIssued', {
        issuerKind: 'police',
        issuedAt: 0,
        ...content('AMBER', audience({ sectors: ['electricity'] })),
      }),
      env('AdvisoryUpdated', {
        changedFields: ['audience'],
        updatedAt: 0,
        ...content('RED', audience({ orgs: ['op-f'] })),
      }),
      env('AdvisoryWithdrawn', {
        reason: 'r',
        withdrawnAt: 0,
        tlp: 'RED',
        audience: audience({ orgs: ['op-f'] }),
      }),
      env('AdvisoryAcknowledged', { orgId: 'op-f', orgKind: 'operator', acknowledgedAt: 0 }),
    ]);
    expect(r).toEqual({
      npa: ['AdvisoryIssued', 'AdvisoryUpdated', 'AdvisoryWithdrawn'],
      nco: ['AdvisoryIssued', 'AdvisoryUpdated', 'AdvisoryWithdrawn'],
      'op-e': ['AdvisoryIssued'],
      'op-f': ['AdvisoryUpdated', 'AdvisoryWithdrawn'],
      meti: ['AdvisoryIssued'],
    });
  });

  it('an advisory for everyone reaches every organisation only under CLEAR or GREEN', async () => {
    const issued = (tlp: string) =>
      env('AdvisoryIssued', {
        issuerKind: 'police',
        issuedAt: 0,
        ...content(tlp, audience({}, true)),
      });
    const r = await receivers([issued('GREEN'), issued('AMBER')]);
    expect(r['op-e']).toEqual(['AdvisoryIssued']);
    expect(r['op-f']).toEqual(['AdvisoryIssued']);
    expect(r.nco).toEqual(['AdvisoryIssued', 'AdvisoryIssued']);
  });
});
