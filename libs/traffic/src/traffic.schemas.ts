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

/**
 * Why a metadata query is made. Every query of acquired communications information (submissions,
 * matches, their counts) states one, and it is recorded with the query in the audit log, so the
 * commission can hold each query to a purpose the Act allows:
 * - `threat-analysis`: analysing a threat the metadata may show (the office);
 * - `incident-response`: responding to a reported incident (the office);
 * - `operation-preparation`: preparing an access or neutralisation request (the office);
 * - `oversight-audit`: auditing collection and analysis (the commission);
 * - `submission-check`: a telecom operator checking its own submissions.
 */
export const METADATA_QUERY_PURPOSES = [
  'threat-analysis',
  'incident-response',
  'operation-preparation',
  'oversight-audit',
  'submission-check',
] as const;
export type MetadataQueryPurpose = (typeof METADATA_QUERY_PURPOSES)[number];

/** The purpose fields every metadata query carries: `purpose` (required), `purposeNote`. */
export const metadataPurposeFields = {
  purpose: z.enum(METADATA_QUERY_PURPOSES, {
    error: (issue) =>
      issue.input === undefined
        ? `a metadata query states its purpose: one of ${METADATA_QUERY_PURPOSES.join(', ')}`
        : `must be one of ${METADATA_QUERY_PURPOSES.join(', ')}`,
  }),
  purposeNote: text(500).optional().describe('Free text: the case, the incident, the request'),
};

export const listSubmissionsSchema = z
  .object({
    ...metadataPurposeFields,
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();

export const listMatchesSchema = z
  .object({
    ...metadataPurposeFields,
    indicatorId: text(200).optional(),
    batchId: text(200).optional(),
    since: isoInstant.transform((s) => new Date(s)).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();

/** The query of a metadata lookup by id: its purpose only. */
export const metadataLookupSchema = z.object(metadataPurposeFields).strict();

/** What a metadata query states of its purpose, as recorded with it. */
export type MetadataPurpose = z.infer<typeof metadataLookupSchema>;

export const matchIdSchema = z.string().uuid('must be an id (UUID)');
