import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type { Asset, Page } from '../api/types';
import { useResource } from '../api/use-resource';
import { useSession } from '../session/session-context';
import { Empty, ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { useFormat } from '../ui/use-format';

/** The operator's notices of specified important computers. */
export function AssetsPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [assets] = useResource<Page<Asset>>(
    () => collect<Asset>(api, '/v1/assets', { limit: 500 }, 2000),
    [api],
  );
  return (
    <Section id="assets" title={t('assets.title')}>
      <ResourceView resource={assets}>
        {(page) => (
          <>
            <Stats label={t('assets.title')}>
              <Stat
                testId="count-assets"
                label={t('assets.listed')}
                value={f.number(page.items.length)}
              />
              <Stat
                testId="count-assets-active"
                label={t('assets.active')}
                value={f.number(page.items.filter((a) => a.status === 'active').length)}
              />
            </Stats>
            {page.items.length === 0 ? (
              <Empty text={t('assets.none')} />
            ) : (
              <TableBox label={t('assets.title')}>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('assets.asset')}</th>
                      <th scope="col">{t('assets.product')}</th>
                      <th scope="col">{t('assets.exposure')}</th>
                      <th scope="col">{t('assets.notified')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((a) => (
                      <tr
                        key={`${a.operatorId}/${a.assetId}`}
                        data-testid="asset-row"
                        data-id={a.assetId}
                      >
                        <th scope="row">
                          <span className="title">{a.name}</span>
                          <span className="sub">
                            {a.assetId} · {a.function} · {a.location}
                          </span>
                        </th>
                        <td>
                          {a.vendor} {a.product}
                        </td>
                        <td>
                          {t(`exposure.${a.exposure}`, { defaultValue: a.exposure })}
                          {a.status !== 'active' ? (
                            <span className="sub">{t('assets.retired')}</span>
                          ) : null}
                        </td>
                        <td>{f.dateTime(a.notifiedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
            )}
          </>
        )}
      </ResourceView>
    </Section>
  );
}
