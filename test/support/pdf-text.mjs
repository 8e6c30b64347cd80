// Prints the text of a PDF as JSON: one array of lines per page, each line the text items that
// share a baseline, left to right; and the names of the fonts its text is drawn in (as embedded:
// a subset's name carries a six-letter prefix, e.g. ABCDEF+IPAGothic). Used by tests to read what a rendered report says, with
// Mozilla's PDF.js (an ES module, hence a script of its own rather than an import in jest).
import { readFileSync } from 'node:fs';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 })
  .promise;
const pages = [];
const fonts = new Set();
for (let p = 1; p <= pdf.numPages; p++) {
  const page = await pdf.getPage(p);
  const ops = await page.getOperatorList();
  ops.fnArray.forEach((fn, i) => {
    if (fn === OPS.setFont) fonts.add(page.commonObjs.get(ops.argsArray[i][0]).name);
  });
  const content = await page.getTextContent();
  const rows = new Map();
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue;
    const y = Math.round(item.transform[5]);
    const row = rows.get(y) ?? [];
    row.push({ x: item.transform[4], s: item.str });
    rows.set(y, row);
  }
  pages.push(
    [...rows.entries()]
      .sort(([a], [b]) => b - a)
      .map(([, items]) =>
        items
          .sort((a, b) => a.x - b.x)
          .map((i) => i.s.trim())
          .join(' '),
      ),
  );
}
process.stdout.write(
  JSON.stringify({ pages, fonts: [...fonts].sort(), info: (await pdf.getMetadata()).info }),
);
