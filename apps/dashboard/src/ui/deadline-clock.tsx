import { useTranslation } from 'react-i18next';
import { useNow } from '../clock/ticker';
import { clockState, timeLeft, type DeadlineStatus } from '../deadlines/clock';
import { useFormat } from './use-format';

/** A deadline counting down live in JST, coloured by time left (one shared ticker). */
export function DeadlineClock({
  dueAt,
  status = 'pending',
  deadlineId,
  filedAt,
}: {
  dueAt: string;
  status?: DeadlineStatus;
  deadlineId?: string;
  filedAt?: string | null;
}) {
  const now = useNow();
  const { t } = useTranslation();
  const f = useFormat();
  const state = clockState(dueAt, now, status);
  const left = timeLeft(dueAt, now);
  const text =
    state === 'met'
      ? t('clock.met', { at: f.dateTime(filedAt ?? null) })
      : status === 'missed'
        ? filedAt
          ? t('clock.filedLate', { at: f.dateTime(filedAt) })
          : t('clock.missed')
        : state === 'overdue'
          ? t('clock.overdueBy', { time: f.countdown(left) })
          : t('clock.left', { time: f.countdown(left) });
  return (
    <span
      className={`clock clock-${state}`}
      data-testid="clock"
      data-state={state}
      data-deadline-id={deadlineId}
    >
      <span className="clock-dot" aria-hidden="true" />
      <span className="clock-text">{text}</span>
      <span className="clock-due">{t('clock.due', { at: f.dateTime(dueAt) })}</span>
    </span>
  );
}
