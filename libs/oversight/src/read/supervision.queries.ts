import type { Db, Filter } from 'mongodb';
import { canReadSupervision, supervisionReadFilter, type Organisation } from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import { pageByUpdatedAt } from './updated-at-page';
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
    return pageByUpdatedAt(this.items, clauses, f.limit, f.cursor, (d) =>
      canReadSupervision(viewer, d),
    );
  }
}
