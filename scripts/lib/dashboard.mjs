// The web console's build (`npm run build:dashboard`, written to dist/dashboard/ and served by
// the gateway at /), run by `npm start` and `npm test` after the TypeScript build. It takes
// seconds, so it always runs, like the TypeScript build; nothing is cached.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Builds the console when apps/dashboard/ exists. Returns false only when the build ran and
 * failed (its output went to the terminal); a missing app or script is said and skipped.
 */
export function buildDashboard(root, log = console.log) {
  if (!existsSync(path.join(root, 'apps', 'dashboard'))) {
    log('  web console: no apps/dashboard/, nothing to build');
    return true;
  }
  const { scripts = {} } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  if (!scripts['build:dashboard']) {
    log('  web console: skipped (package.json has no "build:dashboard" script)');
    return true;
  }
  const r = spawnSync('npm', ['run', 'build:dashboard'], { cwd: root, stdio: 'inherit' });
  if (r.status === 0) return true;
  log(
    `\n\u2716 npm run build:dashboard failed (exit ${r.status ?? r.signal ?? r.error}): ` +
      'the web console did not build; its output is above',
  );
  return false;
}
