import 'reflect-metadata';
import { loadConfig } from '@acd/config';
import { auditSchema, AuditAppender, AuditStore, AuditStoreProjector } from '@acd/audit';
import { createLogger, openRuntime } from '@acd/runtime';

/**
 * The audit log's deployable: the single appender (audited events → acd.audit.log.v1, exactly
 * once) and the store projector (acd.audit.log.v1 → MongoDB, for the commission's API).
 * `audit rebuild` empties the store; the next run refills it from the topic.
 */
async function main(): Promise<void> {
  const logger = createLogger('audit');
  const config = loadConfig(auditSchema);
  const key = config.ACD_AUDIT_SIGNING_KEY;
  const rt = await openRuntime('audit');
  const store = new AuditStore(rt.db);
  if (process.argv[2] === 'rebuild') {
    await store.drop();
    logger.info('audit store emptied; the next run rebuilds it from the log topic');
    await rt.close();
    return;
  }
  await store.setPublicKey(key.keyId, key.publicKeyPem());
  const fatal = (err: unknown) => {
    logger.error('audit stops', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  };
  const appender = new AuditAppender(rt.kafka, rt.topics, rt.codec, key, {
    logger,
    maxTransaction: config.ACD_AUDIT_MAX_TRANSACTION,
    onFatal: fatal,
  });
  const projector = new AuditStoreProjector(rt.kafka, rt.topics, rt.codec, store, {
    logger,
    publicKeyPem: key.publicKeyPem(),
    onFatal: fatal,
  });
  await appender.start();
  await projector.start();
  logger.info('audit log running', { keyId: key.keyId, size: appender.size });
  const shutdown = async (signal: string) => {
    logger.info('stopping', { signal });
    await appender.stop();
    await projector.stop();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Configuration errors name the variable and never echo the key.
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
