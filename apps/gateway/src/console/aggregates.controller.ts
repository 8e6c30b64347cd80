import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdvisoryQueries } from '@acd/advisories';
import { trafficReadFilter, type Organisation } from '@acd/identity';
import { IndicatorAggregates } from '@acd/indicators';
import { metadataPurposeFields, TrafficAggregates, type MetadataPurpose } from '@acd/traffic';
import { AuditTrail } from '../audit/audit-trail.service';
import { CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { MetadataPurposeQueries } from '../traffic/metadata-purpose.openapi';

export const aggregatePeriodSchema = z
  .object({
    days: z.coerce
      .number({ message: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'at least 1')
      .max(366, 'at most 366')
      .default(30),
  })
  .strict();

/** The period of the flow-submission counts, and the purpose every metadata query states. */
export const trafficVolumeQuerySchema = aggregatePeriodSchema
  .extend(metadataPurposeFields)
  .strict();

/**
 * Counts for dashboards. Each is computed on the server under the viewer's entitlement, from
 * counters judged bucket by bucket by the same policy as every single read: an aggregate counts
 * exactly what the viewer could list, so a count never reveals an item the viewer cannot read.
 */
@ApiTags('aggregates')
@ApiBearerAuth()
@Controller('v1/aggregates')
export class AggregatesController {
  constructor(
    private readonly indicators: IndicatorAggregates,
    private readonly traffic: TrafficAggregates,
    private readonly advisories: AdvisoryQueries,
    private readonly audit: AuditTrail,
  ) {}

  @Get('indicators')
  @ApiOperation({
    summary:
      'Indicators you may read, first published on each day (Asia/Tokyo) of the last `days`, by day, publisher sector, type and TLP',
  })
  @ApiQuery({ name: 'days', required: false, description: '1 to 366 (default 30)' })
  @ApiResponse({
    status: 200,
    description: '{from, to, timeZone, total, revoked, byDay, bySector, byType, byTlp, series}',
  })
  indicatorVolume(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(aggregatePeriodSchema)) q: { days: number },
  ) {
    return this.indicators.volume(org, q.days);
  }

  @Get('advisories')
  @ApiOperation({
    summary:
      'Acknowledgement rate of each advisory in force whose acknowledgements you may see (the issuer its own, the cabinet office every one it may read; empty for others)',
  })
  @ApiResponse({
    status: 200,
    description:
      '{items: [{advisoryId, title, tlp, severity, status, issuerOrgId, expiresAt, expected, acknowledged, rate}], truncated}',
  })
  advisoryAcknowledgements(@CurrentOrg() org: Organisation) {
    return this.advisories.acknowledgementRates(org);
  }

  @Get('traffic')
  @ApiOperation({
    summary:
      'Flow submissions and their refusals per day (Asia/Tokyo) and submitter: a telecom or an operator (under an agreement) its own, the cabinet office and the commission all',
  })
  @ApiQuery({ name: 'days', required: false, description: '1 to 366 (default 30)' })
  @MetadataPurposeQueries()
  @ApiResponse({ status: 403, description: 'You may read no flow submissions' })
  async trafficVolume(
    @CurrentOrg() org: Organisation,
    @CurrentSubject() subject: string | undefined,
    @Query(new ZodValidationPipe(trafficVolumeQuerySchema)) q: MetadataPurpose & { days: number },
  ) {
    if (trafficReadFilter(org) === null) {
      throw new ForbiddenException(
        'flow submissions are read by their submitters (telecom operators, and operators under an agreement), the cabinet office and the oversight commission',
      );
    }
    const volume = await this.traffic.volume(org, q.days);
    // A metadata query, counts included: on record with its purpose before the answer leaves.
    await this.audit.recordRead(
      { org, subject, route: 'GET /v1/aggregates/traffic', query: q, items: [] },
      { always: true },
    );
    return volume;
  }
}
