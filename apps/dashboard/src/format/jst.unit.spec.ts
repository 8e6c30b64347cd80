import fc from 'fast-check';
import {
  formatCountdown,
  formatDateTime,
  formatDay,
  formatDayLong,
  formatNumber,
  isoToJstInput,
  jstDay,
  jstInputToIso,
  languageFromBrowser,
  localeFor,
  splitDuration,
} from './jst';

describe('times for people, in JST', () => {
  it('shows an instant in Asia/Tokyo whatever zone it came in', () => {
    expect(formatDateTime('2026-12-08T05:14:18.882Z', 'ja-JP')).toBe('2026/12/08 14:14 JST');
    expect(formatDateTime('2026-12-08T15:30:00Z', 'en-GB')).toBe('09 Dec 2026, 00:30 JST');
    expect(formatDateTime('2026-12-08T15:30:00Z', 'en-US')).toBe('Dec 09, 2026, 00:30 JST');
    expect(formatDateTime('2026-12-09T00:30:00+09:00', 'ja-JP')).toBe('2026/12/09 00:30 JST');
    expect(formatDateTime(null, 'ja-JP')).toBe('');
    expect(formatDateTime('not a date', 'ja-JP')).toBe('');
  });

  it('puts an instant on its JST calendar day', () => {
    expect(jstDay('2026-12-08T14:59:59Z')).toBe('2026-12-08');
    expect(jstDay('2026-12-08T15:00:00Z')).toBe('2026-12-09');
    expect(formatDay('2026-12-09', 'ja-JP')).toBe('12月9日');
    expect(formatDay('2026-12-09', 'en-GB')).toBe('9 Dec');
    expect(formatDayLong('2026-12-09', 'ja-JP')).toBe('2026年12月9日');
    expect(formatDayLong('2026-12-09', 'en-GB')).toBe('9 Dec 2026');
  });

  it('reads a datetime-local value as JST and back', () => {
    expect(jstInputToIso('2026-12-08T09:00')).toBe('2026-12-08T09:00:00+09:00');
    expect(jstInputToIso('2026-12-08')).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (ms) => {
        const minute = Math.floor(ms / 60_000) * 60_000;
        expect(Date.parse(jstInputToIso(isoToJstInput(minute)) ?? '')).toBe(minute);
      }),
    );
  });

  it('writes numbers in the language', () => {
    expect(formatNumber(1234567, 'ja-JP')).toBe('1,234,567');
    expect(formatNumber(1234567, 'en-GB')).toBe('1,234,567');
  });

  it('counts down in days, hours, minutes and seconds', () => {
    expect(splitDuration(90_061_000)).toEqual({ days: 1, hours: 1, minutes: 1, seconds: 1 });
    expect(formatCountdown(90_061_000, '日')).toBe('1日 01:01:01');
    expect(formatCountdown(-3_599_000, 'd')).toBe('00:59:59');
  });

  it('chooses the language and locale from the browser', () => {
    expect(languageFromBrowser(['ja-JP', 'en-US'])).toBe('ja');
    expect(languageFromBrowser(['en-US', 'ja'])).toBe('en');
    expect(languageFromBrowser(['fr-FR'])).toBe('en');
    expect(localeFor('ja')).toBe('ja-JP');
    expect(localeFor('en', ['en-US'])).toBe('en-US');
    expect(localeFor('en', ['en-GB'])).toBe('en-GB');
    expect(localeFor('en', ['ja-JP'])).toBe('en-GB');
  });
});
