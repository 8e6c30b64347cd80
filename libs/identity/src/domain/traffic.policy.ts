import type { Organisation } from './organisation';

/**
 * Who reads what the bus derived from flow metadata. The law fixes the readers:
 *
 * - the telecom operator reads its own submissions (what it sent, what was refused), not the
 *   matches: analysis results belong to the government;
 * - an operator of critical infrastructure submits flows only under an agreement with the office,
 *   whose point is that it learns of attacks on it: it reads its own submissions and the matches
 *   found in them (a match on an indicator it may not read stays hidden from it, as from the
 *   office), nothing of anyone else's;
 * - the cabinet cyber office (kind 'cabinet-office') reads every submission and every match:
 *   it analyses the metadata;
 * - the oversight commission (kind 'oversight-commission') reads both: it audits collection;
 * - nobody else: not the police or the SDF (they cite a match in an operation request only
 *   through the office), not operators, ministries or other telecom operators.
 *
 * A match also names the indicator it matched, and its flow shows the address or domain that
 * matched: to a reader who may not read that indicator (a TLP:RED one named to others, say), the
 * match itself would disclose the indicator's value. So the office reads a match only while it
 * may read the matched indicator; any other match is, for it, one that does not exist. The
 * commission audits every act of collection and analysis and keeps every match, the indicator
 * withheld where it may not read it.
 */
export type TrafficItemKind = 'submission' | 'match';

export interface TrafficItem {
  kind: TrafficItemKind;
  /** The submitter of the batch: a telecom operator, or an operator under an agreement. */
  telecomOrgId: string;
}

export function canReadTraffic(viewer: Organisation, item: TrafficItem): boolean {
  if (viewer.kind === 'cabinet-office' || viewer.kind === 'oversight-commission') return true;
  if (viewer.kind === 'operator') return item.telecomOrgId === viewer.id;
  return viewer.kind === 'telecom' && item.kind === 'submission' && item.telecomOrgId === viewer.id;
}

/**
 * Whether the viewer reads a match whose indicator it may (`indicatorReadable`) or may not read
 * now. The commission alone reads a match on an indicator hidden from it.
 */
export function canReadMatch(
  viewer: Organisation,
  item: TrafficItem,
  indicatorReadable: boolean,
): boolean {
  if (!canReadTraffic(viewer, item)) return false;
  return indicatorReadable || viewer.kind === 'oversight-commission';
}

/** Equality on fields every traffic document carries (`kind`, `telecomOrgId`). */
export type TrafficFilter =
  Record<string, never> | { kind: 'submission'; telecomOrgId: string } | { telecomOrgId: string };

/**
 * A MongoDB query selecting exactly the traffic documents `canReadTraffic` allows the viewer,
 * or null when the viewer may read none (the caller answers an empty list without querying).
 * Combine it with other conditions in an `$and`, never by spreading.
 */
export function trafficReadFilter(viewer: Organisation): TrafficFilter | null {
  if (viewer.kind === 'cabinet-office' || viewer.kind === 'oversight-commission') return {};
  if (viewer.kind === 'telecom') return { kind: 'submission', telecomOrgId: viewer.id };
  if (viewer.kind === 'operator') return { telecomOrgId: viewer.id };
  return null;
}
