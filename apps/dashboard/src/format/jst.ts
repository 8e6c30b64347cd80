/**
 * Times and numbers for people. Every instant is shown in Japan Standard Time (Asia/Tokyo,
 * UTC+09:00, no daylight saving) whatever the browser's own zone, in the form of the console's
 * language: ja-JP in Japanese, en-GB (or en-US where the browser asks for it) in English.
 */

export const TIME_ZONE = 'Asia/Tokyo';
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export type Language = 'ja' | 'en';

/** The Intl locale for a language; English follows the browser between British and American. */
export function localeFor(language: Language, browserLanguages: readonly string[] = []): string {
  if (language === 'ja') return 'ja-JP';
  return browserLanguages.some((l) => l.toLowerCase() === 'en-us') ? 'en-US' : 'en-GB';
}

/** The console's language from the browser's preferences: Japanese first if asked for, else English. */
export function languageFromBrowser(browserLanguages: readonly string[]): Language {
  for (const l of browserLanguages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ja') return 'ja';
    if (base === 'en') return 'en';
  }
  return 'en';
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(
  locale: string,
  name: 'minute' | 'day' | 'date',
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale}|${name}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: TIME_ZONE });
    cache.set(key, f);
  }
  return f;
}

const toDate = (v: string | number | Date): Date | null => {
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** Date and time to the minute in JST, e.g. `2026/12/08 14:14 JST` or `8 Dec 2026, 14:14 JST`. */
export function formatDateTime(
  v: string | number | Date | null | undefined,
  locale: string,
): string {
  if (v === null || v === undefined) return '';
  const d = toDate(v);
  if (!d) return '';
  const text = dateFormat(locale, 'minute', {
    year: 'numeric',
    month: locale === 'ja-JP' ? '2-digit' : 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
  return `${text} JST`;
}

/** A JST calendar day (`YYYY-MM-DD` as the API gives days) in the locale's short form. */
export function formatDay(day: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  // Noon JST of that day is the same calendar day in JST, which is what is formatted.
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 3);
  return dateFormat(locale, 'day', { month: 'short', day: 'numeric' }).format(new Date(at));
}

/** A JST calendar day with its year, e.g. `2026年12月9日` or `9 Dec 2026`. */
export function formatDayLong(day: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 3);
  return dateFormat(locale, 'date', { year: 'numeric', month: 'short', day: 'numeric' }).format(
    new Date(at),
  );
}

/** The JST calendar day of an instant, as `YYYY-MM-DD`. */
export function jstDay(v: string | number | Date): string {
  const d = toDate(v);
  if (!d) return '';
  return new Date(d.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

// Intl formatters are costly to build and the board formats thousands of cells: one of each.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, kind: 'plain' | 'percent' | 'yen'): Intl.NumberFormat {
  const key = `${locale}|${kind}`;
  let f = numberFormats.get(key);
  if (!f) {
    const options: Intl.NumberFormatOptions =
      kind === 'percent'
        ? { style: 'percent', maximumFractionDigits: 0 }
        : kind === 'yen'
          ? { style: 'currency', currency: 'JPY' }
          : {};
    f = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, f);
  }
  return f;
}

export function formatNumber(n: number, locale: string): string {
  return numberFormat(locale, 'plain').format(n);
}

export function formatPercent(ratio: number, locale: string): string {
  return numberFormat(locale, 'percent').format(ratio);
}

export function formatYen(n: number, locale: string): string {
  return numberFormat(locale, 'yen').format(n);
}

/** A length of time as its whole days, hours, minutes and seconds (of its absolute value). */
export function splitDuration(ms: number): {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
} {
  const total = Math.floor(Math.abs(ms) / 1000);
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

/** `1d 03:04:05` style, with the day unit in the language (`1日 03:04:05`). */
export function formatCountdown(ms: number, dayUnit: string): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  return days > 0 ? `${days}${dayUnit} ${clock}` : clock;
}

/**
 * A `datetime-local` input's value read as JST (the console's zone, not the browser's), as the
 * ISO-8601 instant with zone the API expects; null when it is not such a value.
 */
export function jstInputToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+09:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** An instant as a `datetime-local` value in JST. */
export function isoToJstInput(v: string | number | Date): string {
  const d = toDate(v);
  if (!d) return '';
  return new Date(d.getTime() + JST_OFFSET_MS).toISOString().slice(0, 16);
}
