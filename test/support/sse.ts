import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

export interface Received {
  kind: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** The SSE id of the event: the stream position just after it. */
  position: string;
}

/** A minimal SSE client over node:http, so a test can also stop reading (a slow client). */
export class SseClient {
  readonly events: Received[] = [];
  /** Last `id:` seen, including id-only blocks (initial position, heartbeats). */
  lastId: string | undefined;
  status = 0;
  headers: IncomingMessage['headers'] = {};
  bytes = 0;
  private buffer = '';
  private req: ClientRequest | null = null;
  private res: IncomingMessage | null = null;
  closed = false;

  static open(
    base: string,
    path: string,
    headers: Record<string, string>,
    opts: { read?: boolean } = {},
  ): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { headers }, (res) => {
        client.res = res;
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        if (opts.read === false) {
          // Never read the body: the socket's buffers fill and the gateway must stop writing.
          res.pause();
          resolve(client);
          return;
        }
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => (client.closed = true));
        res.on('error', () => (client.closed = true));
        if (client.status !== 200) {
          res.on('end', () => resolve(client));
          return;
        }
        resolve(client);
      });
      client.req = req;
      req.on('error', reject);
      req.end();
    });
  }

  private feed(chunk: string): void {
    this.bytes += chunk.length;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const ev: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'id') ev.id = value;
        else if (field === 'event') ev.event = value;
        else if (field === 'data') ev.data = ev.data === undefined ? value : `${ev.data}\n${value}`;
      }
      if (ev.id !== undefined) this.lastId = ev.id;
      if (ev.data !== undefined && ev.id !== undefined) {
        const item = JSON.parse(ev.data) as Omit<Received, 'position'>;
        expect(ev.event).toBe(item.kind);
        this.events.push({ ...item, position: ev.id });
      }
    }
  }

  /** Bodies of non-200 answers. */
  body(): string {
    return this.buffer;
  }

  published(): string[] {
    return this.events.filter((e) => e.type === 'IndicatorPublished').map((e) => e.id);
  }

  close(): void {
    this.closed = true;
    this.res?.destroy();
    this.req?.destroy();
  }
}

export interface StreamEvent {
  kind: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Reads `GET /v1/stream` as `who` until `done` holds for the events received so far (or the
 * timeout passes), then hangs up. Returns every event and the raw text the gateway wrote.
 */
export async function streamUntil(
  bus: { base: string },
  who: { token: string },
  query: string,
  done: (events: StreamEvent[]) => boolean,
  timeoutMs = 60_000,
): Promise<{ events: StreamEvent[]; raw: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const events: StreamEvent[] = [];
  let raw = '';
  try {
    const res = await fetch(`${bus.base}/v1/stream?${query}`, {
      headers: { authorization: `Bearer ${who.token}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      raw += text;
      buffer += text;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data) events.push(JSON.parse(data) as StreamEvent);
      }
      if (done(events)) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { events, raw };
}
