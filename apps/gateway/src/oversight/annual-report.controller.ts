import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Organisation } from '@acd/identity';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { PersonalTokenOnly } from '../auth/token-kind';
import { notFound } from '../common/command-outcome';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AnnualReportService } from './annual-report.service';

/** The Act came into force in 2025: no report can cover an earlier year. */
const FIRST_YEAR = 2025;

const annualReportQuery = z
  .object({
    year: z.coerce
      .number({ error: 'must be a year such as 2026' })
      .int('must be a year such as 2026')
      .min(FIRST_YEAR, `the Act applies from ${FIRST_YEAR}`)
      .max(9999),
  })
  .strict();

@ApiTags('oversight')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/oversight')
export class AnnualReportController {
  constructor(private readonly reports: AnnualReportService) {}

  @Get('annual-report')
  @ApiOperation({
    summary:
      "The commission's annual report to the Diet for a calendar year in Japan: requests, approvals and denials, operations by measure, emergency notifications (on time, late, missed), inspections and recommendations, computed from the event log and reconciled with the audit log (`reconciled`, `differences`). Commission only; 404 for others",
  })
  @ApiQuery({ name: 'year', required: true, description: 'e.g. 2026' })
  @ApiResponse({ status: 400, description: 'Not a year, or before 2025' })
  @ApiResponse({ status: 503, description: 'The audit store is still indexing; try again' })
  async report(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(annualReportQuery)) q: { year: number },
  ) {
    if (org.kind !== 'oversight-commission') throw notFound();
    return this.reports.report(q.year);
  }
}
