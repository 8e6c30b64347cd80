import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TrafficService } from './traffic.service';

@Module({ providers: [TrafficService] })
class TrafficModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(TrafficModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
