import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type { OversightRequest, Page } from '../api/types';
import { useResource } from '../api/use-resource';
import { useSession } from '../session/session-context';
import { Empty, ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { useFormat } from '../ui/use-format';
import { OperationGroundsLines, targetText } from './oversight-board';

/** An agency's authorisation requests, or its operations (`/v1/oversight/operations`). */
export function OversightRequestsPanel({ operations = false }: { operations?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const path = operations ? '/v1/oversight/operations' : '/v1/oversight/requests';
  const [list] = useResource<Page<OversightRequest>>(
    () => collect<OversightRequest>(api, path, { limit: 200 }, 1000),
    [api, path],
  );
  const title = operations ? t('oversight.yourOperations') : t('oversight.yourRequests');
  const id = operations ? 'agency-operations' : 'agency-requests';
  return (
    <Section id={id} title={title} wide>
      <ResourceView resource={list}>
        {(page) => (
          <>
            <Stats label={title}>
              <Stat
                testId={operations ? 'count-operations' : 'count-requests'}
                label={t('oversight.listed')}
                value={f.number(page.items.length)}
              />
              <Stat
                testId={operations ? 'count-operations-live' : 'count-requests-live'}
                label={t('oversight.approvalsLive')}
                value={f.number(page.items.filter((r) => r.live).length)}
              />
            </Stats>
            {page.items.length === 0 ? (
              <Empty text={t('oversight.noneYours')} />
            ) : (
              <TableBox label={title}>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('oversight.request')}</th>
                      <th scope="col">{t('oversight.state')}</th>
                      <th scope="col">{t('oversight.votes')}</th>
                      <th scope="col">{t('oversight.validFrom')}</th>
                      <th scope="col">{t('oversight.expires')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((r) => (
                      <tr
                        key={r.id}
                        data-testid={operations ? 'operation-row' : 'request-row'}
                        data-id={r.id}
                      >
                        <th scope="row">
                          {t(`requestKind.${r.kind}`, { defaultValue: r.kind })}:{' '}
                          <span className="mono">
                            {r.kind === 'collection' ? r.telecomId : targetText(r.target)}
                          </span>
                          {r.measures?.length ? (
                            <span className="sub">
                              {r.measures
                                .map((m) => t(`measure.${m}`, { defaultValue: m }))
                                .join(', ')}
                            </span>
                          ) : null}
                          {r.kind === 'operation' ? <OperationGroundsLines g={r} /> : null}
                        </th>
                        <td>
                          {t(`requestStatus.${r.status}`, { defaultValue: r.status })}
                          {r.stage ? (
                            <span className="sub">
                              {t(`stageOp.${r.stage}`, { defaultValue: r.stage })}
                            </span>
                          ) : null}
                          {r.live ? (
                            <span className="badge badge-ok">{t('oversight.live')}</span>
                          ) : null}
                          {r.emergency?.missed ? (
                            <span className="badge badge-alert">
                              {t('oversight.notificationMissed')}
                            </span>
                          ) : null}
                        </td>
                        <td>
                          {r.decision
                            ? t('oversight.tallyShort', {
                                approvals: r.decision.approvals,
                                denials: r.decision.denials,
                                quorum: r.decision.quorum,
                              })
                            : '—'}
                        </td>
                        <td>{f.dateTime(r.validFrom)}</td>
                        <td>{f.dateTime(r.expiresAt ?? r.validUntil)}</td>
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
