// The chaos suite's report: joins jest's results (pass/fail per scenario) with the figures the
// scenarios recorded (test/chaos/support/chaos.ts, one JSON line each), prints a table, and
// renders the same as Markdown for docs/reliability.md with the machine it ran on.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** Figures by scenario name (the last record wins when a scenario ran twice). */
export function readFigures(file) {
  const out = new Map();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line);
      out.set(rec.scenario, rec);
    } catch {
      // a line cut by a kill: the scenario shows without figures
    }
  }
  return out;
}

/** One row per test of jest's --json output: file, title, status, seconds, first failure line. */
export function readResults(file) {
  if (!existsSync(file)) return [];
  return rowsOf(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * The test files that finished, from the chaos progress reporter's lines
 * (scripts/lib/chaos-progress-reporter.cjs): what is known of a suite stopped at its bound.
 */
export function readProgress(file) {
  if (!existsSync(file)) return [];
  const testResults = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
  return rowsOf({ testResults });
}

function rowsOf(r) {
  const rows = [];
  for (const suite of r.testResults ?? []) {
    const file = suite.name.replace(/^.*\/test\/chaos\//, '');
    if ((suite.assertionResults ?? []).length === 0) {
      rows.push({
        file,
        title: '(suite did not run)',
        status: 'failed',
        seconds: 0,
        failure: firstLine(suite.message),
      });
    }
    for (const t of suite.assertionResults ?? []) {
      rows.push({
        file,
        title: [...(t.ancestorTitles ?? []), t.title].join(' › '),
        status: t.status,
        seconds: Math.round((t.duration ?? 0) / 1000),
        failure: firstLine((t.failureMessages ?? []).join('\n')),
      });
    }
  }
  return rows;
}

function firstLine(text) {
  const line = String(text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('at '));
  return line ? line.slice(0, 200) : '';
}

/** Scenario number of a spec's describe title ("scenario 6: …" → 6), for ordering. */
function scenarioNumber(title) {
  const m = /scenario (\d+)/i.exec(title);
  return m ? Number(m[1]) : 99;
}

/**
 * The figures recorded under the scenario whose number matches the test's describe title, for
 * the first row of that scenario only (`shown` remembers).
 */
function figuresFor(row, figures, shown = new Set()) {
  const n = scenarioNumber(row.title);
  if (shown.has(n)) return [];
  shown.add(n);
  const recs = [...figures.values()].filter((r) => Number.parseInt(r.scenario, 10) === n);
  return recs.flatMap((r) =>
    Object.entries(r.figures).map(([k, v]) => `${k}: ${typeof v === 'number' ? fmt(v) : v}`),
  );
}

function fmt(n) {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2);
}

export function sortRows(rows) {
  return [...rows].sort((a, b) => scenarioNumber(a.title) - scenarioNumber(b.title));
}

/** The table for a terminal. */
export function textTable(rows, figures) {
  const lines = [];
  const shown = new Set();
  for (const row of sortRows(rows)) {
    const mark = row.status === 'passed' ? 'PASS' : row.status === 'failed' ? 'FAIL' : 'SKIP';
    lines.push(`${mark}  ${row.title}  (${row.seconds} s)`);
    for (const f of figuresFor(row, figures, shown)) lines.push(`        ${f}`);
    if (row.status === 'failed' && row.failure) lines.push(`        failure: ${row.failure}`);
  }
  return lines.join('\n');
}

/** The machine the figures come from (these machines are shared: figures vary between runs). */
export function machine() {
  const cpus = os.cpus();
  return {
    cpus: `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    load: os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
  };
}

/** Markdown: the machine, the sizes, then one row per scenario with its figures. */
export function markdown(rows, figures, { scale, sizes, startedAt, seconds, passed, failed }) {
  const m = machine();
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  const out = [
    `Run of ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, scale \`${scale}\`` +
      `${sizes ? ` (${sizes})` : ''}, ${seconds} s: **${passed} passed, ${failed} failed**.`,
    '',
    `Machine: ${m.cpus}, ${m.memory}, ${m.os}, Node ${m.node}; load average at the end ${m.load}` +
      ' (a shared machine: compare ratios, not absolute rates).',
    '',
    '| Scenario | Result | Figures |',
    '|---|---|---|',
  ];
  const shown = new Set();
  for (const row of sortRows(rows)) {
    const figs = figuresFor(row, figures, shown).map(esc).join('<br>');
    const failure = row.status === 'failed' && row.failure ? `<br>${esc(row.failure)}` : '';
    out.push(`| ${esc(row.title)} | ${row.status} (${row.seconds} s)${failure} | ${figs} |`);
  }
  return out.join('\n');
}

const START = '<!-- chaos:figures:start -->';
const END = '<!-- chaos:figures:end -->';

/** Replaces the figures section of the reliability page (between its markers). */
export function writeFiguresSection(file, text) {
  const page = readFileSync(file, 'utf8');
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} lacks the ${START} … ${END} markers`);
  writeFileSync(file, `${page.slice(0, a + START.length)}\n${text}\n${page.slice(b)}`);
}
