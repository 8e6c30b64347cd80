import pino from 'pino';
import type { BusLogger } from '@acd/messaging';

/** JSON lines on stdout, one logger per deployable, level from LOG_LEVEL. */
export function createLogger(name: string): BusLogger & { raw: pino.Logger } {
  const raw = pino({ name, level: process.env.LOG_LEVEL ?? 'info' });
  return {
    raw,
    info: (msg, meta) => raw.info(meta ?? {}, msg),
    warn: (msg, meta) => raw.warn(meta ?? {}, msg),
    error: (msg, meta) => raw.error(meta ?? {}, msg),
  };
}
