import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
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
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Organisation } from '@acd/identity';
import { normaliseIndicatorValue } from '@acd/indicators-domain';
import { IndicatorQueries } from '@acd/persistence';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { openApiSchema } from '../common/openapi';
import { badRequest, ZodValidationPipe } from '../common/zod-validation.pipe';
import { IndicatorCommands } from './indicator-commands.service';
import { commandOptions } from '../common/command-sender';
import { CommandHeaders } from '../common/command-headers';
import { decodeCursor, encodeCursor, presentIndicator } from './indicator.presenter';
import {
  indicatorIdSchema,
  listIndicatorsSchema,
  publishIndicatorSchema,
  revokeIndicatorSchema,
  sightingSchema,
} from './indicator.schemas';

const idPipe = new ZodValidationPipe(indicatorIdSchema);

@ApiTags('indicators')
@ApiBearerAuth()
@Controller('v1/indicators')
export class IndicatorsController {
  constructor(
    private readonly commands: IndicatorCommands,
    private readonly queries: IndicatorQueries,
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
    res.status(accepted.version === 1 && !accepted.duplicate ? 201 : 200);
    res.setHeader('Location', `/v1/indicators/${accepted.id}`);
    return accepted;
  }

  @Get()
  @ApiOperation({
    summary: 'List the indicators you may read, oldest change first, with cursor pagination',
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
  ) {
    let value = q.value;
    if (value !== undefined && q.type) {
      const n = normaliseIndicatorValue(q.type, value);
      if (!n.ok) throw badRequest([{ field: 'value', reason: n.reason }]);
      value = n.value;
    }
    const cursor = q.next ? decodeCursor(q.next) : undefined;
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
    return {
      items: page.items.map(presentIndicator),
      next: page.next ? encodeCursor(page.next) : null,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One indicator; 404 when it does not exist or you may not read it' })
  @ApiParam({ name: 'id' })
  async get(@CurrentOrg() org: Organisation, @Param('id', idPipe) id: string) {
    const doc = await this.queries.findVisible(org, id);
    if (!doc) throw new NotFoundException('not found');
    return presentIndicator(doc);
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
