import type { AudienceData, KillChainPhase, Millis } from './indicator.events';
import type { IndicatorType } from './indicator-value';

export type PublishIndicator = {
  type: 'PublishIndicator';
  data: {
    indicatorId: string;
    indicatorType: IndicatorType;
    value: string;
    tlp: string;
    audience: AudienceData;
    confidence: number;
    validFrom: Millis | null;
    validUntil: Millis | null;
    description: string | null;
    cves: string[];
    killChainPhases: KillChainPhase[];
    disclosePublisher: boolean;
  };
};

export type RevokeIndicator = {
  type: 'RevokeIndicator';
  data: { indicatorId: string; reason: string };
};

export type RecordSighting = {
  type: 'RecordSighting';
  data: { indicatorId: string; observedAt: Millis; count: number; note: string | null };
};

/** The cabinet cyber office resolves the pseudonym shown for an indicator's publisher. */
export type ReidentifyPublisher = {
  type: 'ReidentifyPublisher';
  data: { indicatorId: string; pseudonym: string; reason: string };
};

export type IndicatorCommand =
  PublishIndicator | RevokeIndicator | RecordSighting | ReidentifyPublisher;

export const INDICATOR_COMMAND_TYPES = [
  'PublishIndicator',
  'RevokeIndicator',
  'RecordSighting',
  'ReidentifyPublisher',
] as const satisfies readonly IndicatorCommand['type'][];
