import { z } from 'zod';
import { isoInstant, orgIdSchema, SECTORS, TLP_LEVELS } from '@acd/identity';
import { INDICATOR_TYPES } from './domain';

const orgId = orgIdSchema;

export const audienceSchema = z
  .object({
    orgs: z.array(orgId).max(500).default([]),
    sectors: z.array(z.enum(SECTORS)).max(SECTORS.length).default([]),
    /** Shared in the council: its bound members read it (CLEAR, GREEN, AMBER only). */
    council: z.boolean().default(false),
  })
  .strict();

export const publishIndicatorSchema = z
  .object({
    type: z.enum(INDICATOR_TYPES),
    value: z.string().trim().min(1, 'must not be empty').max(2048),
    tlp: z.enum(TLP_LEVELS),
    audience: audienceSchema.default({ orgs: [], sectors: [], council: false }),
    confidence: z.number().int('must be an integer').min(0).max(100).default(50),
    validFrom: isoInstant.optional(),
    validUntil: isoInstant.optional(),
    description: z.string().max(10_000).optional(),
    cves: z
      .array(z.string().regex(/^CVE-\d{4}-\d{4,}$/i, 'must be a CVE id like CVE-2024-3400'))
      .max(100)
      .default([]),
    killChainPhases: z
      .array(
        z
          .object({
            killChainName: z.string().min(1).max(100),
            phaseName: z.string().min(1).max(100),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    /** Consent to be named; without it readers outside the government see a pseudonym. */
    disclosePublisher: z.boolean().default(false),
  })
  .strict()
  .refine(
    (b) => !b.validFrom || !b.validUntil || Date.parse(b.validUntil) > Date.parse(b.validFrom),
    {
      message: 'must be later than validFrom',
      path: ['validUntil'],
    },
  );

export type PublishIndicatorBody = z.infer<typeof publishIndicatorSchema>;

export const revokeIndicatorSchema = z
  .object({ reason: z.string().trim().min(1, 'a reason is required').max(2000) })
  .strict();

export const sightingSchema = z
  .object({
    observedAt: isoInstant.optional(),
    count: z.number().int('must be an integer').min(1).max(1_000_000).default(1),
    note: z.string().max(2000).optional(),
  })
  .strict();

export const listIndicatorsSchema = z
  .object({
    type: z.enum(INDICATOR_TYPES).optional(),
    value: z.string().trim().min(1).max(2048).optional(),
    tlp: z.enum(TLP_LEVELS).optional(),
    sector: z.enum(SECTORS).optional(),
    updatedSince: isoInstant.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();

export const indicatorIdSchema = z.string().uuid('must be an indicator id (UUID)');

/** The most items one batch may carry; larger files are sent as several batches. */
export const MAX_BATCH_ITEMS = 500;

/**
 * A batch of publish bodies. Each item is validated on its own against publishIndicatorSchema
 * (a bad item is answered in its own result and never fails the others), so the envelope only
 * checks that there is a list of 1 to MAX_BATCH_ITEMS items.
 */
export const publishBatchSchema = z
  .object({
    items: z
      .array(z.unknown())
      .min(1, 'at least one item')
      .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items; send several batches`),
  })
  .strict();

/** What the OpenAPI document shows for a batch: the items are publish bodies. */
export const publishBatchDocSchema = z
  .object({ items: z.array(publishIndicatorSchema).min(1).max(MAX_BATCH_ITEMS) })
  .strict();
