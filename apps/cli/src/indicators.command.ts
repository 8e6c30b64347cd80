import { Command, Help } from 'nest-commander';
import { AcdCommand } from './api-command';
import { UsageError } from './exit-codes';
import { IndicatorsListCommand } from './indicators-list.command';
import { IndicatorsPublishCommand } from './indicators-publish.command';

@Command({
  name: 'indicators',
  description: 'publish and list threat indicators',
  subCommands: [IndicatorsPublishCommand, IndicatorsListCommand],
})
export class IndicatorsCommand extends AcdCommand {
  async run(): Promise<void> {
    this.command.outputHelp({ error: true });
    throw new UsageError('choose a subcommand: publish or list');
  }

  @Help('after')
  help(): string {
    return `
Examples:
  acd indicators publish iocs.csv
  acd indicators list --all --json`;
  }
}
