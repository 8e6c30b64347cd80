import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type { Advisory, Page } from '../api/types';
import { useReloadOnSignal, useResource } from '../api/use-resource';
import { useSession } from '../session/session-context';
import { Empty, ResourceView, Section, Stat, Stats, TableBox, useErrorText } from '../ui/layout';
import { CouncilMark, TlpLabel } from '../ui/tlp-label';
import { useFormat } from '../ui/use-format';

/** Advisories the viewer may read, with a one-click acknowledgement for those addressed to it. */
export function AdvisoriesPanel({ reloadSignal = 0 }: { reloadSignal?: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api, who } = useSession();
  const errorText = useErrorText();
  const [advisories, reload] = useResource<Page<Advisory>>(
    () => collect<Advisory>(api, '/v1/advisories', { limit: 200 }, 1000),
    [api],
  );
  const [acking, setAcking] = useState<Record<string, 'busy' | 'done' | string>>({});

  useReloadOnSignal(advisories, reload, reloadSignal);

  const acknowledge = async (id: string) => {
    setAcking((s) => ({ ...s, [id]: 'busy' }));
    try {
      await api.post(`/v1/advisories/${encodeURIComponent(id)}/acknowledgements`, undefined);
      setAcking((s) => ({ ...s, [id]: 'done' }));
      reload();
    } catch (e) {
      setAcking((s) => ({ ...s, [id]: errorText(e) }));
    }
  };

  return (
    <Section id="advisories" title={t('advisories.title')} wide>
      <ResourceView resource={advisories}>
        {(page) => {
          const active = page.items.filter((a) => a.status === 'active');
          const toAck = active.filter(
            (a) => !a.acknowledgedByYou && a.issuer.orgId !== who.organisation.id,
          );
          return (
            <>
              <Stats label={t('advisories.title')}>
                <Stat
                  testId="count-advisories"
                  label={t('advisories.listed')}
                  value={f.number(page.items.length)}
                />
                <Stat
                  testId="count-advisories-active"
                  label={t('advisories.active')}
                  value={f.number(active.length)}
                />
                <Stat
                  testId="count-advisories-unacknowledged"
                  label={t('advisories.toAcknowledge')}
                  value={f.number(toAck.length)}
                  tone={toAck.length > 0 ? 'alert' : undefined}
                />
              </Stats>
              {page.items.length === 0 ? (
                <Empty text={t('advisories.none')} />
              ) : (
                <TableBox label={t('advisories.title')}>
                  <table className="data">
                    <thead>
                      <tr>
                        <th scope="col">{t('advisories.advisory')}</th>
                        <th scope="col">{t('advisories.tlp')}</th>
                        <th scope="col">{t('advisories.severity')}</th>
                        <th scope="col">{t('advisories.issuer')}</th>
                        <th scope="col">{t('advisories.expires')}</th>
                        <th scope="col">{t('advisories.acknowledgement')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {page.items.map((a) => {
                        const state = acking[a.id];
                        const mine = a.issuer.orgId === who.organisation.id;
                        return (
                          <tr key={a.id} data-testid="advisory-row" data-id={a.id} data-tlp={a.tlp}>
                            <th scope="row">
                              <span className="title">{a.title}</span>
                              <span className="sub">{a.summary}</span>
                            </th>
                            <td>
                              <TlpLabel tlp={a.tlp} />
                              <CouncilMark shared={a.audience?.council} />
                            </td>
                            <td>
                              <span className={`severity severity-${a.severity}`}>
                                {t(`severity.${a.severity}`, { defaultValue: a.severity })}
                              </span>
                            </td>
                            <td>{a.issuer.orgId}</td>
                            <td>
                              {f.dateTime(a.expiresAt)}
                              {a.status !== 'active' ? (
                                <span className="sub">{t(`advisoryStatus.${a.status}`)}</span>
                              ) : null}
                            </td>
                            <td>
                              {mine ? (
                                <span className="muted">{t('advisories.yours')}</span>
                              ) : a.acknowledgedByYou || state === 'done' ? (
                                <span className="ok" data-testid="acknowledged">
                                  {t('advisories.acknowledged')}
                                </span>
                              ) : a.status === 'active' ? (
                                <>
                                  <button
                                    type="button"
                                    onClick={() => void acknowledge(a.id)}
                                    disabled={state === 'busy'}
                                    data-testid="acknowledge"
                                  >
                                    {t('advisories.acknowledge')}
                                  </button>
                                  {state && state !== 'busy' ? (
                                    <span className="field-problem" role="alert">
                                      {state}
                                    </span>
                                  ) : null}
                                </>
                              ) : (
                                <span className="muted">—</span>
                              )}
                            </td>
                          </tr>
                        );
                      })}
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
