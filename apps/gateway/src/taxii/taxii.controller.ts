import { createHash, randomUUID } from 'node:crypto';
import {
  All,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  SetMetadata,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBearerAuth,
  ApiExcludeEndpoint,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Organisation } from '@acd/identity';
import { STIX_CONTEXT_TYPES, indicatorFromStix, publishIndicatorSchema } from '@acd/indicators';
import type { GatewayConfig } from '@acd/config';
import { GATEWAY_CONFIG } from '../bus/bus.module';
import { AuditTrail } from '../audit/audit-trail.service';
import { BASIC_AUTH_ALLOWED, CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';
import { badRequest, issuesOf } from '../common/zod-validation.pipe';
import { commandFailure, notFound } from '../common/command-outcome';
import { commandOptions, type CommandOptions } from '../common/command-sender';
import { requestDigest } from '../common/request-digest';
import { IndicatorCommands } from '../indicators/indicator-commands.service';
import { TaxiiCollections, type CollectionInfo, type TaxiiObject } from './taxii-collections';
import { sizeInBytes } from './taxii-edge';
import { TaxiiErrorsFilter } from './taxii-errors.filter';
import { parseListQuery, TAXII_DEFAULT_PAGE, TAXII_MAX_PAGE } from './taxii-query';
import { TaxiiStatusStore, type TaxiiStatus } from './taxii-status.store';
import { sendTaxii, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from './taxii.media';

/** Most objects one `add objects` request may carry. */
export const TAXII_MAX_OBJECTS = 1_000;
/** Objects of one request published at once. */
const PUBLISH_CONCURRENCY = 32;

const listQueries = [
  ApiQuery({
    name: 'added_after',
    required: false,
    description: 'Strictly after this date added (RFC 3339)',
  }),
  ApiQuery({
    name: 'limit',
    required: false,
    description: `1 to ${TAXII_MAX_PAGE}, default ${TAXII_DEFAULT_PAGE}`,
  }),
  ApiQuery({
    name: 'next',
    required: false,
    description: 'The `next` of the previous page (opaque)',
  }),
  ApiQuery({ name: 'match[id]', required: false, description: 'Comma-separated STIX ids' }),
  ApiQuery({ name: 'match[type]', required: false, description: 'Comma-separated STIX types' }),
  ApiQuery({
    name: 'match[version]',
    required: false,
    description: '`last` (default), `first`, `all`, or `modified` timestamps; comma-separated',
  }),
  ApiQuery({ name: 'match[spec_version]', required: false, description: 'Only `2.1` is served' }),
];
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (target, key, descriptor) => {
    for (const d of decorators) d(target, key, descriptor);
  };

/**
 * TAXII 2.1 (OASIS, 2021): discovery at /taxii2/, one API root at /taxii2/api/, collections
 * `indicators` (read and write) and `advisories` (read). Basic (organisation id, token) or Bearer.
 * Every answer is in `application/taxii+json;version=2.1`; the edge middleware has already
 * refused what a client cannot accept (406), a POST not in that type (415) and too large (413).
 */
@ApiTags('taxii')
@ApiBearerAuth()
@ApiBasicAuth()
@ApiProduces(TAXII_MEDIA_TYPE)
@SetMetadata(BASIC_AUTH_ALLOWED, true)
@UseFilters(TaxiiErrorsFilter)
@Controller('taxii2')
export class TaxiiController {
  private readonly maxContentLength: number;

  constructor(
    private readonly collections: TaxiiCollections,
    private readonly statuses: TaxiiStatusStore,
    private readonly indicators: IndicatorCommands,
    private readonly audit: AuditTrail,
    @Inject(GATEWAY_CONFIG) cfg: GatewayConfig,
  ) {
    this.maxContentLength = sizeInBytes(cfg.ACD_TAXII_MAX_CONTENT);
  }

  @Get()
  @ApiOperation({ summary: 'TAXII discovery: the server and its API root' })
  discovery(@Req() req: Request, @Res() res: Response): void {
    const root = `${baseUrl(req)}/taxii2/api/`;
    send(res, 200, {
      title: 'ACD threat-sharing bus',
      description:
        "TAXII 2.1 for Japan's Active Cyber Defense bus: indicators and advisories, TLP 2.0 enforced per reader.",
      default: root,
      api_roots: [root],
    });
  }

  @Get('api')
  @ApiOperation({ summary: 'The API root' })
  apiRoot(@Res() res: Response): void {
    send(res, 200, {
      title: 'ACD bus',
      description: 'Indicators and advisories of the bus',
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: this.maxContentLength,
    });
  }

  @Get('api/status/:statusId')
  @ApiOperation({ summary: 'The status of an add-objects request (yours only)' })
  async status(
    @CurrentOrg() org: Organisation,
    @Param('statusId') statusId: string,
    @Res() res: Response,
  ): Promise<void> {
    const status = /^[0-9a-f-]{36}$/.test(statusId)
      ? await this.statuses.find(org.id, statusId)
      : null;
    if (!status) throw notFound();
    send(res, 200, status);
  }

  @Get('api/collections')
  @ApiOperation({ summary: 'The collections' })
  list(@Res() res: Response): void {
    send(res, 200, { collections: this.collections.infos() });
  }

  @Get('api/collections/:collectionId')
  @ApiParam({ name: 'collectionId', description: 'Id or alias (`indicators`, `advisories`)' })
  @ApiOperation({ summary: 'One collection' })
  collection(@Param('collectionId') id: string, @Res() res: Response): void {
    send(res, 200, this.collectionOr404(id));
  }

  @Get('api/collections/:collectionId/objects')
  @ApiOperation({ summary: 'Objects you may read, in the order they were added, paged by `next`' })
  @applyAll(listQueries)
  @ApiResponse({ status: 200, description: 'An envelope: `more`, `next`, `objects`' })
  async objects(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Param('collectionId') id: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const page = await this.listed(org, subject, id, query, 'objects');
    dateAddedHeaders(res, page.objects);
    send(res, 200, {
      more: page.more,
      ...(page.next ? { next: page.next } : {}),
      ...(page.objects.length > 0 ? { objects: page.objects.map((o) => o.object) } : {}),
    });
  }

  @Get('api/collections/:collectionId/manifest')
  @ApiOperation({ summary: 'The manifest of the objects you may read (same filters as objects)' })
  @applyAll(listQueries)
  async manifest(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Param('collectionId') id: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    // A manifest names RED and AMBER objects and their versions: on record like a read.
    const page = await this.listed(org, subject, id, query, 'manifest');
    dateAddedHeaders(res, page.objects);
    send(res, 200, {
      more: page.more,
      ...(page.next ? { next: page.next } : {}),
      ...(page.objects.length > 0
        ? {
            objects: page.objects.map((o) => ({
              id: o.id,
              date_added: new Date(o.dateAdded).toISOString(),
              version: o.version,
              media_type: STIX_MEDIA_TYPE,
            })),
          }
        : {}),
    });
  }

  @Get('api/collections/:collectionId/objects/:objectId')
  @ApiOperation({ summary: 'One object (its last version unless match[version] says otherwise)' })
  @ApiResponse({ status: 404, description: 'No such object, or none you may read' })
  async object(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Param('collectionId') id: string,
    @Param('objectId') objectId: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const c = this.collectionOr404(id);
    const q = parseListQuery(query, { version: 'last' });
    const all = await this.collections.versions(org, c, objectId, q);
    const page = pageOf(all, q.limit, q.next);
    if (all.length === 0) throw notFound();
    await this.recordRead(
      org,
      subject,
      'GET /taxii2/api/collections/:id/objects/:objectId',
      { objectId, ...query },
      page.items,
    );
    dateAddedHeaders(res, page.items);
    send(res, 200, {
      more: page.more,
      ...(page.next ? { next: page.next } : {}),
      objects: page.items.map((o) => o.object),
    });
  }

  @Get('api/collections/:collectionId/objects/:objectId/versions')
  @ApiOperation({ summary: 'The versions of one object you may read (each its `modified`)' })
  async versions(
    @CurrentOrg() org: Organisation,
    @Param('collectionId') id: string,
    @Param('objectId') objectId: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const c = this.collectionOr404(id);
    const q = parseListQuery(query, { version: 'all' });
    const all = await this.collections.versions(org, c, objectId, {
      ...q,
      versions: { ...q.versions, all: true },
    });
    if (all.length === 0) throw notFound();
    const page = pageOf(all, q.limit, q.next);
    dateAddedHeaders(res, page.items);
    send(res, 200, {
      more: page.more,
      ...(page.next ? { next: page.next } : {}),
      versions: page.items.map((o) => o.version),
    });
  }

  @Post('api/collections/:collectionId/objects')
  @ApiOperation({
    summary: 'Add objects: each STIX indicator is published under your organisation',
    description:
      'Answers 202 with a status resource once every object is decided: `successes` were published (or already were), `failures` carry the reason (a pattern the bus cannot hold, no TLP marking, an AMBER indicator without an audience, not an indicator...). Nothing is dropped without a word.',
  })
  @ApiResponse({ status: 202, description: 'A status resource' })
  @ApiResponse({ status: 403, description: 'The collection is not writable' })
  @ApiResponse({
    status: 413,
    description: `Over max_content_length, or over ${TAXII_MAX_OBJECTS} objects`,
  })
  @ApiResponse({ status: 415, description: 'Not application/taxii+json;version=2.1' })
  async add(
    @CurrentOrg() org: Organisation,
    @Param('collectionId') id: string,
    @Req() req: Request & { subject?: string },
    @Res() res: Response,
  ): Promise<void> {
    const c = this.collectionOr404(id);
    if (!c.can_write) {
      send(res, 403, {
        title: 'Forbidden',
        description: 'this collection is read-only',
        http_status: '403',
      });
      return;
    }
    const objects = (req.body as { objects?: unknown } | null)?.objects;
    if (!Array.isArray(objects) || objects.length === 0) {
      throw badRequest([
        { field: 'objects', reason: 'an envelope with a non-empty objects array' },
      ]);
    }
    if (objects.length > TAXII_MAX_OBJECTS) {
      send(res, 413, {
        title: 'Content Too Large',
        description: `at most ${TAXII_MAX_OBJECTS} objects per request`,
        http_status: '413',
      });
      return;
    }
    const started = new Date();
    const opts = commandOptions(req, undefined, undefined);
    const outcomes = await mapLimited(objects, PUBLISH_CONCURRENCY, (obj) =>
      this.addOne(org, obj, opts),
    );
    const successes = outcomes.filter((o) => o.ok).map(({ ok: _ok, ...rest }) => rest);
    const failures = outcomes
      .filter((o): o is Outcome & { message: string } => !o.ok)
      .map(({ ok: _ok, ...rest }) => rest);
    const status: TaxiiStatus = {
      id: randomUUID(),
      status: 'complete',
      request_timestamp: started.toISOString(),
      total_count: objects.length,
      success_count: successes.length,
      successes,
      failure_count: failures.length,
      failures,
      pending_count: 0,
      pendings: [],
    };
    await this.statuses.save(org.id, status);
    send(res, 202, status);
  }

  private async addOne(org: Organisation, obj: unknown, opts: CommandOptions): Promise<Outcome> {
    const rec = (typeof obj === 'object' && obj !== null ? obj : {}) as Record<string, unknown>;
    const id = typeof rec.id === 'string' ? rec.id.slice(0, 300) : '(no id)';
    const version = typeof rec.modified === 'string' ? { version: rec.modified.slice(0, 40) } : {};
    if (typeof rec.type === 'string' && STIX_CONTEXT_TYPES.has(rec.type)) {
      return {
        ok: false,
        id,
        ...version,
        message: `not stored: this collection holds indicators, and a ${rec.type} only describes them`,
      };
    }
    const imported = indicatorFromStix(obj);
    if (!imported.ok) return { ok: false, id, ...version, message: imported.reason };
    const parsed = publishIndicatorSchema.safeParse(imported.indicator);
    if (!parsed.success) {
      const issue = issuesOf(parsed.error)[0];
      return {
        ok: false,
        id,
        ...version,
        message: issue ? `${issue.field}: ${issue.reason}` : 'invalid',
      };
    }
    try {
      // Keyed by the object's id and version: the same object sent again, in this envelope or
      // another, is the same request, answered from the log and never published twice.
      const key = createHash('sha256')
        .update(`${id}\u0000${version.version ?? ''}`)
        .digest('base64url');
      const accepted = await this.indicators.publish(org, parsed.data, {
        correlationId: opts.correlationId,
        ...(opts.subject ? { subject: opts.subject } : {}),
        idempotencyKey: `taxii:${key}`,
        requestDigest: requestDigest('POST', '/taxii2/api/collections/indicators/objects', obj),
      });
      return {
        ok: true,
        id,
        ...version,
        message: accepted.duplicate ? 'already published' : `published as indicator ${accepted.id}`,
      };
    } catch (err) {
      const http = commandFailure(err);
      const body = http.getResponse() as {
        message?: unknown;
        issues?: { field?: string; reason?: string }[];
      };
      const first = Array.isArray(body.issues) ? body.issues[0] : undefined;
      const message = first
        ? `${first.field}: ${first.reason}`
        : typeof body.message === 'string'
          ? body.message
          : http.message;
      return { ok: false, id, ...version, message: `${http.getStatus()}: ${message}` };
    }
  }

  /** Anything else under /taxii2/: a TAXII error, never the framework's own page. */
  @All('*rest')
  @ApiExcludeEndpoint()
  unknown(@Req() req: Request, @Res() res: Response): void {
    if (req.method === 'GET' || req.method === 'POST') throw notFound();
    res.setHeader('Allow', 'GET, POST');
    send(res, 405, {
      title: 'Method Not Allowed',
      description: 'this server answers GET, and POST to a writable collection',
      http_status: '405',
    });
  }

  /** A page of a collection for `objects` or `manifest`, its RED and AMBER items on record. */
  private async listed(
    org: Organisation,
    subject: string | undefined,
    id: string,
    query: Record<string, unknown>,
    route: 'objects' | 'manifest',
  ) {
    const c = this.collectionOr404(id);
    const page = await this.collections.page(org, c, parseListQuery(query, { version: 'last' }));
    await this.recordRead(
      org,
      subject,
      `GET /taxii2/api/collections/:id/${route}`,
      query,
      page.objects,
    );
    return page;
  }

  private collectionOr404(id: string): CollectionInfo {
    const c = this.collections.find(id);
    if (!c) throw notFound();
    return c;
  }

  /** RED and AMBER objects leave the gateway only once their read is on record. */
  private async recordRead(
    org: Organisation,
    subject: string | undefined,
    route: string,
    query: Record<string, unknown>,
    objects: TaxiiObject[],
  ): Promise<void> {
    await this.audit.recordRead({
      org,
      subject,
      route,
      query,
      items: objects.map((o) => ({
        kind: o.type,
        id: o.id,
        tlp: o.tlp,
        ...(o.council ? { council: true } : {}),
      })),
    });
  }
}

type Outcome =
  | { ok: true; id: string; version?: string; message?: string }
  | { ok: false; id: string; version?: string; message: string };

const send = sendTaxii;

/** The server's own address as the client reached it (TAXII lists API roots as URLs). */
function baseUrl(req: Request): string {
  const host = req.get('host') ?? 'localhost';
  return `${req.protocol}://${/^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : 'localhost'}`;
}

function dateAddedHeaders(res: Response, objects: TaxiiObject[]): void {
  if (objects.length === 0) return;
  const times = objects.map((o) => o.dateAdded);
  res.setHeader('X-TAXII-Date-Added-First', new Date(Math.min(...times)).toISOString());
  res.setHeader('X-TAXII-Date-Added-Last', new Date(Math.max(...times)).toISOString());
}

/** A page of one object's versions (a handful): `next` is the index to continue from. */
function pageOf<T>(items: T[], limit: number, next: string | undefined) {
  let start = 0;
  if (next !== undefined) {
    if (!/^\d{1,6}$/.test(next) || Number(next) > items.length) {
      throw badRequest([{ field: 'next', reason: 'not a cursor this server issued' }]);
    }
    start = Number(next);
  }
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { items: slice, more, ...(more ? { next: String(start + limit) } : {}) };
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const k = next++;
        out[k] = await fn(items[k] as T);
      }
    }),
  );
  return out;
}
