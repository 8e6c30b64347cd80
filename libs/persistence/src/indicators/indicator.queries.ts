import type { Db, Filter } from 'mongodb';
import { canRead, readFilter, type Organisation, type Tlp } from '@acd/identity';
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
  cursor?: { updatedAt: Date; id: string };
}

export interface Page<T> {
  items: T[];
  next: { updatedAt: Date; id: string } | null;
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

  async list(viewer: Organisation, f: IndicatorListFilter): Promise<Page<IndicatorDoc>> {
    const clauses: Filter<IndicatorDoc>[] = [readFilter(viewer) as Filter<IndicatorDoc>];
    if (f.indicatorType) clauses.push({ indicatorType: f.indicatorType });
    if (f.value) clauses.push({ value: f.value });
    if (f.tlp) clauses.push({ tlp: f.tlp });
    if (f.sector) clauses.push({ publisherSector: f.sector });
    if (f.updatedSince) clauses.push({ updatedAt: { $gte: f.updatedSince } });
    if (f.cursor) {
      clauses.push({
        $or: [
          { updatedAt: { $gt: f.cursor.updatedAt } },
          { updatedAt: f.cursor.updatedAt, _id: { $gt: f.cursor.id } },
        ],
      } as Filter<IndicatorDoc>);
    }
    const docs = await this.collection
      .find({ $and: clauses } as Filter<IndicatorDoc>)
      .sort({ updatedAt: 1, _id: 1 })
      .limit(f.limit + 1)
      .toArray();
    const page = docs.slice(0, f.limit).filter((d) => visible(viewer, d));
    const last = page[page.length - 1];
    return {
      items: page,
      next: docs.length > f.limit && last ? { updatedAt: last.updatedAt, id: last._id } : null,
    };
  }
}

function visible(viewer: Organisation, doc: IndicatorDoc): boolean {
  return canRead(viewer, {
    publisherOrgId: doc.publisherOrgId,
    tlp: doc.tlp as Tlp,
    audience: doc.audience as never,
  });
}
