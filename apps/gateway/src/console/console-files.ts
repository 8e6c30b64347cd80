import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * The web console: the files `npm run build:dashboard` writes, served at `/` from the gateway's
 * own origin, so the console calls the API without CORS and no token ever travels in a URL.
 *
 * Mounted before the API's router, so it must step aside for every path the API answers, in
 * whatever spelling the router accepts (its matching ignores case and a trailing slash).
 */
const API_PREFIXES = ['/v1', '/taxii2', '/docs', '/docs-json', '/health'];

/**
 * The console's scripts and styles come from this origin only, and it talks to this origin
 * only: injected markup can neither load code nor send data elsewhere, and no other site may
 * frame the console (clickjacking). Inline styles are allowed, inline scripts are not: a style
 * cannot run code.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Files under /assets/ carry a content hash in their names: a new build gives new names. */
const HASHED = 'public, max-age=31536000, immutable';
/** Everything else (index.html first) is revalidated, so a new build is seen at once. */
const REVALIDATE = 'no-cache';

export const NOT_BUILT =
  'The web console is not built. Run `npm run build:dashboard` (or `npm start`, which builds it), ' +
  'or point ACD_DASHBOARD_DIR at a built console.\n';

function isApiPath(p: string): boolean {
  const lower = p.toLowerCase();
  return API_PREFIXES.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

/** Whether the client asks for HTML by name (a browser navigating), not merely accepts anything. */
function asksForHtml(req: Request): boolean {
  return (req.headers.accept ?? '').split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'application/xhtml+xml') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function answer(res: Response, status: number, text: string): void {
  res.status(status).set(SECURITY_HEADERS).type('text/plain; charset=utf-8').send(text);
}

/** `file` relative to `root`: the dotfile check then looks only below the console's directory. */
function sendFile(res: Response, root: string, file: string, cacheControl: string): void {
  res.set(SECURITY_HEADERS).set('Cache-Control', cacheControl);
  const options = { root, dotfiles: 'deny' as const, cacheControl: false };
  res.sendFile(path.relative(root, file), options, (err) => {
    if (err && !res.headersSent) answer(res, 404, 'not found\n');
  });
}

/**
 * Express middleware serving the console from `dir`: a file by its path; `/`, and any other
 * path a browser navigates to that is not a file, answer index.html (the console's own
 * routes). No directory listings, dotfiles or paths that climb out of `dir`. Requests it does
 * not answer go on to the API unchanged.
 */
export function consoleFiles(dir: string) {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');

  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    if (isApiPath(req.path) || isApiPath(decoded.replace(/\/{2,}/g, '/'))) return next();
    void serve(req, res, next, decoded).catch(next);
  };

  async function serve(req: Request, res: Response, next: NextFunction, decoded: string) {
    const wantsPage = decoded === '/' || asksForHtml(req);
    if (!(await isFile(index))) {
      // Without a console, only what would have been its page changes: everything else answers
      // as the API always did.
      if (wantsPage) answer(res, 404, NOT_BUILT);
      else next();
      return;
    }
    if (decoded === '/') return sendFile(res, root, index, REVALIDATE);

    const segments = decoded.split('/').slice(1);
    const climbsOrHidden = segments.some(
      (s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'),
    );
    const file = path.resolve(root, ...segments);
    const inside = file.startsWith(`${root}${path.sep}`);
    if (climbsOrHidden || !inside) return answer(res, 404, 'not found\n');

    if (await isFile(file)) {
      const hashed = segments[0] === 'assets' && segments.length > 1;
      return sendFile(res, root, file, hashed ? HASHED : REVALIDATE);
    }
    // A missing script or style is a 404, never the page: a browser would try to run HTML.
    if (segments[0] === 'assets') return answer(res, 404, 'not found\n');
    if (asksForHtml(req)) return sendFile(res, root, index, REVALIDATE);
    next();
  }
}
