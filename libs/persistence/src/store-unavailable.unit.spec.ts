import fc from 'fast-check';
import { MongoClient, MongoNetworkError, MongoServerError } from 'mongodb';
import { isStoreUnavailable } from './store-unavailable';

describe('isStoreUnavailable', () => {
  it('Given the driver cannot reach a server, Then the store is unavailable', async () => {
    // The driver's own error for a port nobody listens on.
    const err: unknown = await new MongoClient('mongodb://127.0.0.1:1/', {
      serverSelectionTimeoutMS: 200,
    })
      .connect()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as Error).name).toBe('MongoServerSelectionError');
    expect(isStoreUnavailable(err)).toBe(true);
    expect(isStoreUnavailable(new MongoNetworkError('connection reset'))).toBe(true);
  });

  it('Given the server refused a query, Then it is not (the request itself is at fault)', () => {
    expect(isStoreUnavailable(new MongoServerError({ message: 'bad query', code: 2 }))).toBe(false);
    expect(isStoreUnavailable(new Error('anything'))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
    expect(isStoreUnavailable('MongoNetworkError')).toBe(false);
  });

  it('Given an unavailable store anywhere down a chain of causes, Then it is found; a cycle ends', () => {
    const names = fc.constantFrom(
      'Error',
      'TypeError',
      'MongoServerError',
      'MongoServerSelectionError',
      'MongoNetworkError',
      'MongoNetworkTimeoutError',
    );
    fc.assert(
      fc.property(
        fc.array(names, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (chain, cyclic) => {
          const errors = chain.map((name) => Object.assign(new Error(name), { name }));
          errors.forEach((e, i) => {
            const next = errors[i + 1] ?? (cyclic ? errors[0] : undefined);
            if (next) (e as { cause?: unknown }).cause = next;
          });
          const expected = chain.some(
            (n) => !['Error', 'TypeError', 'MongoServerError'].includes(n),
          );
          expect(isStoreUnavailable(errors[0])).toBe(expected);
        },
      ),
    );
  });
});
