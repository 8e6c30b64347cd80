import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type { Page } from '../api/types';
import { useReloadUntil, useResource } from '../api/use-resource';
import { checkStatement } from '../council/council-standing';
import { useSession } from '../session/session-context';
import {
  agencyAnswer,
  answerCommand,
  awaitsAnswer,
  awaitsFindings,
  emptyNewItem,
  findingsCommand,
  INSPECTION_CONCLUSIONS,
  itemText,
  newItemCommand,
  SUPERVISION_KINDS,
  supervisionStatusDate,
  type InspectionConclusion,
  type NewItemValues,
  type SupervisionItem,
  type SupervisionKind,
} from '../supervision/supervision-items';
import { OutcomeNote, useCommand } from '../ui/command';
import { Empty, Field, ResourceView, Section, Stat, Stats } from '../ui/layout';
import { TextCommandForm } from '../ui/text-command-form';
import { useFormat } from '../ui/use-format';

type Items = Page<SupervisionItem>;

/**
 * The commission's supervision of the agencies: inspections (立入検査), recommendations (勧告) and
 * disciplinary demands (懲戒処分の要求). The commission opens, issues and demands, and records an
 * inspection's findings; an agency (the cabinet office, the police, the SDF) sees its own file and
 * answers each item once.
 */
export function SupervisionPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const { api, who } = useSession();
  const commission = who.organisation.kind === 'oversight-commission';
  const [list, reload] = useResource<Items>(
    () => collect<SupervisionItem>(api, '/v1/oversight/supervision', { limit: 500 }, 2000),
    [api],
  );
  const awaitChange = useReloadUntil(list, reload);
  const byId = (p: Items, id: string) => p.items.find((x) => x.id === id);
  const count = (p: Items, kind: SupervisionKind) => p.items.filter((x) => x.kind === kind).length;

  return (
    <Section
      id="supervision"
      title={commission ? t('supervision.title') : t('supervision.titleAgency')}
      wide
    >
      <p className="note">{commission ? t('supervision.intro') : t('supervision.introAgency')}</p>
      <ResourceView resource={list}>
        {(page) => (
          <>
            <Stats label={t('supervision.title')}>
              <Stat
                testId="count-inspections"
                label={t('supervision.inspections')}
                value={f.number(count(page, 'inspection'))}
              />
              <Stat
                testId="count-recommendations"
                label={t('supervision.recommendations')}
                value={f.number(count(page, 'recommendation'))}
              />
              <Stat
                testId="count-disciplinary-demands"
                label={t('supervision.demands')}
                value={f.number(count(page, 'disciplinary-demand'))}
              />
              <Stat
                testId="count-supervision-unanswered"
                label={t('supervision.unanswered')}
                value={f.number(page.items.filter((x) => agencyAnswer(x) === null).length)}
                tone={
                  !commission && page.items.some((x) => awaitsAnswer(x, who.organisation.id))
                    ? 'alert'
                    : undefined
                }
              />
            </Stats>
            {page.items.length === 0 ? (
              <Empty text={t('supervision.none')} />
            ) : (
              <ul className="cards">
                {page.items.map((item) => (
                  <SupervisionCard
                    key={item.id}
                    item={item}
                    onChanged={() =>
                      awaitChange((p) => (byId(p, item.id)?.version ?? 0) > item.version)
                    }
                  />
                ))}
              </ul>
            )}
          </>
        )}
      </ResourceView>
      {commission ? (
        <NewItemForm
          agencies={
            list.status === 'ready' ? [...new Set(list.data.items.map((x) => x.agencyId))] : []
          }
          onCreated={(id) => awaitChange((p) => byId(p, id) !== undefined)}
        />
      ) : null}
    </Section>
  );
}

function SupervisionCard({ item, onChanged }: { item: SupervisionItem; onChanged(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { who } = useSession();
  const { status, at } = supervisionStatusDate(item);
  const answer = agencyAnswer(item);
  const answering = awaitsAnswer(item, who.organisation.id);
  const concluding = awaitsFindings(item, who.organisation.kind);
  return (
    <li
      className="card"
      data-testid="supervision-row"
      data-id={item.id}
      data-kind={item.kind}
      data-status={status}
    >
      <h3>
        {t(`supervision.kindName.${item.kind}`)}: {item.agencyId}{' '}
        <span
          className={answering ? 'badge badge-alert' : 'badge'}
          data-testid="supervision-status"
        >
          {t(`supervision.status.${status}`)}
        </span>
      </h3>
      <p className="sub">
        {t('supervision.statusSince', {
          status: t(`supervision.status.${status}`),
          at: f.dateTime(at),
        })}{' '}
        · {t('supervision.byMember', { by: item.by, at: f.dateTime(item.at) })}
      </p>
      {item.kind === 'disciplinary-demand' ? (
        <p>
          <strong>{t('supervision.leak')}:</strong> {item.leak}
        </p>
      ) : null}
      <p>
        <strong>{t(`supervision.textLabel.${item.kind}`)}:</strong> {itemText(item)}
      </p>
      {item.kind !== 'inspection' && item.inspectionId ? (
        <p className="sub">
          {t('supervision.cites')}: <span className="mono">{item.inspectionId}</span>
        </p>
      ) : null}
      {answer ? (
        <p data-testid="supervision-answer">
          <strong>
            {item.kind === 'disciplinary-demand'
              ? t('supervision.actionTaken')
              : t('supervision.answer')}
            :
          </strong>{' '}
          {answer.text} <span className="sub">{f.dateTime(answer.at)}</span>
        </p>
      ) : null}
      {item.kind === 'inspection' && item.findings ? (
        <p data-testid="supervision-findings">
          <strong>
            {t('supervision.findings')} (
            {t(`supervision.conclusionName.${item.findings.conclusion}`, {
              defaultValue: item.findings.conclusion,
            })}
            ):
          </strong>{' '}
          {item.findings.findings}{' '}
          <span className="sub">
            {t('supervision.byMember', { by: item.findings.by, at: f.dateTime(item.findings.at) })}
          </span>
        </p>
      ) : null}
      {answering ? <AnswerForm item={item} onDone={onChanged} /> : null}
      {concluding ? <FindingsForm item={item} onDone={onChanged} /> : null}
    </li>
  );
}

function AnswerForm({ item, onDone }: { item: SupervisionItem; onDone(): void }) {
  const { t } = useTranslation();
  return (
    <TextCommandForm
      field="text"
      alsoProblems={['answer', 'actionTaken']}
      label={
        item.kind === 'disciplinary-demand' ? t('supervision.actionTaken') : t('supervision.answer')
      }
      rows={3}
      check={(text) => checkStatement('text', text)}
      command={(text) => answerCommand(item, text)}
      submitText={t('supervision.sendAnswer')}
      doneText={t('supervision.answered')}
      testIds={{
        form: 'supervision-answer-form',
        field: 'supervision-answer-text',
        submit: 'supervision-answer-submit',
        result: 'supervision-answer-result',
      }}
      onDone={onDone}
    />
  );
}

function FindingsForm({ item, onDone }: { item: SupervisionItem; onDone(): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const cmd = useCommand();
  const [conclusion, setConclusion] = useState<InspectionConclusion | ''>('');
  const [findings, setFindings] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = [
      ...(conclusion === '' ? [{ field: 'conclusion', code: 'required' as const }] : []),
      ...checkStatement('findings', findings),
    ];
    if (!cmd.checked(problems) || conclusion === '') return;
    const { path, body } = findingsCommand(item, conclusion, findings);
    const ok = await cmd.run(
      (key) => api.post(path, body, { idempotencyKey: key }),
      t('supervision.concluded'),
    );
    if (ok) onDone();
  };
  return (
    <form className="vote-form" onSubmit={submit} noValidate data-testid="findings-form">
      <fieldset aria-invalid={(cmd.problems.conclusion?.length ?? 0) > 0}>
        <legend>{t('supervision.conclusion')}</legend>
        <div className="radios">
          {INSPECTION_CONCLUSIONS.map((c) => (
            <span key={c} className="radio">
              <input
                id={`findings-${item.id}-${c}`}
                type="radio"
                name={`findings-${item.id}`}
                checked={conclusion === c}
                onChange={() => {
                  setConclusion(c);
                  cmd.touched();
                }}
                data-testid={`findings-${c}`}
              />
              <label htmlFor={`findings-${item.id}-${c}`}>
                {t(`supervision.conclusionName.${c}`)}
              </label>
            </span>
          ))}
        </div>
        {cmd.problems.conclusion ? (
          <p className="field-problem">{cmd.problems.conclusion.join(' ')}</p>
        ) : null}
      </fieldset>
      <Field label={t('supervision.findings')} problems={cmd.problems.findings}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={findings}
            onChange={(e) => {
              setFindings(e.target.value);
              cmd.touched();
            }}
            data-testid="findings-text"
          />
        )}
      </Field>
      <button type="submit" className="primary" disabled={cmd.busy} data-testid="findings-submit">
        {t('supervision.recordFindings')}
      </button>
      <OutcomeNote outcome={cmd.outcome} testId="findings-result" />
    </form>
  );
}

/** The commission opens an inspection, issues a recommendation or demands disciplinary action. */
function NewItemForm({ agencies, onCreated }: { agencies: string[]; onCreated(id: string): void }) {
  const { t } = useTranslation();
  const { api, who } = useSession();
  const cmd = useCommand();
  const [values, setValues] = useState<NewItemValues>(() => emptyNewItem());
  const set = <K extends keyof NewItemValues>(k: K, v: NewItemValues[K]) => {
    setValues((s) => ({ ...s, [k]: v }));
    cmd.touched();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const command = newItemCommand(values);
    if (!command.ok) {
      cmd.checked(command.problems);
      return;
    }
    cmd.checked([]);
    let created = '';
    const ok = await cmd.run(
      async (key) => {
        const res = await api.post<{ id: string }>(command.path, command.body, {
          idempotencyKey: key,
        });
        created = res.body.id;
      },
      t(`supervision.created.${values.kind}`, { agency: values.agencyId.trim() }),
    );
    if (ok) {
      onCreated(created);
      setValues(emptyNewItem(values.kind));
    }
  };
  const kindLabel = t(`supervision.textLabel.${values.kind}`);
  return (
    <form
      className="subpanel"
      onSubmit={submit}
      noValidate
      aria-labelledby="supervision-new-title"
      data-testid="supervision-new"
    >
      <h3 id="supervision-new-title">{t('supervision.newTitle')}</h3>
      {!who.member ? <p className="note">{t('supervision.memberTokenNeeded')}</p> : null}
      <div className="form-grid">
        <Field label={t('supervision.kind')}>
          {(p) => (
            <select
              {...p}
              value={values.kind}
              onChange={(e) => set('kind', e.target.value as SupervisionKind)}
              data-testid="supervision-kind"
            >
              {SUPERVISION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`supervision.kindName.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('supervision.agency')}
          problems={cmd.problems.agencyId}
          hint={t('supervision.agencyHint')}
        >
          {(p) => (
            <>
              <input
                {...p}
                value={values.agencyId}
                onChange={(e) => set('agencyId', e.target.value)}
                list="supervision-agencies"
                autoComplete="off"
                spellCheck={false}
                data-testid="supervision-agency"
              />
              <datalist id="supervision-agencies">
                {agencies.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        {values.kind !== 'inspection' ? (
          <Field
            label={t('supervision.inspectionId')}
            problems={cmd.problems.inspectionId}
            hint={t('supervision.inspectionIdHint')}
          >
            {(p) => (
              <input
                {...p}
                value={values.inspectionId}
                onChange={(e) => set('inspectionId', e.target.value)}
                autoComplete="off"
                spellCheck={false}
                data-testid="supervision-inspection"
              />
            )}
          </Field>
        ) : null}
      </div>
      {values.kind === 'disciplinary-demand' ? (
        <Field label={t('supervision.leak')} problems={cmd.problems.leak}>
          {(p) => (
            <textarea
              {...p}
              rows={2}
              value={values.leak}
              onChange={(e) => set('leak', e.target.value)}
              data-testid="supervision-leak"
            />
          )}
        </Field>
      ) : null}
      <Field
        label={kindLabel}
        problems={[
          ...(cmd.problems.text ?? []),
          ...(cmd.problems.scope ?? []),
          ...(cmd.problems.recommendation ?? []),
          ...(cmd.problems.demand ?? []),
        ]}
      >
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={values.text}
            onChange={(e) => set('text', e.target.value)}
            data-testid="supervision-text"
          />
        )}
      </Field>
      <button
        type="submit"
        className="primary"
        disabled={cmd.busy}
        data-testid="supervision-submit"
      >
        {t(`supervision.submit.${values.kind}`)}
      </button>
      <OutcomeNote outcome={cmd.outcome} testId="supervision-result" />
    </form>
  );
}
