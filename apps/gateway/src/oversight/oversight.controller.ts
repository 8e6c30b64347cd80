import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Organisation } from '@acd/identity';
import { AuditStore } from '@acd/audit';
import {
  OversightQueries,
  collectionRequestSchema,
  consultationSchema,
  emergencyOperationSchema,
  executionSchema,
  listRequestsSchema,
  operationRequestSchema,
  requestIdSchema,
  summarySchema,
  voteSchema,
  type CollectionRequestBody,
  type ConsultationBody,
  type EmergencyOperationBody,
  type ExecutionBody,
  type ListRequestsQuery,
  type OperationRequestBody,
  type VoteBody,
} from '@acd/oversight';
import { ReferenceLookup } from '../common/reference.lookup';
import { CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';
import { created, notFound } from '../common/command-outcome';
import { CommandHeaders } from '../common/command-headers';
import { commandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { pageCursor, presentPage } from '../reporting/reporting.paging';
import { OversightCommands } from './oversight-commands.service';
import { evidenceReferences, presentBoard, presentRequest } from './oversight.presenter';
import { PersonalTokenOnly } from '../auth/token-kind';
import { eachOf, param, RecordsReads } from '../audit/confidential-read';

const idPipe = new ZodValidationPipe(requestIdSchema);

@ApiTags('oversight')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/oversight')
export class OversightController {
  constructor(
    private readonly commands: OversightCommands,
    private readonly queries: OversightQueries,
    private readonly references: ReferenceLookup,
    private readonly audit: AuditStore,
  ) {}

  @Post('collection-requests')
  @ApiOperation({
    summary:
      "Cabinet office: ask the commission to authorise collecting a telecom operator's cross-border metadata (machine data only, never contents)",
  })
  @ApiBody({ schema: openApiSchema(collectionRequestSchema) })
  @ApiResponse({ status: 201, description: 'Requested; pending until the commission decides' })
  @ApiResponse({ status: 403, description: 'Only the cabinet office requests collection' })
  @ApiResponse({ status: 422, description: 'telecomId is not a telecom operator; bad period' })
  @CommandHeaders(false)
  async requestCollection(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(collectionRequestSchema)) body: CollectionRequestBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.requestCollection(org, body, commandOptions(req, key, undefined));
    return created(res, r, `/v1/oversight/requests/${r.requestId}`);
  }

  @Post('operation-requests')
  @ApiOperation({
    summary:
      "Police or SDF: ask the commission to authorise an access-and-neutralisation operation. Every request attests `attestation.belowArmedAttackThreshold: true`; the SDF carry the Prime Minister's order (`primeMinisterOrder`), the police must not. An address's country comes from the IP-to-country dataset (a contradicting `country` is 422); a target abroad needs a consultation of the Foreign Minister before execution",
  })
  @ApiBody({ schema: openApiSchema(operationRequestSchema) })
  @ApiResponse({ status: 201, description: 'Requested; pending until the commission decides' })
  @ApiResponse({
    status: 400,
    description:
      'Invalid body; no attestation (or not true); the SDF without, or the police with, `primeMinisterOrder`',
  })
  @ApiResponse({ status: 403, description: 'Not the police or the SDF' })
  @ApiResponse({ status: 422, description: 'The declared country contradicts the dataset' })
  @CommandHeaders(false)
  async requestOperation(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(operationRequestSchema)) body: OperationRequestBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.requestOperation(org, body, commandOptions(req, key, undefined));
    return created(res, r, `/v1/oversight/requests/${r.requestId}`);
  }

  @Post('emergency-operations')
  @ApiOperation({
    summary:
      "Police or SDF, emergency path: record an operation carried out before the commission could decide, with the request for its ratification. The commission must then be notified within ACD_EMERGENCY_NOTIFY_WITHIN of the start; a target abroad needs the consultation of the Foreign Minister. The attestation and, for the SDF, the Prime Minister's order are required here too: an emergency waives only the prior approval",
  })
  @ApiBody({ schema: openApiSchema(emergencyOperationSchema) })
  @ApiResponse({
    status: 201,
    description: 'Recorded: request (pending ratification) and execution',
  })
  @ApiResponse({
    status: 400,
    description:
      'Invalid body; no attestation (or not true); the SDF without, or the police with, `primeMinisterOrder`',
  })
  @ApiResponse({ status: 409, description: 'Target abroad without a consultation' })
  @CommandHeaders(false)
  async recordEmergency(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(emergencyOperationSchema)) body: EmergencyOperationBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.recordEmergency(org, body, commandOptions(req, key, undefined));
    return created(res, r, `/v1/oversight/requests/${r.requestId}`);
  }

  @Post('requests/:id/votes')
  @ApiOperation({
    summary:
      "A commission member, with their personal token: vote approve or deny. Decided once the quorum voted and one side holds a strict majority of the votes cast (a tie with every member voted: denied). Answers with the request's status",
  })
  @ApiBody({ schema: openApiSchema(voteSchema) })
  @ApiResponse({
    status: 201,
    description: 'Vote recorded; `status` is pending, approved or denied',
  })
  @ApiResponse({
    status: 403,
    description: 'Not a member on the roster (or an organisation token)',
  })
  @ApiResponse({ status: 409, description: 'Already voted, or already decided' })
  @CommandHeaders(false)
  async vote(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(voteSchema)) body: VoteBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const voted = await this.commands.vote(
      org,
      subject,
      id,
      body,
      commandOptions(req, key, undefined),
    );
    return created(res, voted);
  }

  @Post('requests/:id/consultations')
  @ApiOperation({
    summary:
      'Police or SDF (the requesting agency): record the consultation of the Foreign Minister about a target abroad, required before execution',
  })
  @ApiBody({ schema: openApiSchema(consultationSchema) })
  @CommandHeaders(false)
  async consult(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(consultationSchema)) body: ConsultationBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return created(
      res,
      await this.commands.consult(org, id, body, commandOptions(req, key, undefined)),
    );
  }

  @Post('requests/:id/execution')
  @ApiOperation({
    summary:
      'Requesting agency: record the executed operation. Needs a live approval covering the target and each measure taken, or `emergencyReason` on a pending request (emergency path)',
  })
  @ApiBody({ schema: openApiSchema(executionSchema) })
  @ApiResponse({
    status: 409,
    description:
      'Not approved, denied, expired, executed already, or a target abroad without consultation',
  })
  @ApiResponse({ status: 422, description: 'Target or measure not covered by the approval' })
  @CommandHeaders(false)
  async execute(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(executionSchema)) body: ExecutionBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return created(
      res,
      await this.commands.execute(org, id, body, commandOptions(req, key, undefined)),
    );
  }

  @Post('requests/:id/notification')
  @ApiOperation({
    summary:
      'Requesting agency: notify the commission of an operation executed in an emergency (after the deadline it is recorded as late)',
  })
  @ApiBody({ schema: openApiSchema(summarySchema) })
  @CommandHeaders(false)
  async notify(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(summarySchema)) body: { summary: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.notify(org, id, body.summary, opts));
  }

  @Post('requests/:id/report')
  @ApiOperation({ summary: 'Requesting agency: report the executed operation to the commission' })
  @ApiBody({ schema: openApiSchema(summarySchema) })
  @CommandHeaders(false)
  async report(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(summarySchema)) body: { summary: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.report(org, id, body.summary, opts));
  }

  @Get('requests')
  @RecordsReads('oversight-request', eachOf('requestId'))
  @ApiOperation({
    summary:
      'Requests you may read: all for the commission, your own for the police and the SDF, collection requests for the cabinet office, approved authorisations naming you for a telecom operator; empty for everyone else',
  })
  @ApiQuery({ name: 'kind', required: false, enum: ['collection', 'operation'] })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'approved', 'denied'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'next', required: false })
  list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listRequestsSchema)) q: ListRequestsQuery,
  ) {
    return this.page(org, q);
  }

  @Get('operations')
  @RecordsReads('oversight-request', eachOf('requestId'))
  @ApiOperation({
    summary:
      "An agency's view of its operations (the commission sees all): each with its approval, stage, execution, notification and report",
  })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'approved', 'denied'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'next', required: false })
  operations(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listRequestsSchema.omit({ kind: true }))) q: ListRequestsQuery,
  ) {
    return this.page(org, { ...q, kind: 'operation' });
  }

  @Get('requests/:id')
  @RecordsReads('oversight-request', param('id'))
  @ApiOperation({
    summary:
      'One request with `status` (pending, approved, denied), `expiresAt` and, for an operation, its stage; 404 when hidden or missing',
  })
  async get(@CurrentOrg() org: Organisation, @Param('id', idPipe) id: string) {
    const doc = await this.queries.findVisible(org, id);
    if (!doc) throw notFound();
    return presentRequest(doc, org, await this.references.termsOf(evidenceReferences([doc])));
  }

  @Get('board')
  @RecordsReads('oversight-request', (body) =>
    (['pending', 'approvals', 'operations'] as const).flatMap((list) =>
      eachOf('requestId', list)(body, {}),
    ),
  )
  @ApiOperation({
    summary:
      "The commission's board: pending requests with the votes so far, approvals and their expiry, operations and their state, missed emergency notifications (commission only; 404 for others)",
  })
  async board(@CurrentOrg() org: Organisation) {
    const data = await this.queries.board(org);
    if (!data) throw notFound();
    const audit = await this.audit.state();
    return presentBoard(data, audit.head ? { ...audit.head, keyId: audit.keyId } : null);
  }

  private async page(org: Organisation, q: ListRequestsQuery) {
    const now = new Date();
    const page = await this.queries.list(org, {
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...pageCursor(q.next),
      limit: q.limit,
    });
    const terms = await this.references.termsOf(evidenceReferences(page.items));
    return presentPage(page, (d) => presentRequest(d, org, terms, now));
  }
}
