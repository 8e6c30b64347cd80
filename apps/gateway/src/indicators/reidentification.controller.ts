import {
  Body,
  Controller,
  ForbiddenException,
  Headers,
  HttpCode,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import type { Organisation } from '@acd/identity';
import { IndicatorQueries, indicatorIdSchema } from '@acd/indicators';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { CommandHeaders } from '../common/command-headers';
import { CommandSender, commandOptions } from '../common/command-sender';
import { openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { PublisherNames } from './publisher-names';
import { notFound } from '../common/command-outcome';
import { PersonalTokenOnly } from '../auth/token-kind';

const reidentifySchema = z
  .object({ reason: z.string().trim().min(10, 'state why the identity is needed').max(2000) })
  .strict();

@ApiTags('indicators')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/indicators')
export class ReidentificationController {
  constructor(
    private readonly sender: CommandSender,
    private readonly queries: IndicatorQueries,
    private readonly names: PublisherNames,
  ) {}

  @Post(':id/reidentify')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Re-identify the publisher behind an indicator's pseudonym (cabinet cyber office only); recorded as an event with the reason",
  })
  @ApiBody({ schema: openApiSchema(reidentifySchema) })
  @ApiResponse({ status: 200, description: 'The publisher, and the event that records the act' })
  @ApiResponse({ status: 403, description: 'Not the cabinet cyber office' })
  @ApiResponse({ status: 409, description: 'The publisher consented to be named' })
  @CommandHeaders(false)
  async reidentify(
    @CurrentOrg() org: Organisation,
    @Param('id', new ZodValidationPipe(indicatorIdSchema)) id: string,
    @Body(new ZodValidationPipe(reidentifySchema)) body: { reason: string },
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
  ) {
    // Decided here, before anything reaches the bus: no stored outcome, duplicate or refusal may
    // stand in for the office's authority.
    if (org.kind !== 'cabinet-office') {
      throw new ForbiddenException('only the cabinet cyber office may re-identify a publisher');
    }
    const doc = await this.queries.findVisible(org, id);
    if (!doc) throw notFound();
    const pseudonym = this.names.pseudonymOf(doc.publisherOrgId);
    const accepted = await this.sender.send(
      org,
      'indicatorCommands',
      'jp.acd.indicator.ReidentifyPublisher',
      id,
      { indicatorId: id, pseudonym, reason: body.reason },
      commandOptions(req, key, undefined),
    );
    // Only an accepted command reaches this line: the processor answers from the log only the
    // office's own earlier request with this key and this body.
    return { ...accepted, indicatorId: id, pseudonym, publisherOrgId: doc.publisherOrgId };
  }
}
