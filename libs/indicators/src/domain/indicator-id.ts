import { deterministicId, keyedId } from '@acd/event-sourcing';
import type { IndicatorType } from './indicator-value';

/**
 * The same normalised type and value from the same publisher is one indicator: its id is
 * derived from exactly those three, so a second publish lands on the same aggregate. The
 * derivation is keyed (the bus's id key), because a reader who could recompute it would test
 * the few hundred organisation ids against an id it sees and unmask a pseudonymous publisher,
 * or brute-force the value of an indicator it may not read from an id that reached it.
 */
export const indicatorIdFor = (
  idKey: string,
  publisherOrgId: string,
  type: IndicatorType,
  value: string,
): string => keyedId(idKey, 'acd:indicator', `${publisherOrgId}|${type}|${value}`);

/**
 * How ids were derived before they were keyed (an unkeyed name-based UUID). Indicators published
 * then keep their ids; the indicators processor uses this to land a republish of such a value on
 * its existing aggregate instead of opening a keyed twin.
 */
export const legacyIndicatorIdFor = (
  publisherOrgId: string,
  type: IndicatorType,
  value: string,
): string => deterministicId('acd:indicator', `${publisherOrgId}|${type}|${value}`);

/**
 * A publish of a value its publisher first published under a legacy id goes to that aggregate:
 * one value from one publisher stays one indicator, and its old id keeps resolving.
 */
export function toLegacyAggregate<C extends { type: string; data: object }>(
  command: C,
  issuer: { orgId: string },
  exists: (aggregateId: string) => boolean,
): C {
  if (command.type !== 'PublishIndicator') return command;
  const d = command.data as { indicatorId: string; indicatorType: IndicatorType; value: string };
  if (exists(d.indicatorId)) return command;
  const legacy = legacyIndicatorIdFor(issuer.orgId, d.indicatorType, d.value);
  return exists(legacy) ? { ...command, data: { ...d, indicatorId: legacy } } : command;
}
