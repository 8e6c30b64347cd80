import type {
  AssetDetails,
  ImpactLevel,
  IncidentStatus,
  Millis,
  ProsecutionOutcomeDetails,
  ReportStage,
} from './reporting.events';

/** Every command names the operator whose file it addresses: that is the aggregate id. */
interface OnFile {
  operatorId: string;
}

export type NotifyAsset = {
  type: 'NotifyAsset';
  data: OnFile & AssetDetails & { assetId: string; installedAt: Millis | null };
};

export type ChangeAsset = {
  type: 'ChangeAsset';
  data: OnFile & AssetDetails & { assetId: string };
};

export type RetireAsset = {
  type: 'RetireAsset';
  data: OnFile & { assetId: string; reason: string };
};

export type OpenIncident = {
  type: 'OpenIncident';
  data: OnFile & {
    incidentId: string;
    title: string;
    description: string | null;
    awareAt: Millis;
    detectedAt: Millis | null;
    firstSeenAt: Millis | null;
    impact: ImpactLevel;
    status: IncidentStatus;
    suspectedActor: string | null;
    affectedAssets: string[];
    indicatorIds: string[];
    sharedWithPolice: boolean;
    ransomPaidAt: Millis | null;
    orderId: string | null;
  };
};

/** A staged report; a field left null keeps the incident's current value. */
export type FileReport = {
  type: 'FileReport';
  data: OnFile & {
    incidentId: string;
    reportId: string;
    stage: ReportStage;
    summary: string;
    impact: ImpactLevel | null;
    status: IncidentStatus | null;
    suspectedActor: string | null;
    affectedAssets: string[] | null;
    indicatorIds: string[] | null;
    sharedWithPolice: boolean | null;
    ransomPaidAt: Millis | null;
  };
};

/** Issued by the deadline scheduler once a deadline has passed. */
export type MarkDeadlineMissed = {
  type: 'MarkDeadlineMissed';
  data: OnFile & { incidentId: string; deadlineId: string };
};

/** The cabinet cyber office learned of an incident the operator never reported. */
export type OpenComplianceCase = {
  type: 'OpenComplianceCase';
  data: OnFile & {
    operatorSector: string;
    caseId: string;
    description: string;
    evidenceIndicatorIds: string[];
  };
};

export type IssueCorrectionOrder = {
  type: 'IssueCorrectionOrder';
  data: OnFile & { caseId: string; orderId: string; instructions: string; dueAt: Millis };
};

/** Issued by the deadline scheduler once an order's due date has passed. */
export type RecordOrderIgnored = {
  type: 'RecordOrderIgnored';
  data: OnFile & { orderId: string };
};

/**
 * Legacy: refused by the decider (a fine is imposed by a court, never assessed by the office).
 * It stays a command type so one still queued on the commands topic decodes and gets that answer.
 */
export type AssessPenalty = {
  type: 'AssessPenalty';
  data: OnFile & { orderId: string; amountYen: number; reason: string };
};

/** The office refers the case of an ignored order to the public prosecutors. */
export type ReferToProsecutors = {
  type: 'ReferToProsecutors';
  data: OnFile & { orderId: string; statementOfFacts: string };
};

/** The office records how a referral ended. */
export type RecordProsecutionOutcome = {
  type: 'RecordProsecutionOutcome';
  data: OnFile & ProsecutionOutcomeDetails & { orderId: string };
};

/** The office designates an operator: its sector (as registered) and the date it takes effect. */
export type DesignateOperator = {
  type: 'DesignateOperator';
  data: OnFile & { sector: string; designatedAt: Millis; reference: string | null };
};

/** Sent by the bus's scheduler once a designated operator's asset notification is overdue. */
export type MarkAssetNotificationMissed = {
  type: 'MarkAssetNotificationMissed';
  data: OnFile;
};

export type ReportingCommand =
  | NotifyAsset
  | ChangeAsset
  | RetireAsset
  | OpenIncident
  | FileReport
  | MarkDeadlineMissed
  | OpenComplianceCase
  | IssueCorrectionOrder
  | RecordOrderIgnored
  | AssessPenalty
  | ReferToProsecutors
  | RecordProsecutionOutcome
  | DesignateOperator
  | MarkAssetNotificationMissed;

export const REPORTING_COMMAND_TYPES = [
  'NotifyAsset',
  'ChangeAsset',
  'RetireAsset',
  'OpenIncident',
  'FileReport',
  'MarkDeadlineMissed',
  'OpenComplianceCase',
  'IssueCorrectionOrder',
  'RecordOrderIgnored',
  'AssessPenalty',
  'ReferToProsecutors',
  'RecordProsecutionOutcome',
  'DesignateOperator',
  'MarkAssetNotificationMissed',
] as const satisfies readonly ReportingCommand['type'][];

/** The identity the bus's own deadline scheduler issues its commands under. */
export const SCHEDULER_ISSUER = {
  orgId: 'acd-deadline-scheduler',
  kind: 'system',
  sector: null,
} as const;
