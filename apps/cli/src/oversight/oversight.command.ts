import { Command, Help } from 'nest-commander';
import { AcdCommand } from '../api-command';
import { UsageError } from '../exit-codes';
import { OversightAnnualReportCommand } from './annual-report.command';

@Command({
  name: 'oversight',
  description: "the oversight commission's work: its annual report to the Diet",
  subCommands: [OversightAnnualReportCommand],
})
export class OversightCommand extends AcdCommand {
  async run(): Promise<void> {
    this.command.outputHelp({ error: true });
    throw new UsageError('choose a subcommand: annual-report');
  }

  @Help('after')
  help(): string {
    return `
Example:
  acd oversight annual-report --year 2026 --out report.pdf`;
  }
}
