import type { EventEnvelope } from '@acd/event-sourcing';
import type { AdvisoryEvent } from '../domain/advisory.events';
import { evolveAdvisoryDoc } from './advisory.projection';
import type { AdvisoryDoc } from './advisory.read-model';

const T0 = Date.parse('2026-11-20T00:00:00Z');
let version = 0;
const env = (event: AdvisoryEvent): EventEnvelope<AdvisoryEvent> => ({
  metadata: {
    eventId: `e${++version}`,
    eventType: event.type,
    aggregateId: 'adv-1',
    aggregateVersion: version,
    orgId: 'gov-nco',
    occurredAt: new Date(T0),
    correlationId: 'c',
    causationId: `cmd${version}`,
  },
  event,
});
const content = {
  title: 'VPN exploitation',
  summary: 'summary',
  severity: 'high' as const,
  tlp: 'AMBER',
  audience: { everyone: false, sectors: ['electricity'], kinds: [], orgs: [] },
  indicatorIds: [],
  incidentIds: [],
  recommendedActions: ['patch'],
  expiresAt: T0 + 86_400_000,
};
const ack = (orgId: string, at: number): AdvisoryEvent => ({
  type: 'AdvisoryAcknowledged',
  data: {
    advisoryId: 'adv-1',
    orgId,
    orgKind: 'operator',
    orgSector: 'electricity',
    acknowledgedAt: at,
  },
});

describe('the advisories projection', () => {
  it('keeps the advisory, its status and each acknowledgement once', () => {
    const events: AdvisoryEvent[] = [
      {
        type: 'AdvisoryIssued',
        data: {
          advisoryId: 'adv-1',
          issuerOrgId: 'gov-nco',
          issuerKind: 'cabinet-office',
          ...content,
          issuedAt: T0,
        },
      },
      ack('op-a', T0 + 1),
      ack('op-a', T0 + 2),
      ack('op-b', T0 + 3),
      {
        type: 'AdvisoryWithdrawn',
        data: {
          advisoryId: 'adv-1',
          issuerOrgId: 'gov-nco',
          reason: 'superseded',
          tlp: 'AMBER',
          audience: content.audience,
          withdrawnAt: T0 + 4,
        },
      },
    ];
    const doc = events.reduce<AdvisoryDoc | null>((d, e) => evolveAdvisoryDoc(d, env(e)), null);
    expect(doc).toMatchObject({
      _id: 'adv-1',
      version: 5,
      tlp: 'AMBER',
      audience: content.audience,
      expiresAt: new Date(content.expiresAt),
      status: 'withdrawn',
      withdrawalReason: 'superseded',
      acknowledgements: [
        { orgId: 'op-a', at: new Date(T0 + 1) },
        { orgId: 'op-b', at: new Date(T0 + 3) },
      ],
    });
  });

  it('ignores events of an advisory it never saw issued', () => {
    expect(evolveAdvisoryDoc(null, env(ack('op-a', T0)))).toBeNull();
  });
});
