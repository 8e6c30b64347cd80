import type { Db, Filter } from 'mongodb';
import {
  advisoryReadFilter,
  canReadAdvisory,
  type Organisation,
  type Reader,
  type OrgKind,
  type Tlp,
} from '@acd/identity/domain';
import type { Page } from '@acd/indicators';
import { organisationProjection, toOrganisation, type OrganisationDoc } from '@acd/identity';
import { advisoryProjection } from './advisory.projection';
import type { AdvisoryDoc } from './advisory.read-model';

export interface AdvisoryListFilter {
  status?: AdvisoryDoc['status'];
  severity?: string;
  issuerOrgId?: string;
  /** true: active and not expired at `now`; false: withdrawn or expired. */
  inForce?: boolean;
  now?: Date;
  limit: number;
  cursor?: { updatedAt: Date; id: string };
}

export interface AcknowledgementEntry {
  orgId: string;
  name: string | null;
  kind: string | null;
  sector: string | null;
}

/** Who acknowledged an advisory and which expected acknowledgers have not. */
export interface AcknowledgementReport {
  advisoryId: string;
  status: AdvisoryDoc['status'];
  /** Operators in the audience (the issuer never acknowledges its own). */
  expected: number;
  acknowledged: (AcknowledgementEntry & { at: Date; expected: boolean })[];
  notAcknowledged: AcknowledgementEntry[];
}

const itemOf = (d: AdvisoryDoc) => ({
  issuerOrgId: d.issuerOrgId,
  tlp: d.tlp as Tlp,
  audience: d.audience,
});

const visible = (viewer: Organisation, d: AdvisoryDoc): boolean =>
  canReadAdvisory(viewer, itemOf(d));

/** Who acknowledged is for the issuer and the cabinet office. */
const seesAcknowledgements = (viewer: Organisation, d: AdvisoryDoc): boolean =>
  viewer.kind === 'cabinet-office' || viewer.id === d.issuerOrgId;

/** One advisory's rate: acknowledgements by the operators expected to acknowledge. */
export interface AcknowledgementRate {
  advisoryId: string;
  title: string;
  tlp: string;
  severity: string;
  status: AdvisoryDoc['status'];
  issuerOrgId: string;
  expiresAt: Date;
  expected: number;
  acknowledged: number;
  /** acknowledged / expected; null when no operator is expected to acknowledge. */
  rate: number | null;
}

/**
 * Who acknowledged an advisory, and which operators in its audience (every organisation the
 * advisory reaches, from the organisations read model) have not.
 */
function acknowledgementReport(
  doc: AdvisoryDoc,
  organisations: Organisation[],
): AcknowledgementReport {
  const byId = new Map(organisations.map((o) => [o.id, o]));
  const expected = organisations.filter(
    (o) => o.kind === 'operator' && o.id !== doc.issuerOrgId && visible(o, doc),
  );
  const expectedIds = new Set(expected.map((o) => o.id));
  const acked = new Set(doc.acknowledgements.map((a) => a.orgId));
  const entry = (orgId: string): AcknowledgementEntry => {
    const o = byId.get(orgId);
    return { orgId, name: o?.name ?? null, kind: o?.kind ?? null, sector: o?.sector ?? null };
  };
  return {
    advisoryId: doc._id,
    status: doc.status,
    expected: expected.length,
    acknowledged: doc.acknowledgements.map((a) => ({
      ...entry(a.orgId),
      at: a.at,
      expected: expectedIds.has(a.orgId),
    })),
    notAcknowledged: expected
      .filter((o) => !acked.has(o.id))
      .map((o) => entry(o.id))
      .sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0)),
  };
}

/**
 * Advisories, read for one viewer. Lists carry `advisoryReadFilter` in the query and every
 * document is checked with `canReadAdvisory` on the way out; a lookup by id goes to `_id` alone
 * and the policy decides in memory, so a hidden advisory answers exactly like a missing one.
 */
export class AdvisoryQueries {
  /**
   * @param boundCouncilMembers the organisations bound to the council's confidentiality now (the
   *   council is another context's; without it, nobody counts as reading council material by
   *   standing, which under-counts and never over-shares).
   */
  constructor(
    private readonly db: Db,
    private readonly boundCouncilMembers: () => Promise<ReadonlySet<string>> = async () =>
      new Set(),
  ) {}

  private get advisories() {
    return this.db.collection<AdvisoryDoc>(advisoryProjection.collection);
  }

  private get organisationDocs() {
    return this.db.collection<OrganisationDoc>(organisationProjection.collection);
  }

  async findVisible(viewer: Organisation, id: string): Promise<AdvisoryDoc | null> {
    const doc = await this.advisories.findOne({ _id: id } as Filter<AdvisoryDoc>);
    return doc && visible(viewer, doc) ? doc : null;
  }

  async list(viewer: Organisation, f: AdvisoryListFilter): Promise<Page<AdvisoryDoc>> {
    const clauses: Filter<AdvisoryDoc>[] = [advisoryReadFilter(viewer) as Filter<AdvisoryDoc>];
    if (f.status) clauses.push({ status: f.status });
    if (f.severity) clauses.push({ severity: f.severity });
    if (f.issuerOrgId) clauses.push({ issuerOrgId: f.issuerOrgId });
    const now = f.now ?? new Date();
    if (f.inForce === true) clauses.push({ status: 'active', expiresAt: { $gt: now } });
    if (f.inForce === false) {
      clauses.push({ $or: [{ status: 'withdrawn' }, { expiresAt: { $lte: now } }] });
    }
    if (f.cursor) {
      clauses.push({
        $or: [
          { updatedAt: { $gt: f.cursor.updatedAt } },
          { updatedAt: f.cursor.updatedAt, _id: { $gt: f.cursor.id } },
        ],
      } as Filter<AdvisoryDoc>);
    }
    const docs = await this.advisories
      .find({ $and: clauses } as Filter<AdvisoryDoc>)
      .sort({ updatedAt: 1, _id: 1 })
      .limit(f.limit + 1)
      .toArray();
    const items = docs.slice(0, f.limit).filter((d) => visible(viewer, d));
    const last = items[items.length - 1];
    return {
      items,
      next: docs.length > f.limit && last ? { updatedAt: last.updatedAt, id: last._id } : null,
    };
  }

  /**
   * For the issuer and the cabinet office only (null, i.e. 404, for everyone else): who
   * acknowledged, and which operators in the audience (from the organisations read model)
   * have not.
   */
  async acknowledgements(viewer: Organisation, id: string): Promise<AcknowledgementReport | null> {
    const doc = await this.findVisible(viewer, id);
    if (!doc || !seesAcknowledgements(viewer, doc)) return null;
    return acknowledgementReport(doc, await this.organisations());
  }

  /**
   * The acknowledgement rate of every advisory in force whose acknowledgements the viewer may
   * see (its own as issuer; all of them for the cabinet office; none for anyone else), newest
   * change last. At most `max` advisories; `truncated` says when there were more.
   */
  async acknowledgementRates(
    viewer: Organisation,
    now = new Date(),
    max = 1_000,
  ): Promise<{ items: AcknowledgementRate[]; truncated: boolean }> {
    const items: AcknowledgementRate[] = [];
    const organisations = await this.organisations();
    let cursor: AdvisoryListFilter['cursor'];
    for (;;) {
      const page = await this.list(viewer, {
        inForce: true,
        now,
        limit: 200,
        ...(viewer.kind === 'cabinet-office' ? {} : { issuerOrgId: viewer.id }),
        ...(cursor ? { cursor } : {}),
      });
      for (const doc of page.items) {
        if (!seesAcknowledgements(viewer, doc)) continue;
        if (items.length === max) return { items, truncated: true };
        const report = acknowledgementReport(doc, organisations);
        const expectedAcks = report.acknowledged.filter((a) => a.expected).length;
        items.push({
          advisoryId: doc._id,
          title: doc.title,
          tlp: doc.tlp,
          severity: doc.severity,
          status: doc.status,
          issuerOrgId: doc.issuerOrgId,
          expiresAt: doc.expiresAt,
          expected: report.expected,
          acknowledged: expectedAcks,
          rate: report.expected === 0 ? null : expectedAcks / report.expected,
        });
      }
      if (!page.next) return { items, truncated: false };
      cursor = page.next;
    }
  }

  /** Every registered organisation as a reader: with its council standing now. */
  async organisations(): Promise<Reader[]> {
    const [docs, bound] = await Promise.all([
      this.organisationDocs.find({}).toArray(),
      this.boundCouncilMembers(),
    ]);
    return docs.map((d): Reader => {
      const o = toOrganisation(d);
      return bound.has(o.id) ? { ...o, councilBound: true } : o;
    });
  }

  /** Ids of every organisation of these kinds: the fan-out's recipients of a kind audience. */
  async orgIdsOfKinds(kinds: string[]): Promise<string[]> {
    if (kinds.length === 0) return [];
    const docs = await this.organisationDocs
      .find({ kind: { $in: kinds } } as Filter<OrganisationDoc>)
      .toArray();
    return docs.map((d) => d._id).sort();
  }

  /** The kind of each registered organisation among these: the fan-out's readers of their topics. */
  async kindsOf(orgIds: string[]): Promise<Map<string, OrgKind>> {
    if (orgIds.length === 0) return new Map();
    const docs = await this.organisationDocs
      .find({ _id: { $in: orgIds } } as Filter<OrganisationDoc>)
      .toArray();
    return new Map(docs.map((d) => [d._id, toOrganisation(d).kind]));
  }

  /** The registered organisations that would read an advisory with this label and audience. */
  async readersOf(item: {
    issuerOrgId: string;
    tlp: Tlp;
    audience: AdvisoryDoc['audience'];
  }): Promise<Organisation[]> {
    return (await this.organisations()).filter((o) => canReadAdvisory(o, item));
  }
}
