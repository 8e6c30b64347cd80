#!/usr/bin/env node
// `npm test`: the whole suite on a fresh clone. Installs what is missing, lints, type-checks,
// builds (the web console too), provisions the real servers, then runs unit, integration, e2e,
// chaos (quick sizes, on a cluster of three brokers of its own; docs/reliability.md) and browser
// tests, in that order (the jest global setup starts an isolated Kafka + FerretDB on
// free ports, or uses KAFKA_BROKERS and MONGODB_URI when given). Ends with one line
// "N passed, N failed, N skipped". `node scripts/test.mjs <tier>` runs one tier.
// The integration and e2e tiers also get the Python tools the TAXII/STIX tests drive (a venv in
// .local/python, scripts/lib/python-tools.mjs), whose interpreter jest finds in ACD_PYTHON; the
// browser tier gets Chromium (installed when missing, scripts/lib/chromium.mjs) in ACD_CHROMIUM.
// The unit and e2e tiers, which render the annual report in Japanese, get a Japanese font
// (fonts-ipafont-gothic installed when none is present, scripts/lib/fonts.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readFigures, readResults, textTable } from './lib/chaos-report.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import { buildDashboard } from './lib/dashboard.mjs';
import { ensureDependencies } from './lib/dependencies.mjs';
import { ensureJapaneseFont } from './lib/fonts.mjs';
import { ensurePythonTools } from './lib/python-tools.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const TIERS = ['unit', 'integration', 'e2e', 'chaos', 'browser'];
const only = args.find((a) => TIERS.includes(a));
const passthrough = args.filter((a) => a !== only);
const projects = only ? [only] : TIERS;
const SCREENSHOTS = path.join('test-output', 'screenshots');
const started = Date.now();

function sh(label, cmd, cmdArgs, opts = {}) {
  const t = Date.now();
  console.log(`\n\u25b6 ${label}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', ...opts });
  console.log(`  (${label}: ${((Date.now() - t) / 1000).toFixed(1)} s, exit ${r.status})`);
  return r.status ?? 1;
}

if (!ensureDependencies(ROOT)) process.exit(1);

let failedSteps = [];
if (!only) {
  if (sh('eslint', 'npx', ['eslint', '.', '--max-warnings=0']) !== 0) failedSteps.push('eslint');
  if (sh('prettier', 'npx', ['prettier', '--check', '.', '--log-level=warn']) !== 0)
    failedSteps.push('prettier');
  if (
    sh('type-check (all code and tests)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0
  )
    failedSteps.push('tsc');
  if (sh('type-check (the console)', 'npx', ['tsc', '-p', 'apps/dashboard/tsconfig.json']) !== 0)
    failedSteps.push('tsc (console)');
}
if (sh('build', 'npx', ['tsc', '-p', 'tsconfig.build.json']) !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
{
  const t = Date.now();
  console.log('\n\u25b6 web console (npm run build:dashboard)');
  if (!buildDashboard(ROOT)) {
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`  (web console: ${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
if (['integration', 'e2e', 'chaos'].some((t) => projects.includes(t))) {
  if (process.env.ACD_PYTHON) {
    console.log(`\n\u25b6 python tools: using ACD_PYTHON=${process.env.ACD_PYTHON}`);
  } else {
    const t = Date.now();
    console.log('\n\u25b6 python tools for the TAXII/STIX tests (cached after the first run)');
    try {
      process.env.ACD_PYTHON = ensurePythonTools({ root: ROOT });
    } catch (err) {
      console.log(`  ${err.message}`);
      console.log('\n0 passed, 1 failed');
      process.exit(1);
    }
    console.log(`  (python tools: ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
}
if (['unit', 'e2e'].some((t) => projects.includes(t))) {
  const t = Date.now();
  console.log("\n\u25b6 a Japanese font for the annual report's Japanese edition");
  try {
    ensureJapaneseFont();
  } catch (err) {
    console.log(`  ${err.message}`);
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`  (japanese font: ${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
if (projects.includes('browser')) {
  const t = Date.now();
  console.log('\n\u25b6 chromium for the browser tests');
  try {
    process.env.ACD_CHROMIUM = ensureChromium();
  } catch (err) {
    console.log(`  ${err.message}`);
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`  (chromium: ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  // What the folder holds afterwards is this run's pictures only.
  rmSync(path.join(ROOT, SCREENSHOTS), { recursive: true, force: true });
}
const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
if (!external && only !== 'unit') {
  if (
    sh('provision local Kafka and FerretDB (cached after the first run)', 'bash', [
      'deploy/local/stack.sh',
      'provision',
    ]) !== 0
  ) {
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}

mkdirSync(path.join(ROOT, '.local'), { recursive: true });
// The chaos and browser tiers run after the others, each in a jest run of its own (one run
// interleaves its projects' files, slowest first, and shares one global setup, while the chaos
// tier needs a cluster of three brokers); a path pattern given for one tier may match none of
// another's files.
const OWN_RUN = ['chaos', 'browser'];
const runs = [
  projects.filter((p) => !OWN_RUN.includes(p)),
  ...OWN_RUN.filter((p) => projects.includes(p)).map((p) => [p]),
].filter((r) => r.length > 0);
const CHAOS_FIGURES = path.join(ROOT, '.local', 'chaos', 'figures-quick.jsonl');
rmSync(CHAOS_FIGURES, { force: true });
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [i, tiers] of runs.entries()) {
  const results = path.join(ROOT, '.local', `jest-results${i === 0 ? '' : `-${tiers[0]}`}.json`);
  rmSync(results, { force: true });
  const jestStatus = sh(
    `jest: ${tiers.join(', ')}`,
    'npx',
    [
      'jest',
      '--selectProjects',
      ...tiers,
      '--runInBand',
      '--json',
      `--outputFile=${results}`,
      ...(i > 0 ? ['--passWithNoTests'] : []),
      // A chaos scenario that timed out leaves its load and kill loops running: jest must end.
      ...(tiers[0] === 'chaos' ? ['--forceExit'] : []),
      ...passthrough,
    ],
    tiers[0] === 'chaos'
      ? { env: { ...process.env, ACD_CHAOS_SCALE: 'quick', ACD_CHAOS_FIGURES: CHAOS_FIGURES } }
      : {},
  );
  let runFailed = 0;
  try {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    passed += r.numPassedTests;
    runFailed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped += r.numPendingTests + r.numTodoTests;
  } catch {
    runFailed = 1;
  }
  failed += jestStatus !== 0 && runFailed === 0 ? 1 : runFailed;
  if (tiers[0] === 'chaos') {
    console.log('\nchaos scenarios (quick sizes; `npm run chaos` for the full ones):');
    console.log(textTable(readResults(results), readFigures(CHAOS_FIGURES)));
  }
}
failed += failedSteps.length;
if (failedSteps.length > 0) console.log(`\nfailed checks: ${failedSteps.join(', ')}`);
if (projects.includes('browser') && existsSync(path.join(ROOT, SCREENSHOTS))) {
  const shots = readdirSync(path.join(ROOT, SCREENSHOTS)).filter((f) => f.endsWith('.png'));
  const count = `${shots.length} PNG file${shots.length === 1 ? '' : 's'}`;
  console.log(`\nscreenshots: ${SCREENSHOTS}/ (${count})`);
}
console.log(`\ntotal time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
