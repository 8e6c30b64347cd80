import { createParser } from 'eventsource-parser';
import { SseBlocks, blockId, retryDelay } from './sse-blocks';

/**
 * `GET /v1/stream` read with fetch, so the token travels in the Authorization header (never as
 * `?access_token=`): each whole block is parsed by eventsource-parser; after a drop the stream
 * resumes with `Last-Event-ID` from the last position seen (id-only heartbeats included), and a
 * 429 or 503 waits as long as its Retry-After says.
 */

export interface StreamEvent {
  kind: string;
  id: string;
  type: string;
  version?: number;
  occurredAt?: string;
  data?: Record<string, unknown>;
}

export type StreamStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'waiting'; retryInMs: number; reason: 'busy' | 'dropped' }
  | { state: 'stopped'; httpStatus: number };

export interface LiveStreamOptions {
  token: string;
  kinds?: string[];
  onEvent(event: StreamEvent): void;
  onStatus(status: StreamStatus): void;
  fetch?: typeof fetch;
}

export function openLiveStream(o: LiveStreamOptions): { close(): void } {
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const controller = new AbortController();
  let lastEventId: string | null = null;
  let attempt = 0;
  let closed = false;
  let wake: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function once(): Promise<{ retryAfter: string | null; busy: boolean } | 'stop'> {
    o.onStatus({ state: 'connecting' });
    const path = o.kinds?.length ? `/v1/stream?kinds=${o.kinds.join(',')}` : '/v1/stream';
    const res = await doFetch(path, {
      headers: {
        authorization: `Bearer ${o.token}`,
        accept: 'text/event-stream',
        ...(lastEventId !== null ? { 'last-event-id': lastEventId } : {}),
      },
      cache: 'no-store',
      credentials: 'omit',
      signal: controller.signal,
    });
    if (res.status === 429 || res.status === 503)
      return { retryAfter: res.headers.get('retry-after'), busy: true };
    if (!res.ok || !res.body) {
      if (res.status >= 400 && res.status < 500) {
        o.onStatus({ state: 'stopped', httpStatus: res.status });
        return 'stop';
      }
      return { retryAfter: res.headers.get('retry-after'), busy: false };
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const blocks = new SseBlocks();
    const parser = createParser({
      onEvent(e) {
        try {
          const item = JSON.parse(e.data) as StreamEvent;
          o.onEvent({ ...item, kind: item.kind ?? e.event ?? 'event' });
        } catch {
          // not an item of ours: skipped, the position still moves on
        }
      },
    });
    let first = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const b of blocks.push(value)) {
        // Live once the stream's first block (its starting position) has arrived.
        if (first) {
          first = false;
          o.onStatus({ state: 'live' });
        }
        parser.feed(`${b}\n\n`);
        const id = blockId(b);
        if (id !== undefined) lastEventId = id;
        attempt = 0;
      }
    }
    return { retryAfter: null, busy: false };
  }

  void (async () => {
    while (!closed) {
      let outcome: Awaited<ReturnType<typeof once>>;
      try {
        outcome = await once();
      } catch {
        if (closed) return;
        outcome = { retryAfter: null, busy: false };
      }
      if (outcome === 'stop' || closed) return;
      const ms = retryDelay(attempt++, outcome.retryAfter, Date.now(), Math.random());
      o.onStatus({ state: 'waiting', retryInMs: ms, reason: outcome.busy ? 'busy' : 'dropped' });
      await sleep(ms);
    }
  })();

  return {
    close() {
      closed = true;
      controller.abort();
      wake?.();
    },
  };
}
