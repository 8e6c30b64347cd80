/**
 * Checks shared by the oversight forms (agreements, the council, supervision, designation): the
 * same limits the API's schemas put on text, organisation ids, instants and periods, so a form
 * says what is wrong before it sends. Codes are translated by the console; whatever the API still
 * refuses is shown as it answers.
 */

export type ProblemCode =
  | 'required'
  | 'blank'
  | 'tooLong'
  | 'invalid'
  | 'notInstant'
  | 'tooMany'
  | 'orgId'
  | 'network'
  | 'periodOrder'
  | 'periodTooLong'
  | 'inFuture'
  | 'inPast';

export interface FieldProblem {
  field: string;
  code: ProblemCode;
}

/** The codes `validation.*` names; the others are the oversight forms' own (`formProblem.*`). */
const GENERIC: ReadonlySet<ProblemCode> = new Set([
  'required',
  'blank',
  'tooLong',
  'invalid',
  'notInstant',
  'tooMany',
]);

/** The catalogue key that explains a problem code. */
export const problemKey = (code: ProblemCode): string =>
  GENERIC.has(code) ? `validation.${code}` : `formProblem.${code}`;

/** A required free text: not blank once trimmed, at most `max` characters (the API's `text(max)`). */
export function textProblem(value: string, max: number): ProblemCode | null {
  const v = value.trim();
  if (v === '') return value === '' ? 'required' : 'blank';
  return v.length > max ? 'tooLong' : null;
}

/** An organisation id as the registry spells it: a lower-case slug of at most 64 characters. */
export const ORG_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function orgIdProblem(value: string): ProblemCode | null {
  const v = value.trim();
  if (v === '') return 'required';
  return v.length > 64 || !ORG_ID_PATTERN.test(v) ? 'orgId' : null;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with its zone, as the API's `isoInstant` accepts it. */
export function isInstant(value: string): boolean {
  return INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

/** Splits a list typed one per line or separated by commas, semicolons or spaces. */
export const splitList = (s: string): string[] =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** Problems grouped by the first part of their field (`networks.2` shows at `networks`). */
export function groupProblems<T extends { field: string }>(
  problems: readonly T[],
): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const p of problems) (out[p.field.split('.')[0] ?? p.field] ??= []).push(p);
  return out;
}
