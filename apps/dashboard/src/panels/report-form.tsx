import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { Incident } from '../api/types';
import { IMPACT_LEVELS, INCIDENT_STATUSES, REPORT_STAGES } from '../domain/vocabulary';
import {
  checkReport,
  emptyReportForm,
  nextStage,
  reportBody,
  type ReportFormValues,
} from '../incidents/report-form';
import { useSession } from '../session/session-context';
import { Field, useErrorText } from '../ui/layout';

/**
 * The next staged report of one incident. Checked as the API checks it before sending; what the
 * API still refuses (400 issues, a 422's field, a 409) is shown beside the fields it names.
 */
export function ReportForm({
  incident,
  onFiled,
  onClose,
}: {
  incident: Incident;
  onFiled(): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const errorText = useErrorText();
  const [values, setValues] = useState<ReportFormValues>(() =>
    emptyReportForm(
      nextStage(
        incident.reports.map((r) => r.stage),
        incident.closed,
      ),
    ),
  );
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [remote, setRemote] = useState<Record<string, string[]>>({});
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per attempt: a retry after a timeout is answered from the log, never filed twice.
  const [key, setKey] = useState(() => crypto.randomUUID());

  const set = <K extends keyof ReportFormValues>(k: K, v: ReportFormValues[K]) => {
    setValues((s) => ({ ...s, [k]: v }));
    setKey(crypto.randomUUID());
  };
  const problemsOf = (field: string) => [...(local[field] ?? []), ...(remote[field] ?? [])];
  const group = (entries: { field: string; text: string }[]) => {
    const out: Record<string, string[]> = {};
    for (const e of entries) {
      const k = e.field.split('.')[0] ?? e.field;
      (out[k] ??= []).push(e.text);
    }
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    setRemote({});
    const body = reportBody(values);
    const checked = checkReport(body);
    if (!checked.ok) {
      setLocal(
        group(checked.problems.map((p) => ({ field: p.field, text: t(`validation.${p.code}`) }))),
      );
      setOutcome({ kind: 'error', text: t('report.fixFields') });
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      await api.post(`/v1/incidents/${encodeURIComponent(incident.id)}/reports`, checked.body, {
        idempotencyKey: key,
      });
      setOutcome({ kind: 'ok', text: t('report.filed', { stage: t(`stage.${values.stage}`) }) });
      setKey(crypto.randomUUID());
      onFiled();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) {
        setRemote(group(err.issues.map((i) => ({ field: i.field, text: i.reason }))));
        setOutcome({ kind: 'error', text: t('report.refused', { reason: err.message }) });
      } else {
        setOutcome({ kind: 'error', text: errorText(err) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="subpanel report-form"
      onSubmit={submit}
      noValidate
      aria-labelledby="report-form-title"
      data-testid="report-form"
    >
      <h3 id="report-form-title">{t('report.title', { title: incident.title })}</h3>
      {problemsOf('(body)').length ? (
        <p className="field-problem">{problemsOf('(body)').join(' ')}</p>
      ) : null}
      <div className="form-grid">
        <Field label={t('report.stage')} problems={problemsOf('stage')}>
          {(p) => (
            <select
              {...p}
              value={values.stage}
              onChange={(e) => set('stage', e.target.value as ReportFormValues['stage'])}
              data-testid="report-stage"
            >
              <option value="">{t('report.chooseStage')}</option>
              {REPORT_STAGES.map((s) => (
                <option key={s} value={s}>
                  {t(`stage.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('report.impact')} problems={problemsOf('impact')}>
          {(p) => (
            <select {...p} value={values.impact} onChange={(e) => set('impact', e.target.value)}>
              <option value="">{t('report.unchanged')}</option>
              {IMPACT_LEVELS.map((s) => (
                <option key={s} value={s}>
                  {t(`impact.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('report.status')} problems={problemsOf('status')}>
          {(p) => (
            <select {...p} value={values.status} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('report.unchanged')}</option>
              {INCIDENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`incidentStatus.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('report.sharedWithPolice')} problems={problemsOf('sharedWithPolice')}>
          {(p) => (
            <select
              {...p}
              value={values.sharedWithPolice}
              onChange={(e) =>
                set('sharedWithPolice', e.target.value as ReportFormValues['sharedWithPolice'])
              }
            >
              <option value="">{t('report.unchanged')}</option>
              <option value="yes">{t('report.yes')}</option>
              <option value="no">{t('report.no')}</option>
            </select>
          )}
        </Field>
      </div>
      <Field label={t('report.summary')} problems={problemsOf('summary')}>
        {(p) => (
          <textarea
            {...p}
            rows={4}
            value={values.summary}
            onChange={(e) => set('summary', e.target.value)}
            data-testid="report-summary"
          />
        )}
      </Field>
      <div className="form-grid">
        <Field label={t('report.suspectedActor')} problems={problemsOf('suspectedActor')}>
          {(p) => (
            <input
              {...p}
              value={values.suspectedActor}
              onChange={(e) => set('suspectedActor', e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('report.affectedAssets')}
          problems={problemsOf('affectedAssets')}
          hint={t('report.listHint')}
        >
          {(p) => (
            <input
              {...p}
              value={values.affectedAssets}
              onChange={(e) => set('affectedAssets', e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('report.indicatorIds')}
          problems={problemsOf('indicatorIds')}
          hint={t('report.listHint')}
        >
          {(p) => (
            <input
              {...p}
              value={values.indicatorIds}
              onChange={(e) => set('indicatorIds', e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('report.ransomPaidAt')}
          problems={problemsOf('ransomPaidAt')}
          hint={t('report.jstHint')}
        >
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={values.ransomPaidAt}
              onChange={(e) => set('ransomPaidAt', e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="report-submit">
          {busy ? t('report.sending') : t('report.submit')}
        </button>
        <button type="button" onClick={onClose}>
          {t('report.close')}
        </button>
      </div>
      {outcome ? (
        <p
          className={outcome.kind === 'ok' ? 'note note-ok' : 'note note-error'}
          role={outcome.kind === 'ok' ? 'status' : 'alert'}
          data-testid="report-result"
          data-outcome={outcome.kind}
        >
          {outcome.text}
        </p>
      ) : null}
    </form>
  );
}
