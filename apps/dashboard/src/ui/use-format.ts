import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  formatCountdown,
  formatDateTime,
  formatDay,
  formatDayLong,
  formatNumber,
  formatPercent,
  formatYen,
  localeFor,
  type Language,
} from '../format/jst';

/** The formatting functions for the console's current language (JST always). */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const language: Language = i18n.language === 'ja' ? 'ja' : 'en';
  return useMemo(() => {
    const locale = localeFor(language, globalThis.navigator?.languages ?? []);
    return {
      locale,
      dateTime: (v: string | number | null | undefined) => formatDateTime(v, locale),
      day: (d: string) => formatDay(d, locale),
      dayLong: (d: string) => formatDayLong(d, locale),
      number: (n: number) => formatNumber(n, locale),
      percent: (r: number) => formatPercent(r, locale),
      yen: (n: number) => formatYen(n, locale),
      countdown: (ms: number) => formatCountdown(ms, t('clock.dayUnit')),
    };
  }, [language, t]);
}
