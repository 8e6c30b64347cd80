import type { CaseBasis, ProsecutionOutcomeDetails, ReportStage } from '../domain/reporting.events';

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
  /** The Japanese compliance case; null for a foreign regime's miss, which opens none. */
  caseId: string | null;
  /** When a report finally fulfilled it, if one did. */
  filedAt: Date | null;
}

export interface FileCase {
  caseId: string;
  basis: CaseBasis;
  /** For an unreported incident, the incident that answered the order, once one did. */
  incidentId: string | null;
  description: string;
  /** referred: to the public prosecutors; concluded: their outcome recorded; penalised: legacy. */
  status: 'open' | 'resolved' | 'referred' | 'concluded' | 'penalised';
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
  status: 'open' | 'complied' | 'ignored' | 'referred' | 'concluded' | 'penalised';
  issuedAt: Date;
  compliedAt: Date | null;
  /** The report that complied. */
  reportId: string | null;
  ignoredAt: Date | null;
}

export interface FileProsecutionOutcome extends ProsecutionOutcomeDetails {
  recordedAt: Date;
  recordedByOrgId: string;
}

/** A case referred to the public prosecutors after an ignored order, and how it ended. */
export interface FileReferral {
  orderId: string;
  caseId: string;
  statementOfFacts: string;
  referredAt: Date;
  referredByOrgId: string;
  /** Null while the prosecutors or the court have not decided. */
  outcome: FileProsecutionOutcome | null;
}

/**
 * A penalty "assessed" on the bus before decision 0033, from an old log: shown for the record,
 * flagged as legacy, and never counted as a court's fine.
 */
export interface FileLegacyPenalty {
  legacy: true;
  orderId: string;
  caseId: string;
  amountYen: number;
  reason: string;
  assessedAt: Date;
  assessedByOrgId: string;
}

/** One operator's compliance board: its deadlines, misses, cases, orders and referrals. */
/** The operator's designation and the asset notification it owes (null until designated). */
export interface FileDesignation {
  designatedAt: Date;
  reference: string | null;
  designatedByOrgId: string;
  /** When its specified important computers must have been notified. */
  assetNotificationDueAt: Date;
  status: 'pending' | 'met' | 'missed';
  /** When an asset notification met the duty, and whether that was late. */
  metAt: Date | null;
  late: boolean;
  /** The compliance case a miss opened. */
  caseId: string | null;
}

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
  referrals: FileReferral[];
  legacyPenalties: FileLegacyPenalty[];
  /** Absent on documents written before designation existed (read as null). */
  designation?: FileDesignation | null;
  updatedAt: Date;
}

/**
 * A stored document as this build reads it. Documents written before decision 0033 have
 * `penalties` instead of `referrals` and `legacyPenalties`; they read as legacy until the
 * `reporting-files` projection is rebuilt.
 */
export function currentFileDoc(doc: ReportingFileDoc): ReportingFileDoc {
  if (doc.referrals && doc.legacyPenalties) return doc;
  const { penalties, ...rest } = doc as ReportingFileDoc & {
    penalties?: Omit<FileLegacyPenalty, 'legacy'>[];
  };
  return {
    ...rest,
    referrals: doc.referrals ?? [],
    legacyPenalties:
      doc.legacyPenalties ?? (penalties ?? []).map((p) => ({ ...p, legacy: true as const })),
  };
}
