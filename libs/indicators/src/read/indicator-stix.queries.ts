import type { Db, Filter } from 'mongodb';
import type { Organisation } from '@acd/identity/domain';
import {
  readVersionLog,
  versionLogCollectionOf,
  type FeedPosition,
  type LaterVersion,
  type VersionLogEntry,
  CheckpointStore,
} from '@acd/persistence';
import { stixTimestamp } from '@acd/identity/domain';
import {
  versionSelected,
  type StixAccess,
  type VersionMatch,
} from '../domain/indicator.stix-versions';
import {
  indicatorStixProjection,
  type IndicatorStixDoc,
  type IndicatorStixLogFields,
  type StoredNaming,
  type StoredStixView,
} from './indicator-stix.projection';

/** One version of a STIX indicator as a reader gets it. */
export interface StixVersionItem {
  id: string;
  /** Date added, epoch ms. */
  t: number;
  view: StoredStixView;
  naming: StoredNaming;
  /** This version was shared in the council: its every read is recorded. */
  council: boolean;
}

/** The STIX view was rebuilt since the cursor was issued: its positions belong to another log. */
export class StaleStixCursor extends Error {
  constructor() {
    super('the collection was rebuilt since this cursor was issued: page again from the start');
  }
}

export interface StixObjectsFilter {
  /** Strictly after this date added (epoch ms). */
  addedAfter?: number;
  /** Only these object ids. */
  ids?: ReadonlySet<string>;
  versions: VersionMatch;
  limit: number;
  /** Where the previous page ended, in the log of that generation of the view. */
  from?: { generation: number; position: FeedPosition };
}

export interface StixObjectsPage {
  items: StixVersionItem[];
  next: { generation: number; position: FeedPosition };
  more: boolean;
}

/**
 * The indicators collection as TAXII serves it, for one reader: read from the version log alone
 * (no document is fetched), so a page's cost does not depend on how much is stored. The
 * entitlement policy decides every version (`versionSelected`); what a reader may not see is
 * neither returned nor counted.
 */
export class IndicatorStixQueries {
  constructor(private readonly db: Db) {}

  private async generation(): Promise<number> {
    return await new CheckpointStore(this.db).generation(indicatorStixProjection.name);
  }

  /** Throws StaleStixCursor when `from` belongs to a generation the view has moved on from. */
  async objects(viewer: Organisation, f: StixObjectsFilter): Promise<StixObjectsPage> {
    const generation = await this.generation();
    if (f.from && f.from.generation !== generation) throw new StaleStixCursor();
    const log = versionLogCollectionOf(indicatorStixProjection, generation);
    const read = await readVersionLog(this.db, log, {
      limit: f.limit,
      ...(f.from ? { from: f.from.position } : {}),
      ...(f.addedAfter !== undefined ? { after: f.addedAfter } : {}),
      timeBudgetMs: 5_000,
      accept: (e, later) => {
        if (f.ids && !f.ids.has(e.id)) return false;
        return versionSelected(viewer, factsOf(e, later), f.versions);
      },
    });
    return {
      items: read.entries.map((e) => {
        const x = e.f as IndicatorStixLogFields;
        const access = e.g as unknown as StixAccess;
        return { id: e.id, t: e.t, view: x.view, naming: x.naming, council: access.ac === true };
      }),
      next: { generation, position: read.next },
      more: read.more,
    };
  }

  /** The versions of one object the reader may see, oldest first; empty when it may see none. */
  async versionsOf(
    viewer: Organisation,
    id: string,
    f: { addedAfter?: number; versions: VersionMatch },
  ): Promise<StixVersionItem[]> {
    const doc = await this.db
      .collection<IndicatorStixDoc>(indicatorStixProjection.collection)
      .findOne({ _id: id } as Filter<IndicatorStixDoc>);
    if (!doc) return [];
    const latest = doc.versions[doc.versions.length - 1]?.access;
    if (!latest) return [];
    return doc.versions
      .filter((v, k) => {
        if (f.addedAfter !== undefined && v.t <= f.addedAfter) return false;
        return versionSelected(
          viewer,
          {
            own: v.access,
            latest,
            superseded: k < doc.versions.length - 1,
            earlier: doc.versions.slice(0, k).map((x) => x.access),
            modified: stixTimestamp(new Date(v.view.updatedAt)),
          },
          f.versions,
        );
      })
      .map((v) => ({
        id: doc._id,
        t: v.t,
        view: v.view,
        naming: v.naming,
        council: v.access.ac === true,
      }));
  }
}

function factsOf(e: VersionLogEntry, later: LaterVersion | undefined) {
  const x = e.f as IndicatorStixLogFields;
  const own = e.g as unknown as StixAccess;
  return {
    own,
    latest: later ? (later.g as unknown as StixAccess) : own,
    superseded: later !== undefined,
    earlier: x.earlier,
    modified: stixTimestamp(new Date(x.view.updatedAt)),
  };
}
