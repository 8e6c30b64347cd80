import type { Db, Filter } from 'mongodb';
import { canReadOversight, oversightReadFilter, type Organisation } from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import { pageByUpdatedAt } from './updated-at-page';
import { OVERSIGHT_REQUESTS_COLLECTION } from './collection-authorisation.lookup';
import type { OversightRequestDoc } from './oversight-request.read-model';

export interface OversightListFilter {
  kind?: OversightRequestDoc['kind'];
  status?: OversightRequestDoc['status'];
  limit: number;
  cursor?: { updatedAt: Date; id: string };
}

/** What the commission's board is made of; the gateway presents it. */
export interface OversightBoardData {
  pending: OversightRequestDoc[];
  approved: OversightRequestDoc[];
  operations: OversightRequestDoc[];
}

/** The most requests of each kind a board shows; older ones stay reachable through the list. */
export const BOARD_LIMIT = 500;

const itemOf = (d: OversightRequestDoc) => ({
  kind: d.kind,
  requestedBy: d.requestedBy,
  telecomId: d.telecomId ?? null,
  status: d.status,
});

const visible = (viewer: Organisation, d: OversightRequestDoc): boolean =>
  canReadOversight(viewer, itemOf(d));

/**
 * Oversight requests, read for one viewer. Lists carry `oversightReadFilter` in the query and
 * every document is checked with `canReadOversight` on the way out; a lookup by id goes to `_id`
 * alone and the policy decides in memory, so a hidden request answers exactly like a missing one.
 */
export class OversightQueries {
  constructor(private readonly db: Db) {}

  private get requests() {
    return this.db.collection<OversightRequestDoc>(OVERSIGHT_REQUESTS_COLLECTION);
  }

  async findVisible(viewer: Organisation, id: string): Promise<OversightRequestDoc | null> {
    const doc = await this.requests.findOne({ _id: id } as Filter<OversightRequestDoc>);
    return doc && visible(viewer, doc) ? doc : null;
  }

  /**
   * Waits (briefly) until the read model reflects at least `version` of a request the viewer may
   * read, so a command's answer can show the state it produced; null when it does not in time.
   */
  async findVisibleAtLeast(
    viewer: Organisation,
    id: string,
    version: number,
    timeoutMs = 5_000,
  ): Promise<OversightRequestDoc | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const doc = await this.findVisible(viewer, id);
      if (doc && doc.version >= version) return doc;
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async list(viewer: Organisation, f: OversightListFilter): Promise<Page<OversightRequestDoc>> {
    const clauses: Filter<OversightRequestDoc>[] = [
      oversightReadFilter(viewer) as Filter<OversightRequestDoc>,
    ];
    if (f.kind) clauses.push({ kind: f.kind });
    if (f.status) clauses.push({ status: f.status });
    return pageByUpdatedAt(this.requests, clauses, f.limit, f.cursor, (d) => visible(viewer, d));
  }

  /** The commission's board; null (404) for everyone else. */
  async board(viewer: Organisation): Promise<OversightBoardData | null> {
    if (viewer.kind !== 'oversight-commission') return null;
    const find = (filter: Filter<OversightRequestDoc>) =>
      this.requests
        .find({ $and: [oversightReadFilter(viewer), filter] } as Filter<OversightRequestDoc>)
        .sort({ requestedAt: -1, _id: 1 })
        .limit(BOARD_LIMIT)
        .toArray();
    const [pending, approved, operations] = await Promise.all([
      find({ status: 'pending' }),
      find({ status: 'approved' }),
      find({ kind: 'operation' }),
    ]);
    const mine = (docs: OversightRequestDoc[]) => docs.filter((d) => visible(viewer, d));
    return { pending: mine(pending), approved: mine(approved), operations: mine(operations) };
  }
}
