import type { Db } from 'mongodb';

/** A collection authorisation the commission approved and that is in force at a given instant. */
export interface LiveCollectionAuthorisation {
  requestId: string;
  telecomId: string;
  /** Categories of metadata the telecom operator may supply under it. */
  categories: string[];
  validFrom: Date;
  validUntil: Date;
}

/**
 * The fields of the oversight requests read model (collection `oversight-requests`) this lookup
 * relies on. The oversight projection writes them; the traffic edge reads them to refuse a flow
 * submission that no live authorisation covers.
 */
export interface CollectionAuthorisationFields {
  _id: string;
  kind: 'collection' | 'operation';
  status: string;
  telecomId?: string;
  categories?: string[];
  validFrom?: Date;
  validUntil?: Date;
}

export const OVERSIGHT_REQUESTS_COLLECTION = 'oversight-requests';

export class CollectionAuthorisationLookup {
  constructor(private readonly db: Db) {}

  /** The approved collection authorisation for this telecom operator in force at `at`, if any. */
  async liveFor(telecomId: string, at: Date): Promise<LiveCollectionAuthorisation | null> {
    const doc = await this.db
      .collection<CollectionAuthorisationFields>(OVERSIGHT_REQUESTS_COLLECTION)
      .findOne(
        {
          kind: 'collection',
          status: 'approved',
          telecomId,
          validFrom: { $lte: at },
          validUntil: { $gt: at },
        },
        { sort: { validUntil: -1 } },
      );
    if (!doc?.telecomId || !doc.validFrom || !doc.validUntil) return null;
    return {
      requestId: doc._id,
      telecomId: doc.telecomId,
      categories: doc.categories ?? [],
      validFrom: doc.validFrom,
      validUntil: doc.validUntil,
    };
  }
}
