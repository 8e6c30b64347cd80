import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Lets secret scanners and people recognise a leaked token, and the gateway reject junk early. */
export const TOKEN_PREFIX = 'acd_';
const TOKEN_BYTES = 32;
/** base64url of 32 bytes, without padding. */
const TOKEN_PATTERN = /^acd_[A-Za-z0-9_-]{43}$/;

/** A new bearer token. Show it once to its owner; store only `hashToken(token)`. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
}

export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/**
 * SHA-256, hex. Password hashes need salt and a slow KDF because passwords are guessable;
 * these tokens carry 256 random bits, so no dictionary or precomputed table can reach them and a
 * fast unsalted hash loses nothing. Being deterministic, the hash doubles as the lookup key.
 * A stolen token table therefore yields no usable token.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Compares in time independent of where the strings differ. Both sides are hashed first so
 * that unequal lengths neither throw nor leak through an early return.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** Checks a presented token against a stored hash. */
export function tokenMatchesHash(token: string, storedHash: string): boolean {
  return constantTimeEqual(hashToken(token), storedHash);
}
