// The Japanese font the annual report's Japanese edition embeds (`acd oversight annual-report
// --lang ja`; pdfkit's standard fonts have no Japanese glyphs). In order: ACD_PDF_FONT when set;
// the first present of the Debian packages' files the CLI knows (apps/cli/src/oversight/pdf-font.ts,
// KNOWN_JAPANESE_FONTS: keep the two lists alike); otherwise fonts-ipafont-gothic, installed with
// apt-get (after an `apt-get update` when the package lists do not know it yet; through `sudo -n`
// when not root). A failure names the command and its output: the tests that render Japanese
// never skip silently.
//
// Runnable on its own: `node scripts/lib/fonts.mjs` installs (if needed) and prints the path.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptInstall } from './apt.mjs';

export const JAPANESE_FONT_PACKAGE = 'fonts-ipafont-gothic';

export const KNOWN_JAPANESE_FONTS = [
  '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf', // fonts-ipaexfont-gothic
  '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf', // fonts-ipafont-gothic
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', // fonts-noto-cjk
];

/** Where fonts-ipafont-gothic puts its Gothic face. */
const INSTALLED = KNOWN_JAPANESE_FONTS[1];

const HINT = 'or set ACD_PDF_FONT to a Japanese TTF, OTF or TTC font';

/** ACD_PDF_FONT's file: the value itself, or for `file.ttc#Face` the part before the #. */
function fileOf(setting) {
  if (existsSync(setting)) return setting;
  const hash = setting.lastIndexOf('#');
  return hash > 0 ? setting.slice(0, hash) : setting;
}

/**
 * Returns the path of a Japanese font file, installing fonts-ipafont-gothic when there is none;
 * throws an Error naming the command that failed. `known` is where the packages put their fonts.
 */
export function ensureJapaneseFont({
  log = console.log,
  env = process.env,
  known = KNOWN_JAPANESE_FONTS,
  installed = INSTALLED,
} = {}) {
  const given = env.ACD_PDF_FONT?.trim();
  if (given) {
    if (!existsSync(fileOf(given))) throw new Error(`ACD_PDF_FONT=${given}: no such file`);
    log(`  japanese font: using ACD_PDF_FONT=${given}`);
    return given;
  }
  const present = known.find((f) => existsSync(f));
  if (present) {
    log(`  japanese font: ${present}`);
    return present;
  }

  const t0 = Date.now();
  log('  japanese font: none found');
  const command = aptInstall(JAPANESE_FONT_PACKAGE, {
    label: 'japanese font',
    hint: HINT,
    log,
    env,
  });
  if (!existsSync(installed)) {
    throw new Error(
      `${command} succeeded but ${installed} does not exist: ` +
        `set ACD_PDF_FONT to a Japanese TTF, OTF or TTC font`,
    );
  }
  log(`  japanese font: installed ${installed} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return installed;
}

// `node scripts/lib/fonts.mjs`: install (if needed) and print the font's path.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureJapaneseFont({ log: (line) => console.error(line) }));
  } catch (err) {
    console.error(`japanese font: ${err.message}`);
    process.exit(1);
  }
}
