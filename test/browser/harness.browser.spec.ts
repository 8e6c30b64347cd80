import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_CSP } from '../../apps/gateway/src/console/console-files';
import { axeViolations, launchBrowser, saveScreenshot } from '../support/browser';

jest.setTimeout(120_000);

const DOT =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><main><h1>${title}</h1>${body}</main></body></html>`;

/** Two pages that differ in one flaw axe rates critical: an image with no text alternative. */
const PAGES: Record<string, string> = {
  '/accessible': page('Accessible', `<img src="${DOT}" alt="A red dot"><p>Signed out.</p>`),
  '/inaccessible': page('Inaccessible', `<img id="unlabelled" src="${DOT}"><p>Signed out.</p>`),
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the browser harness', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let tab: Page;

  beforeAll(async () => {
    // Served under the console's own policy: axe must work where the console's scripts rule.
    server = createServer((req, res) => {
      const html = PAGES[req.url ?? ''];
      res.writeHead(html ? 200 : 404, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': CONSOLE_CSP,
      });
      res.end(html ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    tab = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('finds no serious or critical violation on the accessible page', async () => {
    await tab.goto(`${base}/accessible`);
    expect(await tab.title()).toBe('Accessible');
    expect(await axeViolations(tab)).toEqual([]);
  });

  it('reports the inaccessible page’s image without a text alternative', async () => {
    await tab.goto(`${base}/inaccessible`);
    expect(await axeViolations(tab)).toEqual([
      {
        id: 'image-alt',
        impact: 'critical',
        help: expect.any(String) as string,
        nodes: ['#unlabelled'],
      },
    ]);
  });

  it('saves a screenshot as a PNG', async () => {
    await tab.goto(`${base}/accessible`);
    const file = await saveScreenshot(tab, 'harness-accessible');
    expect(file).toMatch(/test-output\/screenshots\/harness-accessible\.png$/);
    expect(readFileSync(file).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });
});
