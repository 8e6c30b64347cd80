import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The documentation a newcomer walks: README.md stays short, and every relative link in the
 * repository's Markdown (README, docs/, bench/, deploy/) lands on a file that exists and, when it
 * names a heading, on a heading that exists. Links are checked as GitHub renders them.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const README_MAX_LINES = 250;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.local', 'dist', 'coverage']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED_DIRS.has(name) ? [] : markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The text outside fenced code blocks and inline code, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, text] of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (text ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Every inline link target of a Markdown text that is not a URL with a scheme. */
function relativeLinks(markdown: string): string[] {
  const targets = [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1] ?? '',
  );
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Why a link from `file` does not resolve, or null when it does. */
function brokenLink(file: string, target: string): string | null {
  if (target.startsWith('/')) return 'absolute path: links must be relative to the file';
  const [pathPart = '', anchor] = target.split('#', 2);
  const destination = pathPart === '' ? file : resolve(dirname(file), decodeURI(pathPart));
  if (!existsSync(destination)) return 'no such file';
  if (anchor === undefined || anchor === '') return null;
  if (statSync(destination).isDirectory() || !destination.endsWith('.md')) {
    return 'an anchor into something that is not a Markdown file';
  }
  return headingAnchors(readFileSync(destination, 'utf8')).has(decodeURI(anchor).toLowerCase())
    ? null
    : `no heading #${anchor}`;
}

describe('the documentation', () => {
  it('keeps README.md at most 250 lines', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('has no broken relative link in any Markdown file', () => {
    const files = markdownFiles(ROOT);
    expect(files).toContain(join(ROOT, 'docs', 'README.md'));
    const broken = files.flatMap((file) =>
      relativeLinks(readFileSync(file, 'utf8')).flatMap((target) => {
        const why = brokenLink(file, target);
        return why ? [`${relative(ROOT, file)}: (${target}) ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('links every page under docs/ from the index or another page', () => {
    const docs = markdownFiles(join(ROOT, 'docs'));
    const linked = new Set(
      [join(ROOT, 'README.md'), ...docs].flatMap((file) =>
        relativeLinks(readFileSync(file, 'utf8')).map((t) =>
          resolve(dirname(file), decodeURI(t.split('#')[0] ?? '')),
        ),
      ),
    );
    expect(docs.filter((d) => !linked.has(d)).map((d) => relative(ROOT, d))).toEqual([]);
  });
});

describe('the link checker', () => {
  it('anchors headings as GitHub does', () => {
    const anchors = headingAnchors(
      '# Live stream (`GET /v1/stream`)\n## Security: what, and why\n## Tests\n## Tests\n```\n# not a heading\n```\n',
    );
    expect([...anchors]).toEqual([
      'live-stream-get-v1stream',
      'security-what-and-why',
      'tests',
      'tests-1',
    ]);
  });

  it('finds relative links outside code, and skips URLs', () => {
    const md =
      'See [a](docs/a.md#x), [b](https://example.org) and `[c](not/a/link.md)`.\n```\n[d](in/code.md)\n```\n';
    expect(relativeLinks(md)).toEqual(['docs/a.md#x']);
  });
});
