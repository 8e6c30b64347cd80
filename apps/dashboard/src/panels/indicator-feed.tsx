import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type { Indicator, Page } from '../api/types';
import { useReloadOnSignal, useResource } from '../api/use-resource';
import { INDICATOR_TYPES, SECTORS, TLP_LEVELS } from '../domain/vocabulary';
import { useSession } from '../session/session-context';
import { Empty, ResourceView, Section, Stat, Stats, TableBox, useErrorText } from '../ui/layout';
import { CouncilMark, TlpLabel } from '../ui/tlp-label';
import { useFormat } from '../ui/use-format';

const PAGE = 500;

/**
 * The indicators the viewer may read, filtered by type, TLP and the publisher's sector, following
 * the API's `next` cursor; the count is of what the API returned to this viewer.
 */
export function IndicatorFeedPanel({ reloadSignal = 0 }: { reloadSignal?: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const errorText = useErrorText();
  const [type, setType] = useState('');
  const [tlp, setTlp] = useState('');
  const [sector, setSector] = useState('');
  const query = { type, tlp, sector, limit: PAGE };
  const [feed, reload] = useResource<Page<Indicator>>(
    () => collect<Indicator>(api, '/v1/indicators', query, PAGE),
    [api, type, tlp, sector],
  );
  const [more, setMore] = useState<{ items: Indicator[]; next: string | null } | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);

  useEffect(() => setMore(null), [feed]);
  useReloadOnSignal(feed, reload, reloadSignal);

  const loadMore = async (from: string) => {
    setMoreError(null);
    try {
      const page = await collect<Indicator>(api, '/v1/indicators', query, PAGE, from);
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next }));
    } catch (e) {
      setMoreError(errorText(e));
    }
  };

  return (
    <Section id="indicators" title={t('indicators.title')} wide>
      <form
        className="filters"
        onSubmit={(e) => e.preventDefault()}
        aria-label={t('indicators.filters')}
      >
        <div className="inline-field">
          <label htmlFor="filter-type">{t('indicators.type')}</label>
          <select
            id="filter-type"
            value={type}
            onChange={(e) => setType(e.target.value)}
            data-testid="filter-type"
          >
            <option value="">{t('indicators.any')}</option>
            {INDICATOR_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`indicatorType.${x}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="inline-field">
          <label htmlFor="filter-tlp">{t('indicators.tlp')}</label>
          <select
            id="filter-tlp"
            value={tlp}
            onChange={(e) => setTlp(e.target.value)}
            data-testid="filter-tlp"
          >
            <option value="">{t('indicators.any')}</option>
            {TLP_LEVELS.map((x) => (
              <option key={x} value={x}>
                TLP:{x}
              </option>
            ))}
          </select>
        </div>
        <div className="inline-field">
          <label htmlFor="filter-sector">{t('indicators.sector')}</label>
          <select
            id="filter-sector"
            value={sector}
            onChange={(e) => setSector(e.target.value)}
            data-testid="filter-sector"
          >
            <option value="">{t('indicators.any')}</option>
            {SECTORS.map((x) => (
              <option key={x} value={x}>
                {t(`sector.${x}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ResourceView resource={feed}>
        {(page) => {
          const items = [...page.items, ...(more?.items ?? [])];
          const next = more ? more.next : page.next;
          return (
            <>
              <Stats label={t('indicators.title')}>
                <Stat
                  testId="count-indicators"
                  label={t('indicators.shown')}
                  value={f.number(items.length)}
                />
                {TLP_LEVELS.map((l) => (
                  <Stat
                    key={l}
                    testId={`count-indicators-${l}`}
                    label={`TLP:${l}`}
                    value={f.number(items.filter((i) => i.tlp === l).length)}
                  />
                ))}
              </Stats>
              {items.length === 0 ? (
                <Empty text={t('indicators.none')} />
              ) : (
                <TableBox label={t('indicators.title')}>
                  <table className="data" data-testid="indicator-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('indicators.value')}</th>
                        <th scope="col">{t('indicators.type')}</th>
                        <th scope="col">{t('indicators.tlp')}</th>
                        <th scope="col">{t('indicators.publisher')}</th>
                        <th scope="col" className="num">
                          {t('indicators.confidence')}
                        </th>
                        <th scope="col">{t('indicators.published')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((i) => (
                        <tr key={i.id} data-testid="indicator-row" data-id={i.id} data-tlp={i.tlp}>
                          <th scope="row" className="mono">
                            {i.value}
                            {i.status !== 'active' ? (
                              <span className="sub">
                                {t(`indicatorStatus.${i.status}`, { defaultValue: i.status })}
                              </span>
                            ) : null}
                            {i.description ? <span className="sub">{i.description}</span> : null}
                          </th>
                          <td>{t(`indicatorType.${i.type}`, { defaultValue: i.type })}</td>
                          <td>
                            <TlpLabel tlp={i.tlp} />
                            <CouncilMark shared={i.audience?.council} />
                          </td>
                          <td>
                            {i.publisher.orgId ?? i.publisher.pseudonym}
                            {i.publisher.orgId && i.publisher.pseudonym ? (
                              <span className="sub">{i.publisher.pseudonym}</span>
                            ) : null}
                            {i.publisher.sector ? (
                              <span className="sub">
                                {t(`sector.${i.publisher.sector}`, {
                                  defaultValue: i.publisher.sector,
                                })}
                              </span>
                            ) : null}
                          </td>
                          <td className="num">{f.number(i.confidence)}</td>
                          <td>{f.dateTime(i.publishedAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              )}
              {next ? (
                <p className="more">
                  <button
                    type="button"
                    onClick={() => void loadMore(next)}
                    data-testid="indicators-more"
                  >
                    {t('indicators.loadMore')}
                  </button>
                </p>
              ) : (
                <p className="note" data-testid="indicators-end">
                  {t('indicators.end')}
                </p>
              )}
              {moreError ? (
                <p className="note note-error" role="alert">
                  {moreError}
                </p>
              ) : null}
            </>
          );
        }}
      </ResourceView>
    </Section>
  );
}
