import type { Organisation } from './organisation';

/**
 * Who reads an operator's confidential reporting: its incident reports, its notified assets and
 * its compliance file. Unlike indicators, there is no label and no audience to choose: the law
 * fixes the readers.
 *
 * - the operator itself;
 * - the cabinet cyber office (kind 'cabinet-office'), which receives every report by law;
 * - the ministry supervising the item's sector (kind 'ministry' with that `sector`);
 * - the police (kind 'police'), only for what the operator shared with them
 *   (`sharedWithPolice`; assets and compliance files are never shared).
 *
 * Nobody else: not the SDF, telecom operators, the oversight commission, nor other operators,
 * not even those of the same sector.
 */
export interface ReportItem {
  operatorId: string;
  /** The operator's sector; null when not yet known (nobody reads it through a ministry). */
  sector: string | null;
  sharedWithPolice: boolean;
}

export function canReadReport(viewer: Organisation, item: ReportItem): boolean {
  if (viewer.kind === 'cabinet-office') return true;
  if (item.operatorId === viewer.id) return true;
  if (viewer.kind === 'ministry' && viewer.sector !== undefined && viewer.sector === item.sector) {
    return true;
  }
  return viewer.kind === 'police' && item.sharedWithPolice;
}

/** One branch of the filter: plain equality on fields of the document. */
export interface ReportFilterClause {
  operatorId?: string;
  sector?: string;
  sharedWithPolice?: true;
}

/** `{}` (everything) for the cabinet office, otherwise an `$or` of the ways to be a reader. */
export type ReportFilter = Record<string, never> | { $or: ReportFilterClause[] };

/**
 * A MongoDB query selecting exactly the documents (carrying `operatorId`, `sector` and, where
 * the item can be shared, `sharedWithPolice`) that `canReadReport` allows the viewer. Only `$or`
 * and equality, which FerretDB v1 and MongoDB both support. Documents without a
 * `sharedWithPolice` field never match the police branch, which is how assets and compliance
 * files stay unshared. Combine it with other conditions in an `$and`, never by spreading.
 */
export function reportReadFilter(viewer: Organisation): ReportFilter {
  if (viewer.kind === 'cabinet-office') return {};
  // Always present, so that a viewer with no other way in still gets a filter matching nothing
  // of anyone else's rather than an empty `$or`.
  const clauses: ReportFilterClause[] = [{ operatorId: viewer.id }];
  if (viewer.kind === 'ministry' && viewer.sector !== undefined) {
    clauses.push({ sector: viewer.sector });
  }
  if (viewer.kind === 'police') clauses.push({ sharedWithPolice: true });
  return { $or: clauses };
}
