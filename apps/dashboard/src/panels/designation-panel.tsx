import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { ComplianceBoard } from '../api/types';
import { useReloadUntil, useResource } from '../api/use-resource';
import {
  checkDesignation,
  designationBody,
  designationState,
  type Designation,
  type DesignationFormValues,
} from '../designation/designation';
import { SECTORS } from '../domain/vocabulary';
import { orgIdProblem } from '../forms/field-checks';
import { useSession } from '../session/session-context';
import { OutcomeNote, useCommand } from '../ui/command';
import { DeadlineClock } from '../ui/deadline-clock';
import { Field, ResourceView, Section } from '../ui/layout';
import { useFormat } from '../ui/use-format';

interface OperatorFile {
  operatorId: string;
  sector: string | null;
  designation: Designation | null;
}

const filePath = (operatorId: string) => `/v1/compliance/${encodeURIComponent(operatorId)}`;

/**
 * Designation (指定). The office picks an operator, sees its designation (pending, met or missed,
 * with the due time of its asset notifications) and designates it; an operator sees its own.
 */
export function DesignationPanel() {
  const { t } = useTranslation();
  const { who } = useSession();
  const office = who.organisation.kind === 'cabinet-office';
  return (
    <Section id="designation" title={t('designation.title')}>
      {office ? <OfficeDesignation /> : <DesignationFile operatorId={who.organisation.id} />}
    </Section>
  );
}

function OfficeDesignation() {
  const { t } = useTranslation();
  const { api } = useSession();
  const [board] = useResource(() => api.get<ComplianceBoard>('/v1/compliance/board'), [api]);
  const [typed, setTyped] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [problem, setProblem] = useState<string[]>([]);
  const operators = board.status === 'ready' ? board.data.operators : [];
  const open = (e: FormEvent) => {
    e.preventDefault();
    const p = orgIdProblem(typed);
    setProblem(p ? [t(p === 'required' ? 'validation.required' : 'formProblem.orgId')] : []);
    if (!p) setShown(typed.trim());
  };
  return (
    <>
      <p className="note">{t('designation.introOffice')}</p>
      <form className="filters" onSubmit={open} noValidate data-testid="designation-pick">
        <Field label={t('designation.operator')} problems={problem}>
          {(p) => (
            <>
              <input
                {...p}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                list="designation-operators"
                autoComplete="off"
                spellCheck={false}
                data-testid="designation-operator"
              />
              <datalist id="designation-operators">
                {operators.map((o) => (
                  <option key={o.operatorId} value={o.operatorId} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" data-testid="designation-open">
            {t('designation.show')}
          </button>
        </div>
      </form>
      {shown ? (
        <DesignationFile
          key={shown}
          operatorId={shown}
          sector={operators.find((o) => o.operatorId === shown)?.sector ?? null}
        />
      ) : null}
    </>
  );
}

/** One operator's designation, and for the office the form that designates it. */
function DesignationFile({ operatorId, sector }: { operatorId: string; sector?: string | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api, who } = useSession();
  const [file, reload] = useResource<OperatorFile>(
    () =>
      api.get<OperatorFile>(filePath(operatorId)).catch((e: unknown) => {
        // No reporting file yet (nothing filed, nothing designated): the API answers 404.
        if (e instanceof ApiError && e.status === 404)
          return { operatorId, sector: null, designation: null };
        throw e;
      }),
    [api, operatorId],
  );
  const awaitChange = useReloadUntil(file, reload);
  const office = who.organisation.kind === 'cabinet-office';
  return (
    <ResourceView resource={file}>
      {(doc) => {
        const d = doc.designation ?? null;
        const state = designationState(d, Date.now());
        return (
          <div data-testid="designation-file" data-id={doc.operatorId}>
            <p data-testid="designation-state" data-state={state}>
              <strong>{office ? doc.operatorId : t('designation.yours')}:</strong>{' '}
              {t(`designation.state.${state}`)}
            </p>
            {d ? (
              <dl className="facts">
                <dt>{t('designation.designatedAt')}</dt>
                <dd>
                  {f.dateTime(d.designatedAt)}
                  {d.reference ? ` (${d.reference})` : ''}
                </dd>
                <dt>{t('designation.assetsDue')}</dt>
                <dd data-testid="designation-due">
                  {d.status === 'pending' && d.assetNotificationDueAt ? (
                    <DeadlineClock
                      dueAt={d.assetNotificationDueAt}
                      deadlineId="asset-notification"
                    />
                  ) : (
                    f.dateTime(d.assetNotificationDueAt)
                  )}
                </dd>
                {d.metAt ? (
                  <>
                    <dt>{t('designation.metAt')}</dt>
                    <dd>
                      {f.dateTime(d.metAt)}
                      {d.late ? ` (${t('designation.late')})` : ''}
                    </dd>
                  </>
                ) : null}
                {d.caseId ? (
                  <>
                    <dt>{t('designation.case')}</dt>
                    <dd className="mono">{d.caseId}</dd>
                  </>
                ) : null}
              </dl>
            ) : null}
            <p className="note">{t(`designation.note.${state}`)}</p>
            {office && !d ? (
              <DesignateForm
                operatorId={doc.operatorId}
                sector={doc.sector ?? sector ?? ''}
                onDone={() => awaitChange((x) => Boolean(x.designation))}
              />
            ) : null}
          </div>
        );
      }}
    </ResourceView>
  );
}

function DesignateForm({
  operatorId,
  sector,
  onDone,
}: {
  operatorId: string;
  sector: string;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const cmd = useCommand();
  const [values, setValues] = useState<DesignationFormValues>({
    sector,
    designatedAt: '',
    reference: '',
  });
  const set = <K extends keyof DesignationFormValues>(k: K, v: DesignationFormValues[K]) => {
    setValues((s) => ({ ...s, [k]: v }));
    cmd.touched();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = designationBody(values);
    if (!cmd.checked(checkDesignation(body))) return;
    const ok = await cmd.run(
      (key) => api.post(`${filePath(operatorId)}/designation`, body, { idempotencyKey: key }),
      t('designation.designated', { operator: operatorId }),
    );
    if (ok) onDone();
  };
  return (
    <form
      className="subpanel"
      onSubmit={submit}
      noValidate
      aria-labelledby="designate-title"
      data-testid="designate-form"
    >
      <h3 id="designate-title">{t('designation.designateTitle', { operator: operatorId })}</h3>
      <div className="form-grid">
        <Field label={t('designation.sector')} problems={cmd.problems.sector}>
          {(p) => (
            <select
              {...p}
              value={values.sector}
              onChange={(e) => set('sector', e.target.value)}
              data-testid="designate-sector"
            >
              <option value="">{t('designation.chooseSector')}</option>
              {SECTORS.map((s) => (
                <option key={s} value={s}>
                  {t(`sector.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('designation.designatedAt')}
          problems={cmd.problems.designatedAt}
          hint={t('designation.jstHint')}
        >
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={values.designatedAt}
              onChange={(e) => set('designatedAt', e.target.value)}
              data-testid="designate-at"
            />
          )}
        </Field>
        <Field label={t('designation.reference')} problems={cmd.problems.reference}>
          {(p) => (
            <input
              {...p}
              value={values.reference}
              onChange={(e) => set('reference', e.target.value)}
              data-testid="designate-reference"
            />
          )}
        </Field>
      </div>
      <button type="submit" className="primary" disabled={cmd.busy} data-testid="designate-submit">
        {t('designation.designate')}
      </button>
      <OutcomeNote outcome={cmd.outcome} testId="designation-result" />
    </form>
  );
}
