import type { Db, Filter } from 'mongodb';
import {
  emptyReferenceTerms,
  normaliseAudience,
  type EntitledItem,
  type FlowMatchTerms,
  type Reference,
  type ReferenceTerms,
  type ReportItem,
  type Tlp,
} from '@acd/identity';
import { indicatorProjection } from '@acd/indicators';
import type { IndicatorDoc } from '@acd/indicators';
import { incidentProjection } from '@acd/reporting';
import type { IncidentDoc } from '@acd/reporting';
import { flowMatchProjection } from '@acd/traffic';
import type { FlowMatchDoc } from '@acd/traffic';

/** Lookups in flight at once: a page of items can cite hundreds of others. */
const CONCURRENCY = 16;

/**
 * The current terms (who may read them) of the items other items refer to, from the read models,
 * for `readableReferenceIds` / `readableReferences` to decide per reader. Each item is looked up
 * by `_id` alone (what FerretDB v1 answers from its primary key), each at most once per call, and
 * only its entitlement fields are fetched. The answer is the same for every reader, so a caller
 * may share one lookup between readers.
 */
export class ReferenceLookup {
  constructor(private readonly db: Db) {}

  async termsOf(refs: Iterable<Reference>): Promise<ReferenceTerms> {
    const indicator = new Map<string, EntitledItem>();
    const incident = new Map<string, ReportItem>();
    const flowMatch = new Map<string, FlowMatchTerms>();
    const unique = new Map<string, Reference>();
    for (const r of refs) unique.set(`${r.kind}\u0000${r.id}`, r);
    if (unique.size === 0) return emptyReferenceTerms();

    const indicatorTerms = async (id: string): Promise<EntitledItem | null> => {
      const d = await this.findById<IndicatorDoc>(indicatorProjection.collection, id, {
        publisherOrgId: 1,
        tlp: 1,
        audience: 1,
      });
      if (!d) return null;
      return {
        publisherOrgId: d.publisherOrgId,
        tlp: d.tlp as Tlp,
        audience: normaliseAudience(d.audience as EntitledItem['audience']),
      };
    };
    const load = async (r: Reference): Promise<void> => {
      switch (r.kind) {
        case 'indicator': {
          const t = await indicatorTerms(r.id);
          if (t) indicator.set(r.id, t);
          return;
        }
        case 'incident': {
          const d = await this.findById<IncidentDoc>(incidentProjection.collection, r.id, {
            operatorId: 1,
            sector: 1,
            sharedWithPolice: 1,
          });
          if (d) {
            incident.set(r.id, {
              operatorId: d.operatorId,
              sector: d.sector ?? null,
              sharedWithPolice: d.sharedWithPolice === true,
            });
          }
          return;
        }
        case 'flow-match': {
          const d = await this.findById<FlowMatchDoc>(flowMatchProjection.collection, r.id, {
            kind: 1,
            telecomOrgId: 1,
            indicatorId: 1,
          });
          if (d) {
            flowMatch.set(r.id, {
              kind: 'match',
              telecomOrgId: d.telecomOrgId,
              indicator: await indicatorTerms(d.indicatorId),
            });
          }
          return;
        }
      }
    };
    const queue = [...unique.values()];
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) await load(r);
      }),
    );
    return { indicator, incident, 'flow-match': flowMatch };
  }

  private findById<D extends { _id: string }>(
    collection: string,
    id: string,
    projection: Record<string, 1>,
  ): Promise<D | null> {
    return this.db
      .collection<D>(collection)
      .findOne({ _id: id } as Filter<D>, { projection }) as Promise<D | null>;
  }
}
