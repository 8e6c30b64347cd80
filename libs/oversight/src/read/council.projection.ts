import type { Collection, Db, Filter } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import {
  canReadCouncilMember,
  councilMemberReadFilter,
  type CouncilStanding,
  type Reader,
} from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import type { Projection } from '@acd/persistence';
import { isCouncilEvent } from '../domain/council.events';
import type { OversightEvent } from '../domain/oversight.events';
import {
  COUNCIL_COLLECTION,
  COUNCIL_MEMBERS_COLLECTION,
  type CouncilDoc,
  type CouncilMemberDoc,
} from './council.read-model';
import { pageByUpdatedAt } from './updated-at-page';

const date = (ms: number) => new Date(ms);

export function evolveCouncilDoc(
  doc: CouncilDoc | null,
  { metadata, event }: EventEnvelope<OversightEvent>,
): CouncilDoc | null {
  if (event.type !== 'CouncilConstituted') return doc;
  const d = event.data;
  return {
    _id: d.councilId,
    version: metadata.aggregateVersion,
    name: d.name,
    purpose: d.purpose,
    constitutedBy: d.constitutedBy,
    constitutedAt: date(d.constitutedAt),
    updatedAt: date(d.constitutedAt),
  };
}

export function evolveCouncilMemberDoc(
  doc: CouncilMemberDoc | null,
  { metadata, event }: EventEnvelope<OversightEvent>,
): CouncilMemberDoc | null {
  if (!isCouncilEvent(event)) return doc;
  const version = metadata.aggregateVersion;
  switch (event.type) {
    case 'CouncilConstituted':
      return doc;
    case 'CouncilMemberAdmitted': {
      // Admitted again after a removal: a fresh entry, which must be acknowledged again.
      const d = event.data;
      return {
        _id: d.orgId,
        version,
        orgKind: d.orgKind,
        status: 'admitted',
        admittedBy: d.admittedBy,
        admittedAt: date(d.admittedAt),
        acknowledgement: null,
        removed: null,
        updatedAt: date(d.admittedAt),
      };
    }
    case 'CouncilConfidentialityAcknowledged': {
      if (!doc) return null;
      const d = event.data;
      const at = date(d.acknowledgedAt);
      return {
        ...doc,
        version,
        status: 'bound',
        acknowledgement: { by: d.acknowledgedBy, statement: d.statement, at },
        updatedAt: at,
      };
    }
    case 'CouncilMemberRemoved': {
      if (!doc) return null;
      const d = event.data;
      const at = date(d.removedAt);
      return {
        ...doc,
        version,
        status: 'removed',
        removed: { byOrgId: d.removedByOrgId, reason: d.reason, at },
        updatedAt: at,
      };
    }
  }
}

export const councilProjection: Projection<OversightEvent, CouncilDoc> = {
  name: 'oversight-council',
  collection: COUNCIL_COLLECTION,
  topic: 'oversightEvents',
  evolve: evolveCouncilDoc,
  documentIdOf: ({ event }) => (event.type === 'CouncilConstituted' ? event.data.councilId : null),
  async createIndexes() {
    // one document, read by its id
  },
};

export const councilMemberProjection: Projection<OversightEvent, CouncilMemberDoc> = {
  name: 'oversight-council-members',
  collection: COUNCIL_MEMBERS_COLLECTION,
  topic: 'oversightEvents',
  evolve: evolveCouncilMemberDoc,
  documentIdOf: ({ event }) =>
    isCouncilEvent(event) && event.type !== 'CouncilConstituted' ? event.data.orgId : null,
  async createIndexes(collection: Collection<CouncilMemberDoc>) {
    await collection.createIndex({ status: 1 });
    await collection.createIndex({ updatedAt: 1, _id: 1 });
  },
};

/** The council and its roster, read for one viewer (see `canReadCouncilMember`). */
export class CouncilQueries {
  constructor(private readonly db: Db) {}

  private get members() {
    return this.db.collection<CouncilMemberDoc>(COUNCIL_MEMBERS_COLLECTION);
  }

  /** The council as constituted (its existence and purpose are public law); null before. */
  council(id: string): Promise<CouncilDoc | null> {
    return this.db.collection<CouncilDoc>(COUNCIL_COLLECTION).findOne({ _id: id });
  }

  /** The organisations bound to the council's confidentiality now. */
  async boundMemberIds(): Promise<string[]> {
    const docs = await this.members
      .find({ status: 'bound' } as Filter<CouncilMemberDoc>, { projection: { _id: 1 } })
      .toArray();
    return docs.map((d) => d._id).sort();
  }

  /** The viewer's own standing on the council. */
  async standingOf(orgId: string): Promise<CouncilStanding> {
    const own = await this.members.findOne({ _id: orgId } as Filter<CouncilMemberDoc>);
    return own?.status ?? null;
  }

  /**
   * The viewer's standing as the read policy needs it: whether it is bound, which the gateway
   * resolved with its token (`councilBound`). Its own entry it reads whatever its standing.
   */
  private static readerStanding(viewer: Reader): CouncilStanding {
    return viewer.councilBound === true ? 'bound' : null;
  }

  async findVisible(viewer: Reader, orgId: string): Promise<CouncilMemberDoc | null> {
    const doc = await this.members.findOne({ _id: orgId } as Filter<CouncilMemberDoc>);
    if (!doc) return null;
    const standing = CouncilQueries.readerStanding(viewer);
    return canReadCouncilMember(viewer, standing, { orgId: doc._id, status: doc.status })
      ? doc
      : null;
  }

  async list(
    viewer: Reader,
    f: {
      status?: CouncilMemberDoc['status'];
      limit: number;
      cursor?: { updatedAt: Date; id: string };
    },
  ): Promise<Page<CouncilMemberDoc>> {
    const standing = CouncilQueries.readerStanding(viewer);
    const clauses: Filter<CouncilMemberDoc>[] = [
      councilMemberReadFilter(viewer, standing) as Filter<CouncilMemberDoc>,
    ];
    if (f.status) clauses.push({ status: f.status });
    return pageByUpdatedAt(this.members, clauses, f.limit, f.cursor, (d) =>
      canReadCouncilMember(viewer, standing, { orgId: d._id, status: d.status }),
    );
  }
}
