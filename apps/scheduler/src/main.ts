import 'reflect-metadata';
import { hostname } from 'node:os';
import { kafkaSchema, loadConfig } from '@acd/config';
import { DueCommandScheduler } from '@acd/messaging';
import { createLogger, openRuntime } from '@acd/persistence';
import { DeadlineBook, SCHEDULER_ISSUER, type ReportingEvent } from '@acd/reporting-domain';

/**
 * The bus's deadline clocks: reads the reporting events into a DeadlineBook and sends
 * MarkDeadlineMissed / RecordOrderIgnored when a deadline or a correction order's due date
 * passes. It keeps nothing of its own: a restart rebuilds the book from the events topic, and
 * the reporting decider ignores a repeat, so any number of instances may run.
 */
async function main(): Promise<void> {
  const logger = createLogger('scheduler');
  const { ACD_INSTANCE_ID } = loadConfig(kafkaSchema);
  const rt = await openRuntime('scheduler');
  const scheduler = new DueCommandScheduler<ReportingEvent>(rt.kafka, rt.topics, rt.codec, {
    eventsTopic: 'reportingEvents',
    commandsTopic: 'reportingCommands',
    namespace: 'jp.acd.reporting',
    book: new DeadlineBook(),
    issuer: SCHEDULER_ISSUER,
    logger,
    instanceId: `${ACD_INSTANCE_ID}-${hostname()}-${process.pid}`,
  });
  await scheduler.start();
  logger.info('scheduler running', { sent: scheduler.sent });
  const shutdown = async (signal: string) => {
    logger.info('stopping', { signal });
    await scheduler.stop();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
