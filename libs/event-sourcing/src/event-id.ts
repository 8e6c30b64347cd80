import { createHash, createHmac } from 'node:crypto';

function uuidShaped(hash: Buffer, version: number): string {
  hash[6] = ((hash[6] ?? 0) & 0x0f) | (version << 4);
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Deterministic ids (RFC 4122 version 5 layout over SHA-1): the same command retried yields the
 * same event ids, so any consumer can recognise a duplicate by id alone. Anyone can recompute
 * such an id from its name, so it is only for names that are already secret (a keyed command id)
 * or reveal nothing; an id derived from fields a reader might not see is a {@link keyedId}.
 */
export function deterministicId(namespace: string, name: string): string {
  return uuidShaped(createHash('sha1').update(namespace).update('\u0000').update(name).digest(), 5);
}

/**
 * An RFC 9562 (RFC 4122) version 5 UUID: SHA-1 over the namespace UUID's 16 bytes and the name's
 * UTF-8 bytes, as every UUID library computes it, so other systems can recompute the same id.
 */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  return uuidShaped(createHash('sha1').update(ns).update(name, 'utf8').digest(), 5);
}

/**
 * A stable id nobody can derive without the bus's id key (HMAC-SHA-256, in the RFC 9562 version 8
 * layout). A reader who sees it cannot test guesses of the fields it was made from (which
 * organisation published, which address a hidden indicator holds): there are only a few hundred
 * organisations and a few billion addresses, so an unkeyed hash of them is reversed by trying all.
 */
export function keyedId(key: string, namespace: string, name: string): string {
  return uuidShaped(
    createHmac('sha256', key).update(namespace).update('\u0000').update(name).digest(),
    8,
  );
}

/**
 * The id of the `index`th event a command produced on an aggregate. The aggregate is part of the
 * name, so no two aggregates' events ever share an id, whatever command ids arrive.
 */
export const eventIdFor = (commandId: string, index: number, aggregateId: string): string =>
  deterministicId('acd:event', `${aggregateId}\u0000${commandId}#${index}`);

/** Who sent a command: an organisation, and the person its token names (a commission member). */
export interface Principal {
  orgId: string;
  subject?: string | null;
}

/**
 * A client's Idempotency-Key is scoped to its principal (organisation and member), so two
 * principals never share a stored outcome; the id is keyed, so neither the key nor the
 * organisation can be read back from it or from the ids derived from it.
 */
export const commandIdFor = (idKey: string, who: Principal, idempotencyKey: string): string =>
  keyedId(idKey, 'acd:command', `${who.orgId}\u0000${who.subject ?? ''}\u0000${idempotencyKey}`);
