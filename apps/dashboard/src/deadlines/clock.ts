/**
 * A deadline clock's colour. Pending deadlines go green, amber, red as their time runs out and
 * overdue once it has; a deadline met on time is `met`, one missed stays `overdue` (filed late
 * or not at all). The thresholds are absolute: a regime's shortest duty is 24 hours, so amber
 * starts half a day out and red two hours out, whatever the deadline.
 */

export type ClockState = 'green' | 'amber' | 'red' | 'overdue' | 'met';

export const AMBER_WITHIN_MS = 12 * 60 * 60 * 1000;
export const RED_WITHIN_MS = 2 * 60 * 60 * 1000;

export type DeadlineStatus = 'pending' | 'met' | 'missed';

export function clockState(
  dueAt: string | number,
  now: number,
  status: DeadlineStatus = 'pending',
): ClockState {
  if (status === 'met') return 'met';
  if (status === 'missed') return 'overdue';
  const due = typeof dueAt === 'number' ? dueAt : Date.parse(dueAt);
  if (Number.isNaN(due)) return 'overdue';
  const left = due - now;
  if (left <= 0) return 'overdue';
  if (left <= RED_WITHIN_MS) return 'red';
  if (left <= AMBER_WITHIN_MS) return 'amber';
  return 'green';
}

/** Time left (negative once overdue), in milliseconds. */
export function timeLeft(dueAt: string | number, now: number): number {
  const due = typeof dueAt === 'number' ? dueAt : Date.parse(dueAt);
  return due - now;
}

/** Most urgent first: overdue, then by due time; met and missed last. */
export function byUrgency<T extends { dueAt: string; status?: DeadlineStatus }>(
  a: T,
  b: T,
): number {
  const rank = (d: T) => (d.status === undefined || d.status === 'pending' ? 0 : 1);
  return rank(a) - rank(b) || Date.parse(a.dueAt) - Date.parse(b.dueAt);
}
