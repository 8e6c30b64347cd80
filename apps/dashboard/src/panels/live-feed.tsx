import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openLiveStream, type StreamEvent, type StreamStatus } from '../api/live-stream';
import { useSession } from '../session/session-context';
import { Empty, Section } from '../ui/layout';
import { TlpLabel } from '../ui/tlp-label';
import { useFormat } from '../ui/use-format';

const KEEP = 25;

/**
 * What the bus streams to this viewer as it happens (indicators and advisories it may read).
 * `onEvent` lets the view refresh what the event changes, without a page reload.
 */
export function LiveFeedPanel({
  onEvent,
  wide,
}: {
  onEvent?: (e: StreamEvent) => void;
  wide?: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = useSession();
  const [status, setStatus] = useState<StreamStatus>({ state: 'connecting' });
  const [events, setEvents] = useState<(StreamEvent & { seq: number })[]>([]);
  const [received, setReceived] = useState(0);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let seq = 0;
    const stream = openLiveStream({
      token,
      onStatus: setStatus,
      onEvent: (e) => {
        seq++;
        setReceived((n) => n + 1);
        setEvents((list) => [{ ...e, seq }, ...list].slice(0, KEEP));
        handler.current?.(e);
      },
    });
    return () => stream.close();
  }, [token]);

  const statusText =
    status.state === 'live'
      ? t('live.connected')
      : status.state === 'connecting'
        ? t('live.connecting')
        : status.state === 'waiting'
          ? t(status.reason === 'busy' ? 'live.busy' : 'live.reconnecting', {
              seconds: Math.ceil(status.retryInMs / 1000),
            })
          : t('live.stopped', { status: status.httpStatus });

  return (
    <Section id="live" title={t('live.title')} wide={wide}>
      <p
        className={`live-status live-${status.state}`}
        role="status"
        data-testid="live-status"
        data-state={status.state}
      >
        <span className="live-dot" aria-hidden="true" />
        {statusText}
      </p>
      <p className="note">
        {t('live.received')}: <span data-testid="count-live-events">{f.number(received)}</span>
      </p>
      {events.length === 0 ? (
        <Empty text={t('live.none')} />
      ) : (
        <ol className="live-list" data-testid="live-list">
          {events.map((e) => {
            const d = e.data ?? {};
            const tlp = typeof d.tlp === 'string' ? d.tlp : null;
            const title =
              typeof d.title === 'string'
                ? d.title
                : typeof d.value === 'string'
                  ? d.value
                  : typeof d.indicatorId === 'string'
                    ? d.indicatorId
                    : e.id;
            return (
              <li key={e.seq} data-testid="live-event" data-kind={e.kind} data-id={e.id}>
                <span className="live-when">{f.dateTime(e.occurredAt ?? null)}</span>
                <span className="live-type">
                  {t(`live.type.${e.type}`, { defaultValue: e.type })}
                </span>
                {tlp ? <TlpLabel tlp={tlp} /> : null}
                <span className="live-title">{title}</span>
              </li>
            );
          })}
        </ol>
      )}
    </Section>
  );
}
