import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { BusModule } from './bus/bus.module';
import { AuditModule } from './audit/audit.module';
import { HealthController } from './health/health.controller';
import { IndicatorCommands } from './indicators/indicator-commands.service';
import { IndicatorsController } from './indicators/indicators.controller';
import { ReidentificationController } from './indicators/reidentification.controller';
import { CommandSender } from './common/command-sender';
import { WellFormedUnicodeInterceptor } from './common/well-formed-unicode.interceptor';
import { NoBodyInterceptor } from './common/no-body.interceptor';
import { AssetsController } from './reporting/assets.controller';
import { ComplianceController } from './reporting/compliance.controller';
import { IncidentsController } from './reporting/incidents.controller';
import { ReportingCommands } from './reporting/reporting-commands.service';
import { AdvisoriesController } from './advisories/advisories.controller';
import { AdvisoryCommands } from './advisories/advisory-commands.service';
import { OversightController } from './oversight/oversight.controller';
import { OversightCommands } from './oversight/oversight-commands.service';
import { SupervisionController } from './oversight/supervision.controller';
import { AnnualReportController } from './oversight/annual-report.controller';
import { AgreementCommands, AgreementsController } from './oversight/agreements.controller';
import { CouncilCommands, CouncilController } from './oversight/council.controller';
import { AnnualReportService } from './oversight/annual-report.service';
import { SupervisionCommands } from './oversight/supervision-commands.service';
import { accessTokenFromQuery, redactAccessToken } from './stream/access-token.middleware';
import { StreamController } from './stream/stream.controller';
import { StreamHub } from './stream/stream-hub';
import { TrafficModule } from './traffic/traffic.module';
import { TaxiiController } from './taxii/taxii.controller';
import { TaxiiCollections } from './taxii/taxii-collections';
import { TaxiiStatusStore } from './taxii/taxii-status.store';
import { AggregatesController } from './console/aggregates.controller';
import { DemoOrganisationsController } from './console/demo-organisations.controller';
import { WhoamiController } from './console/whoami.controller';
import { MembersController } from './identity/members.controller';
import { ConfidentialReadInterceptor } from './audit/confidential-read';

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: {
        level: process.env.LOG_LEVEL ?? 'info',
        // Tokens never reach a log line.
        redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query.access_token'],
        // ... nor one sent as `?access_token=` (GET /v1/stream, for EventSource).
        serializers: {
          req: (req: { url?: string }) => Object.assign(req, { url: redactAccessToken(req.url) }),
        },
        autoLogging: { ignore: (req) => req.url === '/health' },
      },
    }),
    TerminusModule,
    BusModule,
    AuditModule,
    TrafficModule,
  ],
  controllers: [
    IndicatorsController,
    ReidentificationController,
    AssetsController,
    IncidentsController,
    ComplianceController,
    AdvisoriesController,
    OversightController,
    SupervisionController,
    AnnualReportController,
    AgreementsController,
    CouncilController,
    StreamController,
    TaxiiController,
    AggregatesController,
    WhoamiController,
    MembersController,
    DemoOrganisationsController,
    HealthController,
  ],
  providers: [
    CommandSender,
    IndicatorCommands,
    ReportingCommands,
    AdvisoryCommands,
    OversightCommands,
    SupervisionCommands,
    AnnualReportService,
    AgreementCommands,
    CouncilCommands,
    StreamHub,
    TaxiiCollections,
    TaxiiStatusStore,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    // A route that takes no body refuses one that carries anything (400).
    { provide: APP_INTERCEPTOR, useClass: NoBodyInterceptor },
    // Every string a request carries is well-formed Unicode without NUL, or the request answers 400.
    { provide: APP_INTERCEPTOR, useClass: WellFormedUnicodeInterceptor },
    // Reads of confidential data are on the audit log, naming the member, before they leave.
    { provide: APP_INTERCEPTOR, useClass: ConfidentialReadInterceptor },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(accessTokenFromQuery)
      .forRoutes({ path: 'v1/stream', method: RequestMethod.GET });
  }
}
