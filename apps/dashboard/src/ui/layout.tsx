import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../api/client';
import type { Resource } from '../api/use-resource';

/** A titled part of a view: a region landmark with its h2. */
export function Section({
  id,
  title,
  actions,
  children,
  wide,
}: {
  id: string;
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <section
      className={wide ? 'panel panel-wide' : 'panel'}
      aria-labelledby={`${id}-title`}
      data-testid={`section-${id}`}
    >
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** A table that scrolls sideways on narrow screens; focusable so keyboards can scroll it. */
export function TableBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** A number the tests read (`data-testid`), with its label. */
export function Stat({
  testId,
  label,
  value,
  tone,
}: {
  testId: string;
  label: string;
  value: string | number;
  tone?: 'alert' | 'ok';
}) {
  return (
    <div className={`stat${tone ? ` stat-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

export function Stats({ children, label }: { children: ReactNode; label: string }) {
  return (
    <dl className="stats" aria-label={label}>
      {children}
    </dl>
  );
}

/** What an API error means to a person. */
export function useErrorText(): (e: unknown) => string {
  const { t } = useTranslation();
  return (e) => {
    if (e instanceof NetworkError) return t('errors.network');
    if (e instanceof ApiError) {
      if (e.status === 401) return t('errors.unauthorized');
      if (e.status === 403)
        return (e.body as { code?: unknown } | null)?.code === 'personal-token-required'
          ? t('errors.personalTokenRequired')
          : t('errors.forbidden');
      if (e.status === 404) return t('errors.notFound');
      if (e.status === 429 || e.status === 503) return t('errors.busy');
      if (e.status >= 500) return t('errors.server', { status: e.status });
      return t('errors.refused', { status: e.status, message: e.message });
    }
    return e instanceof Error ? e.message : String(e);
  };
}

/** Loading, unavailable and failed states of a resource; its content once ready. */
export function ResourceView<T>({
  resource,
  children,
  unavailableText,
}: {
  resource: Resource<T>;
  children: (data: T) => ReactNode;
  unavailableText?: string;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  switch (resource.status) {
    case 'loading':
      return (
        <p className="note" role="status" data-testid="loading">
          {t('state.loading')}
        </p>
      );
    case 'unavailable':
      return (
        <p className="note note-unavailable" data-testid="unavailable">
          {unavailableText ?? t('state.unavailable')}
        </p>
      );
    case 'error':
      return (
        <p className="note note-error" role="alert" data-testid="error">
          {errorText(resource.error)}
        </p>
      );
    case 'ready':
      return <>{children(resource.data)}</>;
  }
}

/** A labelled form control with the problems found in it (the console's and the API's). */
export function Field({
  label,
  problems,
  children,
  hint,
}: {
  label: string;
  problems?: string[];
  hint?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => ReactNode;
}) {
  const id = useId();
  const problemId = `${id}-problem`;
  const hintId = `${id}-hint`;
  const has = (problems?.length ?? 0) > 0;
  const describedBy =
    [hint ? hintId : null, has ? problemId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={has ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': has,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {has ? (
        <p className="field-problem" id={problemId} data-testid="field-problem">
          {problems?.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

export function Empty({ text }: { text: string }) {
  return <p className="note">{text}</p>;
}
