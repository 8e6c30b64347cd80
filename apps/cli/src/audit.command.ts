import { Command, Help } from 'nest-commander';
import { AcdCommand } from './api-command';
import { AuditVerifyCommand } from './audit-verify.command';
import { AuditWhoReadCommand } from './audit-who-read.command';
import { UsageError } from './exit-codes';

@Command({
  name: 'audit',
  description:
    'verify the tamper-evident audit log and ask who read an item (oversight commission)',
  subCommands: [AuditVerifyCommand, AuditWhoReadCommand],
})
export class AuditCommand extends AcdCommand {
  async run(): Promise<void> {
    this.command.outputHelp({ error: true });
    throw new UsageError('choose a subcommand: verify, who-read');
  }

  @Help('after')
  help(): string {
    return `
Examples:
  acd audit verify --public-key audit-public.pem
  acd audit verify --entry 42
  acd audit verify --from-size 100 --to-size 250
  acd audit verify --source topic --public-key audit-public.pem
  acd audit who-read <item-id> --public-key audit-public.pem`;
  }
}
