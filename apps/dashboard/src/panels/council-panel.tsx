import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { collect } from '../api/paging';
import type { Page } from '../api/types';
import { useReloadUntil, useResource } from '../api/use-resource';
import {
  checkAdmission,
  checkConstitution,
  checkStatement,
  memberStatusDate,
  ownActions,
  readsRoster,
  standingOf,
  type Council,
  type CouncilMember,
  type CouncilStanding,
} from '../council/council-standing';
import { useSession } from '../session/session-context';
import { OutcomeNote, useCommand } from '../ui/command';
import { Empty, Field, ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { TextCommandForm } from '../ui/text-command-form';
import { useFormat } from '../ui/use-format';

const membersPath = '/v1/council/members';
const memberPath = (orgId: string) => `${membersPath}/${encodeURIComponent(orgId)}`;

/**
 * The council (協議会). The office constitutes it, admits and removes members and keeps the
 * roster; any other organisation sees its own standing, acknowledges the council's
 * confidentiality (守秘義務) through one of its people, and reads the roster once bound; the
 * commission reads the roster.
 */
export function CouncilPanel() {
  const { t } = useTranslation();
  const { api, who } = useSession();
  const kind = who.organisation.kind;
  const [council, reloadCouncil] = useResource<Council>(
    () => api.get<Council>('/v1/council'),
    [api],
    [404],
  );
  // Just constituted: the read side has it a moment later (until then the API answers 404).
  const [constituted, setConstituted] = useState(false);
  useEffect(() => {
    if (!constituted || council.status !== 'unavailable') return;
    const timer = setTimeout(reloadCouncil, 1000);
    return () => clearTimeout(timer);
  }, [constituted, council, reloadCouncil]);
  const keeper = kind === 'cabinet-office' || kind === 'oversight-commission';

  return (
    <Section id="council" title={t('council.title')} wide>
      {council.status === 'unavailable' ? (
        kind === 'cabinet-office' ? (
          <ConstituteForm onDone={() => setConstituted(true)} />
        ) : (
          <Empty text={t('council.notConstituted')} />
        )
      ) : (
        <ResourceView resource={council}>
          {(c) => (
            <>
              <p data-testid="council-name">
                <strong>{c.name}</strong>
              </p>
              <p className="sub">{c.purpose}</p>
              {keeper ? <Roster /> : <OwnStanding />}
            </>
          )}
        </ResourceView>
      )}
    </Section>
  );
}

function ConstituteForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const cmd = useCommand();
  const [name, setName] = useState('');
  const [purpose, setPurpose] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!cmd.checked(checkConstitution({ name, purpose }))) return;
    const ok = await cmd.run(
      (key) => api.post('/v1/council', { name, purpose }, { idempotencyKey: key }),
      t('council.constituted'),
    );
    if (ok) onDone();
  };
  return (
    <form
      className="subpanel"
      onSubmit={submit}
      noValidate
      aria-labelledby="constitute-title"
      data-testid="constitute-council"
    >
      <h3 id="constitute-title">{t('council.constituteTitle')}</h3>
      <p className="note">{t('council.notConstitutedOffice')}</p>
      <Field label={t('council.name')} problems={cmd.problems.name}>
        {(p) => (
          <input
            {...p}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              cmd.touched();
            }}
            data-testid="constitute-name"
          />
        )}
      </Field>
      <Field label={t('council.purpose')} problems={cmd.problems.purpose}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={purpose}
            onChange={(e) => {
              setPurpose(e.target.value);
              cmd.touched();
            }}
            data-testid="constitute-purpose"
          />
        )}
      </Field>
      <button type="submit" className="primary" disabled={cmd.busy} data-testid="constitute-submit">
        {t('council.constitute')}
      </button>
      <OutcomeNote outcome={cmd.outcome} testId="constitute-result" />
    </form>
  );
}

/** The whole roster, for the office (which admits and removes) and the commission (reads). */
function Roster({ bound = false }: { bound?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api, who } = useSession();
  const office = who.organisation.kind === 'cabinet-office';
  const [roster, reload] = useResource<Page<CouncilMember>>(
    () => collect<CouncilMember>(api, membersPath, { limit: 500 }, 2000),
    [api],
  );
  const awaitChange = useReloadUntil(roster, reload);
  const [removing, setRemoving] = useState<string | null>(null);
  const statusOf = (p: Page<CouncilMember>, orgId: string) =>
    p.items.find((m) => m.orgId === orgId)?.status;

  return (
    <>
      <h3>{bound ? t('council.currentMembers') : t('council.roster')}</h3>
      <ResourceView resource={roster}>
        {(page) => (
          <>
            <Stats label={t('council.roster')}>
              <Stat
                testId="count-council-members"
                label={t('council.members')}
                value={f.number(page.items.filter((m) => m.status !== 'removed').length)}
              />
              <Stat
                testId="count-council-bound"
                label={t('council.bound')}
                value={f.number(page.items.filter((m) => m.status === 'bound').length)}
              />
            </Stats>
            {page.items.length === 0 ? (
              <Empty text={t('council.noMembers')} />
            ) : (
              <TableBox label={t('council.roster')}>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('council.organisation')}</th>
                      <th scope="col">{t('council.standingColumn')}</th>
                      <th scope="col">{t('council.admitted')}</th>
                      <th scope="col">{t('council.undertaking')}</th>
                      {office ? <th scope="col">{t('council.actions')}</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((m) => {
                      const { status, at } = memberStatusDate(m);
                      return (
                        <tr
                          key={m.orgId}
                          data-testid="council-member-row"
                          data-id={m.orgId}
                          data-status={status}
                        >
                          <th scope="row">
                            {m.orgId}
                            <span className="sub">
                              {t(`kind.${m.orgKind}`, { defaultValue: m.orgKind })}
                            </span>
                          </th>
                          <td>
                            {t(`council.status.${status}`)}
                            <span className="sub">{f.dateTime(at)}</span>
                          </td>
                          <td>{f.dateTime(m.admittedAt)}</td>
                          <td>
                            {m.acknowledgement
                              ? t('council.acknowledgedBy', { by: m.acknowledgement.by })
                              : m.removed
                                ? `${t('council.removedBecause')}: ${m.removed.reason}`
                                : '—'}
                          </td>
                          {office ? (
                            <td>
                              {m.status === 'removed' ? (
                                '—'
                              ) : removing === m.orgId ? (
                                <ReasonForm
                                  path={`${memberPath(m.orgId)}/removal`}
                                  label={t('council.removalReason')}
                                  submitText={t('council.remove')}
                                  doneText={t('council.removed', { org: m.orgId })}
                                  onClose={() => setRemoving(null)}
                                  onDone={() =>
                                    awaitChange((p) => statusOf(p, m.orgId) === 'removed')
                                  }
                                />
                              ) : (
                                <button
                                  type="button"
                                  onClick={() => setRemoving(m.orgId)}
                                  data-testid="council-remove"
                                >
                                  {t('council.remove')}
                                </button>
                              )}
                            </td>
                          ) : null}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableBox>
            )}
            {office ? (
              <AdmitForm
                onAdmitted={(orgId) =>
                  awaitChange((p) => {
                    const s = statusOf(p, orgId);
                    return s === 'admitted' || s === 'bound';
                  })
                }
              />
            ) : null}
          </>
        )}
      </ResourceView>
    </>
  );
}

function AdmitForm({ onAdmitted }: { onAdmitted(orgId: string): void }) {
  const { t } = useTranslation();
  return (
    <TextCommandForm
      field="orgId"
      title={{ id: 'admit-title', text: t('council.admitTitle') }}
      label={t('council.orgId')}
      hint={t('council.orgIdHint')}
      identifier
      trim
      check={checkAdmission}
      command={(orgId) => ({ path: membersPath, body: { orgId } })}
      submitText={t('council.admit')}
      doneText={(orgId) => t('council.admittedOk', { org: orgId })}
      testIds={{
        form: 'council-admit',
        field: 'council-admit-org',
        submit: 'council-admit-submit',
        result: 'council-admit-result',
      }}
      clearOnDone
      onDone={onAdmitted}
    />
  );
}

/** Any other organisation: its own entry, the undertaking, withdrawal, and the roster once bound. */
function OwnStanding() {
  const { t } = useTranslation();
  const f = useFormat();
  const { api, who } = useSession();
  const ownId = who.organisation.id;
  const [entry, reload] = useResource<CouncilMember | null>(
    () =>
      api.get<CouncilMember>(memberPath(ownId)).catch((e: unknown) => {
        // Never admitted: the API answers 404, as for any entry that is not one's own.
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    [api, ownId],
  );
  const awaitChange = useReloadUntil(entry, reload);
  const [acting, setActing] = useState<'acknowledge' | 'withdraw' | null>(null);

  return (
    <ResourceView resource={entry}>
      {(m) => {
        const standing: CouncilStanding = standingOf(m);
        const dated = m ? memberStatusDate(m) : null;
        return (
          <>
            <p data-testid="council-standing" data-status={standing}>
              <strong>{t('council.yourStanding')}:</strong> {t(`council.standingOf.${standing}`)}
              {dated ? ` (${f.dateTime(dated.at)})` : ''}
            </p>
            <p className="note">{t(`council.standingNote.${standing}`)}</p>
            {m?.acknowledgement ? (
              <p className="sub">
                {t('council.acknowledgedBy', { by: m.acknowledgement.by })}:{' '}
                {m.acknowledgement.statement}
              </p>
            ) : null}
            {m?.removed ? (
              <p className="sub">
                {t('council.removedBecause')}: {m.removed.reason}
              </p>
            ) : null}
            {acting === null && ownActions(standing).length > 0 ? (
              <div className="form-actions">
                {ownActions(standing).map((a) => (
                  <button
                    key={a}
                    type="button"
                    className={a === 'acknowledge' ? 'primary' : undefined}
                    onClick={() => setActing(a)}
                    data-testid={`council-${a}`}
                  >
                    {t(`council.action.${a}`)}
                  </button>
                ))}
              </div>
            ) : null}
            {acting === 'acknowledge' ? (
              <Undertaking
                orgId={ownId}
                personal={who.member !== null}
                onClose={() => setActing(null)}
                onDone={() => awaitChange((x) => x?.status === 'bound')}
              />
            ) : null}
            {acting === 'withdraw' ? (
              <ReasonForm
                path={`${memberPath(ownId)}/removal`}
                label={t('council.withdrawalReason')}
                submitText={t('council.action.withdraw')}
                doneText={t('council.withdrawn')}
                onClose={() => setActing(null)}
                onDone={() => awaitChange((x) => x?.status === 'removed')}
              />
            ) : null}
            {readsRoster(who.organisation.kind, standing) ? <Roster bound /> : null}
          </>
        );
      }}
    </ResourceView>
  );
}

/** A person of the member acknowledges the council's confidentiality (a personal token). */
function Undertaking({
  orgId,
  personal,
  onClose,
  onDone,
}: {
  orgId: string;
  personal: boolean;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  return (
    <TextCommandForm
      field="statement"
      note={personal ? undefined : t('council.personalTokenNeeded')}
      label={t('council.statement')}
      rows={3}
      initial={t('council.defaultStatement')}
      check={(statement) => checkStatement('statement', statement)}
      command={(statement) => ({
        path: `${memberPath(orgId)}/confidentiality`,
        body: { statement },
      })}
      submitText={t('council.action.acknowledge')}
      doneText={t('council.acknowledged')}
      testIds={{
        form: 'council-undertaking',
        field: 'council-statement',
        submit: 'council-acknowledge-submit',
        result: 'council-result',
      }}
      close={{ text: t('council.close'), onClose }}
      onDone={onDone}
    />
  );
}

/** A removal or a withdrawal: one reason, one button. */
function ReasonForm({
  path,
  label,
  submitText,
  doneText,
  onClose,
  onDone,
}: {
  path: string;
  label: string;
  submitText: string;
  doneText: string;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  return (
    <TextCommandForm
      field="reason"
      label={label}
      rows={2}
      check={(reason) => checkStatement('reason', reason)}
      command={(reason) => ({ path, body: { reason } })}
      submitText={submitText}
      doneText={doneText}
      testIds={{
        form: 'council-reason-form',
        field: 'council-reason',
        submit: 'council-reason-submit',
        result: 'council-reason-result',
      }}
      close={{ text: t('council.close'), onClose }}
      onDone={onDone}
    />
  );
}
