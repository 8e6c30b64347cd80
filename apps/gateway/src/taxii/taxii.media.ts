/** TAXII 2.1 media types and the answers its clients expect (OASIS TAXII 2.1, sections 1.6, 3.6). */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0)
          params[p.slice(0, eq).trim().toLowerCase()] = p
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    });
}

/**
 * Whether a response in TAXII 2.1's media type is acceptable to the client: no `Accept` at all,
 * `application/taxii+json` without a version or with version 2.1, or a wildcard covering it.
 * Anything else (another TAXII version, plain `application/json` alone) is a 406.
 */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return parseMediaRanges(accept).some(
    (r) =>
      r.q > 0 &&
      (r.type === '*/*' ||
        r.type === 'application/*' ||
        (r.type === 'application/taxii+json' &&
          (r.params.version === undefined || r.params.version === '2.1'))),
  );
}

/** Whether a request body is declared as TAXII 2.1 (the only type `add objects` takes). */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [range] = parseMediaRanges(contentType);
  return (
    range !== undefined &&
    range.type === 'application/taxii+json' &&
    (range.params.version === undefined || range.params.version === '2.1')
  );
}

/** A TAXII 2.1 error message (section 3.6.1). */
export interface TaxiiError {
  title: string;
  description?: string;
  http_status: string;
}

export function taxiiError(status: number, title: string, description?: string): TaxiiError {
  return { title, ...(description ? { description } : {}), http_status: String(status) };
}

/**
 * Sends a TAXII answer with the media type exactly as TAXII 2.1 writes it (Express's `type` and
 * `send` would rewrite it as `application/taxii+json; version=2.1; charset=utf-8`).
 */
export function sendTaxii(
  res: {
    status(code: number): unknown;
    setHeader(name: string, value: string | number): unknown;
    end(chunk: Buffer): unknown;
  },
  status: number,
  body: unknown,
): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.status(status);
  res.setHeader('Content-Type', TAXII_MEDIA_TYPE);
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}
