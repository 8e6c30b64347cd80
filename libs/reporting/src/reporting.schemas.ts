import { z } from 'zod';
import { SECTORS, isoInstant, orgIdSchema, text, uuidSchema } from '@acd/identity';
import {
  ASSET_EXPOSURES,
  IMPACT_LEVELS,
  INCIDENT_STATUSES,
  MAX_FINE_YEN,
  MIN_FINE_YEN,
  PROFILE_IDS,
  REPORT_STAGES,
} from './domain';
import { publishIndicatorSchema } from '@acd/indicators';

export { orgIdSchema, uuidSchema };

export const assetIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1 to 64 letters, digits, dot, dash or underscore',
  );
export const regimeSchema = z.enum(PROFILE_IDS);

const assetDetails = {
  name: text(200),
  function: text(200),
  location: text(200),
  vendor: text(200),
  product: text(200),
  exposure: z.enum(ASSET_EXPOSURES),
};

export const notifyAssetSchema = z
  .object({ assetId: assetIdSchema, ...assetDetails, installedAt: isoInstant.optional() })
  .strict();
export type NotifyAssetBody = z.infer<typeof notifyAssetSchema>;

export const changeAssetSchema = z.object(assetDetails).strict();
export type ChangeAssetBody = z.infer<typeof changeAssetSchema>;

export const retireAssetSchema = z.object({ reason: text(2000) }).strict();

const facts = {
  impact: z.enum(IMPACT_LEVELS),
  status: z.enum(INCIDENT_STATUSES),
  suspectedActor: z.string().trim().max(200).optional(),
  affectedAssets: z.array(assetIdSchema).max(500),
  indicatorIds: z.array(uuidSchema).max(500),
  sharedWithPolice: z.boolean(),
  ransomPaidAt: isoInstant.optional(),
};

export const openIncidentSchema = z
  .object({
    title: text(300),
    description: z.string().max(10_000).optional(),
    awareAt: isoInstant,
    detectedAt: isoInstant.optional(),
    firstSeenAt: isoInstant.optional(),
    impact: facts.impact,
    status: facts.status.default('investigating'),
    suspectedActor: facts.suspectedActor,
    affectedAssets: facts.affectedAssets.default([]),
    indicatorIds: facts.indicatorIds.default([]),
    /** Indicators published in the same call, by the operator, and linked to the incident. */
    newIndicators: z.array(publishIndicatorSchema).max(50).default([]),
    sharedWithPolice: facts.sharedWithPolice.default(false),
    ransomPaidAt: facts.ransomPaidAt,
    /** The correction order this report answers, for an incident the government found first. */
    orderId: uuidSchema.optional(),
  })
  .strict();
export type OpenIncidentBody = z.infer<typeof openIncidentSchema>;

export const fileReportSchema = z
  .object({
    stage: z.enum(REPORT_STAGES),
    summary: text(20_000),
    impact: facts.impact.optional(),
    status: facts.status.optional(),
    suspectedActor: facts.suspectedActor,
    affectedAssets: facts.affectedAssets.optional(),
    indicatorIds: facts.indicatorIds.optional(),
    sharedWithPolice: facts.sharedWithPolice.optional(),
    ransomPaidAt: facts.ransomPaidAt,
  })
  .strict();
export type FileReportBody = z.infer<typeof fileReportSchema>;

export const openCaseSchema = z
  .object({
    description: text(10_000),
    evidenceIndicatorIds: z.array(uuidSchema).max(500).default([]),
  })
  .strict();
export type OpenCaseBody = z.infer<typeof openCaseSchema>;

/**
 * The office designates an operator: its sector (it must be the one the registry holds) and when
 * the designation takes effect; optionally the designation's reference.
 */
export const designationSchema = z
  .object({
    sector: z.string().min(1, 'must not be blank').max(64),
    designatedAt: isoInstant,
    reference: text(200).optional(),
  })
  .strict();
export type DesignationBody = z.infer<typeof designationSchema>;

export const issueOrderSchema = z.object({ instructions: text(5000), dueAt: isoInstant }).strict();
export type IssueOrderBody = z.infer<typeof issueOrderSchema>;

export const referralSchema = z
  .object({
    /** The office's statement of the facts: the duty, the order, and how it was ignored. */
    statementOfFacts: text(20_000),
  })
  .strict();
export type ReferralBody = z.infer<typeof referralSchema>;

const decidedOn = z.iso.date('must be a date, YYYY-MM-DD (the date in Japan)');
const court = text(300);
const caseReference = text(200);

/** How a referral ended: the prosecutors declined, a court acquitted, or a court fined. */
export const outcomeSchema = z.discriminatedUnion('outcome', [
  z
    .object({
      outcome: z.literal('fined'),
      fineYen: z
        .number()
        .int('must be a whole number of yen')
        .min(MIN_FINE_YEN, 'at least 1 yen')
        .max(MAX_FINE_YEN, "at most 2,000,000 yen, the Act's maximum fine"),
      court,
      caseReference,
      decidedOn,
    })
    .strict(),
  z.object({ outcome: z.literal('acquitted'), court, caseReference, decidedOn }).strict(),
  z
    .object({
      outcome: z.literal('prosecution-declined'),
      /** The prosecutors' office, if named. */
      court: court.optional(),
      caseReference: caseReference.optional(),
      decidedOn,
    })
    .strict(),
]);
export type OutcomeBody = z.infer<typeof outcomeSchema>;

const limit = z.coerce.number().int().min(1).max(1000).default(100);

export const listIncidentsSchema = z
  .object({
    operatorId: orgIdSchema.optional(),
    sector: z.enum(SECTORS).optional(),
    open: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    limit,
    next: z.string().max(200).optional(),
  })
  .strict();

export const listAssetsSchema = z
  .object({
    operatorId: orgIdSchema.optional(),
    status: z.enum(['active', 'retired']).optional(),
    limit,
    next: z.string().max(200).optional(),
  })
  .strict();
