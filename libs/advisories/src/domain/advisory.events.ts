/**
 * Events of one advisory: a warning the cabinet cyber office or the police address to an
 * audience (everyone, sectors, kinds of organisation, named organisations), under a TLP 2.0
 * label, until it expires or is withdrawn. Readers acknowledge it; the issuer and the office
 * see who has and who has not.
 */

/** Epoch milliseconds, UTC: what Avro's timestamp-millis carries. */
export type Millis = number;

export const ADVISORY_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AdvisorySeverity = (typeof ADVISORY_SEVERITIES)[number];

/** The organisation kinds that may issue advisories. */
export const ADVISORY_ISSUER_KINDS = ['cabinet-office', 'police'] as const;

/** Who an advisory is for, besides its issuer and the cabinet cyber office. */
export interface AdvisoryAudience {
  /** Every organisation on the bus (CLEAR and GREEN only). */
  everyone: boolean;
  /** Operators of these sectors and the ministries supervising them. */
  sectors: string[];
  /** Every organisation of these kinds. */
  kinds: string[];
  /** Named organisations. */
  orgs: string[];
  /**
   * The council's members bound to confidentiality (CLEAR, GREEN and AMBER only); absent on
   * commands and events from before the council existed, which means false.
   */
  council?: boolean;
}

/** What an advisory says; an update restates all of it. */
export interface AdvisoryContent {
  title: string;
  summary: string;
  severity: AdvisorySeverity;
  tlp: string;
  audience: AdvisoryAudience;
  /**
   * Related indicators, each readable by every reader of the advisory when issued or updated
   * (checked at the edge). Readability can shrink later, so every read path shows a reader only
   * those it may read at that moment, and the per-audience Kafka copies carry none.
   */
  indicatorIds: string[];
  /** Related incidents, under the same rules as `indicatorIds`. */
  incidentIds: string[];
  recommendedActions: string[];
  expiresAt: Millis;
}

export type AdvisoryIssued = {
  type: 'AdvisoryIssued';
  data: AdvisoryContent & {
    advisoryId: string;
    issuerOrgId: string;
    issuerKind: string;
    issuedAt: Millis;
  };
};

export type AdvisoryUpdated = {
  type: 'AdvisoryUpdated';
  data: AdvisoryContent & {
    advisoryId: string;
    issuerOrgId: string;
    changedFields: string[];
    updatedAt: Millis;
  };
};

export type AdvisoryWithdrawn = {
  type: 'AdvisoryWithdrawn';
  data: {
    advisoryId: string;
    issuerOrgId: string;
    reason: string;
    /** The label and audience at withdrawal: the fan-out tells exactly those who were told. */
    tlp: string;
    audience: AdvisoryAudience;
    withdrawnAt: Millis;
  };
};

export type AdvisoryAcknowledged = {
  type: 'AdvisoryAcknowledged';
  data: {
    advisoryId: string;
    orgId: string;
    orgKind: string;
    orgSector: string | null;
    acknowledgedAt: Millis;
  };
};

export type AdvisoryEvent =
  AdvisoryIssued | AdvisoryUpdated | AdvisoryWithdrawn | AdvisoryAcknowledged;

export const ADVISORY_EVENT_TYPES = [
  'AdvisoryIssued',
  'AdvisoryUpdated',
  'AdvisoryWithdrawn',
  'AdvisoryAcknowledged',
] as const satisfies readonly AdvisoryEvent['type'][];

/** The events copied to the per-audience topics (acknowledgements stay on the events topic). */
export const ADVISORY_FANOUT_EVENT_TYPES = [
  'AdvisoryIssued',
  'AdvisoryUpdated',
  'AdvisoryWithdrawn',
] as const satisfies readonly AdvisoryEvent['type'][];
