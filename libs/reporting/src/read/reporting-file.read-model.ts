import type { CaseBasis, ReportStage } from '../domain/reporting.events';

/** An open incident; a closed one leaves the list (and is counted in `closedIncidents`). */
export interface FileIncidentEntry {
  incidentId: string;
  title: string;
}

export interface FilePendingDeadline {
  incidentId: string;
  deadlineId: string;
  regime: string;
  stage: ReportStage;
  dueAt: Date;
}

export interface FileMissedDeadline {
  incidentId: string;
  deadlineId: string;
  regime: string;
  dueAt: Date;
  recordedAt: Date;
  caseId: string;
  /** When a report finally fulfilled it, if one did. */
  filedAt: Date | null;
}

export interface FileCase {
  caseId: string;
  basis: CaseBasis;
  /** For an unreported incident, the incident that answered the order, once one did. */
  incidentId: string | null;
  description: string;
  status: 'open' | 'resolved' | 'penalised';
  openedAt: Date;
  openedByOrgId: string;
  /** Missed deadlines the case is about. */
  deadlineIds: string[];
}

export interface FileOrder {
  orderId: string;
  caseId: string;
  instructions: string;
  dueAt: Date;
  status: 'open' | 'complied' | 'ignored' | 'penalised';
  issuedAt: Date;
  compliedAt: Date | null;
  /** The report that complied. */
  reportId: string | null;
  ignoredAt: Date | null;
}

export interface FilePenalty {
  orderId: string;
  caseId: string;
  amountYen: number;
  reason: string;
  assessedAt: Date;
  assessedByOrgId: string;
}

/** One operator's compliance board: its deadlines, misses, cases, orders and penalties. */
export interface ReportingFileDoc {
  /** The operator id (the aggregate id). */
  _id: string;
  version: number;
  operatorId: string;
  /** Known from the first event that carries it (asset notice, incident, case). */
  sector: string | null;
  /** Open incidents only, so the document stays as small as the operator's open work. */
  incidents: FileIncidentEntry[];
  closedIncidents: number;
  /** Sorted by due time. */
  pendingDeadlines: FilePendingDeadline[];
  missedDeadlines: FileMissedDeadline[];
  cases: FileCase[];
  orders: FileOrder[];
  penalties: FilePenalty[];
  updatedAt: Date;
}
