import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { OversightEvent } from '../domain/oversight.events';
import { isSupervisionEvent } from '../domain/supervision.events';
import { isAgreementEvent } from '../domain/agreement.events';
import { isCouncilEvent } from '../domain/council.events';
import type { Projection } from '@acd/persistence';
import { OVERSIGHT_REQUESTS_COLLECTION } from './collection-authorisation.lookup';
import type { OversightRequestDoc } from './oversight-request.read-model';

const date = (ms: number) => new Date(ms);

export function evolveOversightRequestDoc(
  doc: OversightRequestDoc | null,
  { metadata, event }: EventEnvelope<OversightEvent>,
): OversightRequestDoc | null {
  const version = metadata.aggregateVersion;
  switch (event.type) {
    case 'CollectionAuthorisationRequested': {
      const d = event.data;
      return {
        _id: d.requestId,
        version,
        kind: 'collection',
        status: 'pending',
        requestedBy: d.requestedBy,
        requesterKind: d.requesterKind,
        justification: d.justification,
        validFrom: date(d.validFrom),
        validUntil: date(d.validUntil),
        requestedAt: date(d.requestedAt),
        roster: [...d.roster],
        quorum: d.quorum,
        votes: [],
        approvals: 0,
        denials: 0,
        decidedAt: null,
        telecomId: d.telecomId,
        categories: [...d.categories],
        target: null,
        evidence: [],
        measures: [],
        stage: null,
        consultation: null,
        emergency: null,
        execution: null,
        report: null,
        updatedAt: date(d.requestedAt),
      };
    }
    case 'OperationAuthorisationRequested': {
      const d = event.data;
      return {
        _id: d.requestId,
        version,
        kind: 'operation',
        status: 'pending',
        requestedBy: d.agencyId,
        requesterKind: d.agencyKind,
        justification: d.justification,
        validFrom: date(d.validFrom),
        validUntil: date(d.validUntil),
        requestedAt: date(d.requestedAt),
        roster: [...d.roster],
        quorum: d.quorum,
        votes: [],
        approvals: 0,
        denials: 0,
        decidedAt: null,
        target: { type: d.target.type, value: d.target.value, country: d.target.country },
        evidence: d.evidence.map((e) => ({ type: e.type, id: e.id })),
        measures: [...d.measures],
        stage: 'requested',
        primeMinisterOrder: d.primeMinisterOrder
          ? {
              givenAt: date(d.primeMinisterOrder.givenAt),
              grounds: d.primeMinisterOrder.grounds,
              reference: d.primeMinisterOrder.reference,
            }
          : null,
        attestation: d.attestation
          ? {
              belowArmedAttackThreshold: d.attestation.belowArmedAttackThreshold,
              justification: d.attestation.justification,
            }
          : null,
        consultation: null,
        emergency:
          d.emergencyReason === null
            ? null
            : {
                reason: d.emergencyReason,
                notifyBy: null,
                notifiedAt: null,
                notificationSummary: null,
                late: false,
                missedAt: null,
              },
        execution: null,
        report: null,
        updatedAt: date(d.requestedAt),
      };
    }
    case 'ForeignMinisterConsulted': {
      if (!doc) return null;
      const d = event.data;
      return {
        ...doc,
        version,
        consultation: {
          consultedAt: date(d.consultedAt),
          summary: d.summary,
          recordedAt: date(d.recordedAt),
        },
        updatedAt: date(d.recordedAt),
      };
    }
    case 'VoteCast': {
      if (!doc) return null;
      const d = event.data;
      if (doc.votes.some((v) => v.memberId === d.memberId)) return { ...doc, version };
      return {
        ...doc,
        version,
        votes: [
          ...doc.votes,
          { memberId: d.memberId, vote: d.vote, reason: d.reason, at: date(d.castAt) },
        ],
        approvals: doc.approvals + (d.vote === 'approve' ? 1 : 0),
        denials: doc.denials + (d.vote === 'deny' ? 1 : 0),
        updatedAt: date(d.castAt),
      };
    }
    case 'RequestApproved': {
      if (!doc) return null;
      const d = event.data;
      return {
        ...doc,
        version,
        status: 'approved',
        validFrom: date(d.validFrom),
        validUntil: date(d.validUntil),
        decidedAt: date(d.decidedAt),
        updatedAt: date(d.decidedAt),
      };
    }
    case 'RequestDenied': {
      if (!doc) return null;
      const d = event.data;
      return {
        ...doc,
        version,
        status: 'denied',
        decidedAt: date(d.decidedAt),
        updatedAt: date(d.decidedAt),
      };
    }
    case 'OperationExecuted': {
      if (!doc) return null;
      const d = event.data;
      const emergency =
        d.emergency && d.notifyBy !== null
          ? {
              reason: d.emergencyReason ?? doc.emergency?.reason ?? '',
              notifyBy: date(d.notifyBy),
              notifiedAt: null,
              notificationSummary: null,
              late: false,
              missedAt: null,
            }
          : doc.emergency;
      return {
        ...doc,
        version,
        stage: 'executed',
        emergency,
        execution: {
          target: d.target,
          startedAt: date(d.startedAt),
          endedAt: date(d.endedAt),
          outcome: d.outcome,
          summary: d.summary,
          measuresTaken: [...d.measuresTaken],
          emergency: d.emergency,
          executedAt: date(d.executedAt),
        },
        updatedAt: date(d.executedAt),
      };
    }
    case 'CommissionNotified': {
      if (!doc?.emergency) return doc ? { ...doc, version } : null;
      const d = event.data;
      return {
        ...doc,
        version,
        emergency: {
          ...doc.emergency,
          notifiedAt: date(d.notifiedAt),
          notificationSummary: d.summary,
          late: d.late,
        },
        updatedAt: date(d.notifiedAt),
      };
    }
    case 'EmergencyNotificationMissed': {
      if (!doc?.emergency) return doc ? { ...doc, version } : null;
      const d = event.data;
      return {
        ...doc,
        version,
        emergency: { ...doc.emergency, missedAt: doc.emergency.missedAt ?? date(d.recordedAt) },
        updatedAt: date(d.recordedAt),
      };
    }
    case 'OperationReported': {
      if (!doc) return null;
      const d = event.data;
      return {
        ...doc,
        version,
        stage: 'reported',
        report: { summary: d.summary, reportedAt: date(d.reportedAt) },
        updatedAt: date(d.reportedAt),
      };
    }
    default:
      return null;
  }
}

export const oversightRequestProjection: Projection<OversightEvent, OversightRequestDoc> = {
  name: 'oversight-requests',
  collection: OVERSIGHT_REQUESTS_COLLECTION,
  topic: 'oversightEvents',
  evolve: evolveOversightRequestDoc,
  // Supervision files, agreements and the council share the topic; their events touch other
  // read models.
  documentIdOf: ({ event }) =>
    isSupervisionEvent(event) || isAgreementEvent(event) || isCouncilEvent(event)
      ? null
      : event.data.requestId,
  async createIndexes(collection: Collection<OversightRequestDoc>) {
    await collection.createIndex({ requestedAt: 1, _id: 1 });
    await collection.createIndex({ kind: 1, status: 1, telecomId: 1, validUntil: -1 });
    await collection.createIndex({ requestedBy: 1 });
  },
};
