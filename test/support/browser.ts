import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The browser tier's harness: the system's Chromium driven by playwright-core (Playwright's own
 * browser download cannot run on these machines), axe-core for accessibility, screenshots kept
 * for a person to look at. `npm test` installs Chromium when it is missing and passes its path
 * in ACD_CHROMIUM (scripts/lib/chromium.mjs).
 */

const ROOT = join(__dirname, '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');

/**
 * Without the background-networking flags Chromium keeps trying to reach Google's services
 * (updates, sync, field trials), which on a closed network floods it with failing connections.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.ACD_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export interface AxeViolation {
  id: string;
  impact: 'serious' | 'critical';
  help: string;
  /** A CSS selector per offending element. */
  nodes: string[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now.
 * axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
 * does not govern, so the console's own policy stays in force while it is checked.
 */
export async function axeViolations(
  page: Page,
  options: axe.RunOptions = {},
): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate(
    // Runs in the page, where evaluating axe's source defined the global `axe`.
    (opts) => (globalThis as unknown as { axe: typeof axe }).axe.run(opts),
    options,
  );
  return results.violations.flatMap((v) =>
    v.impact === 'serious' || v.impact === 'critical'
      ? [
          {
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) =>
              n.target.map((s) => (Array.isArray(s) ? s.join(' >>> ') : s)).join(' '),
            ),
          },
        ]
      : [],
  );
}

/** Writes the page as test-output/screenshots/<name>.png and returns the file's path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new Error(`screenshot name ${JSON.stringify(name)}: letters, digits, . _ - only`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
