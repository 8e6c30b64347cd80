import fc from 'fast-check';
import {
  accessPlanFor,
  advisoryAudienceFor,
  canReadAdvisory,
  ORG_KINDS,
  sharedAdvisoryAudience,
  TLP_LEVELS,
  type AdvisoryAudience,
  type AdvisoryItem,
  type Organisation,
  type OrgKind,
  type Sector,
} from '@acd/identity';
import { eventHeaders, SchemaSet, schemasDir, TopicNames } from '@acd/messaging';
import { advisoryCopies, type AdvisoryDirectory } from './advisory-fanout';

/**
 * Whoever may read an advisory over REST (`canReadAdvisory`) reads it on Kafka, and nobody else:
 * for any advisory and any set of registered organisations, the organisations whose broker ACLs
 * (`accessPlanFor`) let them read at least one topic the fan-out copies the advisory to are
 * exactly its REST readers, and each copy a reader can fetch names no more of the audience than
 * REST shows it. (That REST shows `advisoryAudienceFor` is `advisory-views.unit.spec.ts`.)
 */

// ---------------------------------------------------------------- arbitraries

/** Few ids and sectors, so issuers, named recipients, kinds and sectors collide often. */
const ID_POOL = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e', 'org-f', 'org-g', 'org-h'];
const SECTOR_POOL: Sector[] = ['electricity', 'gas', 'water'];
const UNREGISTERED = 'org-unregistered';

const organisation: fc.Arbitrary<Organisation> = fc
  .record({
    id: fc.constantFrom(...ID_POOL),
    kind: fc.constantFrom(...ORG_KINDS),
    sector: fc.constantFrom(...SECTOR_POOL),
    supervises: fc.boolean(),
  })
  .map(({ id, kind, sector, supervises }) => ({
    id,
    name: id,
    kind,
    // An operator has a sector; a ministry may supervise one; no other kind has one.
    ...(kind === 'operator' || (kind === 'ministry' && supervises) ? { sector } : {}),
  }));

/** The registered organisations: any mix of kinds, possibly several of one kind, or none. */
const directoryOrgs = fc.uniqueArray(organisation, { selector: (o) => o.id, maxLength: 8 });

const audience: fc.Arbitrary<AdvisoryAudience> = fc.record({
  everyone: fc.boolean(),
  sectors: fc.uniqueArray(fc.constantFrom(...SECTOR_POOL), { maxLength: 2 }),
  kinds: fc.uniqueArray(fc.constantFrom(...ORG_KINDS), { maxLength: 3 }),
  orgs: fc.uniqueArray(fc.constantFrom(...ID_POOL, UNREGISTERED), { maxLength: 4 }),
});

/**
 * Any label with any audience, including ones the decider refuses to issue (RED to a sector,
 * AMBER to everyone): the fan-out must cap them by itself.
 */
const advisory = fc.record({
  issuerOrgId: fc.constantFrom(...ID_POOL, UNREGISTERED),
  tlp: fc.constantFrom(...TLP_LEVELS),
  audience,
  type: fc.constantFrom('AdvisoryIssued', 'AdvisoryUpdated', 'AdvisoryWithdrawn'),
});
type Advisory = typeof advisory extends fc.Arbitrary<infer A> ? A : never;

// ---------------------------------------------------------------- the fan-out, as it runs

function eventData(a: Advisory): Record<string, unknown> {
  const terms = {
    advisoryId: 'adv-1',
    issuerOrgId: a.issuerOrgId,
    tlp: a.tlp,
    audience: a.audience,
  };
  const content = {
    title: 'Edge VPN appliances exploited',
    summary: 'Patch now.',
    severity: 'high',
    indicatorIds: ['ind-1'],
    incidentIds: ['inc-1'],
    recommendedActions: ['Patch'],
    expiresAt: 86_400_000,
  };
  if (a.type === 'AdvisoryWithdrawn') return { ...terms, reason: 'superseded', withdrawnAt: 0 };
  if (a.type === 'AdvisoryUpdated') {
    return { ...terms, ...content, changedFields: ['audience'], updatedAt: 0 };
  }
  return { ...terms, ...content, issuerKind: 'police', issuedAt: 0 };
}

function directoryOf(orgs: readonly Organisation[]): AdvisoryDirectory {
  return {
    orgIdsOfKinds: async (kinds) => orgs.filter((o) => kinds.includes(o.kind)).map((o) => o.id),
    kindsOf: async (ids) =>
      new Map<string, OrgKind>(orgs.filter((o) => ids.includes(o.id)).map((o) => [o.id, o.kind])),
  };
}

describe('an advisory on Kafka reaches exactly its REST readers', () => {
  const topics = new TopicNames('t.');
  let codec: SchemaSet;
  beforeAll(async () => {
    codec = await SchemaSet.load(schemasDir());
  });

  /** Each copy of the advisory event, decoded, by the topic it was written to. */
  async function copiesOf(a: Advisory, orgs: readonly Organisation[]) {
    const value = codec.encode(`jp.acd.advisory.${a.type}`, eventData(a));
    const headers = eventHeaders({
      eventId: 'e-1',
      eventType: a.type,
      aggregateId: 'adv-1',
      aggregateVersion: 1,
      orgId: a.issuerOrgId,
      occurredAt: new Date(0),
      correlationId: 'c',
      causationId: 'k',
    });
    const copies = await advisoryCopies(codec, topics, { value, headers }, directoryOf(orgs));
    return copies.map(({ topic, value: v }) => ({
      topic,
      data: codec.decode(v).value as Record<string, unknown>,
    }));
  }

  /** The copies this organisation's own Kafka user may fetch, by its broker ACLs. */
  const readableBy = <C extends { topic: string }>(org: Organisation, copies: C[]): C[] => {
    const granted = new Set(accessPlanFor(topics, { id: org.id, sector: org.sector }).topics);
    return copies.filter((c) => granted.has(c.topic));
  };

  it('the organisations whose ACLs reach a copy are exactly those canReadAdvisory admits', async () => {
    await fc.assert(
      fc.asyncProperty(advisory, directoryOrgs, async (a, orgs) => {
        const item: AdvisoryItem = a;
        const copies = await copiesOf(a, orgs);
        const onKafka = orgs.filter((o) => readableBy(o, copies).length > 0).map((o) => o.id);
        const overRest = orgs.filter((o) => canReadAdvisory(o, item)).map((o) => o.id);
        expect(onKafka).toEqual(overRest);
      }),
      { numRuns: 1500 },
    );
  });

  it('each copy a reader fetches carries the audience REST shows it on its own topic, no named organisation on shared ones, no related items, and otherwise the event', async () => {
    await fc.assert(
      fc.asyncProperty(advisory, directoryOrgs, async (a, orgs) => {
        const item: AdvisoryItem = a;
        const copies = await copiesOf(a, orgs);
        for (const reader of orgs) {
          for (const { topic, data } of readableBy(reader, copies)) {
            const own = topic === topics.advisoryOrg(reader.id);
            expect(data.audience).toEqual(
              own ? advisoryAudienceFor(reader, item) : sharedAdvisoryAudience(item),
            );
            const { audience: _a, indicatorIds, incidentIds, ...rest } = data;
            const { audience: _b, indicatorIds: _i, incidentIds: _n, ...event } = eventData(a);
            expect(rest).toEqual(event);
            if (a.type !== 'AdvisoryWithdrawn') {
              expect({ indicatorIds, incidentIds }).toEqual({ indicatorIds: [], incidentIds: [] });
            }
          }
        }
      }),
      { numRuns: 800 },
    );
  });
});
