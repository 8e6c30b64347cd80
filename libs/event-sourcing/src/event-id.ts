import { createHash } from 'node:crypto';

/**
 * Deterministic ids (RFC 4122 version 5 layout over SHA-1): the same command retried yields the
 * same event ids, so any consumer can recognise a duplicate by id alone.
 */
export function deterministicId(namespace: string, name: string): string {
  const hash = createHash('sha1').update(namespace).update('\u0000').update(name).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const eventIdFor = (commandId: string, index: number): string =>
  deterministicId('acd:event', `${commandId}#${index}`);

/** A client's Idempotency-Key is scoped to its organisation, so two organisations never collide. */
export const commandIdFor = (orgId: string, idempotencyKey: string): string =>
  deterministicId('acd:command', `${orgId}:${idempotencyKey}`);
