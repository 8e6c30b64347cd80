import { useTranslation } from 'react-i18next';
import { collect } from '../api/paging';
import type {
  FlowBatch,
  FlowMatch,
  MetadataQueryPurpose,
  Page,
  TrafficAggregate,
} from '../api/types';
import { useResource } from '../api/use-resource';
import { useSession } from '../session/session-context';
import { Empty, ResourceView, Section, Stat, Stats, TableBox } from '../ui/layout';
import { TlpLabel } from '../ui/tlp-label';
import { useFormat } from '../ui/use-format';

const MAX_MATCHES = 2000;
const SHOWN = 50;

/** The newest flows that matched an indicator (office and commission), read for `purpose`. */
export function FlowMatchesPanel({
  purpose,
  reloadSignal = 0,
}: {
  purpose: MetadataQueryPurpose;
  reloadSignal?: number;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  // The list runs oldest first: the last week's matches are read and the newest shown.
  const [matches] = useResource<Page<FlowMatch>>(
    () =>
      collect<FlowMatch>(
        api,
        '/v1/traffic/matches',
        { purpose, limit: 500, since: new Date(Date.now() - 7 * 86_400_000).toISOString() },
        MAX_MATCHES,
      ),
    [api, purpose, reloadSignal],
  );
  return (
    <Section id="matches" title={t('matches.title')} wide>
      <ResourceView resource={matches}>
        {(page) => {
          const latest = [...page.items]
            .sort((a, b) => b.matchedAt.localeCompare(a.matchedAt))
            .slice(0, SHOWN);
          return (
            <>
              <Stats label={t('matches.title')}>
                <Stat
                  testId="count-matches"
                  label={t('matches.week')}
                  value={
                    page.next ? `${f.number(page.items.length)}+` : f.number(page.items.length)
                  }
                />
              </Stats>
              {latest.length === 0 ? (
                <Empty text={t('matches.none')} />
              ) : (
                <TableBox label={t('matches.title')}>
                  <table className="data">
                    <thead>
                      <tr>
                        <th scope="col">{t('matches.when')}</th>
                        <th scope="col">{t('matches.indicator')}</th>
                        <th scope="col">{t('matches.flow')}</th>
                        <th scope="col">{t('matches.telecom')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {latest.map((m) => (
                        <tr key={m.id} data-testid="match-row" data-id={m.id}>
                          <th scope="row">{f.dateTime(m.matchedAt)}</th>
                          <td>
                            {m.indicator ? (
                              <>
                                <span className="mono">{m.indicator.value}</span>{' '}
                                <TlpLabel tlp={m.indicator.tlp} />
                              </>
                            ) : (
                              <span className="muted">{t('matches.hidden')}</span>
                            )}
                            <span className="sub">{t('matches.on', { what: m.matchedOn })}</span>
                          </td>
                          <td className="mono">
                            {m.flow.srcAddress}:{m.flow.srcPort ?? '-'} ({m.flow.srcCountry ?? '?'})
                            → {m.flow.dstAddress}:{m.flow.dstPort ?? '-'} (
                            {m.flow.dstCountry ?? '?'})
                            {m.flow.domain ? <span className="sub">{m.flow.domain}</span> : null}
                          </td>
                          <td>{m.telecomOrgId}</td>
                        </tr>
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

/** Submissions of flow metadata (the telecom its own; office and commission all), read for `purpose`. */
export function FlowBatchesPanel({ purpose }: { purpose: MetadataQueryPurpose }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [batches] = useResource<Page<FlowBatch>>(
    () => collect<FlowBatch>(api, '/v1/traffic/flow-batches', { purpose, limit: 200 }, 200),
    [api, purpose],
  );
  const n = (v: number | unknown[]) => (Array.isArray(v) ? v.length : v);
  return (
    <Section id="flow-batches" title={t('batches.title')} wide>
      <ResourceView resource={batches}>
        {(page) => (
          <>
            <Stats label={t('batches.title')}>
              <Stat
                testId="count-flow-batches"
                label={t('batches.listed')}
                value={f.number(page.items.length)}
              />
              <Stat
                testId="batches-refused-domestic"
                label={t('traffic.refusedDomestic')}
                value={f.number(page.items.reduce((sum, b) => sum + b.refusedDomestic, 0))}
              />
              <Stat
                testId="batches-refused-unlocated"
                label={t('traffic.refusedUnlocated')}
                value={f.number(page.items.reduce((sum, b) => sum + b.refusedUnlocated, 0))}
              />
              <Stat
                testId="batches-invalid"
                label={t('traffic.invalid')}
                value={f.number(page.items.reduce((sum, b) => sum + n(b.invalid), 0))}
              />
            </Stats>
            {page.items.length === 0 ? (
              <Empty text={t('batches.none')} />
            ) : (
              <TableBox label={t('batches.title')}>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('batches.received')}</th>
                      <th scope="col" className="num">
                        {t('traffic.received')}
                      </th>
                      <th scope="col" className="num">
                        {t('traffic.accepted')}
                      </th>
                      <th scope="col" className="num">
                        {t('traffic.refusedDomestic')}
                      </th>
                      <th scope="col" className="num">
                        {t('traffic.refusedUnlocated')}
                      </th>
                      <th scope="col" className="num">
                        {t('traffic.invalid')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((b) => (
                      <tr key={b.batchId} data-testid="batch-row" data-id={b.batchId}>
                        <th scope="row">
                          {f.dateTime(b.receivedAt)}
                          <span className="sub mono">{b.batchId}</span>
                        </th>
                        <td className="num">{f.number(b.received)}</td>
                        <td className="num">{f.number(b.accepted)}</td>
                        <td className="num">{f.number(b.refusedDomestic)}</td>
                        <td className="num">{f.number(b.refusedUnlocated)}</td>
                        <td className="num">{f.number(n(b.invalid))}</td>
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

const COLUMNS = [
  'batches',
  'received',
  'accepted',
  'refusedDomestic',
  'refusedUnlocated',
  'invalid',
] as const;

/** Refusal counts per telecom and per JST day, from the API's traffic aggregate, read for `purpose`. */
export function TrafficSummaryPanel({ purpose }: { purpose: MetadataQueryPurpose }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [agg] = useResource(
    () => api.get<TrafficAggregate>('/v1/aggregates/traffic', { purpose, days: 30 }),
    [api, purpose],
    [403, 404],
  );
  return (
    <Section id="traffic" title={t('traffic.title')} wide>
      <ResourceView resource={agg} unavailableText={t('state.aggregateUnavailable')}>
        {(a) => {
          // Days without a submission are left out of the table (the API lists every day).
          const busyDays = a.byDay.filter((d) => d.batches > 0 || d.received > 0);
          const total = (
            k:
              | 'batches'
              | 'received'
              | 'accepted'
              | 'refusedDomestic'
              | 'refusedUnlocated'
              | 'invalid',
          ) => a.byTelecom.reduce((n, r) => n + r[k], 0);
          return (
            <>
              <Stats label={t('traffic.title')}>
                <Stat
                  testId="traffic-batches"
                  label={t('traffic.batches')}
                  value={f.number(total('batches'))}
                />
                <Stat
                  testId="traffic-received"
                  label={t('traffic.received')}
                  value={f.number(total('received'))}
                />
                <Stat
                  testId="traffic-accepted"
                  label={t('traffic.accepted')}
                  value={f.number(total('accepted'))}
                />
                <Stat
                  testId="traffic-refused-domestic"
                  label={t('traffic.refusedDomestic')}
                  value={f.number(total('refusedDomestic'))}
                />
                <Stat
                  testId="traffic-refused-unlocated"
                  label={t('traffic.refusedUnlocated')}
                  value={f.number(total('refusedUnlocated'))}
                />
                <Stat
                  testId="traffic-invalid"
                  label={t('traffic.invalid')}
                  value={f.number(total('invalid'))}
                />
              </Stats>
              {a.byTelecom.length > 0 ? (
                <TableBox label={t('traffic.byTelecom')}>
                  <table className="data">
                    <caption>{t('traffic.byTelecom')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('traffic.telecom')}</th>
                        {COLUMNS.map((c) => (
                          <th key={c} scope="col" className="num">
                            {t(`traffic.${c}`)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {a.byTelecom.map((r) => (
                        <tr key={r.telecomId} data-testid="traffic-telecom" data-id={r.telecomId}>
                          <th scope="row">{r.telecomId}</th>
                          {COLUMNS.map((c) => (
                            <td key={c} className="num">
                              {f.number(r[c])}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              ) : null}
              {busyDays.length === 0 ? (
                <Empty text={t('traffic.none')} />
              ) : (
                <TableBox label={t('traffic.byDay')}>
                  <table className="data">
                    <caption>{t('traffic.byDay')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('traffic.day')}</th>
                        {COLUMNS.map((c) => (
                          <th key={c} scope="col" className="num">
                            {t(`traffic.${c}`)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {busyDays.map((d) => (
                        <tr key={d.day} data-testid="traffic-day" data-id={d.day}>
                          <th scope="row">{f.dayLong(d.day)}</th>
                          {COLUMNS.map((c) => (
                            <td key={c} className="num">
                              {f.number(d[c])}
                            </td>
                          ))}
                        </tr>
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
