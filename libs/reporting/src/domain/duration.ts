import type { Millis } from './reporting.events';

/**
 * ISO 8601 durations as reporting rules state them: "PT24H", "PT72H", "P1M". Months and years
 * are calendar units (NIS2's "one month"), added in UTC with the day clamped to the month's
 * end (31 January + P1M = 28 or 29 February); days, hours, minutes and seconds are fixed lengths.
 */
export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN =
  /^P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;

export type DurationParse = { ok: true; value: Duration } | { ok: false; reason: string };

export function parseDuration(text: string): DurationParse {
  const m = PATTERN.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) {
    return {
      ok: false,
      reason: `"${text}" is not an ISO 8601 duration like PT24H, P3D or P1M`,
    };
  }
  const n = (i: number) => Number(m[i] ?? 0);
  const value = {
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
  };
  if (Object.values(value).every((v) => v === 0)) {
    return { ok: false, reason: `"${text}" is zero; a deadline needs a positive duration` };
  }
  return { ok: true, value };
}

export function formatDuration(d: Duration): string {
  const date =
    (d.years ? `${d.years}Y` : '') +
    (d.months ? `${d.months}M` : '') +
    (d.weeks ? `${d.weeks}W` : '') +
    (d.days ? `${d.days}D` : '');
  const time =
    (d.hours ? `${d.hours}H` : '') +
    (d.minutes ? `${d.minutes}M` : '') +
    (d.seconds ? `${d.seconds}S` : '');
  return `P${date}${time ? `T${time}` : ''}`;
}

export function addDuration(start: Millis, d: Duration): Millis {
  const date = new Date(start);
  if (d.years || d.months) {
    const totalMonths = date.getUTCMonth() + d.months + 12 * d.years;
    const year = date.getUTCFullYear() + Math.floor(totalMonths / 12);
    const month = ((totalMonths % 12) + 12) % 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    date.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  }
  const fixed =
    (((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60_000 + d.seconds * 1000;
  return date.getTime() + fixed;
}
