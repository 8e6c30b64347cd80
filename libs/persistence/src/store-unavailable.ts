/**
 * Whether an error means the store cannot be reached (as opposed to a query it refused): the
 * driver found no server, lost its connection, or timed out on the network. Such a read is
 * answered 503 with Retry-After, and is worth retrying; the error itself says nothing about the
 * data. Recognised by the driver's error names (and their causes), so callers need not load the
 * driver's classes.
 */
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
]);

export function isStoreUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e && typeof e === 'object' && !seen.has(e);) {
    seen.add(e);
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && UNAVAILABLE.has(name)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The answer to a read the store could not serve: what the gateway sends with status 503. */
export const STORE_UNAVAILABLE_ANSWER = {
  statusCode: 503,
  error: 'store-unavailable',
  message:
    'The read store is unavailable at the moment; retry later. Commands are still accepted: ' +
    'Kafka is the record, and the read models catch up when the store returns.',
} as const;

/** Seconds a client should wait before retrying a read the store could not serve. */
export const STORE_RETRY_AFTER_S = 5;
