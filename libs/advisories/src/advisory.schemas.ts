import { z } from 'zod';
import { ADVISORY_SEVERITIES } from './domain';
import {
  ORG_KINDS,
  SECTORS,
  TLP_LEVELS,
  isoInstant,
  orgIdSchema,
  text,
  uuidSchema,
} from '@acd/identity';

export const advisoryIdSchema = uuidSchema;

export const advisoryAudienceSchema = z
  .object({
    /** Every organisation on the bus: TLP CLEAR or GREEN only. */
    everyone: z.boolean().default(false),
    /** Operators of these sectors and their supervising ministries (not AMBER+STRICT, RED). */
    sectors: z.array(z.enum(SECTORS)).max(500).default([]),
    /** Every organisation of these kinds (not AMBER+STRICT, RED). */
    kinds: z.array(z.enum(ORG_KINDS)).max(500).default([]),
    /** Named organisations. */
    orgs: z.array(orgIdSchema).max(500).default([]),
    /** The council's members bound to confidentiality (not AMBER+STRICT, RED). */
    council: z.boolean().default(false),
  })
  .strict();

const fields = {
  title: text(300),
  summary: text(20_000),
  severity: z.enum(ADVISORY_SEVERITIES),
  tlp: z.enum(TLP_LEVELS),
  audience: advisoryAudienceSchema,
  /** Related indicators: each must be readable by every reader of the advisory. */
  indicatorIds: z.array(advisoryIdSchema).max(500),
  /** Related incidents: each must be readable by every reader of the advisory. */
  incidentIds: z.array(advisoryIdSchema).max(500),
  recommendedActions: z.array(text(2000)).max(50),
  expiresAt: isoInstant,
};

export const issueAdvisorySchema = z
  .object({
    ...fields,
    indicatorIds: fields.indicatorIds.default([]),
    incidentIds: fields.incidentIds.default([]),
    recommendedActions: fields.recommendedActions.default([]),
  })
  .strict();
export type IssueAdvisoryBody = z.infer<typeof issueAdvisorySchema>;

/** Only the fields to change; the rest stays. */
export const updateAdvisorySchema = z
  .object({
    title: fields.title.optional(),
    summary: fields.summary.optional(),
    severity: fields.severity.optional(),
    tlp: fields.tlp.optional(),
    audience: fields.audience.optional(),
    indicatorIds: fields.indicatorIds.optional(),
    incidentIds: fields.incidentIds.optional(),
    recommendedActions: fields.recommendedActions.optional(),
    expiresAt: fields.expiresAt.optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'name at least one field to change',
  });
export type UpdateAdvisoryBody = z.infer<typeof updateAdvisorySchema>;

export const withdrawAdvisorySchema = z.object({ reason: text(2000) }).strict();

export const listAdvisoriesSchema = z
  .object({
    status: z.enum(['active', 'withdrawn']).optional(),
    severity: z.enum(ADVISORY_SEVERITIES).optional(),
    inForce: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();
