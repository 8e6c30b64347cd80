import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ComplianceBoard } from '../api/types';
import { useResource } from '../api/use-resource';
import { useSession } from '../session/session-context';
import { DeadlineClock } from '../ui/deadline-clock';
import { ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { useFormat } from '../ui/use-format';

type Row = ComplianceBoard['operators'][number];

/** Each regime has its own column of misses; only jp-acd's lead to Japanese orders. */
const REGIMES = ['jp-acd', 'nis2', 'circia'] as const;

/** Referrals to the prosecutors and how they ended; legacy penalties flagged apart. */
function Referrals({ r }: { r: Row }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { referrals: x, legacyPenalties: legacy } = r;
  const parts = [
    x.awaitingOutcome > 0 ? t('board.awaitingOutcome', { count: x.awaitingOutcome }) : null,
    x.fined > 0 ? t('board.finedByCourt', { count: x.fined, yen: f.yen(x.finedYen) }) : null,
    x.acquitted > 0 ? t('board.acquitted', { count: x.acquitted }) : null,
    x.prosecutionDeclined > 0 ? t('board.declined', { count: x.prosecutionDeclined }) : null,
  ].filter((p): p is string => p !== null);
  return (
    <>
      {parts.length > 0 ? parts.join(' · ') : <span className="muted">{f.number(0)}</span>}
      {legacy.count > 0 ? (
        <span className="muted" data-testid="board-legacy-penalties">
          {' '}
          {t('board.legacyPenalties', { count: legacy.count, yen: f.yen(legacy.totalYen) })}
        </span>
      ) : null}
    </>
  );
}

const needsAttention = (r: Row) =>
  r.overdueDeadlines + r.overdueOrders + r.openOrders + r.missedDeadlines > 0 ||
  r.openIncidents > 0;

/** Overdue first, then the soonest next deadline, then by id. */
function byUrgency(a: Row, b: Row): number {
  const overdue = (r: Row) => r.overdueDeadlines + r.overdueOrders;
  const due = (r: Row) =>
    r.nextDeadline ? Date.parse(r.nextDeadline.dueAt) : Number.POSITIVE_INFINITY;
  return overdue(b) - overdue(a) || due(a) - due(b) || a.operatorId.localeCompare(b.operatorId);
}

/**
 * Every operator's reporting state as the API gives it to this viewer: open incidents, the next
 * deadline counting down, overdue deadlines, missed deadlines per regime, correction orders,
 * referrals to the public prosecutors and their outcomes (courts' fines), and legacy penalties.
 * Rows are plain table rows; their clocks share one ticker.
 */
export function ComplianceBoardPanel({ refreshMs = 60_000 }: { refreshMs?: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [board, reload] = useResource(
    () => api.get<ComplianceBoard>('/v1/compliance/board'),
    [api],
  );
  const [filter, setFilter] = useState<'all' | 'attention'>('all');

  useEffect(() => {
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [reload, refreshMs]);

  return (
    <Section
      id="board"
      title={t('board.title')}
      wide
      actions={
        <div className="inline-field">
          <label htmlFor="board-filter">{t('board.show')}</label>
          <select
            id="board-filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value as 'all' | 'attention')}
          >
            <option value="all">{t('board.showAll')}</option>
            <option value="attention">{t('board.showAttention')}</option>
          </select>
        </div>
      }
    >
      <ResourceView resource={board}>
        {(b) => <BoardBody board={b} filter={filter} format={f} />}
      </ResourceView>
    </Section>
  );
}

function BoardBody({
  board,
  filter,
  format: f,
}: {
  board: ComplianceBoard;
  filter: 'all' | 'attention';
  format: ReturnType<typeof useFormat>;
}) {
  const { t } = useTranslation();
  const rows = useMemo(
    () =>
      (filter === 'all' ? board.operators : board.operators.filter(needsAttention))
        .slice()
        .sort(byUrgency),
    [board, filter],
  );
  const sum = (
    k: 'openIncidents' | 'overdueDeadlines' | 'missedDeadlines' | 'openOrders' | 'overdueOrders',
  ) => board.operators.reduce((n, r) => n + r[k], 0);
  const referrals = board.operators.reduce((n, r) => n + r.referrals.count, 0);
  const finedYen = board.operators.reduce((n, r) => n + r.referrals.finedYen, 0);
  return (
    <>
      <Stats label={t('board.totals')}>
        <Stat
          testId="count-board-operators"
          label={t('board.operators')}
          value={f.number(board.operators.length)}
        />
        <Stat
          testId="count-board-open-incidents"
          label={t('board.openIncidents')}
          value={f.number(sum('openIncidents'))}
        />
        <Stat
          testId="count-board-overdue"
          label={t('board.overdueDeadlines')}
          value={f.number(sum('overdueDeadlines'))}
          tone={sum('overdueDeadlines') > 0 ? 'alert' : undefined}
        />
        <Stat
          testId="count-board-missed"
          label={t('board.missedDeadlines')}
          value={f.number(sum('missedDeadlines'))}
        />
        <Stat
          testId="count-board-orders"
          label={t('board.openOrders')}
          value={f.number(sum('openOrders'))}
        />
        <Stat
          testId="count-board-overdue-orders"
          label={t('board.overdueOrders')}
          value={f.number(sum('overdueOrders'))}
          tone={sum('overdueOrders') > 0 ? 'alert' : undefined}
        />
        <Stat
          testId="count-board-referrals"
          label={t('board.referrals')}
          value={f.number(referrals)}
        />
        <Stat
          testId="count-board-court-fines"
          label={t('board.courtFines')}
          value={f.yen(finedYen)}
        />
      </Stats>
      <p className="note">{t('board.asOf', { at: f.dateTime(board.asOf) })}</p>
      <TableBox label={t('board.title')}>
        <table className="data board-table" data-testid="board-table">
          <caption className="visually-hidden">{t('board.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('board.operator')}</th>
              <th scope="col">{t('board.sector')}</th>
              <th scope="col" className="num">
                {t('board.openIncidents')}
              </th>
              <th scope="col">{t('board.nextDeadline')}</th>
              <th scope="col" className="num">
                {t('board.overdueDeadlines')}
              </th>
              {REGIMES.map((regime) => (
                <th scope="col" className="num" key={regime} data-regime={regime}>
                  {t('board.missedUnder', { regime: t(`regime.${regime}`) })}
                </th>
              ))}
              <th scope="col" className="num">
                {t('board.openOrders')}
              </th>
              <th scope="col">{t('board.referrals')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.operatorId} data-testid="board-row" data-id={r.operatorId}>
                <th scope="row">{r.operatorId}</th>
                <td>{r.sector ? t(`sector.${r.sector}`, { defaultValue: r.sector }) : ''}</td>
                <td className="num">{f.number(r.openIncidents)}</td>
                <td>
                  {r.nextDeadline ? (
                    <>
                      <span className="regime">
                        {t(`regime.${r.nextDeadline.regime}`, {
                          defaultValue: r.nextDeadline.regime,
                        })}
                      </span>{' '}
                      <DeadlineClock
                        dueAt={r.nextDeadline.dueAt}
                        deadlineId={r.nextDeadline.deadlineId}
                      />
                    </>
                  ) : (
                    <span className="muted">{t('board.none')}</span>
                  )}
                </td>
                <td className={r.overdueDeadlines > 0 ? 'num alert' : 'num'}>
                  {f.number(r.overdueDeadlines)}
                </td>
                {REGIMES.map((regime) => (
                  <td className="num" key={regime} data-testid={`board-missed-${regime}`}>
                    {f.number(r.missedByRegime[regime] ?? 0)}
                  </td>
                ))}
                <td className={r.overdueOrders > 0 ? 'num alert' : 'num'}>
                  {f.number(r.openOrders)}
                  {r.overdueOrders > 0
                    ? ` (${t('board.overdueN', { count: r.overdueOrders })})`
                    : ''}
                </td>
                <td data-testid="board-referrals">
                  <Referrals r={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </>
  );
}
