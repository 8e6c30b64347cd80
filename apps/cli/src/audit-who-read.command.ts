import { readFileSync } from 'node:fs';
import { Help, Option, SubCommand } from 'nest-commander';
import { checkProvenReads, type AuditEntry, type SignedTreeHead } from '@acd/audit';
import { ApiClient, resolveConfig } from './api-client';
import { ApiCommand, CONFIG_HELP, note, write, type ApiOptions } from './api-command';
import { notFoundHint, trustedKey } from './audit-verification';
import { ExitCode, UsageError } from './exit-codes';

interface WhoReadOptions extends ApiOptions {
  publicKey?: string;
  json?: boolean;
}

interface ReadView {
  index: number;
  orgId: string;
  actor: string | null;
  route: string | null;
  kind: string | null;
  tlp: string | null;
  readAt: string;
  entry: AuditEntry;
  proof: string[];
}

interface ReadsPage {
  item: string;
  treeSize: number;
  head: SignedTreeHead | null;
  reads: ReadView[];
  next: number | null;
}

const JST = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  dateStyle: 'short',
  timeStyle: 'medium',
});

@SubCommand({
  name: 'who-read',
  arguments: '<item-id>',
  description:
    'who read an item and when, from the audit store, each read checked against the signed log (oversight commission)',
})
export class AuditWhoReadCommand extends ApiCommand<WhoReadOptions> {
  async run([itemId]: string[], opts: WhoReadOptions): Promise<void> {
    if (!itemId || itemId.trim() === '') throw new UsageError('give the id of the item');
    const client = new ApiClient(resolveConfig(opts));
    const keyText = opts.publicKey !== undefined ? readFileSync(opts.publicKey, 'utf8') : undefined;
    const trusted = await trustedKey(keyText, process.env, client).catch(notFoundHint);
    if (trusted.origin === 'server')
      note(
        `WARNING: no trusted public key given (--public-key <file> or ACD_AUDIT_PUBLIC_KEY): checking against the key the server reports (key id ${trusted.keyId}).`,
      );
    const reads: (ReadView & { verified: boolean; problem?: string })[] = [];
    let head: SignedTreeHead | null = null;
    let from: number | null = 0;
    while (from !== null) {
      const page: ReadsPage = await client
        .request<ReadsPage>('GET', '/v1/audit/reads', {
          query: { item: itemId, from, limit: 500 },
        })
        .catch(notFoundHint);
      // Every page is proved against the head it came with; the first one is what we report.
      head ??= page.head;
      if (page.head) {
        const checks = checkProvenReads(trusted.key, page.head, itemId, page.reads);
        page.reads.forEach((r, i) => {
          const c = checks[i];
          reads.push({
            ...r,
            verified: c?.ok === true,
            ...(c && !c.ok ? { problem: c.detail } : {}),
          });
        });
      }
      from = page.next;
    }
    const failed = reads.filter((r) => !r.verified);
    if (opts.json) {
      write(
        JSON.stringify({
          item: itemId,
          treeSize: head?.treeSize ?? 0,
          reads: reads.map((r) => ({
            index: r.index,
            readAt: r.readAt,
            orgId: r.orgId,
            actor: r.actor,
            route: r.route,
            kind: r.kind,
            tlp: r.tlp,
            verified: r.verified,
            ...(r.problem ? { problem: r.problem } : {}),
          })),
        }),
      );
    } else if (reads.length === 0) {
      write(`no recorded read of ${itemId} in the audit log (${head?.treeSize ?? 0} entries)`);
    } else {
      write(
        `${reads.length} recorded read(s) of ${itemId}, checked against the tree of ${head?.treeSize} entries:`,
      );
      for (const r of reads)
        write(
          [
            JST.format(new Date(r.readAt)),
            r.orgId,
            r.actor ?? '(organisation token)',
            r.route ?? '',
            `entry ${r.index}`,
            r.verified ? 'verified' : `FAILED: ${r.problem ?? ''}`,
          ].join('  '),
        );
    }
    if (failed.length > 0) process.exitCode = ExitCode.refused;
  }

  @Option({
    flags: '--public-key <file>',
    description:
      "the bus's Ed25519 public key (SPKI PEM); env ACD_AUDIT_PUBLIC_KEY holds the same text",
  })
  parsePublicKey(v: string): string {
    return v;
  }

  @Option({ flags: '--json', description: 'one JSON document instead of lines' })
  parseJson(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `
Times are shown in Japan time. Exit code 1 when any read fails its check against the log.

Examples:
  acd audit who-read 6f1c0d3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f --public-key audit-public.pem
  acd audit who-read op-kanto-power/scada-01 --json
${CONFIG_HELP}`;
  }
}
