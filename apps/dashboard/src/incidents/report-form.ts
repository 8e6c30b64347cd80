import { z } from 'zod';
import {
  IMPACT_LEVELS,
  INCIDENT_STATUSES,
  REPORT_STAGES,
  type ReportStage,
} from '../domain/vocabulary';
import { jstInputToIso } from '../format/jst';

/**
 * The staged-report form: what a person typed, turned into the body of
 * `POST /v1/incidents/:id/reports` and checked by the rules the API checks it by
 * (libs/reporting `fileReportSchema`; a unit test holds the two to the same verdicts). Issues
 * carry a code the console translates; the API's own 400 issues are shown beside them as sent.
 */

export type ProblemCode = 'required' | 'blank' | 'tooLong' | 'invalid' | 'notInstant' | 'tooMany';

const text = (max: number) =>
  z.string({ error: 'required' }).trim().min(1, 'blank').max(max, 'tooLong');
const assetId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'invalid');
const uuid = z.string().uuid('invalid');
const instant = z.iso.datetime({ offset: true, error: 'notInstant' });

export const reportBodySchema = z
  .object({
    stage: z.enum(REPORT_STAGES, { error: 'required' }),
    summary: text(20_000),
    impact: z.enum(IMPACT_LEVELS, { error: 'invalid' }).optional(),
    status: z.enum(INCIDENT_STATUSES, { error: 'invalid' }).optional(),
    suspectedActor: z.string().trim().max(200, 'tooLong').optional(),
    affectedAssets: z.array(assetId).max(500, 'tooMany').optional(),
    indicatorIds: z.array(uuid).max(500, 'tooMany').optional(),
    sharedWithPolice: z.boolean({ error: 'invalid' }).optional(),
    ransomPaidAt: instant.optional(),
  })
  .strict();

export interface ReportFormValues {
  stage: ReportStage | '';
  summary: string;
  impact: string;
  status: string;
  suspectedActor: string;
  affectedAssets: string;
  indicatorIds: string;
  /** '' leaves it as it was. */
  sharedWithPolice: '' | 'yes' | 'no';
  /** A datetime-local value, read as JST. */
  ransomPaidAt: string;
}

export const emptyReportForm = (stage: ReportStage | '' = ''): ReportFormValues => ({
  stage,
  summary: '',
  impact: '',
  status: '',
  suspectedActor: '',
  affectedAssets: '',
  indicatorIds: '',
  sharedWithPolice: '',
  ransomPaidAt: '',
});

const list = (s: string) =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** The request body: only the facts the person changed (empty fields are left out). */
export function reportBody(v: ReportFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { stage: v.stage || undefined, summary: v.summary };
  if (v.impact) body.impact = v.impact;
  if (v.status) body.status = v.status;
  if (v.suspectedActor.trim()) body.suspectedActor = v.suspectedActor;
  if (v.affectedAssets.trim()) body.affectedAssets = list(v.affectedAssets);
  if (v.indicatorIds.trim()) body.indicatorIds = list(v.indicatorIds);
  if (v.sharedWithPolice) body.sharedWithPolice = v.sharedWithPolice === 'yes';
  if (v.ransomPaidAt) body.ransomPaidAt = jstInputToIso(v.ransomPaidAt) ?? v.ransomPaidAt;
  if (body.stage === undefined) delete body.stage;
  return body;
}

export interface FieldProblem {
  /** The field as the API names it (`affectedAssets.2`); the form shows it at its first part. */
  field: string;
  code: ProblemCode;
}

export function checkReport(
  body: Record<string, unknown>,
): { ok: true; body: Record<string, unknown> } | { ok: false; problems: FieldProblem[] } {
  const r = reportBodySchema.safeParse(body);
  if (r.success) return { ok: true, body };
  return {
    ok: false,
    problems: r.error.issues.map((i) => ({
      field: i.path.join('.') || '(body)',
      code:
        (['required', 'blank', 'tooLong', 'invalid', 'notInstant', 'tooMany'] as const).find(
          (c) => c === i.message,
        ) ?? 'invalid',
    })),
  };
}

/** The stage to offer next: after the last one filed, as the API expects them in order. */
export function nextStage(filed: readonly string[], closed: boolean): ReportStage | '' {
  if (closed) return '';
  if (!filed.includes('EARLY_WARNING')) return 'EARLY_WARNING';
  if (!filed.includes('NOTIFICATION')) return 'NOTIFICATION';
  return 'INTERIM';
}
