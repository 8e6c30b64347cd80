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
  ReportingQueries,
  assetIdSchema,
  changeAssetSchema,
  listAssetsSchema,
  notifyAssetSchema,
  orgIdSchema,
  retireAssetSchema,
  type ChangeAssetBody,
  type NotifyAssetBody,
} from '@acd/reporting';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { CommandHeaders } from '../common/command-headers';
import { commandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { pageCursor, presentPage } from './reporting.paging';
import { presentAsset } from './reporting.presenter';
import { ReportingCommands } from './reporting-commands.service';
import { notFound } from '../common/command-outcome';
import { PersonalTokenOnly } from '../auth/token-kind';
import { param, RecordsReads } from '../audit/confidential-read';

const assetIdPipe = new ZodValidationPipe(assetIdSchema);

@ApiTags('assets')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/assets')
export class AssetsController {
  constructor(
    private readonly commands: ReportingCommands,
    private readonly queries: ReportingQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Notify the installation of a specified important computer (operators, own file)',
  })
  @ApiBody({ schema: openApiSchema(notifyAssetSchema) })
  @ApiResponse({ status: 201, description: 'Notified' })
  @ApiResponse({ status: 409, description: 'This asset id is already notified or was retired' })
  @CommandHeaders()
  async notify(
    @CurrentOrg() org: Organisation,
    @Body(new ZodValidationPipe(notifyAssetSchema)) body: NotifyAssetBody,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accepted = await this.commands.notifyAsset(org, body, commandOptions(req, key, ifMatch));
    res.setHeader('Location', `/v1/assets/${org.id}/${body.assetId}`);
    return accepted;
  }

  @Post(':assetId/changes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Notify a change to one of your assets (the full new description)' })
  @ApiBody({ schema: openApiSchema(changeAssetSchema) })
  @CommandHeaders()
  change(
    @CurrentOrg() org: Organisation,
    @Param('assetId', assetIdPipe) assetId: string,
    @Body(new ZodValidationPipe(changeAssetSchema)) body: ChangeAssetBody,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
  ) {
    return this.commands.changeAsset(org, assetId, body, commandOptions(req, key, ifMatch));
  }

  @Post(':assetId/retire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Notify the retirement of one of your assets' })
  @ApiBody({ schema: openApiSchema(retireAssetSchema) })
  @CommandHeaders()
  retire(
    @CurrentOrg() org: Organisation,
    @Param('assetId', assetIdPipe) assetId: string,
    @Body(new ZodValidationPipe(retireAssetSchema)) body: { reason: string },
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
  ) {
    return this.commands.retireAsset(org, assetId, body.reason, commandOptions(req, key, ifMatch));
  }

  @Get()
  @RecordsReads('asset', (body) =>
    ((body as { items?: { operatorId: string; assetId: string }[] }).items ?? []).map(
      (a) => `${a.operatorId}/${a.assetId}`,
    ),
  )
  @ApiOperation({
    summary:
      'Assets you may read: your own; all for the cabinet office; your sector for a ministry',
  })
  @ApiQuery({ name: 'operatorId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'retired'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'next', required: false })
  async list(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(listAssetsSchema)) q: ReturnType<typeof listAssetsSchema.parse>,
  ) {
    const page = await this.queries.listAssets(org, {
      ...(q.operatorId ? { operatorId: q.operatorId } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...pageCursor(q.next),
      limit: q.limit,
    });
    return presentPage(page, presentAsset);
  }

  @Get(':operatorId/:assetId')
  @RecordsReads('asset', param('operatorId', 'assetId'))
  @ApiOperation({ summary: 'One asset; 404 when it does not exist or you may not read it' })
  async get(
    @CurrentOrg() org: Organisation,
    @Param('operatorId', new ZodValidationPipe(orgIdSchema)) operatorId: string,
    @Param('assetId', assetIdPipe) assetId: string,
  ) {
    const doc = await this.queries.findAsset(org, operatorId, assetId);
    if (!doc) throw notFound();
    return presentAsset(doc);
  }
}
