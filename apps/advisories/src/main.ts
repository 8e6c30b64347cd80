import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TransactionalCommandTransport } from '@acd/runtime';
import { advisoriesContext } from './advisories.context';
import { AdvisoryFanoutService } from './advisory-fanout.service';

@Module({ providers: [AdvisoryFanoutService] })
class AdvisoriesProcessorModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice(AdvisoriesProcessorModule, {
    strategy: new TransactionalCommandTransport(advisoriesContext),
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen();
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
