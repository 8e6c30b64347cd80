import { Help, Option, SubCommand } from 'nest-commander';
import { ApiCommand, CONFIG_HELP, write, type ApiOptions } from './api-command';
import { UsageError } from './exit-codes';
import { readJsonObject } from './incidents-report.command';

interface OpenOptions extends ApiOptions {
  file?: string;
  idempotencyKey?: string;
  json?: boolean;
}

@SubCommand({
  name: 'open',
  description: 'open an incident from a JSON file (POST /v1/incidents); prints its id',
})
export class IncidentsOpenCommand extends ApiCommand<OpenOptions> {
  async run(_: string[], opts: OpenOptions): Promise<void> {
    if (!opts.file) throw new UsageError('--file <json> is required ("-" reads standard input)');
    const body = readJsonObject(opts.file);
    const client = this.client(opts);
    const res = await client.openIncident(body, opts.idempotencyKey);
    if (opts.json) write(JSON.stringify(res));
    else write(res.incidentId);
  }

  @Option({
    flags: '--file <json>',
    description: 'the incident as in POST /v1/incidents ("-" for stdin)',
  })
  parseFile(v: string): string {
    return v;
  }

  @Option({
    flags: '--idempotency-key <key>',
    description: 'retrying with the same key opens once',
  })
  parseKey(v: string): string {
    return v;
  }

  @Option({ flags: '--json', description: 'print the whole answer as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `
The file: {"title", "awareAt", "impact", "detectedAt"?, "affectedAssets"?, "indicatorIds"?,
"newIndicators"?, "sharedWithPolice"?, ...} (see POST /v1/incidents in docs/api.md).

Examples:
  acd incidents open --file incident.json
  ID=$(acd incidents open --file incident.json) && acd incidents report "$ID" --stage EARLY_WARNING --summary "..."
${CONFIG_HELP}`;
  }
}
