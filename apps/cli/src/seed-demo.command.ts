import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DEFAULT_URL } from './api-client';
import { registerDemoOrganisations } from './demo/demo-organisations';
import { seedDemoData } from './demo/seed-demo';

interface SeedDemoOptions {
  out: string;
  organisationsOnly?: boolean;
  url?: string;
  journal?: string;
  summary?: string;
}

/**
 * `acd seed-demo`: registers the demo organisations (tokens written to --out), then seeds the
 * demo data through the REST API of the running bus. --organisations-only stops after the first
 * part, for a bus whose services are not started yet.
 */
@Command({
  name: 'seed-demo',
  description:
    'register the demo organisations (tokens to a JSON file), then seed the demo data through the API',
})
export class SeedDemoCommand extends CommandRunner {
  async run(_: string[], opts: SeedDemoOptions): Promise<void> {
    const orgs = await registerDemoOrganisations(opts.out);
    console.log(`${orgs.length} demo organisations; tokens in ${opts.out}`);
    if (opts.organisationsOnly) return;
    const summary = await seedDemoData(orgs, {
      url: (opts.url ?? process.env.ACD_URL ?? DEFAULT_URL).replace(/\/+$/, ''),
      ...(opts.journal ? { journalFile: opts.journal } : {}),
    });
    if (opts.summary) {
      mkdirSync(dirname(opts.summary), { recursive: true });
      writeFileSync(opts.summary, JSON.stringify(summary, null, 2) + '\n');
    }
  }

  @Option({
    flags: '-o, --out <file>',
    description: 'where to write the tokens',
    defaultValue: '.local/demo-orgs.json',
  })
  parseOut(value: string): string {
    return value;
  }

  @Option({
    flags: '--organisations-only',
    description: 'only register the organisations and write their tokens (no API calls)',
  })
  parseOrganisationsOnly(): boolean {
    return true;
  }

  @Option({
    flags: '--url <url>',
    description: `gateway URL to seed through (env ACD_URL, default ${DEFAULT_URL})`,
  })
  parseUrl(value: string): string {
    return value;
  }

  @Option({
    flags: '--journal <file>',
    description:
      'the requests of earlier runs, resent unchanged (env ACD_DEMO_JOURNAL; none: fresh bodies)',
    defaultValue: process.env.ACD_DEMO_JOURNAL,
  })
  parseJournal(value: string): string {
    return value;
  }

  @Option({
    flags: '--summary <file>',
    description: 'write what the demo created (ids, counts) as JSON',
  })
  parseSummary(value: string): string {
    return value;
  }
}
