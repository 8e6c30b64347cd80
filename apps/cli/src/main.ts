import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { SeedDemoCommand } from './seed-demo.command';

@Module({ providers: [SeedDemoCommand] })
class CliModule {}

async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    logger: ['error', 'warn'],
    errorHandler: (err) => {
      console.error(err.message);
      process.exit(2);
    },
    serviceErrorHandler: (err) => {
      console.error(err.message);
      process.exit(1);
    },
  });
}

void main();
