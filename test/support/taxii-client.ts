import { runPython, taxiiScript } from './python';

/**
 * The OASIS TAXII 2.1 client (taxii2-client, unmodified) driven through test/taxii/taxii_client.py:
 * what an outside consumer's tooling does against the bus's TAXII server.
 *
 *   await taxiiClient(['discover', '--url', `${gateway}/taxii2/`, '--user', org, '--password', token])
 *   await taxiiClient(['page', '--url', `${gateway}/taxii2/api/collections/indicators/`,
 *                      '--bearer', token, '--per-request', '50'])
 *
 * Resolves with the script's JSON; rejects with a TaxiiClientError (carrying the HTTP status when
 * the server answered with an error) when the script fails.
 */

export class TaxiiClientError extends Error {
  constructor(
    message: string,
    /** The server's HTTP status, when the failure was an HTTP error response. */
    readonly httpStatus: number | undefined,
    /** The response body (first 4,000 characters), when there was one. */
    readonly body: string | undefined,
    /** The exception's class in the script, e.g. HTTPError, AccessError, ValidationError. */
    readonly type: string | undefined,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'TaxiiClientError';
  }
}

interface ScriptError {
  error?: string;
  type?: string;
  http_status?: number;
  body?: string;
}

function lastJsonLine(stderr: string): ScriptError | undefined {
  const line = stderr.trimEnd().split('\n').pop();
  if (!line?.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as ScriptError;
  } catch {
    return undefined;
  }
}

export async function taxiiClient<T = unknown>(
  args: readonly string[],
  { timeoutMs = 120_000 }: { timeoutMs?: number } = {},
): Promise<T> {
  const r = await runPython(taxiiScript('taxii_client.py'), args, { timeoutMs });
  if (r.code !== 0) {
    const e = lastJsonLine(r.stderr);
    throw new TaxiiClientError(
      `taxii_client.py ${args[0] ?? ''} failed (exit ${r.code ?? r.signal}): ` +
        (e?.error ?? r.stderr.trim()),
      e?.http_status,
      e?.body,
      e?.type,
      r.code,
      r.stderr,
    );
  }
  return JSON.parse(r.stdout) as T;
}

/** What `discover` prints. */
export interface TaxiiDiscovery {
  title: string;
  description: string | null;
  contact: string | null;
  default: string | null;
  api_roots: string[];
  api_root: {
    url: string;
    title: string;
    description: string | null;
    versions: string[];
    max_content_length: number;
    collections: {
      id: string;
      title: string;
      description: string | null;
      alias: string | null;
      can_read: boolean;
      can_write: boolean;
      media_types: string[];
      url: string;
    }[];
  } | null;
}

/** What `page` (and `manifest --per-request`) prints. */
export interface TaxiiPages<T = Record<string, unknown>> {
  pages: number;
  page_sizes: number[];
  /** `more` of the last page: false once as_pages has read everything. */
  more: boolean;
  objects: T[];
}

/** What `add` prints: the final status resource. */
export interface TaxiiStatus {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp: string | null;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes: { id: string; version?: string; message?: string }[];
  failures: { id: string; version?: string; message?: string }[];
  pendings: { id: string; version?: string; message?: string }[];
}
