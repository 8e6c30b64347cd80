import type { Collection, Db, Filter } from 'mongodb';
import { canReadTraffic, trafficReadFilter, type Organisation } from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import { flowMatchProjection, flowSubmissionProjection } from './traffic.projection';
import type { FlowMatchDoc, FlowSubmissionDoc } from './traffic.read-model';

export interface TrafficPageRequest {
  limit: number;
  /** Position after the last item of the previous page (its time, then its id). */
  cursor?: { updatedAt: Date; id: string };
}

export interface MatchListFilter extends TrafficPageRequest {
  indicatorId?: string;
  /** Matches found at or after this instant. */
  since?: Date;
  batchId?: string;
}

const empty = <T>(): Page<T> => ({ items: [], next: null });

/**
 * Submissions and matches, read for one viewer: lists carry `trafficReadFilter` in the query
 * (a viewer who may read none gets an empty page without a query), every document is checked
 * with `canReadTraffic` on the way out, and a lookup by id answers a hidden match exactly like
 * a missing one. Pages run oldest first, by time then id.
 */
export class TrafficQueries {
  constructor(private readonly db: Db) {}

  private get submissions() {
    return this.db.collection<FlowSubmissionDoc>(flowSubmissionProjection.collection);
  }

  private get matches() {
    return this.db.collection<FlowMatchDoc>(flowMatchProjection.collection);
  }

  async listSubmissions(
    viewer: Organisation,
    f: TrafficPageRequest & { telecomOrgId?: string },
  ): Promise<Page<FlowSubmissionDoc>> {
    const filter = trafficReadFilter(viewer);
    if (filter === null) return empty();
    const clauses: Filter<FlowSubmissionDoc>[] = [filter as Filter<FlowSubmissionDoc>];
    if (f.telecomOrgId) clauses.push({ telecomOrgId: f.telecomOrgId });
    return this.page(this.submissions, clauses, 'receivedAt', f, viewer);
  }

  async listMatches(viewer: Organisation, f: MatchListFilter): Promise<Page<FlowMatchDoc>> {
    const filter = trafficReadFilter(viewer);
    if (filter === null) return empty();
    const clauses: Filter<FlowMatchDoc>[] = [filter as Filter<FlowMatchDoc>, { kind: 'match' }];
    if (f.indicatorId) clauses.push({ indicatorId: f.indicatorId });
    if (f.batchId) clauses.push({ batchId: f.batchId });
    if (f.since) clauses.push({ matchedAt: { $gte: f.since } });
    return this.page(this.matches, clauses, 'matchedAt', f, viewer);
  }

  async findSubmission(viewer: Organisation, batchId: string): Promise<FlowSubmissionDoc | null> {
    const doc = await this.submissions.findOne({ _id: batchId } as Filter<FlowSubmissionDoc>);
    return doc && canReadTraffic(viewer, doc) ? doc : null;
  }

  /**
   * Whether the bus recorded this match, for an operation request citing it as evidence. Only
   * existence, never the match: agencies cite the ids the cabinet office passes on.
   */
  async matchExists(id: string): Promise<boolean> {
    return (
      (await this.matches.findOne({ _id: id } as Filter<FlowMatchDoc>, {
        projection: { _id: 1 },
      })) !== null
    );
  }

  async findMatch(viewer: Organisation, id: string): Promise<FlowMatchDoc | null> {
    const doc = await this.matches.findOne({ _id: id } as Filter<FlowMatchDoc>);
    return doc && canReadTraffic(viewer, doc) ? doc : null;
  }

  private async page<D extends FlowSubmissionDoc | FlowMatchDoc>(
    collection: Collection<D>,
    clauses: Filter<D>[],
    timeField: 'receivedAt' | 'matchedAt',
    f: TrafficPageRequest,
    viewer: Organisation,
  ): Promise<Page<D>> {
    if (f.cursor) {
      clauses.push({
        $or: [
          { [timeField]: { $gt: f.cursor.updatedAt } },
          { [timeField]: f.cursor.updatedAt, _id: { $gt: f.cursor.id } },
        ],
      } as Filter<D>);
    }
    const docs = (await collection
      .find({ $and: clauses } as Filter<D>)
      .sort({ [timeField]: 1, _id: 1 })
      .limit(f.limit + 1)
      .toArray()) as unknown as D[];
    const page = docs.slice(0, f.limit);
    const items = page.filter((d) => canReadTraffic(viewer, d));
    const last = page[page.length - 1];
    const time = (d: D): Date =>
      d.kind === 'submission' ? d.receivedAt : (d as FlowMatchDoc).matchedAt;
    return {
      items,
      next: docs.length > f.limit && last ? { updatedAt: time(last), id: last._id } : null,
    };
  }
}
