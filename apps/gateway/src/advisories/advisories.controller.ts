import {
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
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Organisation } from '@acd/identity';
import {
  AdvisoryQueries,
  advisoryIdSchema,
  issueAdvisorySchema,
  listAdvisoriesSchema,
  updateAdvisorySchema,
  withdrawAdvisorySchema,
  type IssueAdvisoryBody,
  type UpdateAdvisoryBody,
} from '@acd/advisories';
import { ReferenceLookup } from '../common/reference.lookup';
import { CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';
import { AuditTrail, labelledReadItem } from '../audit/audit-trail.service';
import { CommandHeaders } from '../common/command-headers';
import { commandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { pageCursor, presentPage } from '../reporting/reporting.paging';
import { AdvisoryCommands } from './advisory-commands.service';
import { advisoryReferences, presentAcknowledgements, presentAdvisory } from './advisory.presenter';
import { notFound } from '../common/command-outcome';

const idPipe = new ZodValidationPipe(advisoryIdSchema);

@ApiTags('advisories')
@ApiBearerAuth()
@Controller('v1/advisories')
export class AdvisoriesController {
  constructor(
    private readonly commands: AdvisoryCommands,
    private readonly queries: AdvisoryQueries,
    private readonly references: ReferenceLookup,
    private readonly audit: AuditTrail,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Issue an advisory (cabinet office, police) to everyone (CLEAR/GREEN), sectors, kinds of organisation or named organisations. Related indicators and incidents must be readable by every reader.',
  })
  @ApiBody({ schema: openApiSchema(issueAdvisorySchema) })
  @ApiResponse({ status: 201, description: 'Issued; Location names the advisory' })
  @ApiResponse({ status: 403, description: 'Only the cabinet office and the police issue' })
  @ApiResponse({
    status: 422,
    description:
      'Refused: label and audience disagree, expiry not in the future, or a related item some reader may not read (field and id say which)',
  })
  @CommandHeaders(false)
  async issue(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(issueAdvisorySchema)) body: IssueAdvisoryBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const issued = await this.commands.issue(org, body, commandOptions(req, key, undefined));
    res.status(issued.duplicate ? 200 : 201);
    res.setHeader('Location', `/v1/advisories/${issued.advisoryId}`);
    return issued;
  }

  @Post(':id/update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change an advisory in force (issuer only); fields left out stay' })
  @ApiBody({ schema: openApiSchema(updateAdvisorySchema) })
  @ApiResponse({ status: 409, description: 'Withdrawn, expired, or If-Match is stale' })
  @CommandHeaders()
  update(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(updateAdvisorySchema)) body: UpdateAdvisoryBody,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
  ) {
    return this.commands.update(org, id, body, commandOptions(req, key, ifMatch));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw an advisory (issuer only); it takes no more acknowledgements',
  })
  @ApiBody({ schema: openApiSchema(withdrawAdvisorySchema) })
  @CommandHeaders()
  withdraw(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(withdrawAdvisorySchema)) body: { reason: string },
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
  ) {
    return this.commands.withdraw(org, id, body.reason, commandOptions(req, key, ifMatch));
  }

  @Post(':id/acknowledgements')
  @ApiOperation({
    summary:
      'Acknowledge an advisory you may read, as your organisation; acknowledging again changes nothing (200)',
  })
  @ApiResponse({ status: 201, description: 'Acknowledged' })
  @ApiResponse({ status: 200, description: 'Already acknowledged: nothing recorded' })
  @ApiResponse({ status: 409, description: 'Withdrawn or expired' })
  @CommandHeaders(false)
  async acknowledge(
    @CurrentOrg() org: Organisation,
    @Param('id', idPipe) id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accepted = await this.commands.acknowledge(org, id, commandOptions(req, key, undefined));
    const recorded = !accepted.duplicate && accepted.eventIds.length > 0;
    res.status(recorded ? 201 : 200);
    return { ...accepted, acknowledged: true, alreadyAcknowledged: !recorded };
  }

  @Get()
  @ApiOperation({
    summary:
      'Advisories you may read: for everyone, your sector, your kind or you by name; all for the cabinet office',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'withdrawn'] })
  @ApiQuery({ name: 'severity', required: false, enum: ['low', 'medium', 'high', 'critical'] })
  @ApiQuery({ name: 'inForce', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'next', required: false })
  async list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listAdvisoriesSchema))
    q: ReturnType<typeof listAdvisoriesSchema.parse>,
    @CurrentSubject() subject: string | undefined,
  ) {
    const now = new Date();
    const page = await this.queries.list(org, {
      ...(q.status ? { status: q.status } : {}),
      ...(q.severity ? { severity: q.severity } : {}),
      ...(q.inForce !== undefined ? { inForce: q.inForce } : {}),
      ...pageCursor(q.next),
      now,
      limit: q.limit,
    });
    // RED and AMBER reads are on record before they leave the gateway.
    await this.audit.recordRead({
      org,
      subject,
      route: 'GET /v1/advisories',
      query: q,
      items: page.items.map((d) => labelledReadItem('advisory', d)),
    });
    const terms = await this.references.termsOf(advisoryReferences(page.items));
    return presentPage(page, (d) => presentAdvisory(d, org, terms, now));
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One advisory; 404 when hidden or missing. Named organisations: all for the issuer and the cabinet office, otherwise only you; related indicators and incidents: only those you may read now',
  })
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
      route: 'GET /v1/advisories/:id',
      query: { id },
      items: [labelledReadItem('advisory', doc)],
    });
    const terms = await this.references.termsOf(advisoryReferences([doc]));
    return presentAdvisory(doc, org, terms);
  }

  @Get(':id/acknowledgements')
  @ApiOperation({
    summary:
      'Who acknowledged and which operators in the audience have not (issuer and cabinet office only; 404 for others)',
  })
  async acknowledgements(@CurrentOrg() org: Organisation, @Param('id', idPipe) id: string) {
    const report = await this.queries.acknowledgements(org, id);
    if (!report) throw notFound();
    return presentAcknowledgements(report);
  }
}
