import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { HASH_SIZE, sha256 } from './merkle';

/**
 * Signed tree heads (RFC 9162 §4.10 in spirit): the bus's Ed25519 key signs the size, the time
 * and the root of the tree. The signed bytes are fixed-width so any verifier rebuilds them:
 *
 *   "acd-audit-sth-v1" (16 ASCII bytes) || 0x00 || treeSize (uint64 BE) || timestamp (uint64 BE,
 *   milliseconds since the epoch) || rootHash (32 bytes)
 */
export interface TreeHead {
  treeSize: number;
  /** Milliseconds since the epoch, UTC. */
  timestamp: number;
  /** Lower-case hex of the 32-byte root hash. */
  rootHash: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Base64 of the 64-byte Ed25519 signature over `treeHeadBytes`. */
  signature: string;
}

export const TREE_HEAD_CONTEXT = 'acd-audit-sth-v1';

export function treeHeadBytes(head: TreeHead): Buffer {
  const root = Buffer.from(head.rootHash, 'hex');
  if (root.length !== HASH_SIZE || root.toString('hex') !== head.rootHash.toLowerCase())
    throw new RangeError('rootHash must be 64 hex characters');
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0)
    throw new RangeError('treeSize must be a whole number >= 0');
  if (!Number.isSafeInteger(head.timestamp) || head.timestamp < 0)
    throw new RangeError('timestamp must be a whole number of milliseconds >= 0');
  const out = Buffer.alloc(TREE_HEAD_CONTEXT.length + 1 + 8 + 8 + HASH_SIZE);
  let at = out.write(TREE_HEAD_CONTEXT, 0, 'ascii');
  out[at++] = 0;
  out.writeBigUInt64BE(BigInt(head.treeSize), at);
  out.writeBigUInt64BE(BigInt(head.timestamp), at + 8);
  root.copy(out, at + 16);
  return out;
}

export function signTreeHead(key: AuditSigningKey, head: TreeHead): SignedTreeHead {
  const signature = sign(null, treeHeadBytes(head), key.privateKey).toString('base64');
  return { treeSize: head.treeSize, timestamp: head.timestamp, rootHash: head.rootHash, signature };
}

export function verifyTreeHead(publicKey: KeyObject, head: SignedTreeHead): boolean {
  try {
    const sig = Buffer.from(head.signature, 'base64');
    if (sig.length !== 64 || sig.toString('base64') !== head.signature) return false;
    return verify(null, treeHeadBytes(head), publicKey, sig);
  } catch {
    return false;
  }
}

/** DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export class KeyFormatError extends Error {}

/**
 * The bus's signing key. Its text is never part of an error message or a log line; `toJSON`
 * and `inspect` show only the key id.
 */
export class AuditSigningKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  private constructor(readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  /**
   * `ACD_AUDIT_SIGNING_KEY`: a PKCS#8 PEM Ed25519 private key (`openssl genpkey -algorithm
   * ed25519`), or the base64 of a 32-byte Ed25519 seed.
   */
  static parse(text: string): AuditSigningKey {
    const trimmed = text.trim();
    let key: KeyObject;
    if (trimmed.startsWith('-----BEGIN')) {
      try {
        key = createPrivateKey({ key: trimmed, format: 'pem' });
      } catch {
        throw new KeyFormatError('not a readable PKCS#8 PEM private key');
      }
    } else {
      const seed = Buffer.from(trimmed, 'base64');
      if (seed.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed))
        throw new KeyFormatError(
          'neither a PKCS#8 PEM private key nor the base64 of a 32-byte Ed25519 seed',
        );
      key = createPrivateKey({
        key: Buffer.concat([PKCS8_ED25519, seed]),
        format: 'der',
        type: 'pkcs8',
      });
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new KeyFormatError(
        `an Ed25519 key is required, not ${key.asymmetricKeyType ?? 'unknown'}`,
      );
    return new AuditSigningKey(key);
  }

  publicKeyPem(): string {
    return publicKeyPem(this.publicKey);
  }

  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AuditSigningKey(${this.keyId})`;
  }
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** A trusted public key: SPKI PEM, or the base64 of the raw 32-byte Ed25519 public key. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('-----BEGIN')) key = createPublicKey({ key: trimmed, format: 'pem' });
    else {
      const raw = Buffer.from(trimmed, 'base64');
      if (raw.length !== 32) throw new Error('length');
      key = createPublicKey({
        key: Buffer.concat([SPKI_ED25519, raw]),
        format: 'der',
        type: 'spki',
      });
    }
  } catch {
    throw new KeyFormatError('not an Ed25519 public key (SPKI PEM, or base64 of the raw 32 bytes)');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new KeyFormatError(
      `an Ed25519 key is required, not ${key.asymmetricKeyType ?? 'unknown'}`,
    );
  return key;
}

/** SHA-256 of the key's SPKI DER, hex: how reports and the API name a key. */
export function keyIdOf(key: KeyObject): string {
  return sha256(key.export({ type: 'spki', format: 'der' })).toString('hex');
}
