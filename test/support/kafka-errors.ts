import type { logCreator } from 'kafkajs';

/** The kafkajs error type (e.g. TOPIC_AUTHORIZATION_FAILED) or class name, through wrappers. */
export function errorKind(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    const rec = e as { type?: unknown; name?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof rec.type === 'string' && rec.type !== 'UNKNOWN') return rec.type;
    const next = rec.cause ?? rec.originalError;
    if (!next) return typeof rec.name === 'string' ? rec.name : String(e);
    e = next;
  }
  return String(err);
}

/**
 * A kafkajs log creator (use with `logLevel.DEBUG`) that keeps the brokers' reasons for refusing
 * FindCoordinator in `coordinatorErrors`: kafkajs reports a refused group or transactional id as
 * a generic "Failed to find group coordinator", and only its debug log names the broker's answer.
 * `anyErrors` gets every logged error with its message.
 */
export function collectKafkaErrors(
  coordinatorErrors: string[],
  anyErrors: string[] = [],
): logCreator {
  return () =>
    ({ log }) => {
      const error = (log as { error?: unknown }).error;
      if (!error) return;
      if (log.message === 'Tried to find group coordinator') {
        coordinatorErrors.push(errorKind(error));
      }
      anyErrors.push(`${log.message}: ${errorKind(error)}`);
    };
}
