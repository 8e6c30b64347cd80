import { isIP } from 'node:net';
import { z } from 'zod';
import {
  EVIDENCE_TYPES,
  EXECUTION_OUTCOMES,
  INSPECTION_CONCLUSIONS,
  MAX_AGREEMENT_NETWORKS,
  MAX_COUNCIL_NAME,
  METADATA_CATEGORIES,
  OPERATING_AGENCY_KINDS,
  OPERATION_MEASURES,
  TARGET_TYPES,
  VOTES,
  primeMinisterOrderRule,
} from './domain';
import { isoInstant, orgIdSchema, text } from '@acd/identity';

/** Request ids are UUIDs derived from the requesting command's id. */
export const requestIdSchema = z.string().uuid('must be a UUID');

const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function cidrProblem(value: string): string | null {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || bits === undefined) {
    return 'must be a network such as 203.0.113.0/24';
  }
  const family = isIP(address);
  if (family === 0) return 'the network address is not an IP address';
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) {
    return `the prefix length must be 0 to ${family === 4 ? 32 : 128}`;
  }
  return null;
}

/** Why `value` is not a valid target of `type`, or null. Values are compared lower case. */
export function targetValueProblem(type: string, value: string): string | null {
  if (type === 'ip') return isIP(value) ? null : 'must be an IPv4 or IPv6 address';
  if (type === 'cidr') return cidrProblem(value);
  return DOMAIN.test(value) ? null : 'must be a domain name such as c2.example.net';
}

const normalisedHost = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(300)
  .transform((v) => v.toLowerCase().replace(/\.$/, ''));

export const targetSchema = z
  .object({
    type: z.enum(TARGET_TYPES),
    value: normalisedHost,
    /**
     * ISO 3166-1 alpha-2. For an address or network the IP-to-country dataset decides where it
     * knows the answer (a contradicting declaration is refused); otherwise this is required.
     */
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as JP')
      .transform((c) => c.toUpperCase())
      .optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const problem = targetValueProblem(t.type, t.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
    if (t.type === 'domain' && t.country === undefined) {
      ctx.addIssue({ code: 'custom', path: ['country'], message: 'required for a domain' });
    }
  });
export type TargetBody = z.infer<typeof targetSchema>;

const evidenceSchema = z
  .object({
    type: z.enum(EVIDENCE_TYPES),
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9._:-]+$/, 'must be the id of an indicator, incident or flow match'),
  })
  .strict();

const period = {
  validFrom: isoInstant,
  validUntil: isoInstant,
};

const periodInOrder = (b: { validFrom: string; validUntil: string }) =>
  Date.parse(b.validUntil) > Date.parse(b.validFrom);
const periodMessage = { message: 'must be after validFrom', path: ['validUntil'] };

export const collectionRequestSchema = z
  .object({
    telecomId: orgIdSchema,
    categories: z.array(z.enum(METADATA_CATEGORIES)).min(1, 'name at least one category').max(20),
    ...period,
    justification: text(10_000),
  })
  .strict()
  .refine(periodInOrder, periodMessage);
export type CollectionRequestBody = z.infer<typeof collectionRequestSchema>;

/** The Prime Minister's order: required of the SDF and refused from the police (see below). */
export const primeMinisterOrderSchema = z
  .object({
    givenAt: isoInstant,
    grounds: text(10_000),
    reference: text(200).optional(),
  })
  .strict();

const THRESHOLD = 'attest that the operation stays below the threshold of an armed attack';

/** Required on every operation request and emergency record, and only `true` is accepted. */
export const attestationSchema = z
  .object(
    {
      belowArmedAttackThreshold: z.literal(true, { error: `must be true: ${THRESHOLD}` }),
      justification: text(2000).optional(),
    },
    { error: `required: ${THRESHOLD} ({"belowArmedAttackThreshold": true})` },
  )
  .strict();

const operationFields = {
  target: targetSchema,
  primeMinisterOrder: primeMinisterOrderSchema
    .describe(
      "The Prime Minister's order the SDF act on: required of the SDF, refused from the police",
    )
    .optional(),
  attestation: attestationSchema.describe(
    'The agency attests that the operation stays below the threshold of an armed attack',
  ),
  justification: text(10_000),
  evidence: z.array(evidenceSchema).min(1, 'link at least one item of evidence').max(200),
  measures: z.array(z.enum(OPERATION_MEASURES)).min(1, 'name at least one measure').max(20),
  ...period,
};

export const operationRequestSchema = z
  .object(operationFields)
  .strict()
  .refine(periodInOrder, periodMessage);
export type OperationRequestBody = z.infer<typeof operationRequestSchema>;

/**
 * The part of an operation body that depends on who sends it: the SDF must carry the Prime
 * Minister's order and the police must not. The edge answers 400 naming `primeMinisterOrder`
 * with the decider's own reason, for the police and the SDF only (anyone else is refused, 403,
 * whatever the body says).
 */
export function agencyBodyIssue(
  agencyKind: string,
  body: Pick<OperationRequestBody, 'primeMinisterOrder' | 'attestation'>,
): { field: string; reason: string } | null {
  if (!(OPERATING_AGENCY_KINDS as readonly string[]).includes(agencyKind)) return null;
  const reason = primeMinisterOrderRule(agencyKind, body.primeMinisterOrder !== undefined);
  return reason ? { field: 'primeMinisterOrder', reason } : null;
}

const executionFields = {
  /** The host or network acted on: the approved target or inside it. */
  target: normalisedHost,
  startedAt: isoInstant,
  endedAt: isoInstant,
  outcome: z.enum(EXECUTION_OUTCOMES),
  summary: text(10_000),
  measuresTaken: z.array(z.enum(OPERATION_MEASURES)).min(1, 'name the measures taken').max(20),
};
const endAfterStart = (b: { startedAt: string; endedAt: string }) =>
  Date.parse(b.endedAt) >= Date.parse(b.startedAt);
const endMessage = { message: 'must not precede startedAt', path: ['endedAt'] };

export const executionSchema = z
  .object({
    ...executionFields,
    /** Act on a pending request before the commission decided: the emergency path. */
    emergencyReason: text(10_000).optional(),
  })
  .strict()
  .refine(endAfterStart, endMessage);
export type ExecutionBody = z.infer<typeof executionSchema>;

export const consultationSchema = z
  .object({ consultedAt: isoInstant, summary: text(10_000) })
  .strict();
export type ConsultationBody = z.infer<typeof consultationSchema>;

export const emergencyOperationSchema = z
  .object({
    ...operationFields,
    emergencyReason: text(10_000),
    /** Required for a target abroad: the consultation of the Foreign Minister held before acting. */
    consultation: consultationSchema.optional(),
    execution: z.object(executionFields).strict().refine(endAfterStart, endMessage),
  })
  .strict()
  .refine(periodInOrder, periodMessage);
export type EmergencyOperationBody = z.infer<typeof emergencyOperationSchema>;

export const voteSchema = z.object({ vote: z.enum(VOTES), reason: text(2000).optional() }).strict();
export type VoteBody = z.infer<typeof voteSchema>;

export const summarySchema = z.object({ summary: text(10_000) }).strict();

export const listRequestsSchema = z
  .object({
    kind: z.enum(['collection', 'operation']).optional(),
    status: z.enum(['pending', 'approved', 'denied']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();
export type ListRequestsQuery = z.infer<typeof listRequestsSchema>;

// ------------------------------------------------------------------ supervision of agencies

/** Inspections, recommendations and demands are UUIDs derived from the creating command's id. */
export const supervisionItemIdSchema = requestIdSchema;

export const inspectionSchema = z.object({ scope: text(10_000) }).strict();
export type InspectionBody = z.infer<typeof inspectionSchema>;

export const findingsSchema = z
  .object({ conclusion: z.enum(INSPECTION_CONCLUSIONS), findings: text(10_000) })
  .strict();
export type FindingsBody = z.infer<typeof findingsSchema>;

export const recommendationSchema = z
  .object({
    recommendation: text(10_000),
    /** An inspection of the same agency this recommendation follows from. */
    inspectionId: supervisionItemIdSchema.optional(),
  })
  .strict();
export type RecommendationBody = z.infer<typeof recommendationSchema>;

export const disciplinaryDemandSchema = z
  .object({
    /** What leaked, how, and who is concerned, as the commission established it. */
    leak: text(10_000),
    demand: text(10_000),
    inspectionId: supervisionItemIdSchema.optional(),
  })
  .strict();
export type DisciplinaryDemandBody = z.infer<typeof disciplinaryDemandSchema>;

export const answerSchema = z.object({ answer: text(10_000) }).strict();
export const actionTakenSchema = z.object({ actionTaken: text(10_000) }).strict();

export const listSupervisionSchema = z
  .object({
    kind: z.enum(['inspection', 'recommendation', 'disciplinary-demand']).optional(),
    agencyId: orgIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();
export type ListSupervisionQuery = z.infer<typeof listSupervisionSchema>;

// ------------------------------------------------------------------ agreements with operators

/** Agreement ids are UUIDs derived from the proposing command's id. */
export const agreementIdSchema = requestIdSchema;

export const agreementSchema = z
  .object({
    operatorId: orgIdSchema,
    /** The operator's networks or links the agreement covers. */
    networks: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .superRefine((v, ctx) => {
            const problem = cidrProblem(v);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
      )
      .min(1, 'name at least one network')
      .max(MAX_AGREEMENT_NETWORKS),
    categories: z
      .array(z.enum(METADATA_CATEGORIES))
      .min(1, 'name at least one category of machine data'),
    validFrom: isoInstant,
    validUntil: isoInstant,
    purpose: text(10_000),
  })
  .strict()
  .refine(periodInOrder, periodMessage);
export type AgreementBody = z.infer<typeof agreementSchema>;

export const consentSchema = z.object({ consent: text(10_000) }).strict();
export const reasonSchema = z.object({ reason: text(10_000) }).strict();

export const listAgreementsSchema = z
  .object({
    status: z.enum(['proposed', 'accepted', 'declined', 'ended']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();
export type ListAgreementsQuery = z.infer<typeof listAgreementsSchema>;

// ------------------------------------------------------------------ the council (art. 45)

export const constituteCouncilSchema = z
  .object({ name: text(MAX_COUNCIL_NAME), purpose: text(10_000) })
  .strict();
export type ConstituteCouncilBody = z.infer<typeof constituteCouncilSchema>;

export const admitCouncilMemberSchema = z.object({ orgId: orgIdSchema }).strict();
export const councilMemberIdSchema = orgIdSchema;
export const undertakingSchema = z.object({ statement: text(10_000) }).strict();

export const listCouncilMembersSchema = z
  .object({
    status: z.enum(['admitted', 'bound', 'removed']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();
export type ListCouncilMembersQuery = z.infer<typeof listCouncilMembersSchema>;
