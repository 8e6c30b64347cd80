import { existsSync } from 'node:fs';
import { UsageError } from '../exit-codes';

/** A font file to embed, and for a collection (.ttc) the PostScript name of the face in it. */
export interface FontFile {
  path: string;
  face?: string;
}

/**
 * Where Debian and Ubuntu packages put a Japanese font, in the order tried (the test script
 * installs the second, scripts/lib/fonts.mjs, which keeps the same list).
 */
export const KNOWN_JAPANESE_FONTS: readonly FontFile[] = [
  { path: '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf' }, // fonts-ipaexfont-gothic
  { path: '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf' }, // fonts-ipafont-gothic
  {
    path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', // fonts-noto-cjk
    face: 'NotoSansCJKjp-Regular',
  },
];

/** The face of a collection taken when ACD_PDF_FONT names none: Noto's (and Source Han's) Japanese one. */
const DEFAULT_COLLECTION_FACE = 'NotoSansCJKjp-Regular';

export const FONT_HELP =
  'install a Japanese font (Debian/Ubuntu: apt-get install fonts-ipafont-gothic) or set ' +
  'ACD_PDF_FONT to a TTF, OTF or TTC file (for a TTC, name the face after a #, e.g. ' +
  'ACD_PDF_FONT=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKjp-Regular)';

/**
 * The Japanese font to embed: ACD_PDF_FONT when set (which must exist), else the first of the
 * known packages' files present. A usage error (exit 2) when there is none: pdfkit's standard
 * fonts have no Japanese glyphs, and a report of empty boxes must not reach the Diet.
 */
export function resolveJapaneseFont(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
  known: readonly FontFile[] = KNOWN_JAPANESE_FONTS,
): FontFile {
  const given = env.ACD_PDF_FONT?.trim();
  if (given) {
    const font = parseFontSetting(given, exists);
    if (!exists(font.path)) {
      throw new UsageError(`ACD_PDF_FONT=${given}: no such file; ${FONT_HELP}`);
    }
    return font;
  }
  const found = known.find((f) => exists(f.path));
  if (!found) {
    throw new UsageError(
      `--lang ja needs a Japanese font and none was found (looked for ` +
        `${known.map((f) => f.path).join(', ')}): ${FONT_HELP}`,
    );
  }
  return found;
}

/** `file` or `file.ttc#Face`; a file whose own name holds a # is taken whole when it exists. */
function parseFontSetting(value: string, exists: (path: string) => boolean): FontFile {
  const hash = value.lastIndexOf('#');
  if (hash > 0 && !exists(value)) {
    return { path: value.slice(0, hash), face: value.slice(hash + 1) || undefined };
  }
  return /\.ttc$/i.test(value) ? { path: value, face: DEFAULT_COLLECTION_FACE } : { path: value };
}

/** Loads the font into the document as `name`; a file pdfkit cannot read is a usage error too. */
export function useFont(doc: PDFKit.PDFDocument, name: string, font: FontFile): void {
  try {
    doc.registerFont(name, font.path, font.face);
    doc.font(name);
  } catch (err) {
    const what = font.face ? `${font.path} (face ${font.face})` : font.path;
    throw new UsageError(
      `cannot use ${what} as the report's Japanese font: ${(err as Error).message}; ${FONT_HELP}`,
    );
  }
}
