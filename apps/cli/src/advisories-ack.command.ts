import { Help, Option, SubCommand } from 'nest-commander';
import { ApiCommand, CONFIG_HELP, write, type ApiOptions } from './api-command';
import { UsageError } from './exit-codes';

interface AckOptions extends ApiOptions {
  idempotencyKey?: string;
  json?: boolean;
}

@SubCommand({
  name: 'ack',
  arguments: '<advisoryId>',
  argsDescription: { advisoryId: 'the advisory to acknowledge' },
  description: 'acknowledge an advisory (POST /v1/advisories/:id/acknowledgements)',
})
export class AdvisoriesAckCommand extends ApiCommand<AckOptions> {
  async run([advisoryId]: string[], opts: AckOptions): Promise<void> {
    if (!advisoryId) throw new UsageError('which advisory? acd advisories ack <advisoryId>');
    const client = this.client(opts);
    const res = await client.acknowledgeAdvisory(advisoryId, {}, opts.idempotencyKey);
    if (opts.json) write(JSON.stringify(res));
    else
      write(
        `advisory ${advisoryId} acknowledged` +
          (res.alreadyAcknowledged || res.duplicate ? ' (already: nothing recorded)' : ''),
      );
  }

  @Option({
    flags: '--idempotency-key <key>',
    description: 'retrying with the same key acknowledges once',
  })
  parseKey(v: string): string {
    return v;
  }

  @Option({ flags: '--json', description: 'print the answer as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `
Exit code 1 when the bus refuses (e.g. 404: no such advisory, or not one you may read).

Examples:
  acd advisories ack 7f1e2c3a-...
${CONFIG_HELP}`;
  }
}
