import type { AdvisoryAudience, AdvisorySeverity, Millis } from './advisory.events';

/** Every command names the advisory it addresses: that is the aggregate id. */
interface OnAdvisory {
  advisoryId: string;
}

/** The advisory id is derived at the edge from the command id, so a retry names the same one. */
export type IssueAdvisory = {
  type: 'IssueAdvisory';
  data: OnAdvisory & {
    title: string;
    summary: string;
    severity: AdvisorySeverity;
    tlp: string;
    audience: AdvisoryAudience;
    indicatorIds: string[];
    incidentIds: string[];
    recommendedActions: string[];
    expiresAt: Millis;
  };
};

/** A field left null keeps the advisory's current value. */
export type UpdateAdvisory = {
  type: 'UpdateAdvisory';
  data: OnAdvisory & {
    title: string | null;
    summary: string | null;
    severity: AdvisorySeverity | null;
    tlp: string | null;
    audience: AdvisoryAudience | null;
    indicatorIds: string[] | null;
    incidentIds: string[] | null;
    recommendedActions: string[] | null;
    expiresAt: Millis | null;
  };
};

export type WithdrawAdvisory = {
  type: 'WithdrawAdvisory';
  data: OnAdvisory & { reason: string };
};

/** The acknowledging organisation is the one issuing the command. */
export type AcknowledgeAdvisory = {
  type: 'AcknowledgeAdvisory';
  data: OnAdvisory;
};

export type AdvisoryCommand =
  IssueAdvisory | UpdateAdvisory | WithdrawAdvisory | AcknowledgeAdvisory;

export const ADVISORY_COMMAND_TYPES = [
  'IssueAdvisory',
  'UpdateAdvisory',
  'WithdrawAdvisory',
  'AcknowledgeAdvisory',
] as const satisfies readonly AdvisoryCommand['type'][];
