import { Injectable } from '@nestjs/common';
import { advisoryToStix, type AdvisoryStixView } from '@acd/advisories/domain';
import { AdvisoryQueries, type AdvisoryDoc } from '@acd/advisories';
import {
  referencesOf,
  readableReferenceIds,
  stixId,
  type Organisation,
  type Tlp,
} from '@acd/identity';
import {
  IndicatorStixQueries,
  indicatorToStix,
  toStixView,
  type StixVersionItem,
} from '@acd/indicators';
import { ReferenceLookup } from '../common/reference.lookup';
import { PublisherNames } from '../indicators/publisher-names';
import {
  asChangePlace,
  asLogPlace,
  decodeTaxiiCursor,
  encodeTaxiiCursor,
  type TaxiiFilters,
  type TaxiiListQuery,
} from './taxii-query';
import { STIX_MEDIA_TYPE } from './taxii.media';

/** One STIX object version on its way out, with what the headers and manifests need. */
export interface TaxiiObject {
  id: string;
  type: string;
  /** The version: the object's `modified`. */
  version: string;
  /** Date added, epoch ms. */
  dateAdded: number;
  tlp: Tlp;
  /** Shared in the council: every read of it is recorded, whatever its label. */
  council: boolean;
  object: Record<string, unknown>;
}

export interface TaxiiPage {
  objects: TaxiiObject[];
  more: boolean;
  next?: string;
}

export interface CollectionInfo {
  id: string;
  title: string;
  description: string;
  alias: string;
  can_read: boolean;
  can_write: boolean;
  media_types: string[];
}

const INDICATORS_ID = stixId('collection', 'indicators').slice('collection--'.length);
const ADVISORIES_ID = stixId('collection', 'advisories').slice('collection--'.length);

/**
 * The API root's collections. `indicators` is read from the STIX version log (every version,
 * whole, nothing fetched per object); `advisories` from the advisories read model (each
 * advisory's current version: its report and courses of action). Every object version passes
 * the entitlement policy for the caller; one it may not read is not listed, counted or found.
 */
@Injectable()
export class TaxiiCollections {
  constructor(
    private readonly stix: IndicatorStixQueries,
    private readonly advisories: AdvisoryQueries,
    private readonly references: ReferenceLookup,
    private readonly names: PublisherNames,
  ) {}

  infos(): CollectionInfo[] {
    return [
      {
        id: INDICATORS_ID,
        alias: 'indicators',
        title: 'Indicators',
        description:
          'Threat indicators published on the bus, every version, as STIX 2.1 indicators marked with TLP 2.0. Writable: add STIX indicators to publish them.',
        can_read: true,
        can_write: true,
        media_types: [STIX_MEDIA_TYPE],
      },
      {
        id: ADVISORIES_ID,
        alias: 'advisories',
        title: 'Advisories',
        description:
          'Advisories issued on the bus, as STIX 2.1 reports with their courses of action (each advisory in its current version).',
        can_read: true,
        can_write: false,
        media_types: [STIX_MEDIA_TYPE],
      },
    ];
  }

  /** The collection by its id or alias; undefined when there is none. */
  find(idOrAlias: string): CollectionInfo | undefined {
    return this.infos().find((c) => c.id === idOrAlias || c.alias === idOrAlias);
  }

  async page(viewer: Organisation, c: CollectionInfo, q: TaxiiListQuery): Promise<TaxiiPage> {
    return c.alias === 'indicators'
      ? this.indicatorPage(viewer, c, q)
      : this.advisoryPage(viewer, c, q);
  }

  /** The versions of one object the viewer may read that the filters select, oldest first. */
  async versions(
    viewer: Organisation,
    c: CollectionInfo,
    id: string,
    f: TaxiiFilters,
  ): Promise<TaxiiObject[]> {
    if (c.alias === 'indicators') {
      if (!id.startsWith('indicator--')) return [];
      const items = await this.stix.versionsOf(viewer, id, {
        ...(f.addedAfter !== undefined ? { addedAfter: f.addedAfter } : {}),
        versions: f.versions,
      });
      return this.passing(
        items.map((i) => this.indicatorObject(viewer, i)),
        f,
      );
    }
    // A report or a course of action: its id is derived from the advisory's, not the other way
    // round, so the advisory is looked for among those the viewer may read (advisories number in
    // the thousands, not millions; each holds its current version only).
    if (!id.startsWith('report--') && !id.startsWith('course-of-action--')) return [];
    // Which advisory made the id is decided from the advisory alone (its report's and actions'
    // derived ids); only that one is presented, with its references looked up.
    const makes = (doc: AdvisoryDoc) =>
      stixId('report', doc._id) === id ||
      doc.recommendedActions.some((_, i) => stixId('course-of-action', `${doc._id}#${i}`) === id);
    let cursor: { updatedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.advisories.list(viewer, {
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      const doc = page.items.find(makes);
      if (doc) return (await this.advisoryObjects(viewer, doc, f)).filter((o) => o.id === id);
      if (!page.next) return [];
      cursor = page.next;
    }
  }

  private passing(objects: TaxiiObject[], f: TaxiiFilters): TaxiiObject[] {
    return objects.filter(
      (o) =>
        (!f.types || f.types.has(o.type)) &&
        (!f.specVersions || f.specVersions.has('2.1')) &&
        (!f.ids || f.ids.has(o.id)),
    );
  }

  /**
   * `shownNames` remembers, for one answer, how each publisher is shown to the viewer: a page of
   * a thousand indicators has a handful of publishers, and a pseudonym costs an HMAC.
   */
  private indicatorObject(
    viewer: Organisation,
    i: StixVersionItem,
    shownNames = new Map<string, string>(),
  ): TaxiiObject {
    const key = `${i.naming.orgId}\u0000${i.naming.sector ?? ''}\u0000${i.naming.disclose}`;
    let name = shownNames.get(key);
    if (name === undefined) {
      const shown = this.names.present(viewer, {
        publisherOrgId: i.naming.orgId,
        publisherSector: i.naming.sector,
        disclosePublisher: i.naming.disclose,
      });
      name = (shown.orgId ?? shown.pseudonym) as string;
      shownNames.set(key, name);
    }
    const { indicator } = indicatorToStix(toStixView(i.view), name);
    return {
      id: i.id,
      type: 'indicator',
      version: indicator.modified,
      dateAdded: i.t,
      tlp: i.view.tlp,
      council: i.council,
      object: indicator as unknown as Record<string, unknown>,
    };
  }

  private async indicatorPage(
    viewer: Organisation,
    c: CollectionInfo,
    q: TaxiiListQuery,
  ): Promise<TaxiiPage> {
    if ((q.types && !q.types.has('indicator')) || (q.specVersions && !q.specVersions.has('2.1'))) {
      return { objects: [], more: false };
    }
    const from = q.next ? asLogPlace(decodeTaxiiCursor(c.id, q, q.next)) : undefined;
    const page = await this.stix.objects(viewer, {
      ...(q.addedAfter !== undefined ? { addedAfter: q.addedAfter } : {}),
      ...(q.ids ? { ids: q.ids } : {}),
      versions: q.versions,
      limit: q.limit,
      ...(from ? { from } : {}),
    });
    const shownNames = new Map<string, string>();
    return {
      objects: page.items.map((i) => this.indicatorObject(viewer, i, shownNames)),
      more: page.more,
      // With the last page too: a client that resumes from it later gets exactly what was added
      // since, which `added_after` cannot promise across partitions.
      ...(page.more || page.items.length > 0
        ? { next: encodeTaxiiCursor(c.id, q, { g: page.next.generation, p: page.next.position }) }
        : {}),
    };
  }

  /**
   * Advisories in change order. A page holds whole advisories (a report and its courses of
   * action), as many as fit in `limit` (one at least).
   */
  private async advisoryPage(
    viewer: Organisation,
    c: CollectionInfo,
    q: TaxiiListQuery,
  ): Promise<TaxiiPage> {
    const after = q.next ? asChangePlace(decodeTaxiiCursor(c.id, q, q.next)) : undefined;
    const objects: TaxiiObject[] = [];
    let place = after;
    let more = false;
    for (;;) {
      const page = await this.advisories.list(viewer, {
        limit: Math.min(100, q.limit),
        ...(place ? { cursor: { updatedAt: new Date(place.t), id: place.id } } : {}),
      });
      let full = false;
      for (const doc of page.items) {
        const objs = await this.advisoryObjects(viewer, doc, q);
        if (objects.length > 0 && objects.length + objs.length > q.limit) {
          full = true;
          break;
        }
        objects.push(...objs);
        place = { t: new Date(doc.updatedAt).getTime(), id: doc._id };
        if (objects.length >= q.limit) {
          full = true;
          break;
        }
      }
      if (full) {
        more = true;
        break;
      }
      if (!page.next) break;
    }
    return {
      objects,
      more,
      ...(more && place ? { next: encodeTaxiiCursor(c.id, q, place) } : {}),
    };
  }

  private async advisoryObjects(
    viewer: Organisation,
    doc: AdvisoryDoc,
    f: TaxiiFilters,
  ): Promise<TaxiiObject[]> {
    const t = new Date(doc.updatedAt).getTime();
    if (f.addedAfter !== undefined && t <= f.addedAfter) return [];
    const terms = await this.references.termsOf(referencesOf(doc));
    const view: AdvisoryStixView = {
      advisoryId: doc._id,
      title: doc.title,
      summary: doc.summary,
      severity: doc.severity,
      tlp: doc.tlp as Tlp,
      indicatorIds: readableReferenceIds(viewer, 'indicator', doc.indicatorIds, terms),
      recommendedActions: doc.recommendedActions,
      status: doc.status,
      issuedAt: new Date(doc.issuedAt),
      updatedAt: new Date(doc.updatedAt),
    };
    const { report, actions } = advisoryToStix(view, doc.issuerOrgId);
    const modified = report.modified;
    // One version kept per advisory: it is the first, the last and every version there is.
    const v = f.versions;
    if (!(v.all || v.last || v.first || v.at.has(modified))) return [];
    const all = [report, ...actions].map((o): TaxiiObject => ({
      id: o.id,
      type: o.type,
      version: o.modified,
      dateAdded: t,
      tlp: doc.tlp as Tlp,
      council: doc.audience.council === true,
      object: o as unknown as Record<string, unknown>,
    }));
    return this.passing(all, f);
  }
}
