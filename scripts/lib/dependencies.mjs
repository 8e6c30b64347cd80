// Installs npm dependencies when node_modules is missing or was installed from another lock file.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Returns false when the install failed. What was installed is recognised by the lock file's
 * digest (kept beside the modules), not by modification times: a fresh checkout of the same lock
 * (a clone, a worktree sharing node_modules) has newer times but needs no reinstall, and an
 * `npm ci` there would empty the shared modules under everything else using them. A changed
 * patch in `patches/` counts as a changed lock.
 */
export function ensureDependencies(root) {
  const lock = path.join(root, 'package-lock.json');
  const modules = path.join(root, 'node_modules');
  const marker = path.join(modules, '.package-lock.json');
  const digestFile = path.join(modules, '.acd-lock-digest');
  // The patches npm install applies to dependencies (patch-package) count as part of the lock.
  const hash = createHash('sha256').update(readFileSync(lock));
  const patches = path.join(root, 'patches');
  if (existsSync(patches)) {
    for (const name of readdirSync(patches).sort()) {
      hash.update(name).update(readFileSync(path.join(patches, name)));
    }
  }
  const digest = hash.digest('hex');
  if (existsSync(digestFile) && readFileSync(digestFile, 'utf8').trim() === digest) return true;
  if (
    !existsSync(digestFile) &&
    existsSync(marker) &&
    statSync(lock).mtimeMs <= statSync(marker).mtimeMs
  ) {
    writeFileSync(digestFile, `${digest}\n`);
    return true;
  }
  console.log('\n\u25b6 installing npm dependencies');
  const run = (cmd) =>
    spawnSync('npm', [cmd, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' }).status ===
    0;
  // npm ci insists on an exact lock; npm install repairs one that lacks a platform's optional packages.
  const ok = run('ci') || run('install');
  if (ok) writeFileSync(digestFile, `${digest}\n`);
  return ok;
}
