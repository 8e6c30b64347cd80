// The Chromium the browser tests drive through playwright-core (Playwright's own browser
// download cannot run on these machines). In order: ACD_CHROMIUM when set; /usr/bin/chromium
// when present; otherwise the distribution's package, installed with apt-get (after an
// `apt-get update` when the package lists do not know it yet; through `sudo -n` when not root).
// A failure names the command and its output: the browser tests never skip silently.
//
// Runnable on its own: `node scripts/lib/chromium.mjs` installs (if needed) and prints the path.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

function run(cmd, args, env = process.env) {
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

const shown = (cmd, args) => [cmd, ...args].join(' ');

const tail = (text, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n');

function fail(what, cmd, args, result) {
  return new Error(
    `${what}\n  command: ${shown(cmd, args)}\n  exit: ${result.status ?? 'none'}` +
      (result.out.trim() ? `\n${tail(result.out).replace(/^/gm, '  | ')}` : '') +
      `\n  (or set ACD_CHROMIUM to a Chromium or Chrome executable)`,
  );
}

/** The first line `--version` prints, for the log (the Debian wrapper may print noise first). */
function versionOf(executable) {
  const r = run(executable, ['--version']);
  return (
    r.out
      .split('\n')
      .find((l) => /chrom/i.test(l) && /\d+\.\d+/.test(l))
      ?.trim() ?? ''
  );
}

/**
 * Returns the path of a Chromium executable, installing the system's package when there is
 * none; throws an Error naming the command that failed. `system` is where the package puts it.
 */
export function ensureChromium({
  log = console.log,
  env = process.env,
  system = SYSTEM_CHROMIUM,
} = {}) {
  if (env.ACD_CHROMIUM) {
    if (!existsSync(env.ACD_CHROMIUM)) {
      throw new Error(`ACD_CHROMIUM=${env.ACD_CHROMIUM}: no such file`);
    }
    log(`  chromium: using ACD_CHROMIUM=${env.ACD_CHROMIUM}`);
    return env.ACD_CHROMIUM;
  }
  if (existsSync(system)) {
    log(`  chromium: ${system} (${versionOf(system) || 'version unknown'})`);
    ensureJapaneseFont({ log, env });
    return system;
  }

  const t0 = Date.now();
  const asRoot = process.getuid?.() === 0;
  const [cmd, ...prefix] = asRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const install = [...prefix, 'install', '-y', '--no-install-recommends', 'chromium'];
  log(`  chromium: ${system} not found; running ${shown(cmd, install)}`);
  let result = run(cmd, install, env);
  if (result.missing) {
    throw new Error(
      `${cmd} is not on the PATH: install Chromium (Debian/Ubuntu: apt-get install chromium) ` +
        `or set ACD_CHROMIUM to a Chromium or Chrome executable`,
    );
  }
  // Lists never fetched, or older than the mirror (whose old .deb files are gone): update once.
  const stale =
    /Unable to locate package|has no installation candidate|Unable to fetch some archives/;
  if (!result.ok && stale.test(result.out)) {
    const update = [...prefix, 'update'];
    log(`  chromium: the package lists do not know it; running ${shown(cmd, update)}`);
    const updated = run(cmd, update, env);
    if (!updated.ok) throw fail('could not update the package lists', cmd, update, updated);
    log(`  chromium: running ${shown(cmd, install)} again`);
    result = run(cmd, install, env);
  }
  if (!result.ok) throw fail('could not install Chromium', cmd, install, result);
  if (!existsSync(system)) {
    throw new Error(
      `${shown(cmd, install)} succeeded but ${system} does not exist: ` +
        `set ACD_CHROMIUM to the Chromium executable`,
    );
  }
  log(
    `  chromium: installed ${versionOf(system) || system} in ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  ensureJapaneseFont({ log, env });
  return system;
}

/**
 * The console's Japanese view renders as boxes without a Japanese font, so its screenshots would
 * show nothing readable. Best effort: the tests assert text, not glyphs, so a failed install
 * only warns.
 */
function ensureJapaneseFont({ log, env }) {
  const fonts = spawnSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
  if (fonts.status === 0 && fonts.stdout.trim() !== '') return;
  const asRoot = process.getuid?.() === 0;
  const [cmd, ...prefix] = asRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const install = [...prefix, 'install', '-y', '--no-install-recommends', 'fonts-ipafont-gothic'];
  log(`  chromium: no Japanese font; running ${shown(cmd, install)}`);
  const result = run(cmd, install, env);
  if (!result.ok)
    log(
      `  chromium: WARNING: no Japanese font (${shown(cmd, install)} failed); Japanese screenshots will show boxes`,
    );
}

// `node scripts/lib/chromium.mjs`: install (if needed) and print the executable's path.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureChromium({ log: (line) => console.error(line) }));
  } catch (err) {
    console.error(`chromium: ${err.message}`);
    process.exit(1);
  }
}
