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
import { ReferenceLookup } from '../common/reference.lookup';
import {
  ReportingQueries,
  type AssetDoc,
  type IncidentDoc,
  fileReportSchema,
  listIncidentsSchema,
  openIncidentSchema,
  regimeSchema,
  uuidSchema,
  type FileReportBody,
  type OpenIncidentBody,
} from '@acd/reporting';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { CommandHeaders } from '../common/command-headers';
import { commandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { pageCursor, presentPage } from './reporting.paging';
import {
  incidentReferences,
  incidentTimeline,
  presentIncident,
  readableBy,
  regimeReport,
} from './reporting.presenter';
import { ReportingCommands } from './reporting-commands.service';
import { notFound } from '../common/command-outcome';
import { PersonalTokenOnly } from '../auth/token-kind';
import { eachOf, param, RecordsReads } from '../audit/confidential-read';

const incidentIdPipe = new ZodValidationPipe(uuidSchema);

@ApiTags('incidents')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly commands: ReportingCommands,
    private readonly queries: ReportingQueries,
    private readonly references: ReferenceLookup,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Open an incident (operators): when you became aware, affected assets, impact, indicators (existing ids, or new ones published in the same call). Its reporting deadlines start at awareAt.',
  })
  @ApiBody({ schema: openApiSchema(openIncidentSchema) })
  @ApiResponse({ status: 201, description: 'Opened; Location names the incident' })
  @ApiResponse({ status: 422, description: 'Refused: e.g. an unknown asset, a time in the future' })
  @CommandHeaders(false)
  async open(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(openIncidentSchema)) body: OpenIncidentBody,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const created = await this.commands.openIncident(
      org,
      body,
      commandOptions(req, key, undefined),
    );
    res.status(created.duplicate ? 200 : 201);
    res.setHeader('Location', `/v1/incidents/${created.createdId}`);
    return { ...created, incidentId: created.createdId };
  }

  @Post(':id/reports')
  @ApiOperation({
    summary:
      'File a staged report: EARLY_WARNING, NOTIFICATION, INTERIM (any number), FINAL (closes the incident), or RANSOM_PAYMENT. Only the incident’s operator may report.',
  })
  @ApiBody({ schema: openApiSchema(fileReportSchema) })
  @ApiResponse({
    status: 201,
    description: 'Filed; deadlines of that stage are met (or filed late)',
  })
  @ApiResponse({
    status: 409,
    description: 'Out of order, already filed, or the incident is closed',
  })
  @CommandHeaders()
  async report(
    @CurrentOrg() org: Organisation,
    @Param('id', incidentIdPipe) id: string,
    @Body(new ZodValidationPipe(fileReportSchema)) body: FileReportBody,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const created = await this.commands.fileReport(
      org,
      id,
      body,
      commandOptions(req, key, ifMatch),
    );
    res.status(created.duplicate ? 200 : 201);
    return { ...created, reportId: created.createdId };
  }

  @Get()
  @RecordsReads('incident', eachOf('id'))
  @ApiOperation({
    summary:
      'Incidents you may read: your own; all for the cabinet office; your sector for its ministry; the police those shared with them',
  })
  @ApiQuery({ name: 'operatorId', required: false })
  @ApiQuery({ name: 'sector', required: false })
  @ApiQuery({ name: 'open', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'next', required: false })
  async list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listIncidentsSchema))
    q: ReturnType<typeof listIncidentsSchema.parse>,
  ) {
    const page = await this.queries.listIncidents(org, {
      ...(q.operatorId ? { operatorId: q.operatorId } : {}),
      ...(q.sector ? { sector: q.sector } : {}),
      ...(q.open !== undefined ? { open: q.open } : {}),
      ...pageCursor(q.next),
      limit: q.limit,
    });
    const terms = await this.references.termsOf(incidentReferences(page.items));
    return presentPage(page, (i) => presentIncident(readableBy(i, org, terms)));
  }

  @Get(':id')
  @RecordsReads('incident', param('id'))
  @ApiOperation({
    summary:
      'One incident with its deadlines and reports; 404 when hidden or missing. Linked indicators: only those you may read now',
  })
  async get(@CurrentOrg() org: Organisation, @Param('id', incidentIdPipe) id: string) {
    return presentIncident(await this.visible(org, id));
  }

  @Get(':id/timeline')
  @RecordsReads('incident', param('id'))
  @ApiOperation({
    summary:
      "The incident's timeline, with every regime's deadlines marked met, missed or pending; times in UTC and JST",
  })
  async timeline(@CurrentOrg() org: Organisation, @Param('id', incidentIdPipe) id: string) {
    return incidentTimeline(await this.visible(org, id), new Date());
  }

  @Get(':id/report')
  @RecordsReads('incident', param('id'))
  @ApiOperation({
    summary: 'The incident rendered as a report under one regime: jp-acd, nis2 or circia',
  })
  @ApiQuery({ name: 'regime', required: true, enum: ['jp-acd', 'nis2', 'circia'] })
  async asReport(
    @CurrentOrg() org: Organisation,
    @Param('id', incidentIdPipe) id: string,
    @Query('regime', new ZodValidationPipe(regimeSchema)) regime: 'jp-acd' | 'nis2' | 'circia',
  ) {
    const incident = await this.visible(org, id);
    const assets = new Map<string, AssetDoc>();
    for (const assetId of incident.affectedAssets) {
      // Asset details appear where the viewer may read the asset; the police see only ids.
      const asset = await this.queries.findAsset(org, incident.operatorId, assetId);
      if (asset) assets.set(assetId, asset);
    }
    return regimeReport(incident, regime, assets);
  }

  /** The incident as the viewer may see it (`readableBy`), or 404. */
  private async visible(org: Organisation, id: string): Promise<IncidentDoc> {
    const doc = await this.queries.findIncident(org, id);
    if (!doc) throw notFound();
    return readableBy(doc, org, await this.references.termsOf(incidentReferences([doc])));
  }
}
