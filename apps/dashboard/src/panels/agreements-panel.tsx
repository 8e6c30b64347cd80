import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type { Page } from '../api/types';
import { useReloadUntil, useResource } from '../api/use-resource';
import {
  agreementActions,
  agreementBody,
  agreementInForce,
  agreementStatusDate,
  checkAgreement,
  emptyAgreementForm,
  type Agreement,
  type AgreementAction,
  type AgreementFormValues,
} from '../agreements/agreement-form';
import { METADATA_CATEGORIES } from '../domain/vocabulary';
import { checkStatement } from '../council/council-standing';
import { useSession } from '../session/session-context';
import { OutcomeNote, useCommand } from '../ui/command';
import { Empty, Field, ResourceView, Section, Stat, Stats } from '../ui/layout';
import { TextCommandForm } from '../ui/text-command-form';
import { useFormat } from '../ui/use-format';

/**
 * Agreements with operators (当事者協定). The office proposes one and sees all; the operator party
 * (an operator or a telecom) sees its own, accepts a proposal with its consent or declines it, and
 * ends an accepted one; the commission reads them all.
 */
export function AgreementsPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const { api, who } = useSession();
  const [list, reload] = useResource<Page<Agreement>>(
    () => collect<Agreement>(api, '/v1/oversight/agreements', { limit: 200 }, 1000),
    [api],
  );
  const awaitChange = useReloadUntil(list, reload);
  const office = who.organisation.kind === 'cabinet-office';
  const now = Date.now();

  return (
    <Section id="agreements" title={t('agreements.title')} wide>
      <p className="note">
        {office
          ? t('agreements.introOffice')
          : who.organisation.kind === 'oversight-commission'
            ? t('agreements.introCommission')
            : t('agreements.introParty')}
      </p>
      <ResourceView resource={list}>
        {(page) => (
          <>
            <Stats label={t('agreements.title')}>
              <Stat
                testId="count-agreements"
                label={t('agreements.listed')}
                value={f.number(page.items.length)}
              />
              <Stat
                testId="count-agreements-in-force"
                label={t('agreements.inForce')}
                value={f.number(page.items.filter((a) => agreementInForce(a, now)).length)}
              />
              <Stat
                testId="count-agreements-proposed"
                label={t('agreements.awaitingConsent')}
                value={f.number(page.items.filter((a) => a.status === 'proposed').length)}
              />
            </Stats>
            {page.items.length === 0 ? (
              <Empty text={t('agreements.none')} />
            ) : (
              <ul className="cards">
                {page.items.map((a) => (
                  <AgreementCard
                    key={a.agreementId}
                    agreement={a}
                    now={now}
                    onChanged={(status) =>
                      awaitChange((p) =>
                        p.items.some((x) => x.agreementId === a.agreementId && x.status === status),
                      )
                    }
                  />
                ))}
              </ul>
            )}
          </>
        )}
      </ResourceView>
      {office ? (
        <ProposeAgreementForm
          onProposed={(operatorId, before) =>
            awaitChange((p) => p.items.filter((x) => x.operatorId === operatorId).length > before)
          }
          countFor={(operatorId) =>
            list.status === 'ready'
              ? list.data.items.filter((x) => x.operatorId === operatorId).length
              : 0
          }
        />
      ) : null}
    </Section>
  );
}

function AgreementCard({
  agreement: a,
  now,
  onChanged,
}: {
  agreement: Agreement;
  now: number;
  onChanged(status: Agreement['status']): void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { who } = useSession();
  const [acting, setActing] = useState<AgreementAction | null>(null);
  const { status, at } = agreementStatusDate(a);
  const actions = agreementActions(a, who.organisation);
  const live = agreementInForce(a, now);
  return (
    <li className="card" data-testid="agreement-row" data-id={a.agreementId} data-status={status}>
      <h3>
        {a.operatorId}{' '}
        <span className={live ? 'badge badge-ok' : 'badge'} data-testid="agreement-status">
          {t(`agreements.status.${status}`)}
        </span>
        {live ? <span className="badge badge-ok">{t('agreements.live')}</span> : null}
      </h3>
      <p className="sub">
        {t('agreements.statusSince', {
          status: t(`agreements.status.${status}`),
          at: f.dateTime(at),
        })}
        {a.status !== 'proposed'
          ? ` · ${t('agreements.proposedOn', { at: f.dateTime(a.proposedAt), by: a.proposedBy })}`
          : ''}
      </p>
      <p>
        <strong>{t('agreements.period')}:</strong>{' '}
        {t('agreements.periodRange', {
          from: f.dateTime(a.validFrom),
          until: f.dateTime(a.validUntil),
        })}
      </p>
      <p>
        <strong>{t('agreements.networks')}:</strong>{' '}
        <span className="mono">{a.networks.join(', ')}</span>
      </p>
      <p>
        <strong>{t('agreements.categories')}:</strong>{' '}
        {a.categories.map((c) => t(`category.${c}`, { defaultValue: c })).join(', ')}
      </p>
      <p>
        <strong>{t('agreements.purpose')}:</strong> {a.purpose}
      </p>
      {a.consent ? (
        <p className="sub" data-testid="agreement-consent">
          {t('agreements.consentBy', { by: a.consent.by, at: f.dateTime(a.consent.at) })}:{' '}
          {a.consent.statement}
        </p>
      ) : null}
      {a.declined ? (
        <p className="sub">
          {t('agreements.declinedBecause', { at: f.dateTime(a.declined.at) })}: {a.declined.reason}
        </p>
      ) : null}
      {a.ended ? (
        <p className="sub">
          {t('agreements.endedBy', { by: a.ended.byOrgId, at: f.dateTime(a.ended.at) })}:{' '}
          {a.ended.reason}
        </p>
      ) : null}
      {actions.length > 0 && acting === null ? (
        <div className="form-actions">
          {actions.map((x) => (
            <button
              key={x}
              type="button"
              className={x === 'accept' ? 'primary' : undefined}
              onClick={() => setActing(x)}
              data-testid={`agreement-${x}`}
            >
              {t(`agreements.action.${x}`)}
            </button>
          ))}
        </div>
      ) : null}
      {acting ? (
        <AgreementActionForm
          agreementId={a.agreementId}
          action={acting}
          onClose={() => setActing(null)}
          onDone={() =>
            onChanged(
              acting === 'accept' ? 'accepted' : acting === 'decline' ? 'declined' : 'ended',
            )
          }
        />
      ) : null}
    </li>
  );
}

/** Accept with the consent, decline or end with a reason: one text, one button. */
function AgreementActionForm({
  agreementId,
  action,
  onClose,
  onDone,
}: {
  agreementId: string;
  action: AgreementAction;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const field = action === 'accept' ? 'consent' : 'reason';
  const path = `/v1/oversight/agreements/${encodeURIComponent(agreementId)}/${
    action === 'accept' ? 'acceptance' : action
  }`;
  return (
    <TextCommandForm
      field={field}
      label={t(action === 'accept' ? 'agreements.consent' : 'agreements.reason')}
      hint={action === 'accept' ? t('agreements.consentHint') : undefined}
      rows={2}
      check={(text) => checkStatement(field, text)}
      command={(text) => ({ path, body: { [field]: text } })}
      submitText={t(`agreements.action.${action}`)}
      doneText={t(`agreements.done.${action}`)}
      testIds={{
        form: 'agreement-action-form',
        field: 'agreement-text',
        submit: 'agreement-submit',
        result: 'agreement-result',
      }}
      close={{ text: t('agreements.close'), onClose }}
      onDone={onDone}
    />
  );
}

/** The office proposes an agreement to an operator or a telecom. */
function ProposeAgreementForm({
  onProposed,
  countFor,
}: {
  onProposed(operatorId: string, before: number): void;
  countFor(operatorId: string): number;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const cmd = useCommand();
  const [values, setValues] = useState<AgreementFormValues>(emptyAgreementForm);
  const set = <K extends keyof AgreementFormValues>(k: K, v: AgreementFormValues[K]) => {
    setValues((s) => ({ ...s, [k]: v }));
    cmd.touched();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = agreementBody(values);
    if (!cmd.checked(checkAgreement(body))) return;
    const before = countFor(body.operatorId);
    const ok = await cmd.run(
      (key) => api.post('/v1/oversight/agreements', body, { idempotencyKey: key }),
      t('agreements.proposed', { operator: body.operatorId }),
    );
    if (ok) {
      onProposed(body.operatorId, before);
      setValues(emptyAgreementForm());
    }
  };
  return (
    <form
      className="subpanel"
      onSubmit={submit}
      noValidate
      aria-labelledby="propose-agreement-title"
      data-testid="propose-agreement"
    >
      <h3 id="propose-agreement-title">{t('agreements.proposeTitle')}</h3>
      <div className="form-grid">
        <Field
          label={t('agreements.operator')}
          problems={cmd.problems.operatorId}
          hint={t('agreements.operatorHint')}
        >
          {(p) => (
            <input
              {...p}
              value={values.operatorId}
              onChange={(e) => set('operatorId', e.target.value)}
              autoComplete="off"
              spellCheck={false}
              data-testid="propose-operator"
            />
          )}
        </Field>
        <Field
          label={t('agreements.validFrom')}
          problems={cmd.problems.validFrom}
          hint={t('agreements.jstHint')}
        >
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={values.validFrom}
              onChange={(e) => set('validFrom', e.target.value)}
              data-testid="propose-from"
            />
          )}
        </Field>
        <Field
          label={t('agreements.validUntil')}
          problems={cmd.problems.validUntil}
          hint={t('agreements.jstHint')}
        >
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={values.validUntil}
              onChange={(e) => set('validUntil', e.target.value)}
              data-testid="propose-until"
            />
          )}
        </Field>
      </div>
      <Field
        label={t('agreements.networks')}
        problems={cmd.problems.networks}
        hint={t('agreements.networksHint')}
      >
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={values.networks}
            onChange={(e) => set('networks', e.target.value)}
            spellCheck={false}
            data-testid="propose-networks"
          />
        )}
      </Field>
      <fieldset aria-invalid={(cmd.problems.categories?.length ?? 0) > 0}>
        <legend>{t('agreements.categories')}</legend>
        {METADATA_CATEGORIES.map((c) => (
          <span key={c} className="check">
            <input
              id={`propose-category-${c}`}
              type="checkbox"
              checked={values.categories.includes(c)}
              onChange={(e) =>
                set(
                  'categories',
                  e.target.checked
                    ? [...values.categories, c]
                    : values.categories.filter((x) => x !== c),
                )
              }
              data-testid={`propose-category-${c}`}
            />
            <label htmlFor={`propose-category-${c}`}>{t(`category.${c}`)}</label>
          </span>
        ))}
        {cmd.problems.categories ? (
          <p className="field-problem">{cmd.problems.categories.join(' ')}</p>
        ) : null}
      </fieldset>
      <Field label={t('agreements.purpose')} problems={cmd.problems.purpose}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={values.purpose}
            onChange={(e) => set('purpose', e.target.value)}
            data-testid="propose-purpose"
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={cmd.busy} data-testid="propose-submit">
          {t('agreements.propose')}
        </button>
      </div>
      <OutcomeNote outcome={cmd.outcome} testId="propose-result" />
    </form>
  );
}
