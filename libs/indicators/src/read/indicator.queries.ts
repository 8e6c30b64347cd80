import type { Db, Filter } from 'mongodb';
import { canRead, type Organisation, type Tlp } from '@acd/identity/domain';
import { walkFeed, type FeedPosition, feedCollectionOf, CheckpointStore } from '@acd/persistence';
import type { IndicatorDoc } from './indicator.read-model';
import { indicatorProjection } from './indicator.projection';

export interface IndicatorListFilter {
  indicatorType?: string;
  value?: string;
  tlp?: string;
  /** The publisher's sector. */
  sector?: string;
  updatedSince?: Date;
  limit: number;
  /** Where the previous page ended: a feed position, or (older cursors) its last change. */
  cursor?: { position: FeedPosition } | { after: { updatedAt: Date; id: string } };
}

export interface Page<T> {
  items: T[];
  next: { updatedAt: Date; id: string } | null;
}

/** A page of a list walked along a change feed: `next` is a feed position. */
export interface FeedPage<T> {
  items: T[];
  next: FeedPosition | null;
}

/**
 * Reads for one viewer. The entitlement filter is part of every list and count query, so an
 * item the viewer may not read is never listed or counted; `canRead` checks every document on
 * the way out as well.
 */
export class IndicatorQueries {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<IndicatorDoc>(indicatorProjection.collection);
  }

  /**
   * By id, the lookup is on `_id` alone, the simplest query for any store to answer from its
   * primary key, and the policy decides in memory; a hidden item answers exactly like a missing one.
   */
  async findVisible(viewer: Organisation, id: string): Promise<IndicatorDoc | null> {
    const doc = await this.collection.findOne({ _id: id } as Filter<IndicatorDoc>);
    return doc && visible(viewer, doc) ? doc : null;
  }

  /**
   * One page of the indicators the viewer may read, oldest change first. It walks the model's
   * change feed (every read a primary-key lookup), so its cost does not grow with the number of
   * indicators stored; when the filters match little, a page may come back short, with a
   * position to continue from (`next` is null only at the end of the feed).
   */
  async list(viewer: Organisation, f: IndicatorListFilter): Promise<FeedPage<IndicatorDoc>> {
    const generation = await new CheckpointStore(this.db).generation(indicatorProjection.name);
    const since = f.updatedSince?.getTime();
    const cursor = f.cursor;
    const walk = await walkFeed<IndicatorDoc>(
      this.db,
      feedCollectionOf(indicatorProjection, generation),
      this.collection,
      {
        limit: f.limit,
        ...(cursor && 'position' in cursor ? { from: cursor.position } : {}),
        ...(cursor && 'after' in cursor
          ? { after: { t: cursor.after.updatedAt.getTime(), id: cursor.after.id } }
          : {}),
        ...(since !== undefined ? { since } : {}),
        timeBudgetMs: LIST_TIME_BUDGET_MS,
        prefilter: (e) => {
          const x = e.f as unknown as FeedFields;
          if (f.indicatorType && x.ty !== f.indicatorType) return false;
          if (f.value && x.val !== f.value) return false;
          if (f.tlp && x.tlp !== f.tlp) return false;
          if (f.sector && x.sec !== f.sector) return false;
          return canRead(viewer, {
            publisherOrgId: x.pub,
            tlp: x.tlp as Tlp,
            audience: { orgs: x.ao, sectors: x.as, council: x.ac === true } as never,
          });
        },
        accept: (d) =>
          visible(viewer, d) &&
          (!f.indicatorType || d.indicatorType === f.indicatorType) &&
          (!f.value || d.value === f.value) &&
          (!f.tlp || d.tlp === f.tlp) &&
          (!f.sector || d.publisherSector === f.sector) &&
          (since === undefined || new Date(d.updatedAt).getTime() >= since),
      },
    );
    return { items: walk.items, next: walk.next };
  }
}

/**
 * How long one list call may walk the feed looking for matches. A selective filter over a small
 * or medium model finds everything in one call; over millions of indicators it returns what it
 * found by then, with a cursor to continue from.
 */
const LIST_TIME_BUDGET_MS = 5_000;

/** The entry fields the indicator projection writes to its feed. */
interface FeedFields {
  ty: string;
  val: string;
  tlp: string;
  sec: string | null;
  pub: string;
  ao: string[];
  as: string[];
  /** Shared in the council. */
  ac?: true;
}

function visible(viewer: Organisation, doc: IndicatorDoc): boolean {
  return canRead(viewer, {
    publisherOrgId: doc.publisherOrgId,
    tlp: doc.tlp as Tlp,
    audience: doc.audience as never,
  });
}
