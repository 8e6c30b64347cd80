import type { Millis } from './reporting.events';

const JST_OFFSET_MS = 9 * 3_600_000;

/**
 * An instant as a person in Japan reads it: Japan Standard Time, with the offset spelled out so
 * the text is still an unambiguous ISO 8601 instant. Japan has no daylight saving time, so a
 * fixed +09:00 is exact. Deadlines are computed and stored in UTC; only text for people uses this.
 */
export function formatJst(at: Millis | Date): string {
  const shifted = new Date(new Date(at).getTime() + JST_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+09:00`;
}
