import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@acd/config';
import { reportingSchema, buildReportingPolicy } from '@acd/reporting';
import { TransactionalCommandTransport } from '@acd/runtime';
import { reportingContext } from './reporting.context';

@Module({})
class ReportingProcessorModule {}

async function bootstrap(): Promise<void> {
  // Deadlines are computed when an obligation arises and stored in its event, so a changed
  // setting applies to incidents opened after the change and never rewrites history.
  const policy = buildReportingPolicy(loadConfig(reportingSchema));
  const app = await NestFactory.createMicroservice(ReportingProcessorModule, {
    strategy: new TransactionalCommandTransport(reportingContext(policy)),
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen();
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
