import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type { Incident, Page } from '../api/types';
import { useReloadUntil, useResource } from '../api/use-resource';
import { byUrgency } from '../deadlines/clock';
import { useSession } from '../session/session-context';
import { DeadlineClock } from '../ui/deadline-clock';
import { Empty, ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { useFormat } from '../ui/use-format';
import { ReportForm } from './report-form';

/**
 * Incidents the viewer may read, each with every regime's deadline counting down. The operator
 * files its next report here; the office sees every operator's open incidents, the police those
 * shared with them.
 */
export function IncidentsPanel({
  title,
  openOnly = false,
  canReport = false,
  showOperator = false,
}: {
  title: string;
  openOnly?: boolean;
  canReport?: boolean;
  showOperator?: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [incidents, reload] = useResource<Page<Incident>>(
    () =>
      collect<Incident>(
        api,
        '/v1/incidents',
        { limit: 200, ...(openOnly ? { open: 'true' } : {}) },
        1000,
      ),
    [api, openOnly],
  );
  const [reporting, setReporting] = useState<string | null>(null);
  const awaitChange = useReloadUntil(incidents, reload);

  return (
    <Section id={openOnly ? 'open-incidents' : 'incidents'} title={title} wide>
      <ResourceView resource={incidents}>
        {(page) => {
          const open = page.items.filter((i) => !i.closed);
          const target = page.items.find((i) => i.id === reporting && !i.closed) ?? null;
          return (
            <>
              <Stats label={title}>
                <Stat
                  testId="count-incidents"
                  label={t('incidents.listed')}
                  value={f.number(page.items.length)}
                />
                <Stat
                  testId="count-open-incidents"
                  label={t('incidents.open')}
                  value={f.number(open.length)}
                />
              </Stats>
              {page.items.length === 0 ? (
                <Empty text={t('incidents.none')} />
              ) : (
                <TableBox label={title}>
                  <table className="data">
                    <thead>
                      <tr>
                        <th scope="col">{t('incidents.incident')}</th>
                        {showOperator ? <th scope="col">{t('incidents.operator')}</th> : null}
                        <th scope="col">{t('incidents.state')}</th>
                        <th scope="col">{t('incidents.deadlines')}</th>
                        {canReport ? <th scope="col">{t('incidents.actions')}</th> : null}
                      </tr>
                    </thead>
                    <tbody>
                      {page.items.map((i) => (
                        <tr
                          key={i.id}
                          data-testid="incident-row"
                          data-id={i.id}
                          data-closed={i.closed}
                        >
                          <th scope="row">
                            <span className="title">{i.title}</span>
                            <span className="sub">
                              {t('incidents.aware', { at: f.dateTime(i.awareAt) })} ·{' '}
                              {t(`impact.${i.impact}`, { defaultValue: i.impact })}
                            </span>
                          </th>
                          {showOperator ? (
                            <td>
                              {i.operatorId}
                              <span className="sub">
                                {t(`sector.${i.sector}`, { defaultValue: i.sector })}
                              </span>
                            </td>
                          ) : null}
                          <td>
                            {i.closed
                              ? t('incidents.closed')
                              : t(`incidentStatus.${i.status}`, { defaultValue: i.status })}
                            <span className="sub">
                              {i.reports.length > 0
                                ? t('incidents.lastReport', {
                                    stage: t(
                                      `stage.${i.reports[i.reports.length - 1]?.stage ?? ''}`,
                                      {
                                        defaultValue: i.reports[i.reports.length - 1]?.stage ?? '',
                                      },
                                    ),
                                  })
                                : t('incidents.noReport')}
                            </span>
                          </td>
                          <td>
                            <ul className="deadlines">
                              {[...i.deadlines].sort(byUrgency).map((d) => (
                                <li
                                  key={d.deadlineId}
                                  data-testid="deadline"
                                  data-id={d.deadlineId}
                                  data-stage={d.stage}
                                >
                                  <span className="regime">
                                    {t(`regime.${d.regime}`, { defaultValue: d.regime })} ·{' '}
                                    {t(`stage.${d.stage}`, { defaultValue: d.stage })}
                                  </span>
                                  <DeadlineClock
                                    dueAt={d.dueAt}
                                    status={d.status}
                                    deadlineId={d.deadlineId}
                                    filedAt={d.filedAt}
                                  />
                                </li>
                              ))}
                            </ul>
                          </td>
                          {canReport ? (
                            <td>
                              {!i.closed ? (
                                <button
                                  type="button"
                                  onClick={() => setReporting(i.id)}
                                  aria-pressed={reporting === i.id}
                                  data-testid="report-open"
                                >
                                  {t('incidents.fileReport')}
                                </button>
                              ) : null}
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              )}
              {canReport && target ? (
                <ReportForm
                  key={target.id}
                  incident={target}
                  onFiled={() => {
                    const before = target.reports.length;
                    awaitChange(
                      (p) =>
                        (p.items.find((i) => i.id === target.id)?.reports.length ?? 0) > before,
                    );
                  }}
                  onClose={() => setReporting(null)}
                />
              ) : null}
            </>
          );
        }}
      </ResourceView>
    </Section>
  );
}
