import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  AuditSigningKey,
  signTreeHead,
  treeHeadBytes,
} from '../../../../libs/audit/src/domain/tree-head';
import { spkiFromPem, treeHeadMessage, verifyTreeHead } from './tree-head';

const subtle = globalThis.crypto.subtle;

function signingKey(): { key: AuditSigningKey; pem: string } {
  // A 32-byte seed in base64, as ACD_AUDIT_SIGNING_KEY takes it.
  const key = AuditSigningKey.parse(randomBytes(32).toString('base64'));
  return { key, pem: key.publicKeyPem() };
}

const head = fc.record({
  treeSize: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  timestamp: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  rootHash: fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => Buffer.from(b).toString('hex')),
});

describe('the audit head, checked in the browser', () => {
  it('signs the same bytes as the bus (libs/audit treeHeadBytes)', () => {
    fc.assert(
      fc.property(head, (h) => {
        expect(Buffer.from(treeHeadMessage(h))).toEqual(treeHeadBytes(h));
      }),
    );
  });

  it('verifies a head the bus signed, with WebCrypto Ed25519', async () => {
    const { key, pem } = signingKey();
    const signed = signTreeHead(key, {
      treeSize: 42,
      timestamp: 1_780_000_000_000,
      rootHash: 'ab'.repeat(32),
    });
    await expect(verifyTreeHead(subtle, pem, signed)).resolves.toEqual({ ok: true });
  });

  it('fails a head whose size, time, root or signature changed, or another key', async () => {
    const { key, pem } = signingKey();
    const signed = signTreeHead(key, {
      treeSize: 7,
      timestamp: 1_780_000_000_000,
      rootHash: '01'.repeat(32),
    });
    const bad = { ok: false, reason: 'bad-signature' };
    await expect(verifyTreeHead(subtle, pem, { ...signed, treeSize: 8 })).resolves.toEqual(bad);
    await expect(
      verifyTreeHead(subtle, pem, { ...signed, timestamp: signed.timestamp + 1 }),
    ).resolves.toEqual(bad);
    await expect(
      verifyTreeHead(subtle, pem, { ...signed, rootHash: '02'.repeat(32) }),
    ).resolves.toEqual(bad);
    const flipped = Buffer.from(signed.signature, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await expect(
      verifyTreeHead(subtle, pem, { ...signed, signature: flipped.toString('base64') }),
    ).resolves.toEqual(bad);
    await expect(verifyTreeHead(subtle, signingKey().pem, signed)).resolves.toEqual(bad);
  });

  it('says what is wrong with a head or key it cannot check', async () => {
    const { key, pem } = signingKey();
    const signed = signTreeHead(key, { treeSize: 1, timestamp: 1, rootHash: 'cd'.repeat(32) });
    await expect(verifyTreeHead(subtle, pem, { ...signed, rootHash: 'xyz' })).resolves.toEqual({
      ok: false,
      reason: 'malformed-head',
    });
    await expect(verifyTreeHead(subtle, pem, { ...signed, signature: 'AAAA' })).resolves.toEqual({
      ok: false,
      reason: 'malformed-head',
    });
    await expect(verifyTreeHead(subtle, 'not a key', signed)).resolves.toEqual({
      ok: false,
      reason: 'malformed-key',
    });
    await expect(verifyTreeHead(undefined, pem, signed)).resolves.toEqual({
      ok: false,
      reason: 'no-webcrypto',
    });
    expect(spkiFromPem(pem)?.length).toBe(44);
  });
});
