import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TransactionalCommandTransport } from '@acd/persistence';
import { indicatorContext } from './indicator.context';

@Module({})
class IndicatorProcessorModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice(IndicatorProcessorModule, {
    strategy: new TransactionalCommandTransport(indicatorContext),
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen();
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
