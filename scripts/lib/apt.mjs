// Installing a Debian package the tests need (Chromium, a Japanese font) with apt-get: as root,
// or through `sudo -n`; after one `apt-get update` when the package lists do not know it (never
// fetched, or older than the mirror). A failure names the command and the end of its output.
import { spawnSync } from 'node:child_process';

export function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return {
    ok: r.status === 0,
    missing: r.error?.code === 'ENOENT',
    status: r.status,
    out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
  };
}

export const shown = (cmd, args) => [cmd, ...args].join(' ');

const tail = (text, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** An Error naming what failed, the command, its exit and the end of its output, and `hint`. */
export function commandFailure(what, cmd, args, result, hint) {
  return new Error(
    `${what}\n  command: ${shown(cmd, args)}\n  exit: ${result.status ?? 'none'}` +
      (result.out.trim() ? `\n${tail(result.out).replace(/^/gm, '  | ')}` : '') +
      `\n  (${hint})`,
  );
}

/**
 * Installs `pkg`; throws an Error naming the command that failed. `label` prefixes the log
 * lines, `hint` says what to do instead (e.g. the variable that points at an existing file).
 */
export function aptInstall(pkg, { label, hint, log = console.log, env = process.env }) {
  const asRoot = process.getuid?.() === 0;
  const [cmd, ...prefix] = asRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const install = [...prefix, 'install', '-y', '--no-install-recommends', pkg];
  log(`  ${label}: running ${shown(cmd, install)}`);
  let result = run(cmd, install, env);
  if (result.missing) {
    throw new Error(`${cmd} is not on the PATH: apt-get install ${pkg} by other means, or ${hint}`);
  }
  const stale =
    /Unable to locate package|has no installation candidate|Unable to fetch some archives/;
  if (!result.ok && stale.test(result.out)) {
    const update = [...prefix, 'update'];
    log(`  ${label}: the package lists do not know it; running ${shown(cmd, update)}`);
    const updated = run(cmd, update, env);
    if (!updated.ok) {
      throw commandFailure('could not update the package lists', cmd, update, updated, hint);
    }
    log(`  ${label}: running ${shown(cmd, install)} again`);
    result = run(cmd, install, env);
  }
  if (!result.ok) throw commandFailure(`could not install ${pkg}`, cmd, install, result, hint);
  return shown(cmd, install);
}
