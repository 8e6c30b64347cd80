import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annualFigures, type OversightFact } from '@acd/oversight';
import { REPORT_CATALOGUES, REPORT_LANGS } from './annual-report.labels';
import {
  renderAnnualReportPdf,
  reportFigures,
  rowLabel,
  type AnnualReportView,
} from './annual-report.pdf';
import { KNOWN_JAPANESE_FONTS, resolveJapaneseFont } from './pdf-font';

const t = Date.parse('2026-05-01T00:00:00Z');
const facts: OversightFact[] = [
  {
    type: 'CollectionAuthorisationRequested',
    occurredAt: t,
    data: { requestId: 'c1', requesterKind: 'cabinet-office' },
  },
  { type: 'RequestApproved', occurredAt: t + 1, data: { requestId: 'c1' } },
  {
    type: 'OperationAuthorisationRequested',
    occurredAt: t,
    data: {
      requestId: 'o1',
      agencyKind: 'police',
      emergencyReason: 'now',
      target: { country: 'US' },
    },
  },
  {
    type: 'OperationExecuted',
    occurredAt: t + 2,
    data: {
      requestId: 'o1',
      emergency: true,
      outcome: 'succeeded',
      measuresTaken: ['access', 'take-down'],
    },
  },
  { type: 'EmergencyNotificationMissed', occurredAt: t + 3, data: { requestId: 'o1' } },
  { type: 'InspectionOpened', occurredAt: t, data: { agencyId: 'gov-npa' } },
];

interface PdfText {
  pages: string[][];
  fonts: string[];
  info: Record<string, unknown>;
}

/** What a reader of the PDF sees: its lines of text and the fonts they are in, through PDF.js. */
function pdfLines(pdf: Buffer): PdfText {
  const dir = mkdtempSync(join(tmpdir(), 'acd-pdf-'));
  const file = join(dir, 'report.pdf');
  writeFileSync(file, pdf);
  const script = join(__dirname, '../../../../test/support/pdf-text.mjs');
  return JSON.parse(
    execFileSync(process.execPath, [script, file], { encoding: 'utf8' }),
  ) as PdfText;
}

const view = (over: Partial<AnnualReportView> = {}): AnnualReportView => ({
  figures: annualFigures(2026, facts),
  generatedAt: '2027-01-15T01:00:00.000Z',
  eventLog: { topic: 'acd.oversight.events.v1', events: facts.length, undecodable: 0 },
  auditLog: {
    entries: facts.length,
    treeSize: 120,
    head: {
      treeSize: 120,
      rootHash: 'ab'.repeat(32),
      timestamp: Date.parse('2027-01-15T00:59:00Z'),
      keyId: 'k1',
    },
  },
  reconciled: true,
  differences: [],
  missingFromAuditLog: [],
  missingFromEventLog: [],
  ...over,
});

describe('the annual report as a PDF', () => {
  jest.setTimeout(60_000);

  it('says every figure, in its table and its chart, and that it was reconciled', async () => {
    const { pages, info } = pdfLines(await renderAnnualReportPdf(view()));
    const lines = pages.flat();
    expect(info.Title).toBe('Annual report of the oversight commission, 2026');
    expect(lines).toContain('Annual report to the Diet, 2026');
    for (const row of [
      'Collection requests 1',
      'Operation requests 1',
      'of which after acting (emergency) 1',
      'Collection approved 1',
      'Operations executed 1',
      'Measure: access 1',
      'Measure: take-down 1',
      'Measure: disable-malware 0',
      'Targets abroad 1',
      'Missed 1',
      'Notified on time 0',
      'Inspections opened 1',
    ]) {
      // once in the table, once beside its bar
      expect(lines.filter((l) => l === row)).toHaveLength(2);
    }
    expect(lines.some((l) => l.startsWith('Reconciled: every figure above is the same'))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes(`root ${'ab'.repeat(32)}`))).toBe(true);
  });

  it('names each figure and event on which the two records disagree', async () => {
    const { pages } = pdfLines(
      await renderAnnualReportPdf(
        view({
          reconciled: false,
          differences: [{ figure: 'requests.operation', eventLog: 1, auditLog: 0 }],
          missingFromAuditLog: ['evt-42'],
        }),
      ),
    );
    const lines = pages.flat();
    expect(lines).toContain('NOT RECONCILED: the event log and the audit log disagree (below).');
    expect(lines).toContain('Figure requests.operation: event log 1, audit log 0');
    expect(lines).toContain('Event evt-42 is on the event log, not on the audit log');
  });
});

/** The figure a line of the report gives for a label ("<label> <number>"), once per place shown. */
const figuresOf = (lines: string[], label: string) =>
  lines.filter((l) => l.startsWith(`${label} `)).map((l) => Number(l.slice(label.length + 1)));

/** Embedded fonts are named after a subset tag, e.g. ABCDEF+IPAGothic. */
const untagged = (font: string) => font.replace(/^[A-Z]{6}\+/, '');

describe('the annual report in Japanese', () => {
  jest.setTimeout(60_000);

  it("gives the same figures under the Act's words, dates in Japanese, in an embedded Japanese font", async () => {
    // Fails (never skips) on a machine without a Japanese font, saying what to install.
    const font = resolveJapaneseFont();
    const english = pdfLines(await renderAnnualReportPdf(view()));
    const japanese = pdfLines(await renderAnnualReportPdf(view(), 'ja'));
    const lines = japanese.pages.flat();
    const text = lines.join('');

    expect(japanese.info.Title).toBe('サイバー通信情報監理委員会 年次報告（2026年）');
    expect(japanese.info.Author).toBe('サイバー通信情報監理委員会');
    expect(lines).toContain('国会への年次報告（2026年）');
    for (const title of [
      '承認の求め',
      '監理委員会の決定',
      '実施されたアクセス・無害化措置（講じた措置別）',
      '緊急時の事後通知',
      '立入検査・勧告・懲戒処分の要求',
      '当事者協定',
      '監査ログとの照合',
    ]) {
      expect(lines).toContain(title);
    }
    for (const row of [
      '通信情報の取得の承認の求め 1',
      'アクセス・無害化措置の承認の求め 1',
      'うち措置後のもの（緊急時） 1',
      '通信情報の取得：承認 1',
      'アクセス・無害化措置：不承認 0',
      '措置：アクセス 1',
      '措置：サーバの停止 1',
      '措置：不正プログラムの無害化 0',
      '国外の対象 1',
      '事後通知：期限内 0',
      '事後通知：期限後 0',
      '事後通知：未通知 1',
      '立入検査の開始 1',
      '懲戒処分の要求 0',
      '当事者協定の締結 0',
    ]) {
      expect(lines.filter((l) => l === row)).toHaveLength(2);
    }
    // Every figure, read back from each edition, is the same number in both and in the figures.
    for (const { rows } of reportFigures(view().figures)) {
      for (const { key, value } of rows) {
        const en = figuresOf(english.pages.flat(), rowLabel(key, 'en')!);
        const ja = figuresOf(lines, rowLabel(key, 'ja')!);
        expect({ key, ja }).toEqual({ key, ja: en });
        expect({ key, ja }).toEqual({ key, ja: [value, value] });
      }
    }
    expect(text).toContain(
      '対象期間：2026年1月1日 0:00 JST から 2027年1月1日 0:00 JST まで（日本時間の暦年）',
    );
    expect(lines).toContain('作成日時：2027年1月15日 10:00 JST');
    expect(text).toContain('署名日時 2027年1月15日 9:59 JST');
    expect(text).toContain(
      '照合済み：上記のすべての数値は、監査ログに記録されたこれらのイベントの写し 6 件から算出しても一致します。',
    );
    expect(text).toContain(`root ${'ab'.repeat(32)}`);
    expect(text).not.toMatch(/Collection|Measure|Reconciled|January/);

    // The Japanese text is drawn in the CJK font (embedded as a subset), the hash in Courier.
    const cjk = japanese.fonts.filter((f) => f !== 'Courier');
    expect(cjk).toHaveLength(1);
    expect(cjk[0]).toMatch(/^[A-Z]{6}\+/);
    const expected: Record<string, string> = {
      'ipaexg.ttf': 'IPAexGothic',
      'ipag.ttf': 'IPAGothic',
      'NotoSansCJK-Regular.ttc': 'NotoSansCJKjp-Regular',
    };
    const known = expected[font.path.split('/').pop()!];
    if (known) expect(untagged(cjk[0]!)).toBe(known);
    expect(english.fonts).toEqual(['Courier', 'Helvetica', 'Helvetica-Bold']);
  });

  it('names each figure on which the two records disagree by its Japanese label', async () => {
    const { pages } = pdfLines(
      await renderAnnualReportPdf(
        view({
          reconciled: false,
          differences: [{ figure: 'requests.operation', eventLog: 1, auditLog: 0 }],
          missingFromAuditLog: ['evt-42'],
          missingFromEventLog: ['evt-43'],
        }),
        'ja',
      ),
    );
    const text = pages.flat().join('');
    expect(text).toContain('照合不一致：イベントログと監査ログが一致しません（以下のとおり）。');
    expect(text).toContain(
      '数値「アクセス・無害化措置の承認の求め」（requests.operation）：イベントログ 1、監査ログ 0',
    );
    expect(text).toContain('イベント evt-42 はイベントログにあり、監査ログにありません');
    expect(text).toContain('イベント evt-43 は監査ログにあり、イベントログにありません');
  });
});

describe('the catalogues of the report', () => {
  const rendered = reportFigures(view().figures);

  it('label every figure the report renders, in every language', () => {
    const keys = rendered.flatMap(({ rows }) => rows.map((r) => r.key));
    expect(keys).toContain('operations.byMeasure.block-c2-communication');
    for (const lang of REPORT_LANGS) {
      const rows = REPORT_CATALOGUES[lang].rows as Record<string, string>;
      const missing = keys.filter((k) => !Object.hasOwn(rows, k) || rows[k]!.trim() === '');
      expect({ lang, missing }).toEqual({ lang, missing: [] });
      // Nothing labelled that the report does not render: a catalogue is not a graveyard.
      expect({ lang, extra: Object.keys(rows).filter((k) => !keys.includes(k)) }).toEqual({
        lang,
        extra: [],
      });
      for (const { section } of rendered)
        expect(REPORT_CATALOGUES[lang].sections[section]).toBeTruthy();
    }
  });

  it('have a Japanese label unlike the English one for every figure and section', () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    const { en, ja } = REPORT_CATALOGUES;
    for (const key of Object.keys(en.rows) as (keyof typeof en.rows)[]) {
      expect({ key, label: ja.rows[key] }).toEqual({ key, label: expect.stringMatching(japanese) });
    }
    for (const { section } of rendered) expect(ja.sections[section]).toMatch(japanese);
    // One label per figure: two rows of a chart never read the same.
    expect(new Set(Object.values(ja.rows)).size).toBe(Object.keys(ja.rows).length);
  });
});

describe('the Japanese font', () => {
  it('is the file ACD_PDF_FONT names, and a missing file is a usage error naming the fix', async () => {
    const env = { ACD_PDF_FONT: '/nonexistent/fonts/mincho.ttf' };
    const error = await renderAnnualReportPdf(view(), 'ja', env).catch((e: unknown) => e);
    expect(error).toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('ACD_PDF_FONT=/nonexistent/fonts/mincho.ttf: no such file'),
    });
    expect((error as Error).message).toContain('apt-get install fonts-ipafont-gothic');
    // English needs no font of its own.
    await expect(renderAnnualReportPdf(view(), 'en', env)).resolves.toBeInstanceOf(Buffer);
  });

  it('is a usage error when no known package is installed, naming the package and the variable', () => {
    expect(() => resolveJapaneseFont({}, () => false)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringMatching(
          /none was found .*ipag\.ttf.*apt-get install fonts-ipafont-gothic.*ACD_PDF_FONT/,
        ),
      }),
    );
  });

  it("is the first known package's file present, and a face of a collection may be named", () => {
    const present = (paths: string[]) => (p: string) => paths.includes(p);
    const [ipaex, ipa, noto] = KNOWN_JAPANESE_FONTS.map((f) => f.path);
    expect(resolveJapaneseFont({}, present([ipa!, noto!]))).toEqual({ path: ipa });
    expect(resolveJapaneseFont({}, present([noto!]))).toEqual({
      path: noto,
      face: 'NotoSansCJKjp-Regular',
    });
    expect(
      resolveJapaneseFont(
        { ACD_PDF_FONT: `${noto}#NotoSansCJKkr-Regular` },
        present([noto!, ipaex!]),
      ),
    ).toEqual({
      path: noto,
      face: 'NotoSansCJKkr-Regular',
    });
    expect(
      resolveJapaneseFont({ ACD_PDF_FONT: '/fonts/a.ttc' }, present(['/fonts/a.ttc'])),
    ).toEqual({
      path: '/fonts/a.ttc',
      face: 'NotoSansCJKjp-Regular',
    });
  });

  it('that pdfkit cannot read is a usage error too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acd-font-'));
    const notAFont = join(dir, 'font.ttf');
    writeFileSync(notAFont, 'not a font');
    await expect(
      renderAnnualReportPdf(view(), 'ja', { ACD_PDF_FONT: notAFont }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(`cannot use ${notAFont} as the report's Japanese font`),
    });
  });
});
