import type { Collection, Db, Filter } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { agreementReadFilter, canReadAgreement, type Organisation } from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import { pageByUpdatedAt } from './updated-at-page';
import type { Projection } from '@acd/persistence';
import { isAgreementEvent } from '../domain/agreement.events';
import type { OversightEvent } from '../domain/oversight.events';
import { AGREEMENTS_COLLECTION, type AgreementDoc } from './agreement.read-model';

const date = (ms: number) => new Date(ms);

export function evolveAgreementDoc(
  doc: AgreementDoc | null,
  { metadata, event }: EventEnvelope<OversightEvent>,
): AgreementDoc | null {
  if (!isAgreementEvent(event)) return doc;
  const version = metadata.aggregateVersion;
  switch (event.type) {
    case 'AgreementProposed': {
      const d = event.data;
      return {
        _id: d.agreementId,
        version,
        operatorId: d.operatorId,
        operatorKind: d.operatorKind,
        proposedBy: d.proposedBy,
        networks: [...d.networks],
        categories: [...d.categories],
        validFrom: date(d.validFrom),
        validUntil: date(d.validUntil),
        purpose: d.purpose,
        status: 'proposed',
        proposedAt: date(d.proposedAt),
        consent: null,
        declined: null,
        ended: null,
        updatedAt: date(d.proposedAt),
      };
    }
    case 'AgreementAccepted': {
      if (!doc) return null;
      const d = event.data;
      const at = date(d.acceptedAt);
      return {
        ...doc,
        version,
        status: 'accepted',
        consent: { by: d.acceptedBy, statement: d.consent, at },
        updatedAt: at,
      };
    }
    case 'AgreementDeclined': {
      if (!doc) return null;
      const at = date(event.data.declinedAt);
      return {
        ...doc,
        version,
        status: 'declined',
        declined: { reason: event.data.reason, at },
        updatedAt: at,
      };
    }
    case 'AgreementEnded': {
      if (!doc) return null;
      const d = event.data;
      const at = date(d.endedAt);
      return {
        ...doc,
        version,
        status: 'ended',
        ended: { byOrgId: d.endedByOrgId, reason: d.reason, at },
        updatedAt: at,
      };
    }
  }
}

export const agreementProjection: Projection<OversightEvent, AgreementDoc> = {
  name: 'oversight-agreements',
  collection: AGREEMENTS_COLLECTION,
  topic: 'oversightEvents',
  evolve: evolveAgreementDoc,
  documentIdOf: ({ event }) => (isAgreementEvent(event) ? event.data.agreementId : null),
  async createIndexes(collection: Collection<AgreementDoc>) {
    await collection.createIndex({ operatorId: 1, status: 1 });
    await collection.createIndex({ updatedAt: 1, _id: 1 });
  },
};

/** An agreement in force: accepted, not ended, and `now` within its period. */
export interface LiveAgreement {
  agreementId: string;
  operatorId: string;
  networks: string[];
  categories: string[];
  validFrom: Date;
  validUntil: Date;
}

/** Agreements read for one viewer (the commission, the office, the operator party), and the live lookup. */
export class AgreementQueries {
  constructor(private readonly db: Db) {}

  private get agreements() {
    return this.db.collection<AgreementDoc>(AGREEMENTS_COLLECTION);
  }

  async findVisible(viewer: Organisation, id: string): Promise<AgreementDoc | null> {
    const doc = await this.agreements.findOne({ _id: id } as Filter<AgreementDoc>);
    return doc && canReadAgreement(viewer, doc) ? doc : null;
  }

  async list(
    viewer: Organisation,
    f: { status?: AgreementDoc['status']; limit: number; cursor?: { updatedAt: Date; id: string } },
  ): Promise<Page<AgreementDoc>> {
    const clauses: Filter<AgreementDoc>[] = [agreementReadFilter(viewer) as Filter<AgreementDoc>];
    if (f.status) clauses.push({ status: f.status });
    return pageByUpdatedAt(this.agreements, clauses, f.limit, f.cursor, (d) =>
      canReadAgreement(viewer, d),
    );
  }

  /** The operator's agreements in force at `now` (accepted, not ended, within their period). */
  async liveFor(operatorId: string, now: Date): Promise<LiveAgreement[]> {
    const docs = await this.agreements.find({ operatorId, status: 'accepted' }).toArray();
    return docs
      .filter(
        (d) => d.validFrom.getTime() <= now.getTime() && now.getTime() < d.validUntil.getTime(),
      )
      .map((d) => ({
        agreementId: d._id,
        operatorId: d.operatorId,
        networks: d.networks,
        categories: d.categories,
        validFrom: d.validFrom,
        validUntil: d.validUntil,
      }));
  }
}
