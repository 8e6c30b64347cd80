import { Help, Option, SubCommand } from 'nest-commander';
import type { IndicatorView, ListIndicatorsQuery } from './api-client';
import { ApiCommand, CONFIG_HELP, note, positiveInt, write, type ApiOptions } from './api-command';

interface ListOptions extends ApiOptions, ListIndicatorsQuery {
  all?: boolean;
  json?: boolean;
}

/** A fixed-width table of indicators, one per line. */
export function indicatorTable(items: IndicatorView[]): string {
  const rows = items.map((i) => [
    i.id,
    i.type,
    i.tlp,
    String(i.confidence),
    i.status,
    `v${i.version}`,
    i.updatedAt ?? '',
    i.value,
  ]);
  const head = ['ID', 'TYPE', 'TLP', 'CONF', 'STATUS', 'VER', 'UPDATED', 'VALUE'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

@SubCommand({
  name: 'list',
  description: 'list the indicators you may read, oldest change first',
})
export class IndicatorsListCommand extends ApiCommand<ListOptions> {
  async run(_: string[], opts: ListOptions): Promise<void> {
    const client = this.client(opts);
    const query: ListIndicatorsQuery = {
      ...(opts.type ? { type: opts.type } : {}),
      ...(opts.value ? { value: opts.value } : {}),
      ...(opts.tlp ? { tlp: opts.tlp.toUpperCase() } : {}),
      ...(opts.sector ? { sector: opts.sector } : {}),
      ...(opts.updatedSince ? { updatedSince: opts.updatedSince } : {}),
      limit: opts.limit ?? (opts.all ? 1000 : 100),
      ...(opts.next ? { next: opts.next } : {}),
    };
    const items: IndicatorView[] = [];
    let next: string | null = null;
    for (;;) {
      const page = await client.listIndicators(next ? { ...query, next } : query);
      items.push(...page.items);
      next = page.next;
      if (!opts.all || !next) break;
    }
    if (opts.json) write(JSON.stringify({ items, next }));
    else {
      write(items.length ? indicatorTable(items) : '(no indicators)');
      if (next) note(`more: add --next ${next} (or --all)`);
    }
  }

  @Option({ flags: '--type <type>', description: 'ipv4, ipv6, cidr, domain, url, sha256, ...' })
  parseType(v: string): string {
    return v;
  }

  @Option({ flags: '--value <value>', description: 'an exact value (with --type, normalised)' })
  parseValue(v: string): string {
    return v;
  }

  @Option({ flags: '--tlp <tlp>', description: 'CLEAR, GREEN, AMBER, AMBER+STRICT or RED' })
  parseTlp(v: string): string {
    return v;
  }

  @Option({ flags: '--sector <sector>', description: "the publisher's sector" })
  parseSector(v: string): string {
    return v;
  }

  @Option({ flags: '--updated-since <iso>', description: 'ISO-8601 date-time with a zone' })
  parseUpdatedSince(v: string): string {
    return v;
  }

  @Option({
    flags: '--limit <n>',
    description: 'page size, 1 to 1000 (default 100; 1000 with --all)',
  })
  parseLimit(v: string): number {
    return positiveInt('--limit', 1000)(v);
  }

  @Option({
    flags: '--next <cursor>',
    description: 'start from this cursor (from a previous page)',
  })
  parseNext(v: string): string {
    return v;
  }

  @Option({ flags: '--all', description: 'follow the next cursors to the end' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print {"items": [...], "next": cursor|null} as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `
Examples:
  acd indicators list
  acd indicators list --type ipv4 --tlp AMBER --all
  acd indicators list --updated-since 2026-01-01T00:00:00Z --all --json | jq '.items | length'
${CONFIG_HELP}`;
  }
}
