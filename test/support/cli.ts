import { spawn } from 'node:child_process';
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

/** Runs the compiled `acd` and keeps both streams, the exit code and the time it took. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs('dist/apps/cli/src/main.js', args), {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err, ms: Date.now() - t0 }));
  });
}
