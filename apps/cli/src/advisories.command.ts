import { Command, Help } from 'nest-commander';
import { AcdCommand } from './api-command';
import { AdvisoriesAckCommand } from './advisories-ack.command';
import { AdvisoriesTailCommand } from './advisories-tail.command';
import { UsageError } from './exit-codes';

@Command({
  name: 'advisories',
  description: 'follow and acknowledge advisories',
  subCommands: [AdvisoriesTailCommand, AdvisoriesAckCommand],
})
export class AdvisoriesCommand extends AcdCommand {
  async run(): Promise<void> {
    this.command.outputHelp({ error: true });
    throw new UsageError('choose a subcommand: tail or ack');
  }

  @Help('after')
  help(): string {
    return `
Examples:
  acd advisories tail --state-file advisories.pos
  acd advisories ack <advisoryId>`;
  }
}
