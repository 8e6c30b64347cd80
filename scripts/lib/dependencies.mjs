// Installs npm dependencies when node_modules is missing or older than the lock file.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** Returns false when the install failed. */
export function ensureDependencies(root) {
  const lock = path.join(root, 'package-lock.json');
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(lock).mtimeMs <= statSync(marker).mtimeMs) return true;
  console.log('\n\u25b6 installing npm dependencies');
  const run = (cmd) =>
    spawnSync('npm', [cmd, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' }).status ===
    0;
  // npm ci insists on an exact lock; npm install repairs one that lacks a platform's optional packages.
  return run('ci') || run('install');
}
