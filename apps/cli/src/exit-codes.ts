/**
 * Exit codes scripts can rely on. Every command ends with one of these, and only these.
 *
 * - 0: everything asked was done (every row accepted, the report filed, ...)
 * - 1: the bus answered and refused something (some rows refused, a report out of order, ...)
 * - 2: usage or configuration error (bad arguments, unreadable file, missing or refused token)
 * - 3: the bus could not be reached, or answered that it is unavailable (retry later)
 */
export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 2,
  unreachable: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI explains in one line and ends with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** The exit code for an HTTP status the bus answered a whole command with. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status >= 200 && status < 300) return ExitCode.ok;
  if (status === 401) return ExitCode.usage;
  if (status === 502 || status === 503 || status === 504) return ExitCode.unreachable;
  return ExitCode.refused;
}

/**
 * The exit code for anything a command threw. Commander's own errors (unknown option, missing
 * argument) are usage errors, except --help and --version, which succeed.
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code?: unknown }).code;
    if (
      code === 'commander.helpDisplayed' ||
      code === 'commander.help' ||
      code === 'commander.version'
    )
      return ExitCode.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.usage;
  }
  return ExitCode.refused;
}

/** How many rows were refused decides between 0 and 1 for a bulk command. */
export function exitCodeForSummary(s: { refused: number }): ExitCode {
  return s.refused > 0 ? ExitCode.refused : ExitCode.ok;
}
