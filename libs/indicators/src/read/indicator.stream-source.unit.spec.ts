import fc from 'fast-check';
import type { EventEnvelope } from '@acd/event-sourcing';
import { canRead, emptyReferenceTerms, type Organisation, type Sector } from '@acd/identity/domain';
import type { IndicatorDoc } from './indicator.read-model';
import { indicatorStreamSource } from './indicator.stream-source';
import { StreamFilter, type AnyEvent } from '@acd/persistence';
import { streamSources } from '../../../../apps/gateway/src/stream/stream-sources';

const org = (id: string, kind: Organisation['kind'], sector?: Sector): Organisation =>
  ({ id, name: id, kind, ...(sector ? { sector } : {}) }) as Organisation;

const publisher = org('op-a', 'operator', 'electricity');
const sameSector = org('op-b', 'operator', 'electricity');
const otherSector = org('op-c', 'operator', 'finance');
const police = org('npa', 'police');
const nco = org('nco', 'cabinet-office');
const viewers = [publisher, sameSector, otherSector, police, nco];

let version = 0;
function envelope(type: string, data: unknown, orgId = publisher.id): EventEnvelope<AnyEvent> {
  version += 1;
  return {
    metadata: {
      eventId: `e${version}`,
      eventType: type,
      aggregateId: 'ind-1',
      aggregateVersion: version,
      orgId,
      occurredAt: new Date(1_700_000_000_000),
      correlationId: '',
      causationId: '',
    },
    event: { type, data },
  };
}

const terms = (tlp: string, audience: { orgs?: string[]; sectors?: string[] }) => ({
  tlp,
  audience: { orgs: audience.orgs ?? [], sectors: audience.sectors ?? [] },
  confidence: 50,
  validFrom: 1_700_000_000_000,
  validUntil: null,
  description: 'x',
  cves: [],
  killChainPhases: [],
  disclosePublisher: false,
});

const published = (tlp: string, audience: { orgs?: string[]; sectors?: string[] }) =>
  envelope('IndicatorPublished', {
    indicatorId: 'ind-1',
    publisherOrgId: publisher.id,
    publisherSector: 'electricity',
    indicatorType: 'ipv4',
    value: '198.51.100.1',
    publishedAt: 1_700_000_000_000,
    ...terms(tlp, audience),
  });
const updated = (tlp: string, audience: { orgs?: string[]; sectors?: string[] }) =>
  envelope('IndicatorUpdated', {
    indicatorId: 'ind-1',
    changedFields: ['tlp'],
    updatedAt: 1_700_000_100_000,
    ...terms(tlp, audience),
  });
const revoked = () =>
  envelope('IndicatorRevoked', {
    indicatorId: 'ind-1',
    reason: 'false positive',
    revokedByOrgId: publisher.id,
    revokedAt: 1_700_000_200_000,
  });
const sighted = () =>
  envelope(
    'IndicatorSighted',
    {
      indicatorId: 'ind-1',
      sightedByOrgId: sameSector.id,
      observedAt: 1_700_000_300_000,
      count: 3,
      note: 'seen at the border router',
      recordedAt: 1_700_000_300_000,
    },
    sameSector.id,
  );

/** A read model holding one indicator under the given terms (or none). */
function readModel(doc: { tlp: string; audience: { orgs: string[]; sectors: string[] } } | null) {
  const calls: string[] = [];
  return {
    calls,
    findVisible: async (viewer: Organisation, id: string): Promise<IndicatorDoc | null> => {
      calls.push(`${viewer.id}:${id}`);
      if (!doc) return null;
      const full = { _id: id, publisherOrgId: publisher.id, ...doc } as unknown as IndicatorDoc;
      return canRead(viewer, {
        publisherOrgId: publisher.id,
        tlp: doc.tlp as never,
        audience: doc.audience as never,
      })
        ? full
        : null;
    },
  };
}

const presentPublisher = (
  viewer: Organisation,
  p: { publisherOrgId: string; disclosePublisher: boolean },
) => ({ orgId: p.disclosePublisher || viewer.id === p.publisherOrgId ? p.publisherOrgId : null });

function setup(doc: Parameters<typeof readModel>[0] = null) {
  const queries = readModel(doc);
  const source = indicatorStreamSource({ queries, presentPublisher });
  return { queries, source };
}

async function receivers(
  source: ReturnType<typeof indicatorStreamSource>,
  events: EventEnvelope<AnyEvent>[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const v of viewers) {
    const filter = new StreamFilter(v);
    out[v.id] = [];
    for (const e of events) {
      const item = await filter.apply(source, e);
      if (item) out[v.id]!.push(item.type);
    }
  }
  return out;
}

describe('indicator stream source: who receives which event', () => {
  it('is the registry entry of kind "indicator" on the indicator events topic', () => {
    const sources = streamSources({
      queries: readModel(null),
      presentPublisher,
      advisories: { findVisible: async () => null },
      references: { termsOf: async () => emptyReferenceTerms() },
    });
    expect(sources.map((s) => [s.kind, s.topic])).toEqual([
      ['indicator', 'indicatorEvents'],
      ['advisory', 'advisoryEvents'],
    ]);
  });

  it('IndicatorPublished goes exactly to the readers of the terms it carries', async () => {
    const { source } = setup();
    const r = await receivers(source, [published('AMBER', { sectors: ['electricity'] })]);
    expect(r).toEqual({
      'op-a': ['IndicatorPublished'],
      'op-b': ['IndicatorPublished'],
      'op-c': [],
      npa: [],
      nco: ['IndicatorPublished'],
    });
  });

  it('IndicatorUpdated is judged by the new terms, the issuer being the publisher', async () => {
    const { source } = setup();
    const r = await receivers(source, [updated('RED', { orgs: ['npa'] })]);
    expect(r).toEqual({
      'op-a': ['IndicatorUpdated'],
      'op-b': [],
      'op-c': [],
      npa: ['IndicatorUpdated'],
      // RED names its recipients, the office included.
      nco: [],
    });
  });

  it('IndicatorRevoked and IndicatorSighted follow the terms the stream saw last, without asking the read model', async () => {
    const { source, queries } = setup({ tlp: 'CLEAR', audience: { orgs: [], sectors: [] } });
    const r = await receivers(source, [
      published('GREEN', {}),
      updated('AMBER+STRICT', { orgs: ['op-c'] }),
      sighted(),
      revoked(),
    ]);
    expect(r).toEqual({
      'op-a': ['IndicatorPublished', 'IndicatorUpdated', 'IndicatorSighted', 'IndicatorRevoked'],
      'op-b': ['IndicatorPublished'],
      'op-c': ['IndicatorPublished', 'IndicatorUpdated', 'IndicatorSighted', 'IndicatorRevoked'],
      npa: ['IndicatorPublished'],
      nco: ['IndicatorPublished'],
    });
    expect(queries.calls).toEqual([]);
  });

  it('without the earlier events (a resumed stream) the read model decides', async () => {
    const { source, queries } = setup({ tlp: 'AMBER', audience: { orgs: ['npa'], sectors: [] } });
    const r = await receivers(source, [sighted(), revoked()]);
    expect(r).toEqual({
      'op-a': ['IndicatorSighted', 'IndicatorRevoked'],
      'op-b': [],
      'op-c': [],
      npa: ['IndicatorSighted', 'IndicatorRevoked'],
      nco: ['IndicatorSighted', 'IndicatorRevoked'],
    });
    // One lookup per viewer: the second event hits the connection's cache.
    expect(queries.calls).toHaveLength(viewers.length);
  });

  it('an indicator the read model does not know (yet) is withheld from everyone', async () => {
    const { source } = setup(null);
    const r = await receivers(source, [sighted(), revoked()]);
    expect(Object.values(r).flat()).toEqual([]);
  });

  it('PublisherReidentified and unknown events are never streamed', async () => {
    const { source } = setup({ tlp: 'CLEAR', audience: { orgs: [], sectors: [] } });
    const r = await receivers(source, [
      envelope('PublisherReidentified', { indicatorId: 'ind-1', publisherOrgId: 'op-a' }),
      envelope('SomethingElse', { indicatorId: 'ind-1' }),
    ]);
    expect(Object.values(r).flat()).toEqual([]);
  });

  it('never shows who sighted or their note, and shows the publisher as presented', async () => {
    const { source } = setup({ tlp: 'CLEAR', audience: { orgs: [], sectors: [] } });
    const filter = new StreamFilter(otherSector);
    const pub = await filter.apply(source, published('CLEAR', {}));
    expect(pub?.data).toMatchObject({
      id: 'ind-1',
      value: '198.51.100.1',
      publisher: { orgId: null },
    });
    const s = await filter.apply(source, sighted());
    expect(s).toMatchObject({ kind: 'indicator', id: 'ind-1', type: 'IndicatorSighted' });
    expect(JSON.stringify(s)).not.toContain('op-b');
    expect(JSON.stringify(s)).not.toContain('border router');
  });

  it('agrees with canRead for random terms and viewers (Published)', async () => {
    const { source } = setup();
    const tlp = fc.constantFrom('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED');
    const ids = fc.subarray(['op-a', 'op-b', 'op-c', 'npa', 'nco']);
    const sectors = fc.subarray(['electricity', 'finance']);
    await fc.assert(
      fc.asyncProperty(tlp, ids, sectors, fc.constantFrom(...viewers), async (t, o, s, v) => {
        const e = published(t, { orgs: o, sectors: s });
        const item = await new StreamFilter(v).apply(source, e);
        const expected = canRead(v, {
          publisherOrgId: publisher.id,
          tlp: t as never,
          audience: { orgs: o, sectors: s as Sector[] },
        });
        expect(item !== null).toBe(expected);
      }),
    );
  });

  it('keeps at most maxCachedTerms aggregates per connection', async () => {
    const { source } = setup({ tlp: 'CLEAR', audience: { orgs: [], sectors: [] } });
    const filter = new StreamFilter(nco, { maxCachedTerms: 10 });
    for (let i = 0; i < 50; i += 1) {
      const e = published('CLEAR', {});
      (e.event.data as { indicatorId: string }).indicatorId = `ind-${i}`;
      await filter.apply(source, e);
    }
    expect(filter.cachedTerms).toBe(10);
  });
});
