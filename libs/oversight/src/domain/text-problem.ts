import { refuse, type Decision } from '@acd/event-sourcing';

/** The longest free text a command of the oversight context carries, unless a field says less. */
export const MAX_TEXT = 10_000;

/** Why a free-text field is refused (blank, or too long), naming the field; null when it is fine. */
export function textProblem<E>(value: string, field: string, max = MAX_TEXT): Decision<E> | null {
  if (value.trim().length === 0) return refuse('invalid', 'must not be blank', field);
  if (value.length > max) return refuse('invalid', `at most ${max} characters`, field);
  return null;
}
