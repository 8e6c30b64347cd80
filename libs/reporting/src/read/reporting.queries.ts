import type { Collection, Db, Filter } from 'mongodb';
import { canReadReport, reportReadFilter, type Organisation } from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import { assetProjection } from './asset.projection';
import { assetDocId, type AssetDoc } from './asset.read-model';
import { incidentProjection } from './incident.projection';
import type { IncidentDoc } from './incident.read-model';
import { reportingFileProjection } from './reporting-file.projection';
import { PROFILE_IDS } from '../domain/profiles';
import type { ProsecutionOutcome } from '../domain/reporting.events';
import { currentFileDoc, type ReportingFileDoc } from './reporting-file.read-model';

export interface ReportingCursor {
  updatedAt: Date;
  id: string;
}

export interface IncidentListFilter {
  operatorId?: string;
  sector?: string;
  /** true: open incidents only; false: closed ones only. */
  open?: boolean;
  limit: number;
  cursor?: ReportingCursor;
}

export interface AssetListFilter {
  operatorId?: string;
  status?: AssetDoc['status'];
  limit: number;
  cursor?: ReportingCursor;
}

export interface BoardDeadline {
  incidentId: string;
  deadlineId: string;
  regime: string;
  dueAt: Date;
}

export interface BoardTotals {
  openIncidents: number;
  /** Pending deadlines already past due at `now` (the scheduler has yet to record the miss). */
  overdueDeadlines: number;
  missedDeadlines: number;
  /**
   * Missed deadlines per regime, every regime named. Only jp-acd's lead to Japanese cases and
   * orders; NIS2's and CIRCIA's are shown in their own columns (decision 0034).
   */
  missedByRegime: Record<string, number>;
  openOrders: number;
  /** Open orders already past due at `now`. */
  overdueOrders: number;
  /** Cases referred to the public prosecutors, and how those that ended did (decision 0033). */
  referrals: BoardReferrals;
  /** Penalties "assessed" on the bus in old logs: shown apart, never as a court's fine. */
  legacyPenalties: { count: number; totalYen: number };
}

export interface BoardReferrals {
  count: number;
  awaitingOutcome: number;
  prosecutionDeclined: number;
  acquitted: number;
  fined: number;
  /** The courts' fines, in yen. */
  finedYen: number;
}

export interface BoardOperatorRow extends BoardTotals {
  operatorId: string;
  sector: string | null;
  /** The earliest pending deadline, overdue or not. */
  nextDeadline: BoardDeadline | null;
}

export interface BoardSectorRow extends BoardTotals {
  sector: string | null;
  operators: number;
  nextDeadline: (BoardDeadline & { operatorId: string }) | null;
}

export interface ComplianceBoard {
  /** Sorted by operator id. */
  operators: BoardOperatorRow[];
  /** Sorted by sector. */
  sectors: BoardSectorRow[];
}

/**
 * Confidential reporting, read for one viewer. Lookups by id go to `_id` alone (FerretDB v1
 * answers those from its primary key) and the policy decides in memory; a hidden item answers
 * exactly like a missing one. Lists carry `reportReadFilter` in the query and are checked with
 * `canReadReport` on the way out as well.
 */
export class ReportingQueries {
  constructor(private readonly db: Db) {}

  private get incidents(): Collection<IncidentDoc> {
    return this.db.collection<IncidentDoc>(incidentProjection.collection);
  }

  private get assets(): Collection<AssetDoc> {
    return this.db.collection<AssetDoc>(assetProjection.collection);
  }

  private get files(): Collection<ReportingFileDoc> {
    return this.db.collection<ReportingFileDoc>(reportingFileProjection.collection);
  }

  async findIncident(viewer: Organisation, id: string): Promise<IncidentDoc | null> {
    const doc = await this.incidents.findOne({ _id: id } as Filter<IncidentDoc>);
    return doc && incidentVisible(viewer, doc) ? doc : null;
  }

  async listIncidents(viewer: Organisation, f: IncidentListFilter): Promise<Page<IncidentDoc>> {
    const clauses: Filter<IncidentDoc>[] = [];
    if (f.operatorId) clauses.push({ operatorId: f.operatorId });
    if (f.sector) clauses.push({ sector: f.sector });
    if (f.open !== undefined) clauses.push({ closed: !f.open });
    return page(this.incidents, viewer, clauses, f, incidentVisible);
  }

  async findAsset(
    viewer: Organisation,
    operatorId: string,
    assetId: string,
  ): Promise<AssetDoc | null> {
    const doc = await this.assets.findOne({
      _id: assetDocId(operatorId, assetId),
    } as Filter<AssetDoc>);
    return doc && unsharedVisible(viewer, doc) ? doc : null;
  }

  async listAssets(viewer: Organisation, f: AssetListFilter): Promise<Page<AssetDoc>> {
    const clauses: Filter<AssetDoc>[] = [];
    if (f.operatorId) clauses.push({ operatorId: f.operatorId });
    if (f.status) clauses.push({ status: f.status });
    return page(this.assets, viewer, clauses, f, unsharedVisible);
  }

  /** The operator's compliance file; never shared with the police. */
  async findFile(viewer: Organisation, operatorId: string): Promise<ReportingFileDoc | null> {
    const doc = await this.files.findOne({ _id: operatorId } as Filter<ReportingFileDoc>);
    return doc && unsharedVisible(viewer, doc) ? currentFileDoc(doc) : null;
  }

  /**
   * Deadlines, misses (per regime), orders, referrals and outcomes per operator and per sector, over the files the
   * viewer may read: all for the cabinet office, its sector's for a ministry, its own for an
   * operator, none for anybody else.
   */
  async board(viewer: Organisation, now: Date): Promise<ComplianceBoard> {
    const files = await this.readableFiles(viewer);
    const operators = files
      .map((file) => operatorRow(file, now))
      .sort((a, b) => a.operatorId.localeCompare(b.operatorId));
    const bySector = new Map<string | null, BoardOperatorRow[]>();
    for (const row of operators)
      bySector.set(row.sector, [...(bySector.get(row.sector) ?? []), row]);
    const sectors = [...bySector.entries()]
      .map(([sector, rows]) => sectorRow(sector, rows))
      .sort((a, b) => (a.sector ?? '').localeCompare(b.sector ?? ''));
    return { operators, sectors };
  }

  private async readableFiles(viewer: Organisation): Promise<ReportingFileDoc[]> {
    // Only the office and a ministry read files other than their own.
    if (viewer.kind !== 'cabinet-office' && viewer.kind !== 'ministry') {
      const own = await this.findFile(viewer, viewer.id);
      return own ? [own] : [];
    }
    const docs = await this.files
      .find(reportReadFilter(viewer) as Filter<ReportingFileDoc>)
      .toArray();
    return docs.filter((d) => unsharedVisible(viewer, d)).map(currentFileDoc);
  }
}

function incidentVisible(viewer: Organisation, doc: IncidentDoc): boolean {
  return canReadReport(viewer, {
    operatorId: doc.operatorId,
    sector: doc.sector,
    sharedWithPolice: doc.sharedWithPolice,
  });
}

/** Assets and compliance files: never shared with the police. */
function unsharedVisible(
  viewer: Organisation,
  doc: { operatorId: string; sector: string | null },
): boolean {
  return canReadReport(viewer, {
    operatorId: doc.operatorId,
    sector: doc.sector,
    sharedWithPolice: false,
  });
}

/** A page in (updatedAt, _id) order, the readable-only filter in the query itself. */
async function page<D extends { _id: string; updatedAt: Date }>(
  collection: Collection<D>,
  viewer: Organisation,
  clauses: Filter<D>[],
  f: { limit: number; cursor?: ReportingCursor },
  visible: (viewer: Organisation, doc: D) => boolean,
): Promise<Page<D>> {
  const all: Filter<D>[] = [reportReadFilter(viewer) as Filter<D>, ...clauses];
  if (f.cursor) {
    all.push({
      $or: [
        { updatedAt: { $gt: f.cursor.updatedAt } },
        { updatedAt: f.cursor.updatedAt, _id: { $gt: f.cursor.id } },
      ],
    } as Filter<D>);
  }
  const docs = (await collection
    .find({ $and: all } as Filter<D>)
    .sort({ updatedAt: 1, _id: 1 })
    .limit(f.limit + 1)
    .toArray()) as D[];
  const items = docs.slice(0, f.limit).filter((d) => visible(viewer, d));
  const last = items[items.length - 1];
  return {
    items,
    next: docs.length > f.limit && last ? { updatedAt: last.updatedAt, id: last._id } : null,
  };
}

function operatorRow(file: ReportingFileDoc, now: Date): BoardOperatorRow {
  const next = file.pendingDeadlines.reduce<ReportingFileDoc['pendingDeadlines'][number] | null>(
    (earliest, d) => (earliest === null || d.dueAt < earliest.dueAt ? d : earliest),
    null,
  );
  const openOrders = file.orders.filter((o) => o.status === 'open');
  const outcomes = (kind: ProsecutionOutcome) =>
    file.referrals.flatMap((r) => (r.outcome?.outcome === kind ? [r.outcome] : []));
  return {
    operatorId: file.operatorId,
    sector: file.sector,
    openIncidents: file.incidents.length,
    nextDeadline: next
      ? {
          incidentId: next.incidentId,
          deadlineId: next.deadlineId,
          regime: next.regime,
          dueAt: next.dueAt,
        }
      : null,
    overdueDeadlines: file.pendingDeadlines.filter((d) => d.dueAt <= now).length,
    missedDeadlines: file.missedDeadlines.length,
    missedByRegime: Object.fromEntries(
      PROFILE_IDS.map((regime) => [
        regime,
        file.missedDeadlines.filter((m) => m.regime === regime).length,
      ]),
    ),
    openOrders: openOrders.length,
    overdueOrders: openOrders.filter((o) => o.dueAt <= now).length,
    referrals: {
      count: file.referrals.length,
      awaitingOutcome: file.referrals.filter((r) => r.outcome === null).length,
      prosecutionDeclined: outcomes('prosecution-declined').length,
      acquitted: outcomes('acquitted').length,
      fined: outcomes('fined').length,
      finedYen: outcomes('fined').reduce((sum, o) => sum + (o.fineYen ?? 0), 0),
    },
    legacyPenalties: {
      count: file.legacyPenalties.length,
      totalYen: file.legacyPenalties.reduce((sum, p) => sum + p.amountYen, 0),
    },
  };
}

function sectorRow(sector: string | null, rows: BoardOperatorRow[]): BoardSectorRow {
  const sum = (pick: (r: BoardOperatorRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const next = rows.reduce<BoardSectorRow['nextDeadline']>((earliest, r) => {
    if (!r.nextDeadline) return earliest;
    if (earliest && earliest.dueAt <= r.nextDeadline.dueAt) return earliest;
    return { operatorId: r.operatorId, ...r.nextDeadline };
  }, null);
  return {
    sector,
    operators: rows.length,
    openIncidents: sum((r) => r.openIncidents),
    nextDeadline: next,
    overdueDeadlines: sum((r) => r.overdueDeadlines),
    missedDeadlines: sum((r) => r.missedDeadlines),
    missedByRegime: Object.fromEntries(
      PROFILE_IDS.map((regime) => [regime, sum((r) => r.missedByRegime[regime] ?? 0)]),
    ),
    openOrders: sum((r) => r.openOrders),
    overdueOrders: sum((r) => r.overdueOrders),
    referrals: {
      count: sum((r) => r.referrals.count),
      awaitingOutcome: sum((r) => r.referrals.awaitingOutcome),
      prosecutionDeclined: sum((r) => r.referrals.prosecutionDeclined),
      acquitted: sum((r) => r.referrals.acquitted),
      fined: sum((r) => r.referrals.fined),
      finedYen: sum((r) => r.referrals.finedYen),
    },
    legacyPenalties: {
      count: sum((r) => r.legacyPenalties.count),
      totalYen: sum((r) => r.legacyPenalties.totalYen),
    },
  };
}
