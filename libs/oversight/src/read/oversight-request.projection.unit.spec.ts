import { eventIdFor, type EventEnvelope } from '@acd/event-sourcing';
import type { OperationAuthorisationRequested, OversightEvent } from '../domain/oversight.events';
import { evolveOversightRequestDoc } from './oversight-request.projection';
import type { OversightRequestDoc } from './oversight-request.read-model';

const T0 = Date.parse('2026-11-22T00:00:00Z');
const H = 3_600_000;

let version = 0;
const env = (event: OversightEvent): EventEnvelope<OversightEvent> => {
  version += 1;
  return {
    metadata: {
      eventId: eventIdFor(`c${version}`, 0, 'r'),
      eventType: event.type,
      aggregateId: 'req-1',
      aggregateVersion: version,
      orgId: 'gov-npa',
      occurredAt: new Date(T0),
      correlationId: 'x',
      causationId: `c${version}`,
    },
    event,
  };
};

const fold = (events: OversightEvent[]): OversightRequestDoc | null => {
  version = 0;
  return events.reduce<OversightRequestDoc | null>(
    (doc, e) => evolveOversightRequestDoc(doc, env(e)),
    null,
  );
};

const rule = { roster: ['member-1', 'member-2', 'member-3'], quorum: 2 };

/** A police request at home, attested, as the decider records it since v2. */
const requested = (
  over: Partial<OperationAuthorisationRequested['data']> = {},
): OperationAuthorisationRequested => ({
  type: 'OperationAuthorisationRequested',
  data: {
    requestId: 'req-1',
    agencyId: 'gov-npa',
    agencyKind: 'police',
    target: { type: 'ip', value: '198.51.100.7', country: 'JP' },
    justification: 'why',
    evidence: [{ type: 'indicator', id: 'ind-1' }],
    measures: ['access'],
    validFrom: T0,
    validUntil: T0 + 24 * H,
    emergencyReason: null,
    primeMinisterOrder: null,
    attestation: { belowArmedAttackThreshold: true, justification: null },
    ...rule,
    requestedAt: T0,
    ...over,
  },
});

describe('the oversight requests projection', () => {
  it('writes the fields the collection-authorisation lookup relies on, as Dates', () => {
    const doc = fold([
      {
        type: 'CollectionAuthorisationRequested',
        data: {
          requestId: 'req-1',
          requestedBy: 'gov-nco',
          requesterKind: 'cabinet-office',
          telecomId: 'tel-nihon-backbone',
          categories: ['addresses', 'ports'],
          validFrom: T0,
          validUntil: T0 + 30 * 24 * H,
          justification: 'why',
          ...rule,
          requestedAt: T0,
        },
      },
      {
        type: 'VoteCast',
        data: {
          requestId: 'req-1',
          memberId: 'member-1',
          vote: 'approve',
          reason: null,
          castAt: T0 + H,
        },
      },
      {
        type: 'VoteCast',
        data: {
          requestId: 'req-1',
          memberId: 'member-2',
          vote: 'approve',
          reason: 'ok',
          castAt: T0 + H,
        },
      },
      {
        type: 'RequestApproved',
        data: {
          requestId: 'req-1',
          approvals: 2,
          denials: 0,
          validFrom: T0,
          validUntil: T0 + 30 * 24 * H,
          decidedAt: T0 + H,
        },
      },
    ]);
    expect(doc).toMatchObject({
      _id: 'req-1',
      version: 4,
      kind: 'collection',
      status: 'approved',
      telecomId: 'tel-nihon-backbone',
      categories: ['addresses', 'ports'],
      validFrom: new Date(T0),
      validUntil: new Date(T0 + 30 * 24 * H),
      approvals: 2,
      denials: 0,
      decidedAt: new Date(T0 + H),
    });
    expect(doc?.votes.map((v) => v.memberId)).toEqual(['member-1', 'member-2']);
  });

  it('follows an emergency operation through execution, missed and late notification, and report', () => {
    const doc = fold([
      requested({ emergencyReason: 'no time' }),
      {
        type: 'OperationExecuted',
        data: {
          requestId: 'req-1',
          agencyId: 'gov-npa',
          target: '198.51.100.7',
          startedAt: T0,
          endedAt: T0 + H,
          outcome: 'succeeded',
          summary: 'done',
          measuresTaken: ['access'],
          emergency: true,
          emergencyReason: 'no time',
          notifyBy: T0 + 24 * H,
          executedAt: T0 + H,
        },
      },
      {
        type: 'EmergencyNotificationMissed',
        data: {
          requestId: 'req-1',
          agencyId: 'gov-npa',
          notifyBy: T0 + 24 * H,
          recordedAt: T0 + 25 * H,
        },
      },
      {
        type: 'CommissionNotified',
        data: {
          requestId: 'req-1',
          agencyId: 'gov-npa',
          summary: 'sorry',
          notifyBy: T0 + 24 * H,
          notifiedAt: T0 + 26 * H,
          late: true,
        },
      },
      {
        type: 'OperationReported',
        data: {
          requestId: 'req-1',
          agencyId: 'gov-npa',
          summary: 'report',
          reportedAt: T0 + 27 * H,
        },
      },
    ]);
    expect(doc).toMatchObject({
      kind: 'operation',
      status: 'pending',
      stage: 'reported',
      requestedBy: 'gov-npa',
      emergency: {
        reason: 'no time',
        notifyBy: new Date(T0 + 24 * H),
        missedAt: new Date(T0 + 25 * H),
        notifiedAt: new Date(T0 + 26 * H),
        late: true,
      },
      execution: { emergency: true, measuresTaken: ['access'] },
      report: { summary: 'report', reportedAt: new Date(T0 + 27 * H) },
    });
    expect(doc?.telecomId).toBeUndefined();
  });

  describe('what an operation request rests on', () => {
    const sdfRequested = (over: Partial<OperationAuthorisationRequested['data']>) =>
      requested({
        agencyId: 'gov-sdf',
        agencyKind: 'sdf',
        target: { type: 'domain', value: 'c2.example.net', country: 'NL' },
        emergencyReason: null,
        attestation: null,
        ...over,
      });

    it("given an SDF request with the Prime Minister's order and the attestation, then both are stored, the time as a Date", () => {
      const doc = fold([
        sdfRequested({
          primeMinisterOrder: {
            givenAt: T0 - H,
            grounds: 'organised attack from abroad',
            reference: 'PMO-7',
          },
          attestation: { belowArmedAttackThreshold: true, justification: 'no lasting effect' },
        }),
      ]);
      expect(doc).toMatchObject({
        requesterKind: 'sdf',
        primeMinisterOrder: {
          givenAt: new Date(T0 - H),
          grounds: 'organised attack from abroad',
          reference: 'PMO-7',
        },
        attestation: { belowArmedAttackThreshold: true, justification: 'no lasting effect' },
      });
    });

    it('given a legacy request (written before v2), then order and attestation are null and stay so through the operation', () => {
      const doc = fold([
        sdfRequested({}),
        {
          type: 'ForeignMinisterConsulted',
          data: {
            requestId: 'req-1',
            agencyId: 'gov-sdf',
            consultedAt: T0,
            summary: 'no objection',
            recordedAt: T0 + H,
          },
        },
      ]);
      expect(doc).toMatchObject({ primeMinisterOrder: null, attestation: null, version: 2 });
      expect(doc?.consultation?.summary).toBe('no objection');
    });
  });
});
