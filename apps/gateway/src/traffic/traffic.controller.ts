import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { canReadReference, type Organisation } from '@acd/identity';
import { ReferenceLookup } from '../common/reference.lookup';
import {
  TrafficQueries,
  flowBatchSchema,
  listMatchesSchema,
  listSubmissionsSchema,
  matchIdSchema,
  metadataLookupSchema,
  type MetadataPurpose,
} from '@acd/traffic';
import { AuditTrail } from '../audit/audit-trail.service';
import { CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';
import { idempotencyKeySchema } from '../common/command-headers';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { pageCursor, presentPage } from '../reporting/reporting.paging';
import { FlowSubmissions } from './flow-submissions.service';
import { matchReferences, matchShown, presentMatch, presentSubmission } from './traffic.presenter';
import { notFound } from '../common/command-outcome';
import { PersonalTokenOnly } from '../auth/token-kind';
import { MetadataPurposeQueries } from './metadata-purpose.openapi';

const correlationOf = (req: Request): string => {
  const c = req.headers['x-correlation-id'];
  return typeof c === 'string' && c.length <= 100 ? c : randomUUID();
};

@ApiTags('traffic')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/traffic')
export class TrafficController {
  constructor(
    private readonly submissions: FlowSubmissions,
    private readonly queries: TrafficQueries,
    private readonly references: ReferenceLookup,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Every metadata query is on record before its answer leaves, whatever it returned, with the
   * purpose it stated (in `query`, the canonical JSON of its parameters). One without a purpose
   * never gets here: the query's schema answers 400 first, and nothing is recorded.
   */
  private async recordQuery(
    org: Organisation,
    subject: string | undefined,
    route: string,
    query: Record<string, unknown>,
    items: { kind: string; id: string }[],
  ): Promise<void> {
    await this.audit.recordRead(
      { org, subject, route, query, items: items.map((i) => ({ ...i, tlp: 'NONE' })) },
      { always: true },
    );
  }

  @Post('flow-batches')
  @ApiOperation({
    summary:
      'Submit a batch of cross-border flow records: a telecom operator under a live collection authorisation, or an operator under an agreement in force (every flow with an address in the networks it covers, else 422 naming the flow). Metadata only: unknown fields such as payload are refused. Flows with both ends in Japan are refused and counted; invalid records are reported by index and the rest accepted.',
  })
  @ApiBody({ schema: openApiSchema(flowBatchSchema) })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Names the batch: a retry with the same key publishes nothing again (200, duplicate: true).',
  })
  @ApiResponse({
    status: 202,
    description:
      '{batchId, authorisationId, received, accepted, refusedDomestic, refusedUnlocated, invalid: [{index, field, reason}], duplicate}',
  })
  @ApiResponse({
    status: 200,
    description: 'Already submitted under this Idempotency-Key: nothing published',
  })
  @ApiResponse({
    status: 400,
    description: 'Body shape wrong or an unknown field (field and reason)',
  })
  @ApiResponse({
    status: 403,
    description:
      'Neither a telecom operator nor an operator, no live collection authorisation or agreement, or one that does not cover the categories the flows carry: nothing accepted',
  })
  @ApiResponse({
    status: 413,
    description: 'Body over ACD_FLOW_BATCH_MAX_BODY or more than ACD_FLOW_BATCH_MAX_FLOWS records',
  })
  async submit(
    @CurrentOrg() org: Organisation,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const idempotencyKey = new ZodValidationPipe(idempotencyKeySchema).transform(key);
    const answer = await this.submissions.submit(org, body, idempotencyKey, correlationOf(req));
    res.status(answer.duplicate ? 200 : 202);
    res.setHeader('Location', `/v1/traffic/flow-batches/${answer.batchId}`);
    return answer;
  }

  @Get('flow-batches')
  @ApiOperation({
    summary:
      'Flow submissions with their counts: a telecom operator or an operator sees its own, the cabinet office and the oversight commission all; nobody else any',
  })
  @MetadataPurposeQueries()
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'next', required: false })
  async listSubmissions(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Query(new ZodValidationPipe(listSubmissionsSchema))
    q: MetadataPurpose & { limit: number; next?: string },
  ) {
    const page = await this.queries.listSubmissions(org, { limit: q.limit, ...pageCursor(q.next) });
    await this.recordQuery(
      org,
      subject,
      'GET /v1/traffic/flow-batches',
      q,
      page.items.map((d) => ({ kind: 'flow-batch', id: d._id })),
    );
    return presentPage(page, presentSubmission);
  }

  @Get('flow-batches/:id')
  @ApiOperation({ summary: 'One submission (404 when it does not exist or is not yours to read)' })
  @MetadataPurposeQueries()
  async getSubmission(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Param('id', new ZodValidationPipe(matchIdSchema)) id: string,
    @Query(new ZodValidationPipe(metadataLookupSchema)) q: MetadataPurpose,
  ) {
    const doc = await this.queries.findSubmission(org, id);
    if (!doc) throw notFound();
    await this.recordQuery(org, subject, 'GET /v1/traffic/flow-batches/:id', { id, ...q }, [
      { kind: 'flow-batch', id: doc._id },
    ]);
    return presentSubmission(doc);
  }

  @Get('matches')
  @ApiOperation({
    summary:
      'Flows whose metadata matched a threat indicator in force (cabinet office and oversight commission; an operator the matches in the flows it supplied under an agreement; an empty list for everyone else). The office, and an operator, see no match on an indicator it may not read (a TLP:RED one named to others); the commission sees it with `indicator` null. Filtering by such an indicator finds nothing',
  })
  @MetadataPurposeQueries()
  @ApiQuery({ name: 'indicatorId', required: false })
  @ApiQuery({ name: 'batchId', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601: matches found at or after' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'next', required: false })
  async listMatches(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Query(new ZodValidationPipe(listMatchesSchema))
    q: MetadataPurpose & {
      indicatorId?: string;
      batchId?: string;
      since?: Date;
      limit: number;
      next?: string;
    },
  ) {
    // Filtering by an indicator the caller may not read answers like an unknown one: nothing.
    const hidden =
      q.indicatorId !== undefined &&
      !canReadReference(
        org,
        { kind: 'indicator', id: q.indicatorId },
        await this.references.termsOf([{ kind: 'indicator', id: q.indicatorId }]),
      );
    const page = hidden
      ? { items: [], next: null }
      : await this.queries.listMatches(org, {
          limit: q.limit,
          ...(q.indicatorId ? { indicatorId: q.indicatorId } : {}),
          ...(q.batchId ? { batchId: q.batchId } : {}),
          ...(q.since ? { since: q.since } : {}),
          ...pageCursor(q.next),
        });
    const terms = await this.references.termsOf(matchReferences(page.items));
    const shown = { ...page, items: page.items.filter((d) => matchShown(d, org, terms)) };
    await this.recordQuery(
      org,
      subject,
      'GET /v1/traffic/matches',
      q,
      shown.items.map((d) => ({ kind: 'flow-match', id: d._id })),
    );
    return presentPage(shown, (d) => presentMatch(d, org, terms));
  }

  @Get('matches/:id')
  @ApiOperation({
    summary: 'One match, citable by its id as evidence in an operation request (404 when hidden)',
  })
  @MetadataPurposeQueries()
  async getMatch(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Param('id', new ZodValidationPipe(matchIdSchema)) id: string,
    @Query(new ZodValidationPipe(metadataLookupSchema)) q: MetadataPurpose,
  ) {
    const doc = await this.queries.findMatch(org, id);
    const terms = doc ? await this.references.termsOf(matchReferences([doc])) : null;
    if (!doc || !terms || !matchShown(doc, org, terms)) throw notFound();
    await this.recordQuery(org, subject, 'GET /v1/traffic/matches/:id', { id, ...q }, [
      { kind: 'flow-match', id: doc._id },
    ]);
    return presentMatch(doc, org, terms);
  }
}
