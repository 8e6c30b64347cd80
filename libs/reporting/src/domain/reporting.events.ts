/**
 * Events of an operator's reporting file: the one aggregate that holds everything the law asks
 * of a designated operator (its specified important computers, its incidents and their staged
 * reports, its deadlines, and the compliance cases, correction orders and referrals to the
 * public prosecutors that follow a failure to report). Keeping them in one aggregate, keyed by
 * the operator, lets one pure decider check every cross-reference (an affected asset exists, a
 * referral follows an ignored order) against consistent state, with the operator's commands
 * decided in order by one writer.
 */

/** Epoch milliseconds, UTC: what Avro's timestamp-millis carries. */
export type Millis = number;

export const ASSET_EXPOSURES = ['internet', 'partner-network', 'internal', 'isolated'] as const;
export type AssetExposure = (typeof ASSET_EXPOSURES)[number];

/** Report stages in the order they must be filed; RANSOM_PAYMENT stands apart (CIRCIA). */
export const REPORT_STAGES = [
  'EARLY_WARNING',
  'NOTIFICATION',
  'INTERIM',
  'FINAL',
  'RANSOM_PAYMENT',
] as const;
export type ReportStage = (typeof REPORT_STAGES)[number];

export const IMPACT_LEVELS = ['none', 'low', 'moderate', 'high', 'severe'] as const;
export type ImpactLevel = (typeof IMPACT_LEVELS)[number];

export const INCIDENT_STATUSES = ['investigating', 'contained', 'recovering', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const CASE_BASES = [
  'missed-deadline',
  'unreported-incident',
  // A designated operator did not notify its specified important computers in time.
  'missed-asset-notification',
] as const;
export type CaseBasis = (typeof CASE_BASES)[number];

/**
 * How a referral to the public prosecutors ended: they declined to prosecute, or a court
 * acquitted, or a court imposed a fine (罰金). The bus records the outcome; it decides none.
 */
export const PROSECUTION_OUTCOMES = ['prosecution-declined', 'acquitted', 'fined'] as const;
export type ProsecutionOutcome = (typeof PROSECUTION_OUTCOMES)[number];

/** What an operator tells the government about one specified important computer. */
export interface AssetDetails {
  name: string;
  function: string;
  location: string;
  vendor: string;
  product: string;
  exposure: AssetExposure;
}

/** The facts of an incident that any report may restate; each report carries the full set. */
export interface IncidentFacts {
  impact: ImpactLevel;
  status: IncidentStatus;
  suspectedActor: string | null;
  affectedAssets: string[];
  indicatorIds: string[];
  /** Reports are confidential; the police read them only when the operator shares them. */
  sharedWithPolice: boolean;
  ransomPaidAt: Millis | null;
}

/** One reporting obligation of one regime, with its due time fixed when it arose. */
export interface Deadline {
  /** `<regime>/<obligation>`, unique within an incident. */
  deadlineId: string;
  regime: string;
  obligation: string;
  stage: ReportStage;
  dueAt: Millis;
}

export type AssetNotified = {
  type: 'AssetNotified';
  data: AssetDetails & {
    operatorId: string;
    sector: string;
    assetId: string;
    installedAt: Millis | null;
    notifiedAt: Millis;
  };
};

export type AssetChanged = {
  type: 'AssetChanged';
  data: AssetDetails & {
    operatorId: string;
    assetId: string;
    changedFields: string[];
    changedAt: Millis;
  };
};

export type AssetRetired = {
  type: 'AssetRetired';
  data: { operatorId: string; assetId: string; reason: string; retiredAt: Millis };
};

export type IncidentOpened = {
  type: 'IncidentOpened';
  data: IncidentFacts & {
    operatorId: string;
    sector: string;
    incidentId: string;
    title: string;
    description: string | null;
    awareAt: Millis;
    detectedAt: Millis | null;
    firstSeenAt: Millis | null;
    /** Regimes (reporting profiles) the incident falls under, fixed at opening. */
    regimes: string[];
    deadlines: Deadline[];
    /** The correction order this opening answers, for an incident the government found first. */
    orderId: string | null;
    openedAt: Millis;
  };
};

export type IncidentReportFiled = {
  type: 'IncidentReportFiled';
  data: IncidentFacts & {
    operatorId: string;
    incidentId: string;
    reportId: string;
    stage: ReportStage;
    summary: string;
    changedFields: string[];
    /** Deadlines this report met on time. */
    deadlinesMet: string[];
    /** Deadlines this report fulfilled after they were missed. */
    deadlinesFiledLate: string[];
    /** Deadlines that arose from this report (a NIS2 final report after the notification, a ransom payment). */
    newDeadlines: Deadline[];
    filedAt: Millis;
  };
};

export type IncidentClosed = {
  type: 'IncidentClosed';
  data: { operatorId: string; incidentId: string; reportId: string; closedAt: Millis };
};

export type ReportDeadlineMissed = {
  type: 'ReportDeadlineMissed';
  data: Deadline & {
    operatorId: string;
    incidentId: string;
    /**
     * The compliance case the miss belongs to; null for a foreign regime's deadline (NIS2,
     * CIRCIA), which is recorded and shown but never leads to a Japanese case or order.
     */
    caseId: string | null;
    recordedAt: Millis;
  };
};

export type ComplianceCaseOpened = {
  type: 'ComplianceCaseOpened';
  data: {
    operatorId: string;
    sector: string;
    caseId: string;
    basis: CaseBasis;
    incidentId: string | null;
    description: string;
    evidenceIndicatorIds: string[];
    openedByOrgId: string;
    openedAt: Millis;
  };
};

export type CorrectionOrderIssued = {
  type: 'CorrectionOrderIssued';
  data: {
    operatorId: string;
    caseId: string;
    orderId: string;
    instructions: string;
    dueAt: Millis;
    issuedByOrgId: string;
    issuedAt: Millis;
  };
};

export type OrderComplied = {
  type: 'OrderComplied';
  data: {
    operatorId: string;
    caseId: string;
    orderId: string;
    /** The incident whose report supplied what was missing; null for an asset notification. */
    incidentId: string | null;
    /** The report that supplied what was missing (null for an asset notification). */
    reportId: string | null;
    /** The asset whose notification complied with an order on a missed asset notification (v2). */
    assetId: string | null;
    compliedAt: Millis;
  };
};

/**
 * The cabinet cyber office designated the operator (sector, date): from then on it must notify
 * its specified important computers within the configured period, due time stored here.
 */
export type OperatorDesignated = {
  type: 'OperatorDesignated';
  data: {
    operatorId: string;
    sector: string;
    designatedAt: Millis;
    /** The designation's reference (a notice number), when the office gives one. */
    reference: string | null;
    assetNotificationDueAt: Millis;
    designatedByOrgId: string;
    recordedAt: Millis;
  };
};

/** The designated operator notified a specified important computer: its duty is met (or late). */
export type AssetNotificationDutyMet = {
  type: 'AssetNotificationDutyMet';
  data: {
    operatorId: string;
    /** The asset notified (or, at designation, one notified before). */
    assetId: string;
    dueAt: Millis;
    metAt: Millis;
    late: boolean;
  };
};

/** The notification was due and not made: recorded once, with the compliance case it opened. */
export type AssetNotificationMissed = {
  type: 'AssetNotificationMissed';
  data: { operatorId: string; dueAt: Millis; caseId: string; recordedAt: Millis };
};

export type OrderIgnored = {
  type: 'OrderIgnored';
  data: { operatorId: string; caseId: string; orderId: string; dueAt: Millis; recordedAt: Millis };
};

/**
 * Legacy: before fines were understood as criminal penalties, the office "assessed" them on the
 * bus. No command produces this any more; old logs keep it, and replay shows it as legacy.
 */
export type PenaltyAssessed = {
  type: 'PenaltyAssessed';
  data: {
    operatorId: string;
    caseId: string;
    orderId: string;
    amountYen: number;
    reason: string;
    assessedByOrgId: string;
    assessedAt: Millis;
  };
};

/** After an ignored correction order, the office refers the case to the public prosecutors. */
export type CaseReferredToProsecutors = {
  type: 'CaseReferredToProsecutors';
  data: {
    operatorId: string;
    caseId: string;
    orderId: string;
    /** The office's statement of the facts: the duty, the order, and how it was ignored. */
    statementOfFacts: string;
    referredByOrgId: string;
    referredAt: Millis;
  };
};

/** How a referral ended, as the office reports it. */
export interface ProsecutionOutcomeDetails {
  outcome: ProsecutionOutcome;
  /** The court's fine, 1 to 2,000,000 yen; null unless the outcome is `fined`. */
  fineYen: number | null;
  /** The court (or, for a declined prosecution, the prosecutors' office), if named. */
  court: string | null;
  /** The court's (or prosecutors') case reference. */
  caseReference: string | null;
  /** The calendar date of the decision or judgment, in Japan (YYYY-MM-DD). */
  decidedOn: string;
}

/** What became of a referral: the prosecutors declined, or a court acquitted or fined. */
export type ProsecutionOutcomeRecorded = {
  type: 'ProsecutionOutcomeRecorded';
  data: ProsecutionOutcomeDetails & {
    operatorId: string;
    caseId: string;
    orderId: string;
    recordedByOrgId: string;
    recordedAt: Millis;
  };
};

export type ReportingEvent =
  | AssetNotified
  | AssetChanged
  | AssetRetired
  | IncidentOpened
  | IncidentReportFiled
  | IncidentClosed
  | ReportDeadlineMissed
  | ComplianceCaseOpened
  | CorrectionOrderIssued
  | OrderComplied
  | OrderIgnored
  | PenaltyAssessed
  | CaseReferredToProsecutors
  | ProsecutionOutcomeRecorded
  | OperatorDesignated
  | AssetNotificationDutyMet
  | AssetNotificationMissed;

export const REPORTING_EVENT_TYPES = [
  'AssetNotified',
  'AssetChanged',
  'AssetRetired',
  'IncidentOpened',
  'IncidentReportFiled',
  'IncidentClosed',
  'ReportDeadlineMissed',
  'ComplianceCaseOpened',
  'CorrectionOrderIssued',
  'OrderComplied',
  'OrderIgnored',
  'PenaltyAssessed',
  'CaseReferredToProsecutors',
  'ProsecutionOutcomeRecorded',
  'OperatorDesignated',
  'AssetNotificationDutyMet',
  'AssetNotificationMissed',
] as const satisfies readonly ReportingEvent['type'][];
