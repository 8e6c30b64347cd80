import { z } from 'zod';
import { isoDuration } from '@acd/config';

/**
 * The oversight commission (see the README's safeguards). The law names five members approved
 * by the Diet; who they are, and the voting rule, are configuration.
 */
export const oversightSchema = z
  .object({
    /** Member ids of the oversight commission, comma-separated; each votes with its own token. */
    ACD_COMMISSION_MEMBERS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'each a kebab-case id'))
          .min(1, 'at least one member')
          .max(25)
          .refine((a) => new Set(a).size === a.length, 'member ids must be distinct'),
      )
      .default(['member-1', 'member-2', 'member-3', 'member-4', 'member-5']),
    /** Votes that must be cast before a request is decided. */
    ACD_COMMISSION_QUORUM: z.coerce.number().int().min(1).max(25).default(3),
    /** How long an agency that acted first in an emergency has to notify the commission. */
    ACD_EMERGENCY_NOTIFY_WITHIN: isoDuration.default('PT24H'),
  })
  .refine((c) => c.ACD_COMMISSION_QUORUM <= c.ACD_COMMISSION_MEMBERS.length, {
    message: 'ACD_COMMISSION_QUORUM cannot exceed the number of ACD_COMMISSION_MEMBERS',
    path: ['ACD_COMMISSION_QUORUM'],
  });

/** Cross-border flow metadata (see the README's traffic section). */

export type OversightConfig = z.infer<typeof oversightSchema>;
