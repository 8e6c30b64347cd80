import { ApiClient, ApiError } from '../api-client';
import type { DemoActor } from './demo-cast';
import type { DemoJournal } from './demo-journal';

/**
 * The demo's way to the API: one typed client per actor, and every keyed request sent through
 * the journal, so that a second run repeats the first run's bodies under the same keys.
 */
export class DemoSession {
  private readonly clients = new Map<string, ApiClient>();

  constructor(
    readonly url: string,
    private readonly journal: DemoJournal,
    readonly log: (line: string) => void = (line) => console.log(line),
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  as(who: DemoActor): ApiClient {
    let client = this.clients.get(who.token);
    if (!client) {
      client = new ApiClient({ url: this.url, token: who.token }, this.fetchImpl);
      this.clients.set(who.token, client);
    }
    return client;
  }

  /** Sends `fresh` under `key`, or whatever an earlier run sent under it. */
  send<B, R>(
    who: DemoActor,
    key: string,
    fresh: B,
    call: (client: ApiClient, body: B, key: string) => Promise<R>,
  ): Promise<R> {
    return call(this.as(who), this.journal.replay(who.principal, key, fresh), key);
  }
}

/**
 * A request whose answer the demo does not need, where 409 means it is already done (an earlier
 * run did it, e.g. under another key).
 */
export async function doneOrConflict(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err;
  }
}

/** Polls `probe` until it yields a value; errors count as "not yet" until the time is up. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  intervalMs = 300,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
