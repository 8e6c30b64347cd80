import { canRead, type EntitledItem } from './entitlement.policy';
import type { Organisation } from './organisation';
import { canReadReport, type ReportItem } from './report.policy';
import { canReadMatch, type TrafficItem } from './traffic.policy';

/**
 * References: items that name other items. An incident names the indicators it links, an
 * advisory its related indicators and incidents, an operation request its evidence. A reference
 * is shown to a reader only when that reader may read the referenced item *now*, under the
 * item's current terms: a reader who may read the incident but not a RED indicator it links
 * never sees that indicator's id, and a reader who lost an indicator because its publisher
 * narrowed it stops seeing its id in every advisory and incident that cites it.
 *
 * Left out, not masked: a placeholder would still tell the reader that something it may not read
 * exists behind the item, and how many such things, which is itself intelligence (that RED
 * indicators are attached to an incident, say). A reader learns nothing from an absence, and
 * lists keep the shape they always had.
 *
 * An item the read model does not know (a typo, a lag) is left out as well: only what can be shown
 * readable is shown.
 */
export type ReferenceKind = 'indicator' | 'incident' | 'flow-match';

export interface Reference {
  kind: ReferenceKind;
  id: string;
}

/**
 * The current terms of referenced items, by kind and id; an id without an entry is an item that
 * does not exist (or not yet in the read model).
 */
export interface ReferenceTerms {
  indicator: ReadonlyMap<string, EntitledItem>;
  incident: ReadonlyMap<string, ReportItem>;
  'flow-match': ReadonlyMap<string, FlowMatchTerms>;
}

/** A match's terms: its own, and its matched indicator's current ones (null: not known). */
export interface FlowMatchTerms extends TrafficItem {
  indicator: EntitledItem | null;
}

export function emptyReferenceTerms(): ReferenceTerms {
  return { indicator: new Map(), incident: new Map(), 'flow-match': new Map() };
}

/** Whether the viewer may read the referenced item, by the policy of its kind. */
export function canReadReference(
  viewer: Organisation,
  ref: Reference,
  terms: ReferenceTerms,
): boolean {
  switch (ref.kind) {
    case 'indicator': {
      const t = terms.indicator.get(ref.id);
      return t !== undefined && canRead(viewer, t);
    }
    case 'incident': {
      const t = terms.incident.get(ref.id);
      return t !== undefined && canReadReport(viewer, t);
    }
    case 'flow-match': {
      const t = terms['flow-match'].get(ref.id);
      // A match on an indicator hidden from the reader is hidden too (see `canReadMatch`).
      return (
        t !== undefined &&
        canReadMatch(viewer, t, t.indicator !== null && canRead(viewer, t.indicator))
      );
    }
    default:
      // A kind this policy does not know is never shown (and the compiler wants every kind here).
      return unknownKind(ref.kind);
  }
}

function unknownKind(_kind: never): false {
  return false;
}

/** The ids of one kind the viewer may read, in their order. */
export function readableReferenceIds(
  viewer: Organisation,
  kind: ReferenceKind,
  ids: readonly string[],
  terms: ReferenceTerms,
): string[] {
  return ids.filter((id) => canReadReference(viewer, { kind, id }, terms));
}

/** The references (of any kinds, e.g. evidence links) the viewer may read, in their order. */
export function readableReferences<R extends Reference>(
  viewer: Organisation,
  refs: readonly R[],
  terms: ReferenceTerms,
): R[] {
  return refs.filter((r) => canReadReference(viewer, r, terms));
}

/** Every reference an advisory or an incident carries, for one lookup of their terms. */
export function referencesOf(item: {
  indicatorIds?: readonly string[];
  incidentIds?: readonly string[];
}): Reference[] {
  return [
    ...(item.indicatorIds ?? []).map((id) => ({ kind: 'indicator' as const, id })),
    ...(item.incidentIds ?? []).map((id) => ({ kind: 'incident' as const, id })),
  ];
}
