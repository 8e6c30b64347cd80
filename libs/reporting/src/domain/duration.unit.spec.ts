import fc from 'fast-check';
import { addDuration, formatDuration, parseDuration, type Duration } from './duration';

const duration = fc.record({
  years: fc.integer({ min: 0, max: 20 }),
  months: fc.integer({ min: 0, max: 40 }),
  weeks: fc.integer({ min: 0, max: 60 }),
  days: fc.integer({ min: 0, max: 400 }),
  hours: fc.integer({ min: 0, max: 1000 }),
  minutes: fc.integer({ min: 0, max: 1000 }),
  seconds: fc.integer({ min: 0, max: 100_000 }),
}) satisfies fc.Arbitrary<Duration>;

describe('ISO 8601 durations', () => {
  it('parse what they format', () => {
    fc.assert(
      fc.property(
        duration.filter((d) => Object.values(d).some((v) => v > 0)),
        (d) => {
          const parsed = parseDuration(formatDuration(d));
          expect(parsed).toEqual({ ok: true, value: d });
        },
      ),
    );
  });

  it('refuse anything else with a reason, never throw', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parsed = parseDuration(s);
        if (!parsed.ok) expect(parsed.reason).toContain('duration');
      }),
    );
    for (const bad of ['', 'P', 'PT', '24h', 'PT24', 'P1H', 'PT0S', 'P-1D', 'P1.5D']) {
      expect(parseDuration(bad).ok).toBe(false);
    }
  });

  it('add fixed units exactly, in UTC', () => {
    const t = Date.parse('2026-03-28T12:00:00Z');
    expect(addDuration(t, ok('PT24H'))).toBe(t + 86_400_000);
    expect(addDuration(t, ok('PT72H'))).toBe(Date.parse('2026-03-31T12:00:00Z'));
    expect(addDuration(t, ok('P1W'))).toBe(Date.parse('2026-04-04T12:00:00Z'));
  });

  it('add calendar months with the day clamped to the month end', () => {
    expect(addDuration(Date.parse('2026-01-31T09:00:00Z'), ok('P1M'))).toBe(
      Date.parse('2026-02-28T09:00:00Z'),
    );
    expect(addDuration(Date.parse('2028-01-31T09:00:00Z'), ok('P1M'))).toBe(
      Date.parse('2028-02-29T09:00:00Z'),
    );
    expect(addDuration(Date.parse('2026-11-22T10:00:00Z'), ok('P1M'))).toBe(
      Date.parse('2026-12-22T10:00:00Z'),
    );
    expect(addDuration(Date.parse('2026-12-15T00:00:00Z'), ok('P1Y2M'))).toBe(
      Date.parse('2028-02-15T00:00:00Z'),
    );
  });

  it('never move time backwards', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        duration,
        (t, d) => addDuration(t, d) >= t,
      ),
    );
  });
});

function ok(text: string): Duration {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}
