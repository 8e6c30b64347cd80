import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import type { Deadline, ReportingEvent } from '../domain/reporting.events';
import type { Projection } from '@acd/persistence';
import { eventTime } from './event-time';
import {
  currentFileDoc,
  type FileCase,
  type FileOrder,
  type FilePendingDeadline,
  type FileReferral,
  type ReportingFileDoc,
} from './reporting-file.read-model';

function sectorOf(event: ReportingEvent): string | null {
  switch (event.type) {
    case 'AssetNotified':
    case 'IncidentOpened':
    case 'ComplianceCaseOpened':
    case 'OperatorDesignated':
      // The decider writes '' when it has no sector on record.
      return event.data.sector || null;
    default:
      return null;
  }
}

function emptyFile(operatorId: string): ReportingFileDoc {
  return {
    _id: operatorId,
    version: 0,
    operatorId,
    sector: null,
    incidents: [],
    closedIncidents: 0,
    pendingDeadlines: [],
    missedDeadlines: [],
    cases: [],
    orders: [],
    referrals: [],
    legacyPenalties: [],
    designation: null,
    updatedAt: new Date(0),
  };
}

const pending = (incidentId: string, d: Deadline): FilePendingDeadline => ({
  incidentId,
  deadlineId: d.deadlineId,
  regime: d.regime,
  stage: d.stage,
  dueAt: new Date(d.dueAt),
});

const isOf =
  (incidentId: string, deadlineIds?: readonly string[]) =>
  (p: { incidentId: string; deadlineId: string }): boolean =>
    p.incidentId === incidentId &&
    (deadlineIds === undefined || deadlineIds.includes(p.deadlineId));

function byDue(a: FilePendingDeadline, b: FilePendingDeadline): number {
  const t = a.dueAt.getTime() - b.dueAt.getTime();
  if (t !== 0) return t;
  const key = (p: FilePendingDeadline) => `${p.incidentId}\u0000${p.deadlineId}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/**
 * `pending` plus `added`, kept in due order by inserting each at its place (binary search)
 * instead of sorting the whole list on every event: a large file holds thousands.
 */
function withPending(
  pendingList: readonly FilePendingDeadline[],
  added: readonly FilePendingDeadline[],
): FilePendingDeadline[] {
  const out = [...pendingList];
  for (const p of added) {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byDue(out[mid] as FilePendingDeadline, p) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, p);
  }
  return out;
}

const updateCase = (doc: ReportingFileDoc, caseId: string, change: (c: FileCase) => FileCase) =>
  doc.cases.map((c) => (c.caseId === caseId ? change(c) : c));

const updateOrder = (doc: ReportingFileDoc, orderId: string, change: (o: FileOrder) => FileOrder) =>
  doc.orders.map((o) => (o.orderId === orderId ? change(o) : o));

const updateReferral = (
  doc: ReportingFileDoc,
  orderId: string,
  change: (r: FileReferral) => FileReferral,
) => doc.referrals.map((r) => (r.orderId === orderId ? change(r) : r));

/** Every event of the file lands here: this is the operator's compliance board. */
export function evolveReportingFileDoc(
  current: ReportingFileDoc | null,
  { metadata, event }: EventEnvelope<ReportingEvent>,
): ReportingFileDoc | null {
  const at = eventTime(event);
  if (at === null) return null;
  const base = current ? currentFileDoc(current) : emptyFile(metadata.aggregateId);
  const doc: ReportingFileDoc = {
    ...base,
    version: metadata.aggregateVersion,
    sector: base.sector ?? sectorOf(event),
    updatedAt: new Date(at),
  };

  switch (event.type) {
    case 'AssetNotified':
    case 'AssetChanged':
    case 'AssetRetired':
      return doc;
    case 'IncidentOpened': {
      const d = event.data;
      // Opened in answer to an order: the incident is what that order's case was about.
      const answered = doc.orders.find((o) => o.orderId === d.orderId);
      return {
        ...doc,
        cases: answered
          ? updateCase(doc, answered.caseId, (c) => ({ ...c, incidentId: d.incidentId }))
          : doc.cases,
        incidents: [
          ...doc.incidents.filter((i) => i.incidentId !== d.incidentId),
          { incidentId: d.incidentId, title: d.title },
        ],
        pendingDeadlines: withPending(
          doc.pendingDeadlines.filter((p) => p.incidentId !== d.incidentId),
          d.deadlines.map((x) => pending(d.incidentId, x)),
        ),
      };
    }
    case 'IncidentReportFiled': {
      const d = event.data;
      const fulfilled = [...d.deadlinesMet, ...d.deadlinesFiledLate];
      const filedAt = new Date(d.filedAt);
      const isLate = isOf(d.incidentId, d.deadlinesFiledLate);
      const kept = doc.pendingDeadlines.filter((p) => !isOf(d.incidentId, fulfilled)(p));
      const known = new Set(kept.filter(isOf(d.incidentId)).map((p) => p.deadlineId));
      return {
        ...doc,
        pendingDeadlines: withPending(
          kept,
          d.newDeadlines
            .filter((x) => !known.has(x.deadlineId))
            .map((x) => pending(d.incidentId, x)),
        ),
        missedDeadlines: doc.missedDeadlines.map((m) =>
          isLate(m) && m.filedAt === null ? { ...m, filedAt } : m,
        ),
      };
    }
    case 'IncidentClosed': {
      const d = event.data;
      return {
        ...doc,
        incidents: doc.incidents.filter((i) => i.incidentId !== d.incidentId),
        closedIncidents:
          doc.closedIncidents + (doc.incidents.some((i) => i.incidentId === d.incidentId) ? 1 : 0),
        pendingDeadlines: doc.pendingDeadlines.filter((p) => p.incidentId !== d.incidentId),
      };
    }
    case 'ReportDeadlineMissed': {
      const d = event.data;
      const already = doc.missedDeadlines.some(isOf(d.incidentId, [d.deadlineId]));
      return {
        ...doc,
        pendingDeadlines: doc.pendingDeadlines.filter(
          (p) => !isOf(d.incidentId, [d.deadlineId])(p),
        ),
        missedDeadlines: already
          ? doc.missedDeadlines
          : [
              ...doc.missedDeadlines,
              {
                incidentId: d.incidentId,
                deadlineId: d.deadlineId,
                regime: d.regime,
                dueAt: new Date(d.dueAt),
                recordedAt: new Date(d.recordedAt),
                caseId: d.caseId,
                filedAt: null,
              },
            ],
        // The miss may be recorded before or after its case is opened; a foreign one has none.
        cases:
          d.caseId === null
            ? doc.cases
            : updateCase(doc, d.caseId, (c) =>
                c.deadlineIds.includes(d.deadlineId)
                  ? c
                  : { ...c, deadlineIds: [...c.deadlineIds, d.deadlineId] },
              ),
      };
    }
    case 'ComplianceCaseOpened': {
      const d = event.data;
      return {
        ...doc,
        cases: [
          ...doc.cases.filter((c) => c.caseId !== d.caseId),
          {
            caseId: d.caseId,
            basis: d.basis,
            incidentId: d.incidentId,
            description: d.description,
            status: 'open',
            openedAt: new Date(d.openedAt),
            openedByOrgId: d.openedByOrgId,
            deadlineIds: doc.missedDeadlines
              .filter((m) => m.caseId === d.caseId)
              .map((m) => m.deadlineId),
          },
        ],
      };
    }
    case 'CorrectionOrderIssued': {
      const d = event.data;
      return {
        ...doc,
        orders: [
          ...doc.orders.filter((o) => o.orderId !== d.orderId),
          {
            orderId: d.orderId,
            caseId: d.caseId,
            instructions: d.instructions,
            dueAt: new Date(d.dueAt),
            status: 'open',
            issuedAt: new Date(d.issuedAt),
            compliedAt: null,
            reportId: null,
            ignoredAt: null,
          },
        ],
      };
    }
    case 'OrderComplied': {
      const d = event.data;
      return {
        ...doc,
        orders: updateOrder(doc, d.orderId, (o) => ({
          ...o,
          status: 'complied',
          compliedAt: new Date(d.compliedAt),
          reportId: d.reportId,
        })),
        cases: updateCase(doc, d.caseId, (c) => ({
          ...c,
          status: 'resolved',
          incidentId: c.incidentId ?? d.incidentId,
        })),
      };
    }
    case 'OrderIgnored': {
      const d = event.data;
      return {
        ...doc,
        orders: updateOrder(doc, d.orderId, (o) => ({
          ...o,
          status: 'ignored',
          ignoredAt: new Date(d.recordedAt),
        })),
      };
    }
    case 'PenaltyAssessed': {
      // Legacy (old logs only): on the record, flagged, never a court's fine.
      const d = event.data;
      return {
        ...doc,
        orders: updateOrder(doc, d.orderId, (o) => ({ ...o, status: 'penalised' })),
        cases: updateCase(doc, d.caseId, (c) => ({ ...c, status: 'penalised' })),
        legacyPenalties: [
          ...doc.legacyPenalties,
          {
            legacy: true,
            orderId: d.orderId,
            caseId: d.caseId,
            amountYen: d.amountYen,
            reason: d.reason,
            assessedAt: new Date(d.assessedAt),
            assessedByOrgId: d.assessedByOrgId,
          },
        ],
      };
    }
    case 'CaseReferredToProsecutors': {
      const d = event.data;
      return {
        ...doc,
        orders: updateOrder(doc, d.orderId, (o) => ({ ...o, status: 'referred' })),
        cases: updateCase(doc, d.caseId, (c) => ({ ...c, status: 'referred' })),
        referrals: [
          ...doc.referrals.filter((r) => r.orderId !== d.orderId),
          {
            orderId: d.orderId,
            caseId: d.caseId,
            statementOfFacts: d.statementOfFacts,
            referredAt: new Date(d.referredAt),
            referredByOrgId: d.referredByOrgId,
            outcome: null,
          },
        ],
      };
    }
    case 'ProsecutionOutcomeRecorded': {
      const { operatorId: _o, caseId, orderId, recordedAt, ...outcome } = event.data;
      return {
        ...doc,
        orders: updateOrder(doc, orderId, (o) => ({ ...o, status: 'concluded' })),
        cases: updateCase(doc, caseId, (c) => ({ ...c, status: 'concluded' })),
        referrals: updateReferral(doc, orderId, (r) => ({
          ...r,
          outcome: { ...outcome, recordedAt: new Date(recordedAt) },
        })),
      };
    }
    case 'OperatorDesignated': {
      const d = event.data;
      return {
        ...doc,
        designation: {
          designatedAt: new Date(d.designatedAt),
          reference: d.reference,
          designatedByOrgId: d.designatedByOrgId,
          assetNotificationDueAt: new Date(d.assetNotificationDueAt),
          status: 'pending',
          metAt: null,
          late: false,
          caseId: null,
        },
      };
    }
    case 'AssetNotificationDutyMet': {
      if (!doc.designation) return doc;
      const d = event.data;
      return {
        ...doc,
        designation: { ...doc.designation, status: 'met', metAt: new Date(d.metAt), late: d.late },
      };
    }
    case 'AssetNotificationMissed': {
      if (!doc.designation) return doc;
      return {
        ...doc,
        designation: { ...doc.designation, status: 'missed', caseId: event.data.caseId },
      };
    }
    default:
      return null;
  }
}

export const reportingFileProjection: Projection<ReportingEvent, ReportingFileDoc> = {
  name: 'reporting-files',
  collection: 'reportingFiles',
  topic: 'reportingEvents',
  evolve: evolveReportingFileDoc,
  async createIndexes(collection: Collection<ReportingFileDoc>) {
    await collection.createIndex({ sector: 1 });
  },
};
