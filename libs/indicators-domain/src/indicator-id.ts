import { deterministicId } from '@acd/event-sourcing';
import type { IndicatorType } from './indicator-value';

/**
 * The same normalised type and value from the same publisher is one indicator: its id is
 * derived from exactly those three, so a second publish lands on the same aggregate.
 */
export const indicatorIdFor = (
  publisherOrgId: string,
  type: IndicatorType,
  value: string,
): string => deterministicId('acd:indicator', `${publisherOrgId}|${type}|${value}`);
