// The Python tools the TAXII 2.1 / STIX 2.1 tests drive, unmodified: taxii2-client (the OASIS
// TAXII 2.1 client) and stix2-validator (the OASIS STIX validator), pinned with their
// dependencies in test/taxii/requirements.txt, in a venv at .local/python. Idempotent: a marker
// in the venv records what was installed; a second call with the same requirements and a venv
// that still imports both libraries does nothing.
//
// Runnable on its own: `node scripts/lib/python-tools.mjs` installs and prints the venv's python.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MIN_PYTHON = [3, 11];

/** The venv's interpreter (what ACD_PYTHON points the tests at). */
export function venvPython(venvDir) {
  return process.platform === 'win32'
    ? path.join(venvDir, 'Scripts', 'python.exe')
    : path.join(venvDir, 'bin', 'python');
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return {
    ok: r.status === 0,
    missing: r.error?.code === 'ENOENT',
    status: r.status,
    out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
  };
}

const shown = (cmd, args) => [cmd, ...args].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');

const tail = (text, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n');

function fail(what, cmd, args, result) {
  return new Error(
    `${what}\n  command: ${shown(cmd, args)}\n  exit: ${result.status ?? 'none'}` +
      (result.out.trim() ? `\n${tail(result.out).replace(/^/gm, '  | ')}` : ''),
  );
}

/**
 * Creates `.local/python` and installs the pinned tools when they are not there yet.
 * Returns the venv's python path; throws an Error saying which command failed.
 * `python` is the interpreter that creates the venv (default: python3 on the PATH).
 */
export function ensurePythonTools({ log = console.log, root = ROOT, python = 'python3' } = {}) {
  const venvDir = path.join(root, '.local', 'python');
  const venvPy = venvPython(venvDir);
  const requirementsFile = path.join(root, 'test', 'taxii', 'requirements.txt');
  const markerFile = path.join(venvDir, '.acd-python-tools.json');
  const rel = (p) => path.relative(root, p);

  const requirements = readFileSync(requirementsFile, 'utf8');
  const pins = requirements
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const wanted = {
    requirements: createHash('sha256').update(requirements).digest('hex'),
    pins,
  };
  const importCheck = ['-c', 'import taxii2client.v21, stix2validator'];
  // Cheap (importing stix2validator takes about 2 s: a grammar jsonschema's format checks build).
  const presenceCheck = [
    '-c',
    'import importlib.util as u; assert u.find_spec("taxii2client") and u.find_spec("stix2validator")',
  ];

  // Fast path: the marker matches and the venv still works (a venv breaks when the interpreter
  // it was made from is removed or upgraded).
  if (existsSync(markerFile) && existsSync(venvPy)) {
    let marker = null;
    try {
      marker = JSON.parse(readFileSync(markerFile, 'utf8'));
    } catch {
      // unreadable marker: reinstall
    }
    if (marker?.requirements === wanted.requirements && run(venvPy, presenceCheck).ok) {
      log(`  python tools up to date in ${rel(venvDir)} (${marker.python})`);
      return venvPy;
    }
  }

  const t0 = Date.now();
  const versionArgs = ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'];
  const probe = run(python, versionArgs);
  if (probe.missing) {
    throw new Error(
      `${python} is not on the PATH: the TAXII/STIX tests need Python >= ${MIN_PYTHON.join('.')} ` +
        `with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv)`,
    );
  }
  if (!probe.ok) throw fail(`${python} does not run`, python, versionArgs, probe);
  const version = probe.out.trim();
  const [major, minor] = version.split('.').map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new Error(
      `${python} is Python ${version}; the pinned tools in ${rel(requirementsFile)} need ` +
        `Python >= ${MIN_PYTHON.join('.')}`,
    );
  }

  // Anything already there is stale or broken: start from an empty venv.
  if (existsSync(venvDir)) {
    log(`  python tools: replacing the venv in ${rel(venvDir)} (requirements changed or broken)`);
    rmSync(venvDir, { recursive: true, force: true });
  }
  log(`  python tools: creating a venv in ${rel(venvDir)} with ${python} (Python ${version})`);
  const venvArgs = ['-m', 'venv', venvDir];
  const venv = run(python, venvArgs);
  if (!venv.ok) {
    throw fail(
      'could not create the venv (Debian/Ubuntu need the python3-venv package)',
      python,
      venvArgs,
      venv,
    );
  }

  log(
    `  python tools: pip installing ${pins.length} pinned packages from ${rel(requirementsFile)}`,
  );
  const pipArgs = [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--quiet',
    '-r',
    requirementsFile,
  ];
  const pip = run(venvPy, pipArgs, { cwd: root });
  if (!pip.ok) {
    rmSync(venvDir, { recursive: true, force: true });
    throw fail('pip could not install the Python test tools', venvPy, pipArgs, pip);
  }
  const check = run(venvPy, importCheck);
  if (!check.ok) {
    throw fail('the installed tools do not import', venvPy, importCheck, check);
  }
  writeFileSync(
    markerFile,
    `${JSON.stringify({ ...wanted, python: `Python ${version}`, installedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  log(
    `  python tools: taxii2-client and stix2-validator ready in ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return venvPy;
}

// `node scripts/lib/python-tools.mjs`: install (if needed) and print the interpreter's path.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const py = ensurePythonTools({ log: (line) => console.error(line) });
    console.log(py);
  } catch (err) {
    console.error(`python tools: ${err.message}`);
    process.exit(1);
  }
}
