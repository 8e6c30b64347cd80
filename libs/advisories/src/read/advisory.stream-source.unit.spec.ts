import type { EventEnvelope } from '@acd/event-sourcing';
import {
  emptyReferenceTerms,
  type EntitledItem,
  type Organisation,
  type ReferenceTerms,
  type ReportItem,
  type Sector,
} from '@acd/identity/domain';
import { advisoryStreamSource } from './advisory.stream-source';
import { StreamFilter, type AnyEvent } from '@acd/persistence';

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
  council: false,
});
const content = (
  tlp: string,
  a: ReturnType<typeof audience>,
  related: { indicatorIds?: string[]; incidentIds?: string[] } = {},
) => ({
  title: 't',
  summary: 's',
  severity: 'high',
  tlp,
  audience: a,
  indicatorIds: related.indicatorIds ?? [],
  incidentIds: related.incidentIds ?? [],
  recommendedActions: [],
  expiresAt: 0,
});

/** A read model holding these items' current terms. */
function lookup(
  indicators: Record<string, EntitledItem> = {},
  incidents: Record<string, ReportItem> = {},
) {
  const terms: ReferenceTerms = {
    ...emptyReferenceTerms(),
    indicator: new Map(Object.entries(indicators)),
    incident: new Map(Object.entries(incidents)),
  };
  return { termsOf: async () => terms };
}

async function receivers(events: EventEnvelope<AnyEvent>[]) {
  const source = advisoryStreamSource({
    advisories: { findVisible: async () => null },
    references: lookup(),
  });
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
      // RED names its recipients, the office included.
      nco: ['AdvisoryIssued'],
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

describe('advisory stream source: what each viewer receives', () => {
  const data = async (
    source: ReturnType<typeof advisoryStreamSource>,
    viewer: Organisation,
    e: EventEnvelope<AnyEvent>,
  ) => (await new StreamFilter(viewer).apply(source, e))?.data as Record<string, unknown>;

  it('a named recipient sees itself among the named organisations, never another; the issuer and the office see all', async () => {
    const source = advisoryStreamSource({
      advisories: { findVisible: async () => null },
      references: lookup(),
    });
    const a = audience({ sectors: ['electricity'], orgs: ['op-e', 'op-f', 'op-x'] });
    for (const type of ['AdvisoryIssued', 'AdvisoryUpdated']) {
      const e = env(type, {
        issuerKind: 'police',
        issuedAt: 0,
        changedFields: [],
        updatedAt: 0,
        ...content('AMBER', a),
      });
      expect((await data(source, bank, e)).audience).toEqual({ ...a, orgs: ['op-f'] });
      expect((await data(source, electric, e)).audience).toEqual({ ...a, orgs: ['op-e'] });
      expect((await data(source, meti, e)).audience).toEqual({ ...a, orgs: [] });
      expect((await data(source, police, e)).audience).toEqual(a);
      expect((await data(source, nco, e)).audience).toEqual(a);
    }
  });

  it('related items are those the viewer may read by their terms when the event is sent', async () => {
    const e = env('AdvisoryIssued', {
      issuerKind: 'police',
      issuedAt: 0,
      ...content('GREEN', audience({}, true), {
        indicatorIds: ['ind-open', 'ind-narrowed', 'ind-unknown'],
        incidentIds: ['inc-e'],
      }),
    });
    const source = advisoryStreamSource({
      advisories: { findVisible: async () => null },
      references: lookup(
        {
          'ind-open': { publisherOrgId: 'op-e', tlp: 'CLEAR', audience: { orgs: [], sectors: [] } },
          // Issued while CLEAR; its publisher has since narrowed it to op-f alone.
          'ind-narrowed': {
            publisherOrgId: 'op-e',
            tlp: 'RED',
            audience: { orgs: ['op-f'], sectors: [] },
          },
        },
        { 'inc-e': { operatorId: 'op-e', sector: 'electricity', sharedWithPolice: false } },
      ),
    });
    expect(await data(source, bank, e)).toMatchObject({
      indicatorIds: ['ind-open', 'ind-narrowed'],
      incidentIds: [],
    });
    expect(await data(source, electric, e)).toMatchObject({
      indicatorIds: ['ind-open', 'ind-narrowed'],
      incidentIds: ['inc-e'],
    });
    expect(await data(source, police, e)).toMatchObject({
      indicatorIds: ['ind-open'],
      incidentIds: [],
    });
    expect(await data(source, meti, e)).toMatchObject({
      indicatorIds: ['ind-open'],
      incidentIds: ['inc-e'],
    });
  });
});
