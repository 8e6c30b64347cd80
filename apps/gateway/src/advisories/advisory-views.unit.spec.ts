import fc from 'fast-check';
import type { EventEnvelope } from '@acd/event-sourcing';
import {
  advisoryAudienceFor,
  canReadAdvisory,
  DEMO_ORGANISATIONS,
  emptyAudience,
  ORG_KINDS,
  TLP_LEVELS,
  type AdvisoryAudience,
  type EntitledItem,
  type Organisation,
  type ReferenceTerms,
  type ReportItem,
  type Tlp,
} from '@acd/identity';
import { advisoryStreamSource, type AdvisoryDoc } from '@acd/advisories';
import { StreamFilter, type AnyEvent } from '@acd/persistence';
import { presentAdvisory } from './advisory.presenter';

/**
 * One advisory, three ways to read it: the REST view (`presentAdvisory`), the live stream
 * (`advisoryStreamSource` through a viewer's `StreamFilter`) and the copies the fan-out writes to
 * the per-audience Kafka topics. For any advisory and any of its readers, the stream shows exactly
 * the audience and the related items REST shows that reader, and REST's audience is
 * `advisoryAudienceFor`, the one each reader's own Kafka topic carries
 * (`libs/advisories/src/kafka/advisory-kafka-readers.unit.spec.ts`, which also proves that the
 * topics reach exactly the REST readers).
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
  it('each reader sees the same audience and related items on the stream as on REST, and the audience its own topic carries', async () => {
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

        // What its own Kafka topic carries (advisory-kafka-readers.unit.spec.ts).
        expect(rest.audience).toEqual(advisoryAudienceFor(viewer, item));
      }),
      { numRuns: 600 },
    );
  });
});
