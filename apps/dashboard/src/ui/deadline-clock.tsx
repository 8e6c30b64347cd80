import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNow } from '../clock/ticker';
import { clockState, timeLeft, type DeadlineStatus } from '../deadlines/clock';
import { useFormat } from './use-format';

interface ClockWords {
  text(
    state: ReturnType<typeof clockState>,
    status: DeadlineStatus,
    left: number,
    filedAt: string | null,
  ): string;
  due(dueAt: string): string;
}

/**
 * The clocks' words and formats, made once per view rather than once per clock: the board's
 * 213 clocks then only read the shared tick and a context.
 */
const ClockWordsContext = createContext<ClockWords | null>(null);

export function ClockWordsProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const f = useFormat();
  const words = useMemo<ClockWords>(
    () => ({
      text(state, status, left, filedAt) {
        if (state === 'met') return t('clock.met', { at: f.dateTime(filedAt) });
        if (status === 'missed')
          return filedAt ? t('clock.filedLate', { at: f.dateTime(filedAt) }) : t('clock.missed');
        if (state === 'overdue') return t('clock.overdueBy', { time: f.countdown(left) });
        return t('clock.left', { time: f.countdown(left) });
      },
      due: (dueAt) => t('clock.due', { at: f.dateTime(dueAt) }),
    }),
    [t, f],
  );
  return <ClockWordsContext.Provider value={words}>{children}</ClockWordsContext.Provider>;
}

/** A deadline counting down live in JST, coloured by time left (one shared ticker). */
export function DeadlineClock({
  dueAt,
  status = 'pending',
  deadlineId,
  filedAt = null,
}: {
  dueAt: string;
  status?: DeadlineStatus;
  deadlineId?: string;
  filedAt?: string | null;
}) {
  const now = useNow();
  const words = useContext(ClockWordsContext);
  if (!words) throw new Error('DeadlineClock outside ClockWordsProvider');
  const state = clockState(dueAt, now, status);
  const due = useMemo(() => words.due(dueAt), [words, dueAt]);
  return (
    <span
      className={`clock clock-${state}`}
      data-testid="clock"
      data-state={state}
      data-deadline-id={deadlineId}
    >
      <span className="clock-dot" aria-hidden="true" />
      <span className="clock-text">{words.text(state, status, timeLeft(dueAt, now), filedAt)}</span>
      <span className="clock-due">{due}</span>
    </span>
  );
}
