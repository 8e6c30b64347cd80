import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { groupProblems, problemKey, type FieldProblem } from '../forms/field-checks';
import { useErrorText } from './layout';

export interface Outcome {
  ok: boolean;
  text: string;
}

/**
 * What an API refusal means to a person, with the API's own words where the console's
 * explanation would hide them (a 403 or 404 answers with a reason: "use a member's personal
 * token", "not a member", ...).
 */
export function useRefusalText(): (e: unknown) => string {
  const errorText = useErrorText();
  return useCallback(
    (e: unknown) => {
      const text = errorText(e);
      const said = (e instanceof ApiError ? (e.body as { message?: unknown } | null) : null)
        ?.message;
      return e instanceof ApiError &&
        (e.status === 403 || e.status === 404) &&
        typeof said === 'string' &&
        said !== ''
        ? `${text} (${said})`
        : text;
    },
    [errorText],
  );
}

/**
 * One form's command: the console's problems and the API's beside each field, the outcome line,
 * and an idempotency key kept across retries of the same values (a retry after a timeout is
 * answered from the log, never done twice) and renewed when the values change or it succeeded.
 */
export function useCommand() {
  const { t } = useTranslation();
  const refusal = useRefusalText();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [key, setKey] = useState(() => crypto.randomUUID());

  const touched = useCallback(() => setKey(crypto.randomUUID()), []);

  /** Shows the console's own problems; false when there are any. */
  const checked = useCallback(
    (found: readonly FieldProblem[]): boolean => {
      const grouped = groupProblems(found);
      setProblems(
        Object.fromEntries(
          Object.entries(grouped).map(([f, ps]) => [f, ps.map((p) => t(problemKey(p.code)))]),
        ),
      );
      if (found.length > 0) setOutcome({ ok: false, text: t('formProblem.fixFields') });
      return found.length === 0;
    },
    [t],
  );

  const run = useCallback(
    async (send: (key: string) => Promise<unknown>, done: string): Promise<boolean> => {
      setOutcome(null);
      setBusy(true);
      try {
        await send(key);
        setProblems({});
        setOutcome({ ok: true, text: done });
        setKey(crypto.randomUUID());
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.issues.length > 0) {
          const grouped = groupProblems(err.issues);
          setProblems(
            Object.fromEntries(
              Object.entries(grouped).map(([f, is]) => [f, is.map((i) => i.reason || err.message)]),
            ),
          );
        }
        setOutcome({ ok: false, text: refusal(err) });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [key, refusal],
  );

  return { busy, outcome, problems, checked, run, touched };
}

/** The outcome of a command: a status line when done, an alert when refused. */
export function OutcomeNote({ outcome, testId }: { outcome: Outcome | null; testId: string }) {
  if (!outcome) return null;
  return (
    <p
      className={outcome.ok ? 'note note-ok' : 'note note-error'}
      role={outcome.ok ? 'status' : 'alert'}
      data-testid={testId}
      data-outcome={outcome.ok ? 'ok' : 'error'}
    >
      {outcome.text}
    </p>
  );
}
