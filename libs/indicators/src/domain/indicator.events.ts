import type { IndicatorType } from './indicator-value';

/** Epoch milliseconds, UTC: what Avro's timestamp-millis carries. */
export type Millis = number;

export interface AudienceData {
  orgs: string[];
  sectors: string[];
  /** Shared in the council (Act art. 45); absent or false on records from before it existed. */
  council?: boolean;
}

export interface KillChainPhase {
  killChainName: string;
  phaseName: string;
}

/** The fields a publisher may change after publishing. */
export interface IndicatorTerms {
  tlp: string;
  audience: AudienceData;
  confidence: number;
  validFrom: Millis;
  validUntil: Millis | null;
  description: string | null;
  cves: string[];
  killChainPhases: KillChainPhase[];
  /** The publisher consented to be named; otherwise readers outside the government see a pseudonym. */
  disclosePublisher: boolean;
}

export type IndicatorPublished = {
  type: 'IndicatorPublished';
  data: IndicatorTerms & {
    indicatorId: string;
    publisherOrgId: string;
    publisherSector: string | null;
    indicatorType: IndicatorType;
    value: string;
    publishedAt: Millis;
  };
};

export type IndicatorUpdated = {
  type: 'IndicatorUpdated';
  data: IndicatorTerms & {
    indicatorId: string;
    changedFields: string[];
    updatedAt: Millis;
  };
};

export type IndicatorRevoked = {
  type: 'IndicatorRevoked';
  data: { indicatorId: string; reason: string; revokedByOrgId: string; revokedAt: Millis };
};

export type IndicatorSighted = {
  type: 'IndicatorSighted';
  data: {
    indicatorId: string;
    sightedByOrgId: string;
    observedAt: Millis;
    count: number;
    note: string | null;
    recordedAt: Millis;
  };
};

export type PublisherReidentified = {
  type: 'PublisherReidentified';
  data: {
    indicatorId: string;
    pseudonym: string;
    publisherOrgId: string;
    reidentifiedByOrgId: string;
    reason: string;
    reidentifiedAt: Millis;
  };
};

export type IndicatorEvent =
  | IndicatorPublished
  | IndicatorUpdated
  | IndicatorRevoked
  | IndicatorSighted
  | PublisherReidentified;

export const INDICATOR_EVENT_TYPES = [
  'IndicatorPublished',
  'IndicatorUpdated',
  'IndicatorRevoked',
  'IndicatorSighted',
  'PublisherReidentified',
] as const satisfies readonly IndicatorEvent['type'][];
