import type { Organisation } from './organisation';

/**
 * Who reads what the bus derived from telecom flow metadata. The law fixes the readers:
 *
 * - the telecom operator reads its own submissions (what it sent, what was refused), not the
 *   matches: analysis results belong to the government;
 * - the cabinet cyber office (kind 'cabinet-office') reads every submission and every match:
 *   it analyses the metadata;
 * - the oversight commission (kind 'oversight-commission') reads both: it audits collection;
 * - nobody else: not the police or the SDF (they cite a match in an operation request only
 *   through the office), not operators, ministries or other telecom operators.
 */
export type TrafficItemKind = 'submission' | 'match';

export interface TrafficItem {
  kind: TrafficItemKind;
  telecomOrgId: string;
}

export function canReadTraffic(viewer: Organisation, item: TrafficItem): boolean {
  if (viewer.kind === 'cabinet-office' || viewer.kind === 'oversight-commission') return true;
  return viewer.kind === 'telecom' && item.kind === 'submission' && item.telecomOrgId === viewer.id;
}

/** Equality on fields every traffic document carries (`kind`, `telecomOrgId`). */
export type TrafficFilter = Record<string, never> | { kind: 'submission'; telecomOrgId: string };

/**
 * A MongoDB query selecting exactly the traffic documents `canReadTraffic` allows the viewer,
 * or null when the viewer may read none (the caller answers an empty list without querying).
 * Combine it with other conditions in an `$and`, never by spreading.
 */
export function trafficReadFilter(viewer: Organisation): TrafficFilter | null {
  if (viewer.kind === 'cabinet-office' || viewer.kind === 'oversight-commission') return {};
  if (viewer.kind === 'telecom') return { kind: 'submission', telecomOrgId: viewer.id };
  return null;
}
