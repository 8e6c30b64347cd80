import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { Projection } from '@acd/persistence';
import type { OversightEvent } from '../domain/oversight.events';
import { isSupervisionEvent, type SupervisionEvent } from '../domain/supervision.events';
import { SUPERVISION_COLLECTION, type SupervisionDoc } from './supervision.read-model';

const date = (ms: number) => new Date(ms);

/** The item a supervision event concerns; null for the events of requests. */
export function supervisionDocIdOf({ event }: EventEnvelope<OversightEvent>): string | null {
  if (!isSupervisionEvent(event)) return null;
  const d = event.data;
  return 'inspectionId' in d && !('recommendationId' in d) && !('demandId' in d)
    ? d.inspectionId
    : 'recommendationId' in d
      ? d.recommendationId
      : d.demandId;
}

function evolve(doc: SupervisionDoc | null, event: SupervisionEvent, version: number) {
  switch (event.type) {
    case 'InspectionOpened': {
      const d = event.data;
      return base(d.inspectionId, 'inspection', 'open', d, d.scope, null, d.openedBy, d.openedAt);
    }
    case 'RecommendationIssued': {
      const d = event.data;
      const item = base(d.recommendationId, 'recommendation', 'issued', d, d.recommendation);
      return { ...item, inspectionId: d.inspectionId, by: d.issuedBy, ...at(d.issuedAt) };
    }
    case 'DisciplinaryActionDemanded': {
      const d = event.data;
      const item = base(d.demandId, 'disciplinary-demand', 'demanded', d, d.demand, d.leak);
      return { ...item, inspectionId: d.inspectionId, by: d.demandedBy, ...at(d.demandedAt) };
    }
    case 'InspectionAnswered':
    case 'RecommendationAnswered': {
      if (!doc) return null;
      const d = event.data;
      return {
        ...doc,
        status: 'answered' as const,
        answer: { text: d.answer, at: date(d.answeredAt) },
        updatedAt: date(d.answeredAt),
      };
    }
    case 'DisciplinaryActionReported': {
      if (!doc) return null;
      const d = event.data;
      return {
        ...doc,
        status: 'reported' as const,
        answer: { text: d.actionTaken, at: date(d.reportedAt) },
        updatedAt: date(d.reportedAt),
      };
    }
    case 'InspectionConcluded': {
      if (!doc) return null;
      const d = event.data;
      return {
        ...doc,
        status: 'concluded' as const,
        findings: {
          conclusion: d.conclusion,
          text: d.findings,
          by: d.concludedBy,
          at: date(d.concludedAt),
        },
        updatedAt: date(d.concludedAt),
      };
    }
  }

  function at(ms: number) {
    return { at: date(ms), updatedAt: date(ms) };
  }

  function base(
    id: string,
    kind: SupervisionDoc['kind'],
    status: SupervisionDoc['status'],
    d: { agencyId: string; agencyKind: string },
    text: string,
    leak: string | null = null,
    by = '',
    atMs = 0,
  ): SupervisionDoc {
    return {
      _id: id,
      version,
      kind,
      agencyId: d.agencyId,
      agencyKind: d.agencyKind,
      status,
      text,
      leak,
      inspectionId: null,
      by,
      answer: null,
      findings: null,
      ...at(atMs),
    };
  }
}

export function evolveSupervisionDoc(
  doc: SupervisionDoc | null,
  { metadata, event }: EventEnvelope<OversightEvent>,
): SupervisionDoc | null {
  if (!isSupervisionEvent(event)) return doc;
  const next = evolve(doc, event, metadata.aggregateVersion);
  return next ? { ...next, version: metadata.aggregateVersion } : null;
}

export const supervisionProjection: Projection<OversightEvent, SupervisionDoc> = {
  name: 'oversight-supervision',
  collection: SUPERVISION_COLLECTION,
  topic: 'oversightEvents',
  evolve: evolveSupervisionDoc,
  documentIdOf: supervisionDocIdOf,
  async createIndexes(collection: Collection<SupervisionDoc>) {
    await collection.createIndex({ updatedAt: 1, _id: 1 });
    await collection.createIndex({ agencyId: 1, updatedAt: 1 });
  },
};
