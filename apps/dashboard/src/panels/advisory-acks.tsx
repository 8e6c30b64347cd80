import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Acknowledgements, AdvisoryAggregateItem } from '../api/types';
import { useReloadOnSignal, useResource } from '../api/use-resource';
import { useSession } from '../session/session-context';
import { Empty, ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { TlpLabel } from '../ui/tlp-label';
import { useFormat } from '../ui/use-format';

/**
 * Advisories in force with their acknowledgement rate (the API's aggregate for this viewer), and
 * on request who in the audience has not acknowledged yet.
 */
export function AdvisoryAcksPanel({ reloadSignal = 0 }: { reloadSignal?: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [agg, reload] = useResource(
    () => api.get<{ items: AdvisoryAggregateItem[] }>('/v1/aggregates/advisories'),
    [api],
    [404],
  );
  const [open, setOpen] = useState<string | null>(null);

  useReloadOnSignal(agg, reload, reloadSignal);

  return (
    <Section id="advisory-acks" title={t('acks.title')} wide>
      <ResourceView resource={agg} unavailableText={t('state.aggregateUnavailable')}>
        {({ items }) => {
          const expected = items.reduce((n, i) => n + i.expected, 0);
          const acknowledged = items.reduce((n, i) => n + i.acknowledged, 0);
          return (
            <>
              <Stats label={t('acks.title')}>
                <Stat
                  testId="count-advisories-in-force"
                  label={t('acks.inForce')}
                  value={f.number(items.length)}
                />
                <Stat
                  testId="count-acks-expected"
                  label={t('acks.expected')}
                  value={f.number(expected)}
                />
                <Stat
                  testId="count-acks-acknowledged"
                  label={t('acks.acknowledged')}
                  value={f.number(acknowledged)}
                />
              </Stats>
              {items.length === 0 ? (
                <Empty text={t('acks.none')} />
              ) : (
                <TableBox label={t('acks.title')}>
                  <table className="data">
                    <thead>
                      <tr>
                        <th scope="col">{t('advisories.advisory')}</th>
                        <th scope="col">{t('advisories.tlp')}</th>
                        <th scope="col">{t('advisories.severity')}</th>
                        <th scope="col">{t('advisories.expires')}</th>
                        <th scope="col">{t('acks.rate')}</th>
                        <th scope="col">{t('acks.missing')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((a) => (
                        <Fragment key={a.advisoryId}>
                          <tr data-testid="ack-row" data-id={a.advisoryId}>
                            <th scope="row">{a.title}</th>
                            <td>
                              <TlpLabel tlp={a.tlp} />
                            </td>
                            <td>
                              <span className={`severity severity-${a.severity}`}>
                                {t(`severity.${a.severity}`, { defaultValue: a.severity })}
                              </span>
                            </td>
                            <td>{f.dateTime(a.expiresAt)}</td>
                            <td>
                              <span className="rate">
                                <meter
                                  min={0}
                                  max={1}
                                  value={a.rate ?? 0}
                                  aria-label={t('acks.rateOf', { title: a.title })}
                                />
                                <span data-testid="ack-rate">
                                  {a.rate === null ? '—' : f.percent(a.rate)} (
                                  {f.number(a.acknowledged)}/{f.number(a.expected)})
                                </span>
                              </span>
                            </td>
                            <td>
                              <button
                                type="button"
                                aria-expanded={open === a.advisoryId}
                                onClick={() => setOpen(open === a.advisoryId ? null : a.advisoryId)}
                                data-testid="ack-details"
                              >
                                {t('acks.whoNot')}
                              </button>
                            </td>
                          </tr>
                          {open === a.advisoryId ? (
                            <tr className="detail-row">
                              <td colSpan={6}>
                                <NotAcknowledged advisoryId={a.advisoryId} />
                              </td>
                            </tr>
                          ) : null}
                        </Fragment>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              )}
            </>
          );
        }}
      </ResourceView>
    </Section>
  );
}

function NotAcknowledged({ advisoryId }: { advisoryId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [acks] = useResource(
    () =>
      api.get<Acknowledgements>(
        `/v1/advisories/${encodeURIComponent(advisoryId)}/acknowledgements`,
      ),
    [api, advisoryId],
  );
  return (
    <ResourceView resource={acks}>
      {(a) =>
        a.notAcknowledged.length === 0 ? (
          <p className="note note-ok">{t('acks.allAcknowledged')}</p>
        ) : (
          <div>
            <p className="note">{t('acks.notYet', { count: a.notAcknowledged.length })}</p>
            <ul className="chips" data-testid="not-acknowledged">
              {a.notAcknowledged.map((o) => (
                <li key={o.orgId} data-id={o.orgId}>
                  {o.name ?? o.orgId}
                  {o.sector ? ` · ${t(`sector.${o.sector}`, { defaultValue: o.sector })}` : ''}
                </li>
              ))}
            </ul>
            {a.acknowledged.length > 0 ? (
              <p className="sub">
                {t('acks.lastAt', {
                  at: f.dateTime(
                    a.acknowledged
                      .map((x) => x.at ?? '')
                      .sort()
                      .at(-1) ?? null,
                  ),
                })}
              </p>
            ) : null}
          </div>
        )
      }
    </ResourceView>
  );
}
