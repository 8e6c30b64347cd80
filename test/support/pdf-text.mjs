// Prints the text of a PDF as JSON: one array of lines per page, each line the text items that
// share a baseline, left to right. Used by tests to read what a rendered report says, with
// Mozilla's PDF.js (an ES module, hence a script of its own rather than an import in jest).
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 })
  .promise;
const pages = [];
for (let p = 1; p <= pdf.numPages; p++) {
  const content = await (await pdf.getPage(p)).getTextContent();
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
process.stdout.write(JSON.stringify({ pages, info: (await pdf.getMetadata()).info }));
