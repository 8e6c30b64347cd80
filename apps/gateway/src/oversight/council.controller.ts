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
import { OrganisationDirectory, type Organisation } from '@acd/identity';
import {
  admitCouncilMemberSchema,
  constituteCouncilSchema,
  COUNCIL_ID,
  CouncilQueries,
  councilMemberIdSchema,
  listCouncilMembersSchema,
  reasonSchema,
  undertakingSchema,
  type AcknowledgeCouncilConfidentiality,
  type AdmitCouncilMember,
  type ConstituteCouncilBody,
  type CouncilDoc,
  type CouncilMemberDoc,
  type ListCouncilMembersQuery,
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
const memberPipe = new ZodValidationPipe(councilMemberIdSchema);
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function presentCouncil(d: CouncilDoc) {
  return {
    councilId: d._id,
    name: d.name,
    purpose: d.purpose,
    constitutedBy: d.constitutedBy,
    constitutedAt: iso(d.constitutedAt),
  };
}

export function presentCouncilMember(d: CouncilMemberDoc) {
  return {
    orgId: d._id,
    orgKind: d.orgKind,
    status: d.status,
    admittedBy: d.admittedBy,
    admittedAt: iso(d.admittedAt),
    acknowledgement: d.acknowledgement
      ? { ...d.acknowledgement, at: iso(d.acknowledgement.at) }
      : null,
    removed: d.removed ? { ...d.removed, at: iso(d.removed.at) } : null,
    version: d.version,
  };
}

/**
 * Builds the council's commands. Who may do what is the decider's call; the edge adds only the
 * admitted organisation's kind from the registry, and only for the office (the decider refuses
 * anyone else, 403, whoever is named).
 */
@Injectable()
export class CouncilCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly directory: OrganisationDirectory,
  ) {}

  constitute(org: Organisation, b: ConstituteCouncilBody, opts: CommandOptions) {
    return this.send(org, 'ConstituteCouncil', { councilId: COUNCIL_ID, ...b }, opts);
  }

  async admit(org: Organisation, orgId: string, opts: CommandOptions) {
    let orgKind = '';
    if (org.kind === 'cabinet-office') {
      const member = await this.directory.byId(orgId);
      if (!member) {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `${orgId} is not a registered organisation`,
          field: 'orgId',
        });
      }
      orgKind = member.kind;
    }
    const data: AdmitCouncilMember['data'] = { councilId: COUNCIL_ID, orgId, orgKind };
    return this.send(org, 'AdmitCouncilMember', data, opts);
  }

  acknowledge(org: Organisation, orgId: string, statement: string, opts: CommandOptions) {
    const data: AcknowledgeCouncilConfidentiality['data'] = {
      councilId: COUNCIL_ID,
      orgId,
      memberId: opts.subject ?? null,
      statement,
    };
    return this.send(org, 'AcknowledgeCouncilConfidentiality', data, opts);
  }

  remove(org: Organisation, orgId: string, reason: string, opts: CommandOptions) {
    const data = { councilId: COUNCIL_ID, orgId, reason };
    return this.send(org, 'RemoveCouncilMember', data, opts);
  }

  private async send(
    org: Organisation,
    type: string,
    data: object,
    opts: CommandOptions,
  ): Promise<Accepted & { councilId: string }> {
    const accepted = await this.sender.send(
      org,
      'oversightCommands',
      `${NS}.${type}`,
      COUNCIL_ID,
      data,
      opts,
    );
    return { ...accepted, councilId: COUNCIL_ID };
  }
}

/**
 * The council (協議会, Act art. 45): the cabinet office constitutes it and admits members; each
 * member binds itself to the council's confidentiality through one of its people, and only then
 * is it a member in full; the office removes a member, or the member withdraws.
 */
@ApiTags('council')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/council')
export class CouncilController {
  constructor(
    private readonly commands: CouncilCommands,
    private readonly queries: CouncilQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Cabinet office: constitute the council (once), with its name and purpose',
  })
  @ApiBody({ schema: openApiSchema(constituteCouncilSchema) })
  @ApiResponse({ status: 201, description: 'Constituted' })
  @ApiResponse({ status: 403, description: 'Not the cabinet office' })
  @ApiResponse({ status: 409, description: 'Constituted already' })
  @CommandHeaders(false)
  async constitute(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(constituteCouncilSchema)) body: ConstituteCouncilBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.constitute(org, body, commandOptions(req, key, undefined));
    return created(res, r, '/v1/council');
  }

  @Get()
  @ApiOperation({ summary: 'The council: its name and purpose; 404 before it is constituted' })
  async get() {
    const doc = await this.queries.council(COUNCIL_ID);
    if (!doc) throw notFound();
    return presentCouncil(doc);
  }

  @Post('members')
  @ApiOperation({
    summary:
      'Cabinet office: admit an operator, a telecom, a vendor, a ministry, the police or the SDF; it reads council material once one of its people has acknowledged confidentiality',
  })
  @ApiBody({ schema: openApiSchema(admitCouncilMemberSchema) })
  @ApiResponse({ status: 403, description: 'Not the cabinet office' })
  @ApiResponse({ status: 409, description: 'The council is not constituted, or a member already' })
  @ApiResponse({
    status: 422,
    description: 'Not a registered organisation of a kind the council admits',
  })
  @CommandHeaders(false)
  async admit(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(admitCouncilMemberSchema)) body: { orgId: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.admit(org, body.orgId, commandOptions(req, key, undefined));
    return created(res, r, `/v1/council/members/${body.orgId}`);
  }

  @Post('members/:orgId/confidentiality')
  @ApiOperation({
    summary:
      "The member itself, with a member's personal token: acknowledge the council's confidentiality (recorded with the person)",
  })
  @ApiBody({ schema: openApiSchema(undertakingSchema) })
  @ApiResponse({ status: 404, description: 'Not your own entry, or not a member' })
  @ApiResponse({ status: 409, description: 'Acknowledged already' })
  @CommandHeaders(false)
  async acknowledge(
    @CurrentOrg() org: Organisation,
    @Param('orgId', memberPipe) orgId: string,
    @Body(new ZodValidationPipe(undertakingSchema)) body: { statement: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.acknowledge(org, orgId, body.statement, opts));
  }

  @Post('members/:orgId/removal')
  @ApiOperation({ summary: 'The office removes a member, or the member withdraws' })
  @ApiBody({ schema: openApiSchema(reasonSchema) })
  @ApiResponse({ status: 404, description: 'Not a member, or not yours to remove' })
  @CommandHeaders(false)
  async remove(
    @CurrentOrg() org: Organisation,
    @Param('orgId', memberPipe) orgId: string,
    @Body(new ZodValidationPipe(reasonSchema)) body: { reason: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const opts = commandOptions(req, key, undefined);
    return created(res, await this.commands.remove(org, orgId, body.reason, opts));
  }

  @Get('members')
  @RecordsReads('council-member', eachOf('orgId'))
  @ApiOperation({
    summary:
      'The roster as you may read it: all of it for the office and the commission, the current members for a member bound by confidentiality, your own entry otherwise',
  })
  async list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listCouncilMembersSchema)) q: ListCouncilMembersQuery,
  ) {
    const page = await this.queries.list(org, {
      ...(q.status ? { status: q.status } : {}),
      ...pageCursor(q.next),
      limit: q.limit,
    });
    return presentPage(page, presentCouncilMember);
  }

  @Get('members/:orgId')
  @RecordsReads('council-member', param('orgId'))
  @ApiOperation({ summary: 'One entry of the roster; 404 when hidden or missing' })
  async member(@CurrentOrg() org: Organisation, @Param('orgId', memberPipe) orgId: string) {
    const doc = await this.queries.findVisible(org, orgId);
    if (!doc) throw notFound();
    return presentCouncilMember(doc);
  }
}
