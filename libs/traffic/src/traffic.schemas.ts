import { z } from 'zod';
import { isoInstant, text } from '@acd/identity';

/**
 * One flow record as submitted. Strict: any field not listed here (a `payload`, headers, a
 * URL) makes the whole request a 400, so contents cannot be slipped in beside the metadata.
 * Only the shape is checked here; values (addresses, ports, times) are checked per record by
 * `validateFlow`, and a record that fails is reported by index while the others go on.
 */
export const flowRecordSchema = z
  .object({
    srcAddress: z.string().max(64),
    srcPort: z.number().nullable().optional(),
    dstAddress: z.string().max(64),
    dstPort: z.number().nullable().optional(),
    protocol: z.union([z.number(), z.string().max(16)]),
    bytes: z.number(),
    packets: z.number(),
    start: z.string().max(40).describe('ISO 8601 instant of the first packet, with a zone'),
    end: z.string().max(40).describe('ISO 8601 instant of the last packet, with a zone'),
    observationPoint: z.string().max(256),
    domain: z
      .string()
      .max(300)
      .nullable()
      .optional()
      .describe('DNS query name or TLS server name observed as metadata (never a URL)'),
  })
  .strict();

export const flowBatchSchema = z
  .object({
    flows: z.array(flowRecordSchema).min(1, 'must hold at least one flow record'),
  })
  .strict();

export type FlowBatchBody = z.infer<typeof flowBatchSchema>;

export const listSubmissionsSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();

export const listMatchesSchema = z
  .object({
    indicatorId: text(200).optional(),
    batchId: text(200).optional(),
    since: isoInstant.transform((s) => new Date(s)).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();

export const matchIdSchema = z.string().uuid('must be an id (UUID)');
