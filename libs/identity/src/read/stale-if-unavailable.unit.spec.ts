import fc from 'fast-check';
import { StaleIfUnavailable } from './stale-if-unavailable';

const unavailable = () => Object.assign(new Error('store down'), { name: 'MongoNetworkError' });

describe('StaleIfUnavailable', () => {
  it('Given the store down, When a key read within staleMs is asked for, Then its last value answers', async () => {
    let now = 0;
    const cache = new StaleIfUnavailable<string>(5_000, 60_000, 100, () => now);
    expect(await cache.get('k', async () => 'v1')).toBe('v1');
    now = 30_000;
    expect(await cache.get('k', () => Promise.reject(unavailable()))).toBe('v1');
  });

  it('Given the store down past staleMs, or a key never read, Then the error reaches the caller', async () => {
    let now = 0;
    const cache = new StaleIfUnavailable<string>(5_000, 60_000, 100, () => now);
    await cache.get('k', async () => 'v1');
    now = 60_000;
    await expect(cache.get('k', () => Promise.reject(unavailable()))).rejects.toThrow('store down');
    await expect(cache.get('other', () => Promise.reject(unavailable()))).rejects.toThrow();
  });

  it('Given an error that is not the store being unreachable, Then it is never masked', async () => {
    let now = 0;
    const cache = new StaleIfUnavailable<string>(5_000, 60_000, 100, () => now);
    await cache.get('k', async () => 'v1');
    now = 6_000;
    await expect(cache.get('k', () => Promise.reject(new Error('bad query')))).rejects.toThrow(
      'bad query',
    );
  });

  it('For any sequence of reads, Then an answer is the latest value read, and never older than staleMs', async () => {
    const step = fc.record({
      dt: fc.integer({ min: 0, max: 40_000 }),
      outcome: fc.oneof(
        fc.constant<'down'>('down'),
        fc.constant<'broken'>('broken'),
        fc.integer({ min: 0, max: 99 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        let now = 0;
        const ttl = 5_000;
        const stale = 60_000;
        const cache = new StaleIfUnavailable<number>(ttl, stale, 100, () => now);
        let last: { value: number; at: number } | undefined;
        for (const { dt, outcome } of steps) {
          now += dt;
          const fresh = last !== undefined && now - last.at < ttl;
          const got = await cache
            .get('k', () =>
              typeof outcome === 'number'
                ? Promise.resolve(outcome)
                : Promise.reject(outcome === 'down' ? unavailable() : new Error('bad')),
            )
            .then(
              (v) => ({ v }),
              () => ({ err: true }),
            );
          if (fresh && last) {
            expect(got).toEqual({ v: last.value });
          } else if (typeof outcome === 'number') {
            expect(got).toEqual({ v: outcome });
            last = { value: outcome, at: now };
          } else if (outcome === 'down' && last && now - last.at < stale) {
            expect(got).toEqual({ v: last.value });
          } else {
            expect(got).toEqual({ err: true });
          }
        }
      }),
    );
  });
});
