// The Chromium the browser tests drive through playwright-core (Playwright's own browser
// download cannot run on these machines). In order: ACD_CHROMIUM when set; /usr/bin/chromium
// when present; otherwise the distribution's package, installed with apt-get (after an
// `apt-get update` when the package lists do not know it yet; through `sudo -n` when not root).
// A failure names the command and its output: the browser tests never skip silently.
//
// Runnable on its own: `node scripts/lib/chromium.mjs` installs (if needed) and prints the path.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptInstall, run } from './apt.mjs';
import { ensureJapaneseFont } from './fonts.mjs';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

const HINT = 'or set ACD_CHROMIUM to a Chromium or Chrome executable';

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
    ensureJapaneseFontForScreenshots({ log, env });
    return system;
  }

  const t0 = Date.now();
  log(`  chromium: ${system} not found`);
  const command = aptInstall('chromium', { label: 'chromium', hint: HINT, log, env });
  if (!existsSync(system)) {
    throw new Error(
      `${command} succeeded but ${system} does not exist: ` +
        `set ACD_CHROMIUM to the Chromium executable`,
    );
  }
  log(
    `  chromium: installed ${versionOf(system) || system} in ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  ensureJapaneseFontForScreenshots({ log, env });
  return system;
}

/**
 * The console's Japanese view renders as boxes without a Japanese font, so its screenshots would
 * show nothing readable. Best effort here: the browser tests assert text, not glyphs, so a failed
 * install only warns (the annual report's tests, which embed the font, fail instead).
 */
function ensureJapaneseFontForScreenshots({ log, env }) {
  try {
    ensureJapaneseFont({ log, env });
  } catch (err) {
    log(
      `  chromium: WARNING: no Japanese font (${err.message}); Japanese screenshots will show boxes`,
    );
  }
}
