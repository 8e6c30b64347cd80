import { spawn } from 'node:child_process';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeArgs, ROOT } = require('../../scripts/lib/services.cjs') as {
  nodeArgs(entry: string, args: string[]): string[];
  ROOT: string;
};

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** Runs node with `argv` from the repository root, keeping both streams, the exit code and the time. */
function runNode(argv: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err, ms: Date.now() - t0 }));
  });
}

/** Runs the compiled `acd` (as the services run, with their node arguments); never rejects on its exit code. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runNode(nodeArgs('dist/apps/cli/src/main.js', args), env);
}

/** Runs `acd` as a user does, through `scripts/acd.js`; never rejects on its exit code. */
export function runAcd(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runNode([join(ROOT, 'scripts/acd.js'), ...args], env);
}
