import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The Python tools the TAXII/STIX tests drive (taxii2-client, stix2-validator), installed by
 * `npm test` into a venv at .local/python (scripts/lib/python-tools.mjs). `npm test` exports the
 * venv's interpreter as ACD_PYTHON; run by hand, jest falls back to the venv itself.
 */

const ROOT = resolve(__dirname, '..', '..');

/** test/taxii/<name>: the Python scripts of these tests. */
export const taxiiScript = (name: string): string => join(ROOT, 'test', 'taxii', name);

export function pythonPath(): string {
  const given = process.env.ACD_PYTHON;
  if (given) {
    // A bare command name is looked up on the PATH by spawn; a path must exist.
    if ((isAbsolute(given) || given.includes('/')) && !existsSync(given)) {
      throw new Error(`ACD_PYTHON=${given} does not exist`);
    }
    return given;
  }
  const local = join(
    ROOT,
    '.local',
    'python',
    process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python',
  );
  if (existsSync(local)) return local;
  throw new Error(
    'the Python test tools are not installed (no ACD_PYTHON, no .local/python): run `npm test`, ' +
      'or `node scripts/lib/python-tools.mjs` to install just them',
  );
}

export interface PythonResult {
  /** Exit code; null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunPythonOptions {
  /** Written to the script's stdin, which is then closed. */
  input?: string;
  /** Added to (and overriding) the test process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Kill the script (SIGKILL) and reject after this long. Default 60 s. */
  timeoutMs?: number;
}

/** Runs `python script args…` (no shell) and collects its output; a non-zero exit resolves too. */
export function runPython(
  scriptPath: string,
  args: readonly string[] = [],
  { input, env, timeoutMs = 60_000 }: RunPythonOptions = {},
): Promise<PythonResult> {
  const python = pythonPath();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [scriptPath, ...args], {
      cwd: ROOT,
      env: { ...process.env, PYTHONUTF8: '1', PYTHONDONTWRITEBYTECODE: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // The script may exit before reading all its input; its exit status tells what happened.
    child.stdin.on('error', () => {});
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${python} ${scriptPath}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(
          new Error(
            `${scriptPath} ${args.join(' ')} did not finish within ${timeoutMs} ms` +
              (stderr ? `; stderr:\n${stderr}` : ''),
          ),
        );
        return;
      }
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
