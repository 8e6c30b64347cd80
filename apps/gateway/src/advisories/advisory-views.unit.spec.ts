import fc from 'fast-check';
import type { EventEnvelope } from '@acd/event-sourcing';
import {
  canReadAdvisory,
  DEMO_ORGANISATIONS,
  emptyAudience,
  ORG_KINDS,
  TLP_LEVELS,
  type AdvisoryAudience,
  type EntitledItem,
  type Organisation,
  type OrgKind,
  type ReferenceTerms,
  type ReportItem,
  type Tlp,
} from '@acd/identity';
import {
  advisoryCopies,
  type AdvisoryDirectory,
  advisoryStreamSource,
  type AdvisoryDoc,
} from '@acd/advisories';
import { eventHeaders, SchemaSet, schemasDir, TopicNames } from '@acd/messaging';
import { StreamFilter, type AnyEvent } from '@acd/persistence';
import { presentAdvisory } from './advisory.presenter';

/**
 * One advisory, three ways to read it: the REST view (`presentAdvisory`), the live stream
 * (`advisoryStreamSource` through a viewer's `StreamFilter`) and the copies the fan-out writes to
 * the per-audience Kafka topics (`advisoryCopies`, encoded and decoded with the real schemas).
 * For any advisory and any of its readers, the stream and the reader's own Kafka topic show
 * exactly the audience and the related items REST shows that reader; a topic read by many (its
 * sector's, the public one) shows no named organisation and no related item.
 */

// ---------------------------------------------------------------- the directory

const extra: Organisation[] = [
  { id: 'op-gas-a', name: 'Gas A', kind: 'operator', sector: 'gas' },
  { id: 'op-gas-b', name: 'Gas B', kind: 'operator', sector: 'gas' },
  { id: 'op-water', name: 'Water', kind: 'operator', sector: 'water' },
  { id: 'min-gas', name: 'Gas ministry', kind: 'ministry', sector: 'gas' },
  { id: 'nco-branch', name: 'Second cabinet office', kind: 'cabinet-office' },
];
const ORGS: Organisation[] = [...DEMO_ORGANISATIONS, ...extra];
const directory: AdvisoryDirectory = {
  orgIdsOfKinds: async (kinds) =>
    ORGS.filter((o) => kinds.includes(o.kind))
      .map((o) => o.id)
      .sort(),
  kindsOf: async (ids) =>
    new Map<string, OrgKind>(ORGS.filter((o) => ids.includes(o.id)).map((o) => [o.id, o.kind])),
};

// ---------------------------------------------------------------- arbitraries

const SECTOR_POOL = ['electricity', 'gas', 'water', 'railways'];
const REF_POOL = ['ref-1', 'ref-2', 'ref-3', 'ref-4'];
const orgId = fc.constantFrom(...ORGS.map((o) => o.id), 'op-not-registered');

const audience: fc.Arbitrary<AdvisoryAudience> = fc.record({
  everyone: fc.boolean(),
  sectors: fc.uniqueArray(fc.constantFrom(...SECTOR_POOL), { maxLength: 2 }),
  kinds: fc.uniqueArray(fc.constantFrom(...ORG_KINDS), { maxLength: 2 }),
  orgs: fc.uniqueArray(orgId, { maxLength: 4 }),
});

const advisory = fc.record({
  issuer: fc.constantFrom(
    ...ORGS.filter((o) => o.kind === 'police' || o.kind === 'cabinet-office'),
  ),
  tlp: fc.constantFrom(...TLP_LEVELS),
  audience,
  indicatorIds: fc.uniqueArray(fc.constantFrom(...REF_POOL), { maxLength: 3 }),
  incidentIds: fc.uniqueArray(fc.constantFrom(...REF_POOL), { maxLength: 2 }),
  type: fc.constantFrom('AdvisoryIssued', 'AdvisoryUpdated', 'AdvisoryWithdrawn'),
});
type Advisory = typeof advisory extends fc.Arbitrary<infer A> ? A : never;

const indicatorTerms: fc.Arbitrary<EntitledItem> = fc.record({
  publisherOrgId: orgId,
  tlp: fc.constantFrom(...TLP_LEVELS),
  audience: fc.oneof(
    fc.constant(emptyAudience()),
    fc.record({
      orgs: fc.uniqueArray(orgId, { maxLength: 2 }),
      sectors: fc.uniqueArray(fc.constantFrom('electricity', 'gas'), { maxLength: 1 }),
    }) as fc.Arbitrary<EntitledItem['audience']>,
  ),
});
const incidentTerms: fc.Arbitrary<ReportItem> = fc.record({
  operatorId: orgId,
  sector: fc.constantFrom('electricity', 'gas'),
  sharedWithPolice: fc.boolean(),
});
const terms: fc.Arbitrary<ReferenceTerms> = fc
  .record({
    indicator: fc.dictionary(fc.constantFrom(...REF_POOL), indicatorTerms),
    incident: fc.dictionary(fc.constantFrom(...REF_POOL), incidentTerms),
  })
  .map(({ indicator, incident }) => ({
    indicator: new Map(Object.entries(indicator)),
    incident: new Map(Object.entries(incident)),
    'flow-match': new Map(),
  }));

// ---------------------------------------------------------------- the three paths

const ADVISORY_ID = 'adv-1';
const content = (a: Advisory) => ({
  title: 'Edge VPN appliances exploited',
  summary: 'Patch now.',
  severity: 'high',
  tlp: a.tlp,
  audience: a.audience,
  indicatorIds: a.indicatorIds,
  incidentIds: a.incidentIds,
  recommendedActions: ['Patch'],
  expiresAt: 86_400_000,
});

function eventData(a: Advisory): Record<string, unknown> {
  const base = { advisoryId: ADVISORY_ID, issuerOrgId: a.issuer.id };
  switch (a.type) {
    case 'AdvisoryIssued':
      return { ...base, issuerKind: a.issuer.kind, ...content(a), issuedAt: 0 };
    case 'AdvisoryUpdated':
      return { ...base, ...content(a), changedFields: ['audience'], updatedAt: 0 };
    default:
      return { ...base, reason: 'superseded', tlp: a.tlp, audience: a.audience, withdrawnAt: 0 };
  }
}

function restDoc(a: Advisory): AdvisoryDoc {
  return {
    _id: ADVISORY_ID,
    version: 1,
    issuerOrgId: a.issuer.id,
    issuerKind: a.issuer.kind,
    ...content(a),
    expiresAt: new Date(86_400_000),
    status: 'active',
    withdrawnAt: null,
    withdrawalReason: null,
    acknowledgements: [],
    issuedAt: new Date(0),
    updatedAt: new Date(0),
  };
}

const metadata = (a: Advisory) => ({
  eventId: 'e-1',
  eventType: a.type,
  aggregateId: ADVISORY_ID,
  aggregateVersion: 1,
  orgId: a.issuer.id,
  occurredAt: new Date(0),
  correlationId: 'c',
  causationId: 'k',
});

describe('an advisory on REST, on the live stream and on the audience topics', () => {
  let codec: SchemaSet;
  const topics = new TopicNames('t.');
  beforeAll(async () => {
    codec = await SchemaSet.load(schemasDir());
  });

  it('each reader sees the same audience and related items on the stream and on its own topic as on REST; shared topics name no one and cite nothing', async () => {
    await fc.assert(
      fc.asyncProperty(advisory, terms, fc.constantFrom(...ORGS), async (a, t, viewer) => {
        const item = { issuerOrgId: a.issuer.id, tlp: a.tlp as Tlp, audience: a.audience };
        if (!canReadAdvisory(viewer, item)) return;
        const rest = presentAdvisory(restDoc(a), viewer, t);

        // The live stream, as this viewer's connection filters and cuts it.
        const source = advisoryStreamSource({
          advisories: { findVisible: async () => null },
          references: { termsOf: async () => t },
        });
        const envelope: EventEnvelope<AnyEvent> = {
          metadata: metadata(a),
          event: { type: a.type, data: eventData(a) },
        };
        const streamed = await new StreamFilter(viewer).apply(source, envelope);
        expect(streamed).not.toBeNull();
        if (a.type !== 'AdvisoryWithdrawn') {
          expect(streamed?.data).toMatchObject({
            audience: rest.audience,
            indicatorIds: rest.indicatorIds,
            incidentIds: rest.incidentIds,
          });
        }

        // The Kafka copies this viewer's own consumer may read (its topics, by the broker's ACLs).
        const value = codec.encode(`jp.acd.advisory.${a.type}`, eventData(a));
        const copies = await advisoryCopies(
          codec,
          topics,
          { value, headers: eventHeaders(metadata(a)) },
          directory,
        );
        const readable = new Set(topics.advisoryTopicsFor(viewer));
        for (const copy of copies.filter((c) => readable.has(c.topic))) {
          const decoded = codec.decode(copy.value).value as Record<string, unknown>;
          if (copy.topic === topics.advisoryOrg(viewer.id)) {
            expect(decoded.audience).toEqual(rest.audience);
          } else {
            expect(decoded.audience).toEqual({ ...rest.audience, orgs: [] });
          }
          if (a.type !== 'AdvisoryWithdrawn') {
            expect(decoded).toMatchObject({ indicatorIds: [], incidentIds: [] });
          }
          expect({ ...decoded, audience: null, indicatorIds: null, incidentIds: null }).toEqual({
            ...eventData(a),
            audience: null,
            indicatorIds: null,
            incidentIds: null,
          });
        }
      }),
      { numRuns: 600 },
    );
  });

  it('a named reader is on its own topic exactly when it is named, a kind member when its kind is', async () => {
    await fc.assert(
      fc.asyncProperty(advisory, fc.constantFrom(...ORGS), async (a, viewer) => {
        const value = codec.encode(`jp.acd.advisory.${a.type}`, eventData(a));
        const copies = await advisoryCopies(
          codec,
          topics,
          { value, headers: eventHeaders(metadata(a)) },
          directory,
        );
        const own = copies.some((c) => c.topic === topics.advisoryOrg(viewer.id));
        const byKind =
          ['CLEAR', 'GREEN', 'AMBER'].includes(a.tlp) && a.audience.kinds.includes(viewer.kind);
        expect(own).toBe(a.audience.orgs.includes(viewer.id) || byKind);
      }),
      { numRuns: 300 },
    );
  });
});
