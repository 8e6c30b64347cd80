import { Command, Help } from 'nest-commander';
import { AcdCommand } from './api-command';
import { UsageError } from './exit-codes';
import { IncidentsOpenCommand } from './incidents-open.command';
import { IncidentsReportCommand } from './incidents-report.command';

@Command({
  name: 'incidents',
  description: 'open incidents and file their staged reports',
  subCommands: [IncidentsOpenCommand, IncidentsReportCommand],
})
export class IncidentsCommand extends AcdCommand {
  async run(): Promise<void> {
    this.command.outputHelp({ error: true });
    throw new UsageError('choose a subcommand: open or report');
  }

  @Help('after')
  help(): string {
    return `
Examples:
  acd incidents open --file incident.json
  acd incidents report <incidentId> --stage EARLY_WARNING --summary "..."`;
  }
}
