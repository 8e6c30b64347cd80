import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { AdvisoriesAckCommand } from './advisories-ack.command';
import { AdvisoriesTailCommand } from './advisories-tail.command';
import { AdvisoriesCommand } from './advisories.command';
import { AuditCommand } from './audit.command';
import { AuditVerifyCommand } from './audit-verify.command';
import { AuditWhoReadCommand } from './audit-who-read.command';
import { exitCodeFor } from './exit-codes';
import { IncidentsOpenCommand } from './incidents-open.command';
import { IncidentsReportCommand } from './incidents-report.command';
import { IncidentsCommand } from './incidents.command';
import { IndicatorsListCommand } from './indicators-list.command';
import { IndicatorsPublishCommand } from './indicators-publish.command';
import { IndicatorsCommand } from './indicators.command';
import { KafkaAccessCommand } from './kafka-access.command';
import { OversightCommand } from './oversight/oversight.command';
import { OversightAnnualReportCommand } from './oversight/annual-report.command';
import { DeployCommand } from './deploy/deploy-render.command';
import { SeedDemoCommand } from './seed-demo.command';
import { ServiceAccessCommand } from './service-access.command';

/** The `acd` commands (docs/api.md, "Command line"). */
const ACD_COMMANDS = [
  IndicatorsCommand,
  IndicatorsPublishCommand,
  IndicatorsListCommand,
  IncidentsCommand,
  IncidentsOpenCommand,
  IncidentsReportCommand,
  AdvisoriesCommand,
  AdvisoriesTailCommand,
  AdvisoriesAckCommand,
  AuditCommand,
  AuditVerifyCommand,
  AuditWhoReadCommand,
  OversightCommand,
  OversightAnnualReportCommand,
  DeployCommand,
];

@Module({
  providers: [SeedDemoCommand, KafkaAccessCommand, ServiceAccessCommand, ...ACD_COMMANDS],
})
class CliModule {}

async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    logger: ['error', 'warn'],
    // Commander has already printed its message (or the help): only the exit code is left.
    errorHandler: (err) => process.exit(exitCodeFor(err)),
    serviceErrorHandler: (err) => {
      console.error(err.message);
      process.exit(exitCodeFor(err));
    },
  });
}

void main();
