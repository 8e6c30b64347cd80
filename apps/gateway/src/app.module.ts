import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { BusModule } from './bus/bus.module';
import { HealthController } from './health/health.controller';
import { IndicatorCommands } from './indicators/indicator-commands.service';
import { IndicatorsController } from './indicators/indicators.controller';
import { CommandSender } from './common/command-sender';
import { AssetsController } from './reporting/assets.controller';
import { ComplianceController } from './reporting/compliance.controller';
import { IncidentsController } from './reporting/incidents.controller';
import { ReportingCommands } from './reporting/reporting-commands.service';

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: {
        level: process.env.LOG_LEVEL ?? 'info',
        // Tokens never reach a log line.
        redact: ['req.headers.authorization', 'req.headers.cookie'],
        autoLogging: { ignore: (req) => req.url === '/health' },
      },
    }),
    TerminusModule,
    BusModule,
  ],
  controllers: [
    IndicatorsController,
    AssetsController,
    IncidentsController,
    ComplianceController,
    HealthController,
  ],
  providers: [
    CommandSender,
    IndicatorCommands,
    ReportingCommands,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
})
export class AppModule {}
