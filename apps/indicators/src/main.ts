import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@acd/config';
import { indicatorSchema } from '@acd/indicators';
import { TransactionalCommandTransport } from '@acd/runtime';
import { indicatorContext } from './indicator.context';

@Module({})
class IndicatorProcessorModule {}

async function bootstrap(): Promise<void> {
  // How broad an indicator may be (ACD_INDICATOR_MIN_PREFIX_V4/V6); a bad value stops start-up.
  const breadth = loadConfig(indicatorSchema);
  const app = await NestFactory.createMicroservice(IndicatorProcessorModule, {
    strategy: new TransactionalCommandTransport(indicatorContext(breadth)),
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen();
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
