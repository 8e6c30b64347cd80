import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';
import {
  acceptsTaxii,
  isTaxiiContentType,
  sendTaxii,
  TAXII_MEDIA_TYPE,
  taxiiError,
} from './taxii.media';

/** The one route that takes a POST (add objects), relative to `/taxii2`. */
const WRITABLE = /^\/api\/collections\/[^/]+\/objects\/?$/;
/** The routes that answer GET only, relative to `/taxii2`. */
const READ_ONLY = [
  /^\/?$/,
  /^\/api\/?$/,
  /^\/api\/status\/[^/]+\/?$/,
  /^\/api\/collections\/?$/,
  /^\/api\/collections\/[^/]+\/?$/,
  /^\/api\/collections\/[^/]+\/manifest\/?$/,
  /^\/api\/collections\/[^/]+\/objects\/[^/]+\/?$/,
  /^\/api\/collections\/[^/]+\/objects\/[^/]+\/versions\/?$/,
];

/**
 * The TAXII routes' edge, before anything else reads the request: the client must accept TAXII
 * 2.1 (406 otherwise), a POST must declare it (415), and its body must fit `max_content_length`
 * (413, refused on the declared length before a byte is read). Answers are TAXII error messages.
 */
export function taxiiEdge(maxContentLength: number) {
  const parse = json({ limit: maxContentLength, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    const fail = (status: number, title: string, description?: string) => {
      sendTaxii(res, status, taxiiError(status, title, description));
    };
    if (!acceptsTaxii(req.headers.accept)) {
      fail(406, 'Not Acceptable', `this server answers in ${TAXII_MEDIA_TYPE} only`);
      return;
    }
    if (req.method !== 'POST') {
      next();
      return;
    }
    // Only a collection's objects take a POST: on any other route of ours it is the method that
    // is wrong (405), whatever the body's media type; unknown paths go on to their 404.
    const path = req.path;
    if (!WRITABLE.test(path)) {
      if (READ_ONLY.some((r) => r.test(path))) {
        res.setHeader('Allow', 'GET');
        fail(405, 'Method Not Allowed', 'this route answers GET only');
      } else next();
      return;
    }
    if (!isTaxiiContentType(req.headers['content-type'])) {
      fail(415, 'Unsupported Media Type', `send the envelope as ${TAXII_MEDIA_TYPE}`);
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxContentLength) {
      fail(413, 'Content Too Large', `at most ${maxContentLength} bytes (max_content_length)`);
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (!err) {
        next();
        return;
      }
      const status = (err as { status?: number }).status;
      if (status === 413) {
        fail(413, 'Content Too Large', `at most ${maxContentLength} bytes (max_content_length)`);
      } else {
        fail(400, 'Bad Request', 'the body is not JSON');
      }
    });
  };
}

/** `10mb`, `256kb`, `500b` in bytes. */
export function sizeInBytes(size: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(size);
  if (!m) throw new Error(`not a size: ${size}`);
  const unit = (m[2] as string).toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}
