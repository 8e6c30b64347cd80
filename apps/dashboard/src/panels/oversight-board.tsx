import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { OperationGrounds, OversightBoard, OversightTarget } from '../api/types';
import { useReloadUntil, useResource } from '../api/use-resource';
import { useSession } from '../session/session-context';
import {
  Empty,
  Field,
  ResourceView,
  Section,
  Stat,
  Stats,
  TableBox,
  useErrorText,
} from '../ui/layout';
import { useFormat } from '../ui/use-format';
import { AuditHeadCheck } from './audit-head-check';

export const targetText = (t?: OversightTarget) =>
  t ? `${t.value}${t.country ? ` (${t.country})` : ''}` : '';

/**
 * What an operation rests on, as the commission weighs it when it votes: the Prime Minister's
 * order (SDF) and the attestation that it stays below an armed attack, or that a legacy request
 * carries none.
 */
export function OperationGroundsLines({ g }: { g: OperationGrounds }) {
  const { t } = useTranslation();
  const f = useFormat();
  const order = g.primeMinisterOrder;
  return (
    <>
      {order ? (
        <p className="sub" data-testid="pm-order">
          {t('oversight.pmOrder', { at: f.dateTime(order.givenAt), grounds: order.grounds })}
          {order.reference
            ? ` (${t('oversight.pmOrderReference', { reference: order.reference })})`
            : ''}
        </p>
      ) : null}
      {g.attestation?.belowArmedAttackThreshold ? (
        <p className="sub" data-testid="attestation">
          {t('oversight.attested')}
          {g.attestation.justification ? ` — ${g.attestation.justification}` : ''}
        </p>
      ) : g.legacy ? (
        <p className="sub" data-testid="attestation-missing">
          {t('oversight.legacyRequest')}
        </p>
      ) : null}
    </>
  );
}

/**
 * The commission's board: requests awaiting its vote (with the votes so far), approvals and when
 * they lapse, operations and their stage, missed emergency notifications, and the audit head.
 * A member signed in with a personal token votes here.
 */
export function OversightBoardPanels() {
  const { t } = useTranslation();
  const f = useFormat();
  const { api, who } = useSession();
  const [board, reload] = useResource(() => api.get<OversightBoard>('/v1/oversight/board'), [api]);
  const awaitChange = useReloadUntil(board, reload);
  // The vote is on the board once the request shows one more vote cast, or is decided.
  const voted = (requestId: string, before: number) =>
    awaitChange((b) => {
      const p = b.pending.find((x) => x.requestId === requestId);
      return !p || p.votesCast > before;
    });

  return (
    <ResourceView resource={board}>
      {(b) => (
        <>
          <Section id="pending" title={t('oversight.pendingTitle')} wide>
            <Stats label={t('oversight.summary')}>
              <Stat
                testId="count-pending"
                label={t('oversight.pending')}
                value={f.number(b.counts.pending)}
              />
              <Stat
                testId="count-approvals-live"
                label={t('oversight.approvalsLive')}
                value={f.number(b.counts.approvalsLive)}
              />
              <Stat
                testId="count-operations"
                label={t('oversight.operations')}
                value={f.number(b.counts.operations)}
              />
              <Stat
                testId="count-missed-notifications"
                label={t('oversight.missedNotifications')}
                value={f.number(b.counts.missedNotifications)}
                tone={b.counts.missedNotifications > 0 ? 'alert' : undefined}
              />
            </Stats>
            {!who.member ? <p className="note">{t('oversight.memberTokenNeeded')}</p> : null}
            {b.pending.length === 0 ? (
              <Empty text={t('oversight.noPending')} />
            ) : (
              <ul className="cards">
                {b.pending.map((p) => (
                  <li
                    key={p.requestId}
                    className="card"
                    data-testid="pending-row"
                    data-id={p.requestId}
                  >
                    <h3>
                      {t(`requestKind.${p.kind}`, { defaultValue: p.kind })}:{' '}
                      {p.kind === 'collection' ? p.telecomId : targetText(p.target)}
                      {p.emergency ? (
                        <span className="badge badge-alert">{t('oversight.emergency')}</span>
                      ) : null}
                    </h3>
                    <p className="sub">
                      {t('oversight.requestedBy', {
                        by: p.requestedBy,
                        at: f.dateTime(p.requestedAt),
                      })}
                    </p>
                    {p.kind === 'operation' ? <OperationGroundsLines g={p} /> : null}
                    {p.measures?.length ? (
                      <p className="sub">
                        {t('oversight.measures')}:{' '}
                        {p.measures.map((m) => t(`measure.${m}`, { defaultValue: m })).join(', ')}
                      </p>
                    ) : null}
                    {p.categories?.length ? (
                      <p className="sub">
                        {t('oversight.categories')}:{' '}
                        {p.categories
                          .map((c) => t(`category.${c}`, { defaultValue: c }))
                          .join(', ')}
                      </p>
                    ) : null}
                    <p data-testid="vote-tally">
                      {t('oversight.tally', {
                        approvals: p.approvals,
                        denials: p.denials,
                        cast: p.votesCast,
                        roster: p.rosterSize,
                        quorum: p.quorum,
                      })}
                    </p>
                    {p.votes.length > 0 ? (
                      <ul className="votes">
                        {p.votes.map((v) => (
                          <li
                            key={v.memberId}
                            data-testid="vote"
                            data-member={v.memberId}
                            data-vote={v.vote}
                          >
                            <strong>{v.memberId}</strong>:{' '}
                            {t(`vote.${v.vote}`, { defaultValue: v.vote })}
                            {v.reason ? ` — ${v.reason}` : ''}{' '}
                            <span className="sub">{f.dateTime(v.at)}</span>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    <p className="sub">
                      {t('oversight.awaiting')}: {p.awaiting.join(', ') || '—'}
                    </p>
                    {who.member && p.awaiting.includes(who.member) ? (
                      <VoteForm
                        requestId={p.requestId}
                        onVoted={() => voted(p.requestId, p.votesCast)}
                      />
                    ) : who.member ? (
                      <p className="note note-ok">{t('oversight.youVoted')}</p>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section id="approvals" title={t('oversight.approvalsTitle')} wide>
            {b.approvals.length === 0 ? (
              <Empty text={t('oversight.noApprovals')} />
            ) : (
              <TableBox label={t('oversight.approvalsTitle')}>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('oversight.request')}</th>
                      <th scope="col">{t('oversight.requester')}</th>
                      <th scope="col">{t('oversight.validFrom')}</th>
                      <th scope="col">{t('oversight.expires')}</th>
                      <th scope="col">{t('oversight.state')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.approvals.map((a) => (
                      <tr key={a.requestId} data-testid="approval-row" data-id={a.requestId}>
                        <th scope="row">
                          {t(`requestKind.${a.kind}`, { defaultValue: a.kind })}:{' '}
                          {a.kind === 'collection' ? a.telecomId : targetText(a.target)}
                        </th>
                        <td>{a.requestedBy}</td>
                        <td>{f.dateTime(a.validFrom)}</td>
                        <td>{f.dateTime(a.expiresAt)}</td>
                        <td>
                          {a.live
                            ? t('oversight.live')
                            : a.expired
                              ? t('oversight.expired')
                              : t('oversight.notYet')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
            )}
          </Section>

          <Section id="operations" title={t('oversight.operationsTitle')} wide>
            {b.operations.length === 0 ? (
              <Empty text={t('oversight.noOperations')} />
            ) : (
              <TableBox label={t('oversight.operationsTitle')}>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('oversight.target')}</th>
                      <th scope="col">{t('oversight.requester')}</th>
                      <th scope="col">{t('oversight.state')}</th>
                      <th scope="col">{t('oversight.executed')}</th>
                      <th scope="col">{t('oversight.reported')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.operations.map((o) => (
                      <tr key={o.requestId} data-testid="operation-row" data-id={o.requestId}>
                        <th scope="row" className="mono">
                          {targetText(o.target)}
                        </th>
                        <td>{o.requestedBy}</td>
                        <td>
                          {t(`requestStatus.${o.status}`, { defaultValue: o.status })} ·{' '}
                          {t(`stageOp.${o.stage ?? 'requested'}`, { defaultValue: o.stage ?? '' })}
                          {o.notificationMissed ? (
                            <span className="badge badge-alert">
                              {t('oversight.notificationMissed')}
                            </span>
                          ) : null}
                        </td>
                        <td>
                          {f.dateTime(o.executedAt)}
                          {o.outcome ? (
                            <span className="sub">
                              {t(`outcome.${o.outcome}`, { defaultValue: o.outcome })}
                            </span>
                          ) : null}
                        </td>
                        <td>{f.dateTime(o.reportedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
            )}
          </Section>

          <Section id="missed" title={t('oversight.missedTitle')}>
            {b.missedNotifications.length === 0 ? (
              <Empty text={t('oversight.noMissed')} />
            ) : (
              <ul className="cards">
                {b.missedNotifications.map((m) => (
                  <li
                    key={m.requestId}
                    className="card card-alert"
                    data-testid="missed-row"
                    data-id={m.requestId}
                  >
                    <strong>{m.agencyId}</strong> ·{' '}
                    <span className="mono">{targetText(m.target)}</span>
                    <p className="sub">
                      {t('oversight.notifyBy', { at: f.dateTime(m.notifyBy) })} ·{' '}
                      {m.notifiedAt
                        ? t('oversight.notifiedLate', { at: f.dateTime(m.notifiedAt) })
                        : t('oversight.neverNotified')}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <AuditHeadCheck boardHead={b.auditHead} />
        </>
      )}
    </ResourceView>
  );
}

function VoteForm({ requestId, onVoted }: { requestId: string; onVoted(): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const errorText = useErrorText();
  const [vote, setVote] = useState<'' | 'approve' | 'deny'>('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(() => crypto.randomUUID());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    if (!vote) {
      setProblems({ vote: [t('validation.required')] });
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      const res = await api.post<{ status: string; approvals: number; denials: number }>(
        `/v1/oversight/requests/${encodeURIComponent(requestId)}/votes`,
        { vote, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        { idempotencyKey: `${key}-${vote}` },
      );
      setOutcome({
        ok: true,
        text: t('oversight.voted', {
          status: t(`requestStatus.${res.body.status}`, { defaultValue: res.body.status }),
        }),
      });
      onVoted();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) {
        const grouped: Record<string, string[]> = {};
        for (const i of err.issues) (grouped[i.field] ??= []).push(i.reason);
        setProblems(grouped);
      }
      setOutcome({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="vote-form" onSubmit={submit} noValidate data-testid={`vote-form-${requestId}`}>
      <fieldset aria-invalid={(problems.vote?.length ?? 0) > 0}>
        <legend>{t('oversight.yourVote')}</legend>
        <div className="radios">
          {(['approve', 'deny'] as const).map((v) => (
            <span key={v} className="radio">
              <input
                id={`vote-${requestId}-${v}`}
                type="radio"
                name={`vote-${requestId}`}
                value={v}
                checked={vote === v}
                onChange={() => setVote(v)}
                data-testid={`vote-${v}`}
              />
              <label htmlFor={`vote-${requestId}-${v}`}>{t(`vote.${v}`)}</label>
            </span>
          ))}
        </div>
        {problems.vote ? <p className="field-problem">{problems.vote.join(' ')}</p> : null}
      </fieldset>
      <Field label={t('oversight.reason')} problems={problems.reason}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="vote-reason"
          />
        )}
      </Field>
      <button type="submit" className="primary" disabled={busy} data-testid="vote-submit">
        {t('oversight.castVote')}
      </button>
      {outcome ? (
        <p
          className={outcome.ok ? 'note note-ok' : 'note note-error'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="vote-result"
        >
          {outcome.text}
        </p>
      ) : null}
    </form>
  );
}
