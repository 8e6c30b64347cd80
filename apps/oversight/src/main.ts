import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@acd/config';
import { oversightSchema } from '@acd/oversight';
import { TransactionalCommandTransport } from '@acd/runtime';
import { oversightContext } from './oversight.context';

@Module({})
class OversightProcessorModule {}

async function bootstrap(): Promise<void> {
  // The roster and quorum are copied into each new request's first event and the emergency
  // deadline into each emergency execution, so a changed setting never rewrites a pending rule.
  const config = loadConfig(oversightSchema);
  const app = await NestFactory.createMicroservice(OversightProcessorModule, {
    strategy: new TransactionalCommandTransport(oversightContext(config)),
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen();
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
