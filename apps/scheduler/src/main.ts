import 'reflect-metadata';
import { hostname } from 'node:os';
import { kafkaSchema, loadConfig } from '@acd/config';
import { DueCommandScheduler } from '@acd/messaging';
import {
  EmergencyNotificationBook,
  OVERSIGHT_SCHEDULER_ISSUER,
  type OversightEvent,
} from '@acd/oversight';
import { createLogger, openRuntime } from '@acd/runtime';
import { DeadlineBook, SCHEDULER_ISSUER, type ReportingEvent } from '@acd/reporting';

/**
 * The bus's deadline clocks, one DueCommandScheduler per clock:
 * - reporting: reads the reporting events into a DeadlineBook and sends MarkDeadlineMissed /
 *   RecordOrderIgnored when a deadline or a correction order's due date passes, and
 *   MarkAssetNotificationMissed when a designated operator has not notified its computers in time;
 * - oversight: reads the oversight events into an EmergencyNotificationBook and sends
 *   MarkEmergencyNotificationMissed when an agency that acted first in an emergency has not
 *   notified the commission in time.
 * It keeps nothing of its own: a restart rebuilds each book from its events topic, and the
 * deciders ignore a repeat (the command ids are deterministic), so any number of instances may
 * run. `clock` is the law's clock; tests inject their own through the schedulers.
 */
async function main(clock: () => Date = () => new Date()): Promise<void> {
  const logger = createLogger('scheduler');
  const { ACD_INSTANCE_ID } = loadConfig(kafkaSchema);
  const rt = await openRuntime('scheduler');
  const instanceId = `${ACD_INSTANCE_ID}-${hostname()}-${process.pid}`;
  const reporting = new DueCommandScheduler<ReportingEvent>(rt.kafka, rt.topics, rt.codec, {
    eventsTopic: 'reportingEvents',
    commandsTopic: 'reportingCommands',
    namespace: 'jp.acd.reporting',
    book: new DeadlineBook(),
    issuer: SCHEDULER_ISSUER,
    clock,
    logger,
    instanceId,
  });
  const oversight = new DueCommandScheduler<OversightEvent>(rt.kafka, rt.topics, rt.codec, {
    eventsTopic: 'oversightEvents',
    commandsTopic: 'oversightCommands',
    namespace: 'jp.acd.oversight',
    book: new EmergencyNotificationBook(),
    issuer: OVERSIGHT_SCHEDULER_ISSUER,
    clock,
    logger,
    instanceId,
  });
  await Promise.all([reporting.start(), oversight.start()]);
  logger.info('scheduler running', { sent: reporting.sent + oversight.sent });
  const shutdown = async (signal: string) => {
    logger.info('stopping', { signal });
    await Promise.all([reporting.stop(), oversight.stop()]);
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
