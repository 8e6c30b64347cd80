import {
  All,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiExcludeEndpoint,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Organisation } from '@acd/identity';
import {
  normaliseIndicatorValue,
  IndicatorQueries,
  indicatorIdSchema,
  listIndicatorsSchema,
  MAX_BATCH_ITEMS,
  publishBatchDocSchema,
  publishBatchSchema,
  publishIndicatorSchema,
  revokeIndicatorSchema,
  sightingSchema,
} from '@acd/indicators';
import { CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';
import { AuditTrail, labelledReadItem } from '../audit/audit-trail.service';
import { openApiSchema } from '../common/openapi';
import {
  badRequest,
  issuesOf,
  ZodValidationPipe,
  type FieldIssue,
} from '../common/zod-validation.pipe';
import { commandFailure, notFound } from '../common/command-outcome';
import { IndicatorCommands } from './indicator-commands.service';
import { commandOptions, partOf } from '../common/command-sender';
import { CommandHeaders } from '../common/command-headers';
import { decodeIndicatorCursor, encodeFeedCursor, presentIndicator } from './indicator.presenter';
import { PublisherNames } from './publisher-names';

const idPipe = new ZodValidationPipe(indicatorIdSchema);

@ApiTags('indicators')
@ApiBearerAuth()
@Controller('v1/indicators')
export class IndicatorsController {
  constructor(
    private readonly commands: IndicatorCommands,
    private readonly queries: IndicatorQueries,
    private readonly names: PublisherNames,
    private readonly audit: AuditTrail,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Publish an indicator, or update its terms if you already published the same type and value',
  })
  @ApiBody({ schema: openApiSchema(publishIndicatorSchema) })
  @ApiResponse({ status: 201, description: 'Published (new indicator)' })
  @ApiResponse({
    status: 200,
    description: 'Updated, or unchanged, or a retry of an accepted request',
  })
  @ApiResponse({ status: 400, description: 'Invalid input: the field and the reason' })
  @ApiResponse({ status: 413, description: 'Body too large' })
  @ApiResponse({
    status: 422,
    description: 'Refused by the domain (e.g. AMBER without an audience)',
  })
  @CommandHeaders()
  async publish(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(publishIndicatorSchema))
    body: ReturnType<typeof publishIndicatorSchema.parse>,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accepted = await this.commands.publish(org, body, commandOptions(req, key, ifMatch));
    res.status(createdBy(accepted) ? 201 : 200);
    res.setHeader('Location', `/v1/indicators/${accepted.id}`);
    return accepted;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: `Publish up to ${MAX_BATCH_ITEMS} indicators in one request, each decided on its own`,
    description:
      'Always 200 when the envelope is valid (multi-status semantics inside a 200): `results` has one entry per item, in order, with the status that item would have had on POST /v1/indicators (201 new, 200 updated or unchanged or a retry, 400 invalid, 409, 422 refused, 504 outcome unknown). A bad item never fails the others. With an Idempotency-Key, item i is published under the key `<key>.<i>`, so retrying the same batch publishes nothing twice.',
  })
  @ApiBody({ schema: openApiSchema(publishBatchDocSchema) })
  @ApiResponse({
    status: 200,
    description:
      '{"results": [{"index", "status", "id"?, "version"?, "duplicate"?, "error"?: {"message", "field"?}}]}',
  })
  @ApiResponse({ status: 400, description: 'Not a batch: `items` missing, empty or too long' })
  @ApiResponse({ status: 413, description: 'Body too large: send smaller batches' })
  @CommandHeaders(false)
  async publishBatch(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(publishBatchSchema))
    body: ReturnType<typeof publishBatchSchema.parse>,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
  ): Promise<{ results: BatchItemResult[] }> {
    const opts = commandOptions(req, key, undefined);
    if (opts.idempotencyKey && opts.idempotencyKey.length > 190)
      throw badRequest([{ field: 'Idempotency-Key', reason: 'at most 190 characters in a batch' }]);
    const results = await Promise.all(
      body.items.map(async (item, index): Promise<BatchItemResult> => {
        const parsed = publishIndicatorSchema.safeParse(item);
        if (!parsed.success) {
          const issues = issuesOf(parsed.error);
          return {
            index,
            status: 400,
            error: { message: issues[0]?.reason ?? 'invalid', field: issues[0]?.field, issues },
          };
        }
        try {
          const accepted = await this.commands.publish(
            org,
            parsed.data,
            partOf(opts, `.${index}`, item),
          );
          return {
            index,
            status: createdBy(accepted) ? 201 : 200,
            id: accepted.id,
            version: accepted.version,
            duplicate: accepted.duplicate,
          };
        } catch (err) {
          return { index, ...batchItemFailure(err) };
        }
      }),
    );
    return { results };
  }

  /**
   * `batch` is a POST-only route: without this, `GET /v1/indicators/batch` would be taken for
   * an indicator id and refused as a malformed one (400). Declared before `:id`, so it wins.
   */
  @All('batch')
  @ApiExcludeEndpoint()
  batchOtherMethods(@Res() res: Response): void {
    res.setHeader('Allow', 'POST');
    res.status(405).json({
      statusCode: 405,
      error: 'Method Not Allowed',
      message: 'POST /v1/indicators/batch only',
    });
  }

  @Get()
  @ApiOperation({
    summary: 'List the indicators you may read, oldest change first, with cursor pagination',
    description:
      'Each call walks the change feed for at most 5 s: with a filter that matches little of a very large model, a page may hold fewer than `limit` items (even none) and a `next` cursor to continue from. `next` is null at the end.',
  })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'value', required: false })
  @ApiQuery({ name: 'tlp', required: false })
  @ApiQuery({ name: 'sector', required: false, description: "The publisher's sector" })
  @ApiQuery({ name: 'updatedSince', required: false, description: 'ISO-8601 date-time' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'next', required: false, description: 'Cursor from the previous page' })
  async list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listIndicatorsSchema))
    q: ReturnType<typeof listIndicatorsSchema.parse>,
    @CurrentSubject() subject: string | undefined,
  ) {
    let value = q.value;
    if (value !== undefined && q.type) {
      const n = normaliseIndicatorValue(q.type, value);
      if (!n.ok) throw badRequest([{ field: 'value', reason: n.reason }]);
      value = n.value;
    }
    const cursor = q.next ? decodeIndicatorCursor(q.next) : undefined;
    if (cursor === null)
      throw badRequest([{ field: 'next', reason: 'not a cursor this API issued' }]);
    const page = await this.queries.list(org, {
      ...(q.type ? { indicatorType: q.type } : {}),
      ...(value ? { value } : {}),
      ...(q.tlp ? { tlp: q.tlp } : {}),
      ...(q.sector ? { sector: q.sector } : {}),
      ...(q.updatedSince ? { updatedSince: new Date(q.updatedSince) } : {}),
      ...(cursor ? { cursor } : {}),
      limit: q.limit,
    });
    // RED and AMBER reads are on record before they leave the gateway.
    await this.audit.recordRead({
      org,
      subject,
      route: 'GET /v1/indicators',
      query: q,
      items: page.items.map((d) => labelledReadItem('indicator', d)),
    });
    return {
      items: page.items.map((d) => presentIndicator(d, org, this.names)),
      next: page.next ? encodeFeedCursor(page.next) : null,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One indicator; 404 when it does not exist or you may not read it' })
  @ApiParam({ name: 'id' })
  async get(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @CurrentSubject() subject: string | undefined,
  ) {
    const doc = await this.queries.findVisible(org, id);
    if (!doc) throw notFound();
    await this.audit.recordRead({
      org,
      subject,
      route: 'GET /v1/indicators/:id',
      query: { id },
      items: [labelledReadItem('indicator', doc)],
    });
    return presentIndicator(doc, org, this.names);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an indicator you published' })
  @ApiBody({ schema: openApiSchema(revokeIndicatorSchema) })
  @CommandHeaders()
  async revoke(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(revokeIndicatorSchema)) body: { reason: string },
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
  ) {
    return this.commands.revoke(org, id, body.reason, commandOptions(req, key, ifMatch));
  }

  @Post(':id/sightings')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report that you saw an indicator' })
  @ApiBody({ schema: openApiSchema(sightingSchema) })
  async sight(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(sightingSchema)) body: ReturnType<typeof sightingSchema.parse>,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
  ) {
    return this.commands.sight(org, id, body, commandOptions(req, key, undefined));
  }
}

/**
 * Whether this request made the indicator: its first event was written now. A republish of an
 * indicator still at version 1 that changes nothing writes no event, and is 200 (unchanged) like
 * any other unchanged republish; a retry is 200 with `duplicate`.
 */
function createdBy(accepted: { version: number; duplicate: boolean; eventIds: string[] }): boolean {
  return accepted.version === 1 && !accepted.duplicate && accepted.eventIds.length > 0;
}

/** One item's answer in a batch: the status it would have had on its own, and why if refused. */
export interface BatchItemResult {
  index: number;
  status: number;
  id?: string;
  version?: number;
  duplicate?: boolean;
  error?: {
    message: string;
    field?: string | undefined;
    issues?: FieldIssue[];
    currentVersion?: number;
  };
}

function batchItemFailure(err: unknown): Omit<BatchItemResult, 'index'> {
  const http = commandFailure(err);
  const res = http.getResponse();
  const body = (typeof res === 'object' && res !== null ? res : { message: String(res) }) as {
    message?: unknown;
    field?: unknown;
    issues?: FieldIssue[];
    currentVersion?: unknown;
  };
  const first = Array.isArray(body.issues) ? body.issues[0] : undefined;
  return {
    status: http.getStatus(),
    error: {
      message: first?.reason ?? (typeof body.message === 'string' ? body.message : http.message),
      ...(first?.field
        ? { field: first.field }
        : typeof body.field === 'string'
          ? { field: body.field }
          : {}),
      ...(body.issues ? { issues: body.issues } : {}),
      ...(typeof body.currentVersion === 'number' ? { currentVersion: body.currentVersion } : {}),
    },
  };
}
