import type { IndicatorTerms } from './indicator.events';
import type { IndicatorType } from './indicator-value';

interface Known extends IndicatorTerms {
  indicatorId: string;
  publisherOrgId: string;
  indicatorType: IndicatorType;
  value: string;
}

export type IndicatorState =
  { status: 'unknown' } | (Known & { status: 'active' }) | (Known & { status: 'revoked' });

export const initialIndicatorState: IndicatorState = { status: 'unknown' };
