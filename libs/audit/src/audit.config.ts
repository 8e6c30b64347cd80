import { z } from 'zod';
import { AuditSigningKey, KeyFormatError } from './domain';

/**
 * The tamper-evident audit log. The signing key is the bus's identity towards the commission:
 * keep it secret and stable (a verifier trusts its public key). It is parsed here so a bad
 * value stops start-up, and its text never appears in a message.
 */
export const auditSchema = z.object({
  /** Ed25519 private key: PKCS#8 PEM, or the base64 of a 32-byte seed. */
  ACD_AUDIT_SIGNING_KEY: z
    .string({ message: 'required: an Ed25519 key (PKCS#8 PEM or base64 of a 32-byte seed)' })
    .min(1, 'required: an Ed25519 key (PKCS#8 PEM or base64 of a 32-byte seed)')
    .transform((text, ctx) => {
      try {
        return AuditSigningKey.parse(text);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: err instanceof KeyFormatError ? err.message : 'not a usable Ed25519 key',
        });
        return z.NEVER;
      }
    }),
  /** Most audit entries appended in one Kafka transaction. */
  ACD_AUDIT_MAX_TRANSACTION: z.coerce.number().int().min(1).max(10_000).default(500),
});

export type AuditConfig = z.infer<typeof auditSchema>;
