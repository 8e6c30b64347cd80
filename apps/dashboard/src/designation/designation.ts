import { SECTORS } from '../domain/vocabulary';
import { jstInputToIso } from '../format/jst';
import { isInstant, textProblem, type FieldProblem } from '../forms/field-checks';

/**
 * Designation of an operator (指定): its state as the operator's compliance file gives it, and the
 * office's form, checked as libs/reporting `designationSchema` and the gateway check it (the
 * sector must be the registry's, which only the API knows: a wrong one answers 422 `sector`).
 */

export interface Designation {
  designatedAt: string | null;
  reference: string | null;
  designatedByOrgId: string;
  assetNotificationDueAt: string | null;
  assetNotificationDueAtJst?: string | null;
  status: 'pending' | 'met' | 'missed';
  metAt: string | null;
  late: boolean;
  caseId: string | null;
}

/** What the console shows: a pending duty past its due time shows as overdue until the miss is recorded. */
export type DesignationState = 'none' | 'pending' | 'overdue' | 'met' | 'met-late' | 'missed';
export const DESIGNATION_STATES = [
  'none',
  'pending',
  'overdue',
  'met',
  'met-late',
  'missed',
] as const satisfies readonly DesignationState[];

export function designationState(d: Designation | null | undefined, now: number): DesignationState {
  if (!d) return 'none';
  switch (d.status) {
    case 'met':
      return d.late ? 'met-late' : 'met';
    case 'missed':
      return 'missed';
    case 'pending':
      return d.assetNotificationDueAt && Date.parse(d.assetNotificationDueAt) < now
        ? 'overdue'
        : 'pending';
  }
}

export interface DesignationFormValues {
  sector: string;
  /** A `datetime-local` value, read as JST. */
  designatedAt: string;
  reference: string;
}

export function designationBody(v: DesignationFormValues): {
  sector: string;
  designatedAt: string;
  reference?: string;
} {
  return {
    sector: v.sector,
    designatedAt: jstInputToIso(v.designatedAt) ?? v.designatedAt,
    ...(v.reference.trim() !== '' ? { reference: v.reference } : {}),
  };
}

export function checkDesignation(
  b: ReturnType<typeof designationBody>,
  now: number = Date.now(),
): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (b.sector === '') out.push({ field: 'sector', code: 'required' });
  else if (!(SECTORS as readonly string[]).includes(b.sector))
    out.push({ field: 'sector', code: 'invalid' });
  if (b.designatedAt === '') out.push({ field: 'designatedAt', code: 'required' });
  else if (!isInstant(b.designatedAt)) out.push({ field: 'designatedAt', code: 'notInstant' });
  else if (Date.parse(b.designatedAt) > now) out.push({ field: 'designatedAt', code: 'inFuture' });
  if (b.reference !== undefined) {
    const p = textProblem(b.reference, 200);
    if (p) out.push({ field: 'reference', code: p });
  }
  return out;
}
