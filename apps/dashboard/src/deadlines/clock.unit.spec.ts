import fc from 'fast-check';
import { AMBER_WITHIN_MS, RED_WITHIN_MS, byUrgency, clockState, type ClockState } from './clock';

const HOUR = 3_600_000;
const now = Date.parse('2026-12-08T00:00:00Z');

describe('a deadline clock', () => {
  it('is green, amber, red and overdue as the time left runs out', () => {
    const at = (hoursLeft: number) => clockState(now + hoursLeft * HOUR, now);
    expect(at(72)).toBe('green');
    expect(at(12.01)).toBe('green');
    expect(at(12)).toBe('amber');
    expect(at(2.01)).toBe('amber');
    expect(at(2)).toBe('red');
    expect(at(0.001)).toBe('red');
    expect(at(0)).toBe('overdue');
    expect(at(-5)).toBe('overdue');
  });

  it('is met when the report was filed on time, and stays overdue when missed', () => {
    expect(clockState(now - HOUR, now, 'met')).toBe('met');
    expect(clockState(now + 100 * HOUR, now, 'met')).toBe('met');
    expect(clockState(now + 100 * HOUR, now, 'missed')).toBe('overdue');
  });

  it('only ever gets more urgent as time passes', () => {
    const rank: Record<ClockState, number> = { met: -1, green: 0, amber: 1, red: 2, overdue: 3 };
    fc.assert(
      fc.property(
        fc.integer({ min: -100 * HOUR, max: 100 * HOUR }),
        fc.nat({ max: 50 * HOUR }),
        (left, later) => {
          const due = now + left;
          expect(rank[clockState(due, now + later)]).toBeGreaterThanOrEqual(
            rank[clockState(due, now)],
          );
        },
      ),
    );
    expect(AMBER_WITHIN_MS).toBeGreaterThan(RED_WITHIN_MS);
  });

  it('orders pending deadlines first, soonest first', () => {
    const ds = [
      { dueAt: '2026-12-09T00:00:00Z', status: 'met' as const },
      { dueAt: '2026-12-10T00:00:00Z', status: 'pending' as const },
      { dueAt: '2026-12-07T00:00:00Z', status: 'pending' as const },
    ];
    expect([...ds].sort(byUrgency).map((d) => d.dueAt)).toEqual([
      '2026-12-07T00:00:00Z',
      '2026-12-10T00:00:00Z',
      '2026-12-09T00:00:00Z',
    ]);
  });
});
