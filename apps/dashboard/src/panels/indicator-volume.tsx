import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { IndicatorAggregate } from '../api/types';
import { useReloadOnSignal, useResource } from '../api/use-resource';
import { TLP_LEVELS } from '../domain/vocabulary';
import { useSession } from '../session/session-context';
import { ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { TlpLabel } from '../ui/tlp-label';
import { useFormat } from '../ui/use-format';

// Recharts is most of the console's weight: its own chunk, fetched when this panel shows.
const IndicatorCharts = lazy(() => import('./indicator-charts'));

/**
 * Indicator volume per JST day by sector, type and TLP, counted by the API for this viewer
 * (`GET /v1/aggregates/indicators`): only what the viewer may read now.
 */
export function IndicatorVolumePanel({
  days = 30,
  reloadSignal = 0,
}: {
  days?: number;
  reloadSignal?: number;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [agg, reload] = useResource(
    () => api.get<IndicatorAggregate>('/v1/aggregates/indicators', { days }),
    [api, days],
    [404],
  );
  // An indicator event on the stream: the counters catch up a moment later.
  useReloadOnSignal(agg, reload, reloadSignal);

  return (
    <Section id="volume" title={t('volume.title', { days })} wide>
      <ResourceView resource={agg} unavailableText={t('state.aggregateUnavailable')}>
        {(a) => (
          <>
            <Stats label={t('volume.title', { days })}>
              <Stat
                testId="agg-indicators-total"
                label={t('volume.total')}
                value={f.number(a.total)}
              />
              {TLP_LEVELS.map((l) => (
                <Stat
                  key={l}
                  testId={`agg-tlp-${l}`}
                  label={`TLP:${l}`}
                  value={f.number(a.byTlp.find((x) => x.tlp === l)?.count ?? 0)}
                />
              ))}
            </Stats>
            <p className="note">
              {t('volume.range', { from: f.dayLong(a.from), to: f.dayLong(a.to) })}
            </p>
            <Suspense
              fallback={
                <p className="note" role="status">
                  {t('state.loadingCharts')}
                </p>
              }
            >
              <IndicatorCharts aggregate={a} />
            </Suspense>
            <details className="totals">
              <summary>{t('volume.tables')}</summary>
              <div className="totals-grid">
                <TableBox label={t('volume.bySector')}>
                  <table className="data compact">
                    <caption>{t('volume.bySector')}</caption>
                    <tbody>
                      {a.bySector.map((s) => (
                        <tr
                          key={s.sector ?? 'none'}
                          data-testid="agg-sector"
                          data-id={s.sector ?? ''}
                        >
                          <th scope="row">
                            {s.sector
                              ? t(`sector.${s.sector}`, { defaultValue: s.sector })
                              : t('volume.noSector')}
                          </th>
                          <td className="num">{f.number(s.count)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
                <TableBox label={t('volume.byType')}>
                  <table className="data compact">
                    <caption>{t('volume.byType')}</caption>
                    <tbody>
                      {a.byType.map((s) => (
                        <tr key={s.type} data-testid="agg-type" data-id={s.type}>
                          <th scope="row">
                            {t(`indicatorType.${s.type}`, { defaultValue: s.type })}
                          </th>
                          <td className="num">{f.number(s.count)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
                <TableBox label={t('volume.byTlp')}>
                  <table className="data compact">
                    <caption>{t('volume.byTlp')}</caption>
                    <tbody>
                      {a.byTlp.map((s) => (
                        <tr key={s.tlp}>
                          <th scope="row">
                            <TlpLabel tlp={s.tlp} />
                          </th>
                          <td className="num">{f.number(s.count)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              </div>
            </details>
          </>
        )}
      </ResourceView>
    </Section>
  );
}
