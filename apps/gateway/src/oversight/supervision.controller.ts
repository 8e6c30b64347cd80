import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { orgIdSchema, type Organisation } from '@acd/identity';
import {
  SupervisionQueries,
  actionTakenSchema,
  answerSchema,
  disciplinaryDemandSchema,
  findingsSchema,
  inspectionSchema,
  listSupervisionSchema,
  recommendationSchema,
  supervisionItemIdSchema,
  type DisciplinaryDemandBody,
  type FindingsBody,
  type InspectionBody,
  type ListSupervisionQuery,
  type RecommendationBody,
} from '@acd/oversight';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { PersonalTokenOnly } from '../auth/token-kind';
import { eachOf, param, RecordsReads } from '../audit/confidential-read';
import { created, notFound } from '../common/command-outcome';
import { CommandHeaders } from '../common/command-headers';
import { commandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { pageCursor, presentPage } from '../reporting/reporting.paging';
import { SupervisionCommands } from './supervision-commands.service';
import { presentSupervisionItem } from './supervision.presenter';

const agencyPipe = new ZodValidationPipe(orgIdSchema);
const idPipe = new ZodValidationPipe(supervisionItemIdSchema);

const itemPath = (id: string) => `/v1/oversight/supervision/${id}`;

/**
 * The commission's powers besides its votes: inspections of an agency's handling, recommendations
 * and demands for disciplinary action after a leak, each kept in the agency's supervision file and
 * copied to the audit log; the agency concerned answers. The agency's id is in the path because
 * it is the aggregate the command goes to (commands never wait on a read model).
 */
@ApiTags('oversight')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/oversight')
export class SupervisionController {
  constructor(
    private readonly commands: SupervisionCommands,
    private readonly queries: SupervisionQueries,
  ) {}

  @Post('agencies/:agencyId/inspections')
  @ApiOperation({
    summary:
      "Commission (a member's token): open an inspection of an agency's handling (the cabinet office, the police, the SDF) and ask it to present it",
  })
  @ApiBody({ schema: openApiSchema(inspectionSchema) })
  @ApiResponse({ status: 201, description: 'Opened; `id` is the inspection' })
  @ApiResponse({ status: 403, description: 'Not the commission' })
  @ApiResponse({ status: 422, description: 'agencyId is not a supervised agency' })
  @CommandHeaders(false)
  async openInspection(
    @CurrentOrg() org: Organisation,
    @Param('agencyId', agencyPipe) agencyId: string,
    @Body(new ZodValidationPipe(inspectionSchema)) body: InspectionBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    const r = await this.commands.openInspection(org, agencyId, body, opts);
    return created(res, r, itemPath(r.id));
  }

  @Post('agencies/:agencyId/inspections/:id/answer')
  @ApiOperation({
    summary: 'The agency inspected: present its handling (once, before the findings)',
  })
  @ApiBody({ schema: openApiSchema(answerSchema) })
  @ApiResponse({ status: 404, description: 'No such inspection of yours' })
  @ApiResponse({ status: 409, description: 'Already answered, or concluded' })
  @CommandHeaders(false)
  async answerInspection(
    @CurrentOrg() org: Organisation,
    @Param('agencyId', agencyPipe) agencyId: string,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(answerSchema)) body: { answer: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.answerInspection(org, agencyId, id, body.answer, opts));
  }

  @Post('agencies/:agencyId/inspections/:id/findings')
  @ApiOperation({
    summary:
      "Commission: record an inspection's findings (`no-issues` or `issues-found`), which closes it",
  })
  @ApiBody({ schema: openApiSchema(findingsSchema) })
  @ApiResponse({ status: 409, description: 'Already concluded' })
  @CommandHeaders(false)
  async conclude(
    @CurrentOrg() org: Organisation,
    @Param('agencyId', agencyPipe) agencyId: string,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(findingsSchema)) body: FindingsBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.concludeInspection(org, agencyId, id, body, opts));
  }

  @Post('agencies/:agencyId/recommendations')
  @ApiOperation({
    summary:
      'Commission: recommend that an agency correct its handling, optionally citing an inspection of the same agency',
  })
  @ApiBody({ schema: openApiSchema(recommendationSchema) })
  @ApiResponse({ status: 201, description: 'Issued; `id` is the recommendation' })
  @ApiResponse({
    status: 422,
    description: "Not an agency, or an inspection not in the agency's file",
  })
  @CommandHeaders(false)
  async recommend(
    @CurrentOrg() org: Organisation,
    @Param('agencyId', agencyPipe) agencyId: string,
    @Body(new ZodValidationPipe(recommendationSchema)) body: RecommendationBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    const r = await this.commands.recommend(org, agencyId, body, opts);
    return created(res, r, itemPath(r.id));
  }

  @Post('agencies/:agencyId/recommendations/:id/answer')
  @ApiOperation({ summary: 'The agency: say what it did about a recommendation (once)' })
  @ApiBody({ schema: openApiSchema(answerSchema) })
  @CommandHeaders(false)
  async answerRecommendation(
    @CurrentOrg() org: Organisation,
    @Param('agencyId', agencyPipe) agencyId: string,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(answerSchema)) body: { answer: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(
      res,
      await this.commands.answerRecommendation(org, agencyId, id, body.answer, opts),
    );
  }

  @Post('agencies/:agencyId/disciplinary-demands')
  @ApiOperation({
    summary:
      'Commission: after a leak, demand that an agency take disciplinary action (the leak as established, the action demanded)',
  })
  @ApiBody({ schema: openApiSchema(disciplinaryDemandSchema) })
  @ApiResponse({ status: 201, description: 'Demanded; `id` is the demand' })
  @CommandHeaders(false)
  async demand(
    @CurrentOrg() org: Organisation,
    @Param('agencyId', agencyPipe) agencyId: string,
    @Body(new ZodValidationPipe(disciplinaryDemandSchema)) body: DisciplinaryDemandBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    const r = await this.commands.demand(org, agencyId, body, opts);
    return created(res, r, itemPath(r.id));
  }

  @Post('agencies/:agencyId/disciplinary-demands/:id/action')
  @ApiOperation({
    summary: 'The agency: report the disciplinary action it took on a demand (once)',
  })
  @ApiBody({ schema: openApiSchema(actionTakenSchema) })
  @CommandHeaders(false)
  async reportAction(
    @CurrentOrg() org: Organisation,
    @Param('agencyId', agencyPipe) agencyId: string,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(actionTakenSchema)) body: { actionTaken: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(
      res,
      await this.commands.reportAction(org, agencyId, id, body.actionTaken, opts),
    );
  }

  @Get('supervision')
  @RecordsReads('oversight-supervision', eachOf('id'))
  @ApiOperation({
    summary:
      'Inspections, recommendations and disciplinary demands: every agency’s for the commission, its own for an agency, none for anyone else',
  })
  async list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listSupervisionSchema)) q: ListSupervisionQuery,
  ) {
    const page = await this.queries.list(org, {
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.agencyId ? { agencyId: q.agencyId } : {}),
      ...pageCursor(q.next),
      limit: q.limit,
    });
    return presentPage(page, presentSupervisionItem);
  }

  @Get('supervision/:id')
  @RecordsReads('oversight-supervision', param('id'))
  @ApiOperation({ summary: 'One inspection, recommendation or demand; 404 when hidden or missing' })
  async get(@CurrentOrg() org: Organisation, @Param('id', idPipe) id: string) {
    const doc = await this.queries.findVisible(org, id);
    if (!doc) throw notFound();
    return presentSupervisionItem(doc);
  }
}
