/**
 * Reading `GET /v1/stream` by fetch (an EventSource cannot send the Authorization header, and the
 * token must never go in a URL): the byte stream is cut into whole SSE blocks, each handed to
 * eventsource-parser, and the position moves block by block. eventsource-parser dispatches only
 * blocks with data, but the stream's preamble and heartbeats carry the position in id-only
 * blocks, so the id is read from each block here as EventSource would adopt it.
 */

export class SseBlocks {
  private rest = '';

  /** The complete blocks the chunk finished; the unfinished tail waits for the next chunk. */
  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split(/\r\n\r\n|\n\n|\r\r/);
    this.rest = parts.pop() ?? '';
    return parts;
  }
}

/** The `id:` a block sets, if any (the last one wins; one containing NUL is ignored). */
export function blockId(block: string): string | undefined {
  let id: string | undefined;
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === 'id' || line.startsWith('id:')) {
      const v = line.slice(3).replace(/^ /, '');
      if (!v.includes('\0')) id = v;
    }
  }
  return id;
}

export const MIN_RETRY_MS = 1000;
export const MAX_RETRY_MS = 30_000;

/**
 * How long to wait before reconnecting: the server's Retry-After (seconds, or an HTTP date) when
 * it sent one (429, 503), else an exponential back-off from one second, capped at 30 s.
 * `jitter` in [0, 1) spreads reconnecting consoles apart by up to a fifth of the delay.
 */
export function retryDelay(
  attempt: number,
  retryAfter: string | null,
  now: number,
  jitter: number,
): number {
  const spread = (ms: number) => Math.round(ms * (1 + jitter / 5));
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const v = retryAfter.trim();
    if (/^\d+$/.test(v))
      return spread(Math.min(Math.max(Number(v) * 1000, MIN_RETRY_MS), 5 * 60_000));
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return spread(Math.min(Math.max(at - now, MIN_RETRY_MS), 5 * 60_000));
  }
  const base = Math.min(MIN_RETRY_MS * 2 ** Math.max(0, attempt), MAX_RETRY_MS);
  return spread(base);
}
