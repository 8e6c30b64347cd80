/**
 * The audit log's signed tree head, checked in the browser. The bus's Ed25519 key signs exactly
 * these bytes (libs/audit, `treeHeadBytes`):
 *
 *   "acd-audit-sth-v1" (16 ASCII bytes) || 0x00 || treeSize (uint64 BE)
 *     || timestamp (uint64 BE, ms since the epoch) || rootHash (32 bytes)
 *
 * and the console verifies the signature with WebCrypto against the SPKI public key the bus
 * publishes. (That key is what the server says; the check proves the head was signed by it.)
 */

export interface SignedTreeHead {
  treeSize: number;
  timestamp: number;
  rootHash: string;
  signature: string;
}

export const TREE_HEAD_CONTEXT = 'acd-audit-sth-v1';

export type HeadCheck =
  | { ok: true }
  | { ok: false; reason: 'malformed-head' | 'malformed-key' | 'bad-signature' | 'no-webcrypto' };

/** The signed message of a tree head; throws RangeError for a head that cannot have been signed. */
export function treeHeadMessage(head: Omit<SignedTreeHead, 'signature'>): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(head.rootHash))
    throw new RangeError('rootHash must be 64 lower-case hex characters');
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0)
    throw new RangeError('treeSize must be a whole number >= 0');
  if (!Number.isSafeInteger(head.timestamp) || head.timestamp < 0)
    throw new RangeError('timestamp must be a whole number of milliseconds >= 0');
  const out = new Uint8Array(TREE_HEAD_CONTEXT.length + 1 + 8 + 8 + 32);
  for (let i = 0; i < TREE_HEAD_CONTEXT.length; i++) out[i] = TREE_HEAD_CONTEXT.charCodeAt(i);
  let at = TREE_HEAD_CONTEXT.length + 1; // the 0x00 separator is already zero
  const view = new DataView(out.buffer);
  view.setBigUint64(at, BigInt(head.treeSize));
  view.setBigUint64(at + 8, BigInt(head.timestamp));
  at += 16;
  for (let i = 0; i < 32; i++) out[at + i] = parseInt(head.rootHash.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function base64Bytes(b64: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The DER bytes of a `PUBLIC KEY` PEM; null when it is not one. */
export function spkiFromPem(pem: string): Uint8Array | null {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem);
  if (!m || m[1] === undefined) return null;
  return base64Bytes(m[1].replace(/\s+/g, ''));
}

/** Checks a signed tree head against an SPKI PEM public key with the given WebCrypto. */
export async function verifyTreeHead(
  subtle: SubtleCrypto | undefined,
  publicKeyPem: string,
  head: SignedTreeHead,
): Promise<HeadCheck> {
  if (!subtle) return { ok: false, reason: 'no-webcrypto' };
  let message: Uint8Array;
  try {
    message = treeHeadMessage(head);
  } catch {
    return { ok: false, reason: 'malformed-head' };
  }
  const signature = base64Bytes(head.signature);
  if (!signature || signature.length !== 64) return { ok: false, reason: 'malformed-head' };
  const spki = spkiFromPem(publicKeyPem);
  if (!spki) return { ok: false, reason: 'malformed-key' };
  let key: CryptoKey;
  try {
    key = await subtle.importKey('spki', spki as BufferSource, { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch {
    return { ok: false, reason: 'malformed-key' };
  }
  try {
    const ok = await subtle.verify(
      { name: 'Ed25519' },
      key,
      signature as BufferSource,
      message as BufferSource,
    );
    return ok ? { ok: true } : { ok: false, reason: 'bad-signature' };
  } catch {
    return { ok: false, reason: 'bad-signature' };
  }
}
