import type { ReportStage } from '../domain/reporting.events';

export interface IncidentDeadlineEntry {
  /** `<regime>/<obligation>`, unique within the incident. */
  deadlineId: string;
  regime: string;
  obligation: string;
  stage: ReportStage;
  dueAt: Date;
  status: 'pending' | 'met' | 'missed';
  /** When the report fulfilling it was filed, on time or late. */
  filedAt: Date | null;
  missedAt: Date | null;
  /** The compliance case a miss was recorded under; null for a foreign regime's miss. */
  caseId: string | null;
}

export interface IncidentReportEntry {
  reportId: string;
  stage: ReportStage;
  summary: string;
  changedFields: string[];
  filedAt: Date;
}

export type IncidentTimelineKind =
  'opened' | 'report-filed' | 'deadline-missed' | 'case-opened' | 'order-complied' | 'closed';

/** One human-readable line of the incident's history; the ids say what it refers to. */
export interface IncidentTimelineEntry {
  at: Date;
  kind: IncidentTimelineKind;
  text: string;
  reportId?: string;
  deadlineId?: string;
  caseId?: string;
  orderId?: string;
}

/** One incident of one operator, as the operator, the office, its ministry and (if shared) the police read it. */
export interface IncidentDoc {
  /**
   * The incident id. The wire schema promises uniqueness only within an operator's file; the
   * gateway makes them unique everywhere (deterministic UUIDs of org-scoped command ids), and the
   * projection never lets a second operator's incident take over an existing document.
   */
  _id: string;
  /** Aggregate version (of the operator's reporting file) of the last event applied here. */
  version: number;
  operatorId: string;
  incidentId: string;
  sector: string;
  title: string;
  description: string | null;
  awareAt: Date;
  detectedAt: Date | null;
  firstSeenAt: Date | null;
  impact: string;
  status: string;
  suspectedActor: string | null;
  affectedAssets: string[];
  indicatorIds: string[];
  sharedWithPolice: boolean;
  ransomPaidAt: Date | null;
  regimes: string[];
  /** The correction order this incident was opened in answer to, if any. */
  orderId: string | null;
  deadlines: IncidentDeadlineEntry[];
  reports: IncidentReportEntry[];
  timeline: IncidentTimelineEntry[];
  openCaseId: string | null;
  caseIds: string[];
  closed: boolean;
  closedAt: Date | null;
  openedAt: Date;
  updatedAt: Date;
  /** Earliest due time of a pending deadline; null once none is pending or the incident is closed. */
  nextDeadlineAt: Date | null;
}
