import { CommandRunner, Option } from 'nest-commander';
import { ApiClient, DEFAULT_URL, resolveConfig } from './api-client';
import { exitCodeFor, UsageError } from './exit-codes';

export interface ApiOptions {
  url?: string;
  token?: string;
}

/** Shown under every command's --help. */
export const CONFIG_HELP = `
Configuration:
  --url / ACD_URL      the gateway (default ${DEFAULT_URL})
  --token / ACD_TOKEN  your personal bearer token (never printed)

Exit codes: 0 done, 1 refused (some or all), 2 usage or configuration error, 3 bus unreachable.`;

type CommanderCommand = Parameters<CommandRunner['setCommand']>[0];

/**
 * Every `acd` command: commander's own errors (unknown option, missing argument) end with exit
 * code 2 and --help with 0. Commands built by nest-commander do not inherit the root's handler.
 */
export abstract class AcdCommand extends CommandRunner {
  override setCommand(command: CommanderCommand): this {
    command.exitOverride((err) => process.exit(exitCodeFor(err)));
    return super.setCommand(command);
  }
}

/** A command that talks to the REST API: --url and --token on every such command. */
export abstract class ApiCommand<O extends ApiOptions = ApiOptions> extends AcdCommand {
  protected client(opts: O): ApiClient {
    return new ApiClient(resolveConfig(opts));
  }

  abstract override run(params: string[], opts: O): Promise<void>;

  @Option({
    flags: '--url <url>',
    description: `gateway URL (env ACD_URL, default ${DEFAULT_URL})`,
  })
  parseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--token <token>', description: 'bearer token (env ACD_TOKEN)' })
  parseToken(value: string): string {
    return value;
  }
}

export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new UsageError(`${name} must be a whole number from 1 to ${max}, not "${value}"`);
    return n;
  };
}

export const write = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
};
export const note = (s: string): void => {
  process.stderr.write(s.endsWith('\n') ? s : s + '\n');
};
