import { Body, Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Organisation } from '@acd/identity';
import {
  ReportingQueries,
  designationSchema,
  issueOrderSchema,
  openCaseSchema,
  orgIdSchema,
  outcomeSchema,
  referralSchema,
  uuidSchema,
  type DesignationBody,
  type IssueOrderBody,
  type OpenCaseBody,
  type OutcomeBody,
  type ReferralBody,
} from '@acd/reporting';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { CommandHeaders } from '../common/command-headers';
import { commandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { jst, presentFile } from './reporting.presenter';
import { ReportingCommands } from './reporting-commands.service';
import { notFound } from '../common/command-outcome';
import { PersonalTokenOnly } from '../auth/token-kind';
import { IgnoresBody } from '../common/no-body.interceptor';
import { eachOf, param, RecordsReads } from '../audit/confidential-read';

const operatorPipe = new ZodValidationPipe(orgIdSchema);
const idPipe = new ZodValidationPipe(uuidSchema);

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

@ApiTags('compliance')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/compliance')
export class ComplianceController {
  constructor(
    private readonly commands: ReportingCommands,
    private readonly queries: ReportingQueries,
  ) {}

  @Get('board')
  @RecordsReads('compliance-file', eachOf('operatorId', 'operators'))
  @ApiOperation({
    summary:
      'Compliance board per operator and per sector: open incidents, next deadline, missed deadlines (in total and per regime), open orders, referrals to the prosecutors and their outcomes, legacy penalties. The office sees every operator, a ministry its sector, an operator itself.',
  })
  async board(@CurrentOrg() org: Organisation) {
    const now = new Date();
    const board = await this.queries.board(org, now);
    const deadline = <T extends { dueAt: Date } | null>(d: T) =>
      d ? { ...d, dueAt: iso(d.dueAt), dueAtJst: jst(d.dueAt) } : null;
    return {
      asOf: now.toISOString(),
      operators: board.operators.map((r) => ({ ...r, nextDeadline: deadline(r.nextDeadline) })),
      sectors: board.sectors.map((r) => ({ ...r, nextDeadline: deadline(r.nextDeadline) })),
    };
  }

  @Get(':operatorId')
  @RecordsReads('compliance-file', param('operatorId'))
  @ApiOperation({
    summary:
      "An operator's compliance file: pending and missed deadlines, cases, orders, referrals and their outcomes, legacy penalties",
  })
  async file(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', operatorPipe) operatorId: string,
  ) {
    const doc = await this.queries.findFile(org, operatorId);
    if (!doc) throw notFound();
    return presentFile(doc);
  }

  @Post(':operatorId/cases')
  @ApiOperation({
    summary:
      'Open a compliance case about an incident the government learned of without a report (cabinet office). Missed deadlines open cases by themselves.',
  })
  @ApiBody({ schema: openApiSchema(openCaseSchema) })
  @ApiResponse({ status: 201, description: 'Opened; the body names the case' })
  @CommandHeaders(false)
  async openCase(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', operatorPipe) operatorId: string,
    @Body(new ZodValidationPipe(openCaseSchema)) body: OpenCaseBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const created = await this.commands.openCase(
      org,
      operatorId,
      body,
      commandOptions(req, key, undefined),
    );
    res.status(created.duplicate ? 200 : 201);
    return { ...created, caseId: created.createdId };
  }

  @Post(':operatorId/designation')
  @ApiOperation({
    summary:
      'Designate an operator (cabinet office): its sector, as registered, and when the designation takes effect. It must then notify its specified important computers within ACD_DESIGNATION_ASSET_NOTIFY_WITHIN (default P6M, an assumption); a miss opens a jp-acd compliance case. An operator that notified computers before is in order at once.',
  })
  @ApiBody({ schema: openApiSchema(designationSchema) })
  @ApiResponse({ status: 201, description: 'Designated; the file shows the due time' })
  @ApiResponse({ status: 409, description: 'Already designated' })
  @ApiResponse({ status: 422, description: 'Not the sector the registry holds' })
  @CommandHeaders(false)
  async designate(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', operatorPipe) operatorId: string,
    @Body(new ZodValidationPipe(designationSchema)) body: DesignationBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    const accepted = await this.commands.designate(org, operatorId, body, opts);
    res.status(accepted.duplicate ? 200 : 201);
    return { ...accepted, operatorId };
  }

  @Post(':operatorId/cases/:caseId/orders')
  @ApiOperation({
    summary:
      'Issue a correction order on an open case (cabinet office): what to do and by when. The operator complies by filing the missing report; if the due date passes, the order is recorded as ignored.',
  })
  @ApiBody({ schema: openApiSchema(issueOrderSchema) })
  @ApiResponse({ status: 201, description: 'Issued; the body names the order' })
  @CommandHeaders(false)
  async order(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', operatorPipe) operatorId: string,
    @Param('caseId', idPipe) caseId: string,
    @Body(new ZodValidationPipe(issueOrderSchema)) body: IssueOrderBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const created = await this.commands.issueOrder(
      org,
      operatorId,
      caseId,
      body,
      commandOptions(req, key, undefined),
    );
    res.status(created.duplicate ? 200 : 201);
    return { ...created, orderId: created.createdId };
  }

  @Post(':operatorId/orders/:orderId/referral')
  @ApiOperation({
    summary:
      'Refer the case of an ignored correction order to the public prosecutors, with a statement of the facts (cabinet office). A fine is for a court to impose.',
  })
  @ApiBody({ schema: openApiSchema(referralSchema) })
  @ApiResponse({ status: 201, description: 'Referred' })
  @ApiResponse({
    status: 409,
    description: 'The order is not ignored (open or complied), or was already referred',
  })
  @CommandHeaders(false)
  async referral(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', operatorPipe) operatorId: string,
    @Param('orderId', idPipe) orderId: string,
    @Body(new ZodValidationPipe(referralSchema)) body: ReferralBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accepted = await this.commands.referToProsecutors(
      org,
      operatorId,
      orderId,
      body,
      commandOptions(req, key, undefined),
    );
    res.status(accepted.duplicate ? 200 : 201);
    return accepted;
  }

  @Post(':operatorId/orders/:orderId/outcome')
  @ApiOperation({
    summary:
      "Record how a referral ended (cabinet office): prosecution declined, acquittal, or a court's fine of 1 to 2,000,000 yen, with the court, its case reference and the date",
  })
  @ApiBody({ schema: openApiSchema(outcomeSchema) })
  @ApiResponse({ status: 201, description: 'Recorded' })
  @ApiResponse({
    status: 409,
    description: 'The order was not referred, or its outcome is already recorded',
  })
  @ApiResponse({ status: 422, description: 'A date in the future or before the referral' })
  @CommandHeaders(false)
  async outcome(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', operatorPipe) operatorId: string,
    @Param('orderId', idPipe) orderId: string,
    @Body(new ZodValidationPipe(outcomeSchema)) body: OutcomeBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accepted = await this.commands.recordOutcome(
      org,
      operatorId,
      orderId,
      body,
      commandOptions(req, key, undefined),
    );
    res.status(accepted.duplicate ? 200 : 201);
    return accepted;
  }

  @Post(':operatorId/orders/:orderId/penalty')
  @ApiOperation({
    summary:
      'Gone: the office no longer assesses fines (decision 0033). Refer the case (…/referral) and record the outcome (…/outcome).',
    deprecated: true,
  })
  @ApiResponse({ status: 410, description: 'Always, for a reader of the file; 404 otherwise' })
  // The old route took a penalty, and an old client still sends one: it answers 410 (or 404)
  // for it rather than 400 for a body it does not take.
  @IgnoresBody()
  async penalty(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', operatorPipe) operatorId: string,
  ): Promise<never> {
    return this.commands.penaltyGone(org, operatorId);
  }
}
