#!/usr/bin/env node
// `npm run chaos`: the fault and attack suite (test/chaos/*.chaos.spec.ts) on a local cluster of
// three Kafka brokers and the real store, at full size by default (ACD_CHAOS_SCALE=quick for the
// sizes `npm test` uses, large for 100,000 commands and the like with a longer bound;
// ACD_CHAOS_<NAME> overrides one size, see docs/reliability.md). Bounded:
// after ACD_CHAOS_MAX_MINUTES (30) the run is stopped and what did not finish counts as failed.
// Prints a table, writes the figures into docs/reliability.md with the machine they ran on
// (ACD_CHAOS_WRITE_DOCS=0 leaves the page alone), and ends with "N passed, M failed".
// `npm run chaos -- <pattern>` runs the matching scenarios only (the docs are then left alone).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  markdown,
  readFigures,
  readProgress,
  readResults,
  textTable,
  writeFiguresSection,
} from './lib/chaos-report.mjs';
import { ensureDependencies } from './lib/dependencies.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const SCALES = ['quick', 'full', 'large'];
const scale = process.env.ACD_CHAOS_SCALE ?? 'full';
if (!SCALES.includes(scale)) {
  console.error(`ACD_CHAOS_SCALE must be one of ${SCALES.join(', ')} (not "${scale}")`);
  process.exit(2);
}
const maxMinutes = Number(process.env.ACD_CHAOS_MAX_MINUTES ?? 30);
const startedAt = new Date();
const OUT = path.join(ROOT, '.local', 'chaos');
const FIGURES = path.join(OUT, 'figures.jsonl');
const RESULTS = path.join(OUT, 'jest-results.json');
const PROGRESS = path.join(OUT, 'progress.jsonl');

function sh(label, cmd, cmdArgs) {
  console.log(`\n\u25b6 ${label}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit' });
  return r.status ?? 1;
}

if (!ensureDependencies(ROOT)) process.exit(1);
if (sh('build', 'npx', ['tsc', '-p', 'tsconfig.build.json']) !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
if (!(process.env.KAFKA_BROKERS && process.env.MONGODB_URI)) {
  if (sh('provision local Kafka and FerretDB', 'bash', ['deploy/local/stack.sh', 'provision'])) {
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}
mkdirSync(OUT, { recursive: true });
rmSync(FIGURES, { force: true });
rmSync(RESULTS, { force: true });
rmSync(PROGRESS, { force: true });

console.log(`\n\u25b6 chaos suite, scale ${scale}, at most ${maxMinutes} min`);
const status = await runJest();
const { passed, failed, rows } = summarise(status);
const figures = readFigures(FIGURES);
console.log(`\n${textTable(rows, figures)}`);

const seconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
if (process.env.ACD_CHAOS_WRITE_DOCS !== '0' && args.length === 0) {
  const sizes = Object.entries(process.env)
    .filter(([k]) => /^ACD_CHAOS_[A-Z_]+$/.test(k) && !/SCALE|WRITE_DOCS|FIGURES|MAX_MIN/.test(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const page = path.join(ROOT, 'docs', 'reliability.md');
  writeFiguresSection(
    page,
    markdown(rows, figures, { scale, sizes, startedAt, seconds, passed, failed }),
  );
  console.log(`\nfigures written to docs/reliability.md`);
}
console.log(`\ntotal time ${seconds} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

/** jest on the chaos project, stopped (process group) when the time bound is reached. */
function runJest() {
  return new Promise((resolve) => {
    const child = spawn(
      'npx',
      [
        'jest',
        // Patterns first: after --reporters jest would take them for more reporters.
        ...args,
        '--selectProjects',
        'chaos',
        '--runInBand',
        // A scenario that timed out leaves its load and kill loops running: jest must still end.
        '--forceExit',
        '--json',
        `--outputFile=${RESULTS}`,
        '--reporters=default',
        `--reporters=${path.join(ROOT, 'scripts', 'lib', 'chaos-progress-reporter.cjs')}`,
      ],
      {
        cwd: ROOT,
        stdio: 'inherit',
        detached: true,
        env: {
          ...process.env,
          ACD_CHAOS_SCALE: scale,
          ACD_CHAOS_FIGURES: FIGURES,
          ACD_CHAOS_PROGRESS: PROGRESS,
          ACD_TEST_KAFKA_NODES: process.env.ACD_TEST_KAFKA_NODES ?? '3',
        },
      },
    );
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.log(`\n\u2716 ${maxMinutes} min reached: stopping the suite`);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 60_000).unref();
    }, maxMinutes * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, timedOut });
    });
  });
}

function summarise({ code, timedOut }) {
  // Stopped at the bound, jest wrote no results file: the scenarios that finished are in the
  // progress file, and the one cut off counts as failed.
  const rows = timedOut ? readProgress(PROGRESS) : readResults(RESULTS);
  let passed = rows.filter((r) => r.status === 'passed').length;
  let failed = rows.filter((r) => r.status === 'failed').length;
  if (timedOut) {
    rows.push({
      file: '',
      title: `the suite (stopped at ${maxMinutes} min)`,
      status: 'failed',
      seconds: maxMinutes * 60,
      failure: 'time bound reached',
    });
    failed += 1;
  } else if (code !== 0 && failed === 0) {
    failed = 1; // jest failed outside any test (setup, teardown)
  }
  if (rows.length === 0 && code === 0) passed = 0;
  return { passed, failed, rows };
}
