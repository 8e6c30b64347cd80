import type { Collection } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { formatJst } from '../domain/jst';
import { type Deadline, type IncidentFacts, type ReportingEvent } from '../domain/reporting.events';
import type { Projection } from '@acd/persistence';
import { dateOrNull } from './event-time';
import type {
  IncidentDeadlineEntry,
  IncidentDoc,
  IncidentTimelineEntry,
} from './incident.read-model';

/**
 * The incident an event is about. Correction orders, ignored orders, referrals, their outcomes
 * (and legacy penalties) name only a case or an order, so they stay off the incident and appear
 * on the operator's compliance file; a case about an incident and the compliance that answered
 * an order do name it.
 */
export function incidentDocIdOf({ event }: EventEnvelope<ReportingEvent>): string | null {
  switch (event.type) {
    case 'IncidentOpened':
    case 'IncidentReportFiled':
    case 'IncidentClosed':
    case 'ReportDeadlineMissed':
    case 'OrderComplied':
    case 'ComplianceCaseOpened':
      return event.data.incidentId;
    default:
      return null;
  }
}

function factsFields(f: IncidentFacts) {
  return {
    impact: f.impact,
    status: f.status,
    suspectedActor: f.suspectedActor,
    affectedAssets: f.affectedAssets,
    indicatorIds: f.indicatorIds,
    sharedWithPolice: f.sharedWithPolice,
    ransomPaidAt: dateOrNull(f.ransomPaidAt),
  };
}

function pendingDeadline(d: Deadline): IncidentDeadlineEntry {
  return {
    deadlineId: d.deadlineId,
    regime: d.regime,
    obligation: d.obligation,
    stage: d.stage,
    dueAt: new Date(d.dueAt),
    status: 'pending',
    filedAt: null,
    missedAt: null,
    caseId: null,
  };
}

/** Timeline text is for people: JST. */
const iso = (at: Date | number): string => formatJst(at);
const sentence = (s: string): string => (/[.!?。]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

/** Derived fields, recomputed after every change so they can never drift. */
function settled(doc: IncidentDoc): IncidentDoc {
  const pending = doc.closed ? [] : doc.deadlines.filter((d) => d.status === 'pending');
  const next = pending.reduce<Date | null>(
    (earliest, d) => (earliest === null || d.dueAt < earliest ? d.dueAt : earliest),
    null,
  );
  return { ...doc, nextDeadlineAt: next };
}

function withEntry(doc: IncidentDoc, entry: IncidentTimelineEntry): IncidentTimelineEntry[] {
  return [...doc.timeline, entry];
}

const addOnce = (list: string[], value: string): string[] =>
  list.includes(value) ? list : [...list, value];

export function evolveIncidentDoc(
  doc: IncidentDoc | null,
  { metadata, event }: EventEnvelope<ReportingEvent>,
): IncidentDoc | null {
  const version = metadata.aggregateVersion;
  if (event.type === 'IncidentOpened') {
    const d = event.data;
    // Should two files ever use the same incident id, the second must not take over (nor read)
    // the first operator's document.
    if (doc && doc.operatorId !== d.operatorId) return null;
    const openedAt = new Date(d.openedAt);
    const answers = d.orderId ? ` in answer to correction order ${d.orderId}` : '';
    return settled({
      _id: d.incidentId,
      version,
      operatorId: d.operatorId,
      incidentId: d.incidentId,
      sector: d.sector,
      title: d.title,
      description: d.description,
      awareAt: new Date(d.awareAt),
      detectedAt: dateOrNull(d.detectedAt),
      firstSeenAt: dateOrNull(d.firstSeenAt),
      ...factsFields(d),
      regimes: d.regimes,
      orderId: d.orderId,
      deadlines: d.deadlines.map(pendingDeadline),
      reports: [],
      timeline: [
        {
          at: openedAt,
          kind: 'opened',
          text:
            `Incident opened${answers}: ${d.title}. ` +
            `${d.deadlines.length} reporting deadline(s) under ${d.regimes.join(', ') || 'no regime'}.`,
          ...(d.orderId ? { orderId: d.orderId } : {}),
        },
      ],
      openCaseId: null,
      caseIds: [],
      closed: false,
      closedAt: null,
      openedAt,
      updatedAt: openedAt,
      nextDeadlineAt: null,
    });
  }
  if (!doc || doc.operatorId !== event.data.operatorId) return null;

  switch (event.type) {
    case 'IncidentReportFiled': {
      const d = event.data;
      const filedAt = new Date(d.filedAt);
      const known = new Set(doc.deadlines.map((x) => x.deadlineId));
      const deadlines = doc.deadlines.map((x): IncidentDeadlineEntry => {
        if (d.deadlinesMet.includes(x.deadlineId)) return { ...x, status: 'met', filedAt };
        if (d.deadlinesFiledLate.includes(x.deadlineId)) return { ...x, status: 'missed', filedAt };
        return x;
      });
      const added = d.newDeadlines.filter((x) => !known.has(x.deadlineId));
      const notes = [
        d.deadlinesMet.length ? ` Met: ${d.deadlinesMet.join(', ')}.` : '',
        d.deadlinesFiledLate.length ? ` Filed late: ${d.deadlinesFiledLate.join(', ')}.` : '',
        added.length
          ? ` New deadlines: ${added.map((x) => `${x.deadlineId} due ${iso(x.dueAt)}`).join(', ')}.`
          : '',
      ].join('');
      return settled({
        ...doc,
        version,
        ...factsFields(d),
        deadlines: [...deadlines, ...added.map(pendingDeadline)],
        reports: [
          ...doc.reports,
          {
            reportId: d.reportId,
            stage: d.stage,
            summary: d.summary,
            changedFields: d.changedFields,
            filedAt,
          },
        ],
        timeline: withEntry(doc, {
          at: filedAt,
          kind: 'report-filed',
          text: `${d.stage} report ${d.reportId} filed: ${sentence(d.summary)}${notes}`,
          reportId: d.reportId,
        }),
        updatedAt: filedAt,
      });
    }
    case 'ReportDeadlineMissed': {
      const d = event.data;
      const missedAt = new Date(d.recordedAt);
      // The deadline may have arisen in the same decision that records its miss.
      const known = doc.deadlines.find((x) => x.deadlineId === d.deadlineId) ?? pendingDeadline(d);
      const missed: IncidentDeadlineEntry = {
        ...known,
        status: 'missed',
        missedAt,
        caseId: d.caseId,
      };
      const deadlines = doc.deadlines.some((x) => x.deadlineId === d.deadlineId)
        ? doc.deadlines.map((x) => (x.deadlineId === d.deadlineId ? missed : x))
        : [...doc.deadlines, missed];
      const missedText = `Deadline ${d.deadlineId} (${d.stage} report, due ${iso(d.dueAt)}) was missed; `;
      return settled({
        ...doc,
        version,
        deadlines,
        timeline: withEntry(doc, {
          at: missedAt,
          kind: 'deadline-missed',
          text:
            d.caseId === null
              ? `${missedText}recorded under ${d.regime}, which opens no Japanese compliance case.`
              : `${missedText}recorded under compliance case ${d.caseId}.`,
          deadlineId: d.deadlineId,
          ...(d.caseId === null ? {} : { caseId: d.caseId }),
        }),
        openCaseId: d.caseId ?? doc.openCaseId,
        caseIds: d.caseId === null ? doc.caseIds : addOnce(doc.caseIds, d.caseId),
        updatedAt: missedAt,
      });
    }
    case 'ComplianceCaseOpened': {
      const d = event.data;
      const openedAt = new Date(d.openedAt);
      return settled({
        ...doc,
        version,
        timeline: withEntry(doc, {
          at: openedAt,
          kind: 'case-opened',
          text: `Compliance case ${d.caseId} opened by ${d.openedByOrgId} (${d.basis}): ${d.description}`,
          caseId: d.caseId,
        }),
        openCaseId: d.caseId,
        caseIds: addOnce(doc.caseIds, d.caseId),
        updatedAt: openedAt,
      });
    }
    case 'OrderComplied': {
      const d = event.data;
      const compliedAt = new Date(d.compliedAt);
      return settled({
        ...doc,
        version,
        timeline: withEntry(doc, {
          at: compliedAt,
          kind: 'order-complied',
          text:
            `Correction order ${d.orderId} complied with by report ${d.reportId}; ` +
            `compliance case ${d.caseId} resolved.`,
          caseId: d.caseId,
          orderId: d.orderId,
          reportId: d.reportId ?? undefined,
        }),
        openCaseId: doc.openCaseId === d.caseId ? null : doc.openCaseId,
        caseIds: addOnce(doc.caseIds, d.caseId),
        updatedAt: compliedAt,
      });
    }
    case 'IncidentClosed': {
      const d = event.data;
      const closedAt = new Date(d.closedAt);
      return settled({
        ...doc,
        version,
        closed: true,
        closedAt,
        timeline: withEntry(doc, {
          at: closedAt,
          kind: 'closed',
          text: `Incident closed with report ${d.reportId}.`,
          reportId: d.reportId,
        }),
        updatedAt: closedAt,
      });
    }
    default:
      return null;
  }
}

export const incidentProjection: Projection<ReportingEvent, IncidentDoc> = {
  name: 'incidents',
  collection: 'incidents',
  topic: 'reportingEvents',
  evolve: evolveIncidentDoc,
  documentIdOf: incidentDocIdOf,
  async createIndexes(collection: Collection<IncidentDoc>) {
    await collection.createIndex({ updatedAt: 1, _id: 1 });
    await collection.createIndex({ operatorId: 1, updatedAt: 1 });
    await collection.createIndex({ sector: 1, updatedAt: 1 });
  },
};
