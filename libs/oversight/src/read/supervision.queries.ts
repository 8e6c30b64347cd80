import type { Db, Filter } from 'mongodb';
import { canReadSupervision, supervisionReadFilter, type Organisation } from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import { SUPERVISION_COLLECTION, type SupervisionDoc } from './supervision.read-model';

export interface SupervisionListFilter {
  kind?: SupervisionDoc['kind'];
  agencyId?: string;
  limit: number;
  cursor?: { updatedAt: Date; id: string };
}

/**
 * Agencies' supervision files, read for one viewer: the commission reads every file, an agency
 * its own, nobody else anything. Lists carry `supervisionReadFilter` in the query and every
 * document is checked with `canReadSupervision` on the way out; by id, a hidden item answers
 * exactly like a missing one.
 */
export class SupervisionQueries {
  constructor(private readonly db: Db) {}

  private get items() {
    return this.db.collection<SupervisionDoc>(SUPERVISION_COLLECTION);
  }

  async findVisible(viewer: Organisation, id: string): Promise<SupervisionDoc | null> {
    const doc = await this.items.findOne({ _id: id } as Filter<SupervisionDoc>);
    return doc && canReadSupervision(viewer, doc) ? doc : null;
  }

  async list(viewer: Organisation, f: SupervisionListFilter): Promise<Page<SupervisionDoc>> {
    const clauses: Filter<SupervisionDoc>[] = [
      supervisionReadFilter(viewer) as Filter<SupervisionDoc>,
    ];
    if (f.kind) clauses.push({ kind: f.kind });
    if (f.agencyId) clauses.push({ agencyId: f.agencyId });
    if (f.cursor) {
      clauses.push({
        $or: [
          { updatedAt: { $gt: f.cursor.updatedAt } },
          { updatedAt: f.cursor.updatedAt, _id: { $gt: f.cursor.id } },
        ],
      } as Filter<SupervisionDoc>);
    }
    const docs = await this.items
      .find({ $and: clauses } as Filter<SupervisionDoc>)
      .sort({ updatedAt: 1, _id: 1 })
      .limit(f.limit + 1)
      .toArray();
    const items = docs.slice(0, f.limit).filter((d) => canReadSupervision(viewer, d));
    const last = items[items.length - 1];
    return {
      items,
      next: docs.length > f.limit && last ? { updatedAt: last.updatedAt, id: last._id } : null,
    };
  }
}
