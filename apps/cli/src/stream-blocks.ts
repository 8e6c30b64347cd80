// Reading GET /v1/stream: whole SSE blocks, their ids, and a line per item.

/** One item of GET /v1/stream: `data:` is `{kind, id, type, version, occurredAt, data}`. */
export interface StreamItem {
  kind?: string;
  id?: string;
  type?: string;
  version?: number;
  occurredAt?: string;
  data?: Record<string, unknown>;
}

/** A line for a person: when, what happened, to which advisory, and its title. */
export function advisoryLine(item: StreamItem): string {
  const d = item.data ?? {};
  const title = [d.title, d.summary, d.headline].find((v) => typeof v === 'string');
  const severity = typeof d.severity === 'string' ? ` [${d.severity}]` : '';
  const tlp = typeof d.tlp === 'string' ? ` TLP:${d.tlp}` : '';
  return (
    `${item.occurredAt ?? ''} ${item.type ?? item.kind ?? 'event'} ${item.id ?? '?'}` +
    (item.version !== undefined ? ` v${item.version}` : '') +
    `${severity}${tlp}` +
    (title ? `: ${String(title)}` : '')
  );
}

/**
 * Cuts a server-sent-events byte stream into complete blocks (an event, or a block of only an
 * `id:` or a comment), so that each is handled whole: the position moves block by block, never
 * past an event that was not printed.
 */
export class SseBlocks {
  private rest = '';

  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split(/\r\n\r\n|\n\n|\r\r/);
    this.rest = parts.pop() ?? '';
    return parts;
  }
}

/**
 * The `id:` a block sets, if any. EventSource adopts it even from a block without data (the
 * stream's preamble and heartbeats carry the position that way); eventsource-parser reports
 * only blocks with data, so those are read here.
 */
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
