import {
  Body,
  Controller,
  Get,
  Headers,
  Injectable,
  Param,
  Post,
  Query,
  Req,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { deterministicId } from '@acd/event-sourcing';
import { OrganisationDirectory, type Organisation } from '@acd/identity';
import {
  AgreementQueries,
  agreementIdSchema,
  agreementSchema,
  consentSchema,
  listAgreementsSchema,
  reasonSchema,
  type AcceptAgreement,
  type AgreementBody,
  type AgreementDoc,
  type ListAgreementsQuery,
  type ProposeAgreement,
} from '@acd/oversight';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { PersonalTokenOnly } from '../auth/token-kind';
import { eachOf, param, RecordsReads } from '../audit/confidential-read';
import { created, notFound, type Accepted } from '../common/command-outcome';
import { CommandHeaders } from '../common/command-headers';
import { CommandSender, commandOptions, type CommandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { pageCursor, presentPage } from '../reporting/reporting.paging';

const NS = 'jp.acd.oversight';
const idPipe = new ZodValidationPipe(agreementIdSchema);
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function presentAgreement(d: AgreementDoc) {
  return {
    agreementId: d._id,
    operatorId: d.operatorId,
    operatorKind: d.operatorKind,
    proposedBy: d.proposedBy,
    networks: d.networks,
    categories: d.categories,
    validFrom: iso(d.validFrom),
    validUntil: iso(d.validUntil),
    purpose: d.purpose,
    status: d.status,
    proposedAt: iso(d.proposedAt),
    consent: d.consent ? { ...d.consent, at: iso(d.consent.at) } : null,
    declined: d.declined ? { ...d.declined, at: iso(d.declined.at) } : null,
    ended: d.ended ? { ...d.ended, at: iso(d.ended.at) } : null,
    version: d.version,
  };
}

/**
 * Builds the agreement commands. Who may do what, and whether an agreement exists for the caller
 * (404), is the decider's call; the edge adds only the party's kind from the registry, and only
 * for the office (the decider refuses anyone else, 403, whatever the operator).
 */
@Injectable()
export class AgreementCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly directory: OrganisationDirectory,
  ) {}

  async propose(org: Organisation, b: AgreementBody, opts: CommandOptions) {
    let operatorKind = '';
    if (org.kind === 'cabinet-office') {
      const party = await this.directory.byId(b.operatorId);
      if (!party) {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `${b.operatorId} is not a registered organisation`,
          field: 'operatorId',
        });
      }
      operatorKind = party.kind;
    }
    const commandId = this.sender.commandId(org, opts);
    const agreementId = deterministicId('acd:oversight-agreement', commandId);
    const data: ProposeAgreement['data'] = {
      agreementId,
      operatorId: b.operatorId,
      operatorKind,
      networks: b.networks,
      categories: b.categories,
      validFrom: Date.parse(b.validFrom),
      validUntil: Date.parse(b.validUntil),
      purpose: b.purpose,
    };
    return this.send(org, 'ProposeAgreement', agreementId, data, opts, commandId);
  }

  accept(org: Organisation, agreementId: string, consent: string, opts: CommandOptions) {
    const data: AcceptAgreement['data'] = { agreementId, memberId: opts.subject ?? null, consent };
    return this.send(org, 'AcceptAgreement', agreementId, data, opts);
  }

  decline(org: Organisation, agreementId: string, reason: string, opts: CommandOptions) {
    return this.send(org, 'DeclineAgreement', agreementId, { agreementId, reason }, opts);
  }

  end(org: Organisation, agreementId: string, reason: string, opts: CommandOptions) {
    return this.send(org, 'EndAgreement', agreementId, { agreementId, reason }, opts);
  }

  private async send(
    org: Organisation,
    type: string,
    agreementId: string,
    data: object,
    opts: CommandOptions,
    commandId?: string,
  ): Promise<Accepted & { agreementId: string }> {
    const accepted = await this.sender.send(
      org,
      'oversightCommands',
      `${NS}.${type}`,
      agreementId,
      data,
      opts,
      commandId,
    );
    return { ...accepted, agreementId };
  }
}

/**
 * Agreements with operators (当事者協定): the office proposes, the operator accepts (its consent
 * recorded with the person) or declines, either side ends it. While one is in force the operator
 * submits flow metadata from the networks it names at POST /v1/traffic/flow-batches and reads the
 * matches found in its own traffic.
 */
@ApiTags('oversight')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/oversight/agreements')
export class AgreementsController {
  constructor(
    private readonly commands: AgreementCommands,
    private readonly queries: AgreementQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Cabinet office: propose an agreement to an operator (or a telecom): its networks or links (CIDRs), the categories of machine data (never contents), the period and the purpose',
  })
  @ApiBody({ schema: openApiSchema(agreementSchema) })
  @ApiResponse({ status: 201, description: 'Proposed; `agreementId`' })
  @ApiResponse({ status: 403, description: 'Not the cabinet office' })
  @ApiResponse({ status: 422, description: 'Not a registered operator or telecom' })
  @CommandHeaders(false)
  async propose(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(agreementSchema)) body: AgreementBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.propose(org, body, commandOptions(req, key, undefined));
    return created(res, r, `/v1/oversight/agreements/${r.agreementId}`);
  }

  @Post(':id/acceptance')
  @ApiOperation({
    summary:
      "The operator party, with a member's personal token: accept (the consent is recorded with the person who gave it)",
  })
  @ApiBody({ schema: openApiSchema(consentSchema) })
  @ApiResponse({ status: 409, description: 'Not a proposal any more' })
  @CommandHeaders(false)
  async accept(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(consentSchema)) body: { consent: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.accept(org, id, body.consent, opts));
  }

  @Post(':id/decline')
  @ApiOperation({ summary: 'The operator party: decline a proposal' })
  @ApiBody({ schema: openApiSchema(reasonSchema) })
  @CommandHeaders(false)
  async decline(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(reasonSchema)) body: { reason: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.decline(org, id, body.reason, opts));
  }

  @Post(':id/end')
  @ApiOperation({
    summary: 'Either party: end the agreement (the office may also withdraw a proposal)',
  })
  @ApiBody({ schema: openApiSchema(reasonSchema) })
  @CommandHeaders(false)
  async end(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(reasonSchema)) body: { reason: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.end(org, id, body.reason, opts));
  }

  @Get()
  @RecordsReads('oversight-agreement', eachOf('agreementId'))
  @ApiOperation({
    summary:
      'Agreements you may read: all for the commission and the office, your own for an operator; none for anyone else',
  })
  async list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listAgreementsSchema)) q: ListAgreementsQuery,
  ) {
    const page = await this.queries.list(org, {
      ...(q.status ? { status: q.status } : {}),
      ...pageCursor(q.next),
      limit: q.limit,
    });
    return presentPage(page, presentAgreement);
  }

  @Get(':id')
  @RecordsReads('oversight-agreement', param('id'))
  @ApiOperation({ summary: 'One agreement; 404 when hidden or missing' })
  async get(@CurrentOrg() org: Organisation, @Param('id', idPipe) id: string) {
    const doc = await this.queries.findVisible(org, id);
    if (!doc) throw notFound();
    return presentAgreement(doc);
  }
}
