/**
 * The REST API, same origin. The bearer token goes in the Authorization header and nowhere
 * else: never in a URL, never in a log line.
 */

export interface FieldIssue {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfter: string | null = null,
  ) {
    super(ApiError.describe(status, body));
  }

  /** The API's 400 issues (`{field, reason}`), or a 422's single field. */
  get issues(): FieldIssue[] {
    const b = this.body as { issues?: unknown; field?: unknown; message?: unknown } | null;
    if (b && Array.isArray(b.issues))
      return b.issues.filter(
        (i): i is FieldIssue =>
          typeof i === 'object' && i !== null && typeof (i as FieldIssue).field === 'string',
      );
    if (b && typeof b.field === 'string')
      return [{ field: b.field, reason: typeof b.message === 'string' ? b.message : '' }];
    return [];
  }

  static describe(status: number, body: unknown): string {
    const b = body as { message?: unknown; description?: unknown } | null;
    const m = b && (typeof b.message === 'string' ? b.message : b.description);
    return typeof m === 'string' && m !== '' ? m : `HTTP ${status}`;
  }
}

/** The network failed (no answer at all). */
export class NetworkError extends Error {}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface PostOptions {
  idempotencyKey?: string;
  contentType?: string;
  accept?: string;
}

export interface Api {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body: unknown, options?: PostOptions): Promise<{ status: number; body: T }>;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createApi(
  token: string | null,
  options: { fetch?: typeof fetch; onUnauthorized?: () => void } = {},
): Api {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(path, { ...init, credentials: 'omit', cache: 'no-store' });
    } catch (err) {
      throw new NetworkError(err instanceof Error ? err.message : String(err));
    }
  }
  async function check(res: Response): Promise<unknown> {
    const body = await parse(res);
    if (!res.ok) {
      if (res.status === 401) options.onUnauthorized?.();
      throw new ApiError(res.status, body, res.headers.get('retry-after'));
    }
    return body;
  }
  return {
    async get<T>(path: string, query?: Query): Promise<T> {
      const res = await send(withQuery(path, query), {
        headers: { ...auth, accept: 'application/json' },
      });
      return (await check(res)) as T;
    },
    async post<T>(path: string, body: unknown, o: PostOptions = {}) {
      const res = await send(path, {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': o.contentType ?? 'application/json',
          accept: o.accept ?? 'application/json',
          ...(o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await check(res)) as T };
    },
  };
}
