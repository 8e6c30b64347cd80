import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { sendTaxii, taxiiError } from './taxii.media';
import { StaleStixCursor } from '@acd/indicators';
import { isStoreUnavailable, STORE_RETRY_AFTER_S } from '@acd/persistence';
import { TaxiiQueryError } from './taxii-query';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Every failure on a TAXII route answers as a TAXII error message in TAXII's media type. A 401
 * names both schemes clients use (Basic: organisation id and token; Bearer: the token).
 */
@Catch()
export class TaxiiErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('taxii');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let description: string | undefined;
    if (exception instanceof TaxiiQueryError) {
      status = 400;
      description = exception.message;
    } else if (exception instanceof StaleStixCursor) {
      status = 400;
      description = `next: ${exception.message}`;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      description = describe(exception.getResponse());
    } else if (isStoreUnavailable(exception)) {
      status = 503;
      description = 'the read store is unavailable at the moment; retry later';
      res.setHeader('Retry-After', String(STORE_RETRY_AFTER_S));
    } else {
      this.logger.error(exception instanceof Error ? exception.message : String(exception));
    }
    if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="taxii", Bearer');
    sendTaxii(res, status, taxiiError(status, TITLES[status] ?? 'Error', description));
  }
}

function describe(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { message?: unknown; issues?: { field?: string; reason?: string }[] };
  if (Array.isArray(b.issues) && b.issues.length > 0) {
    return b.issues.map((i) => (i.field ? `${i.field}: ${i.reason}` : i.reason)).join('; ');
  }
  if (typeof b.message === 'string') return b.message;
  if (Array.isArray(b.message)) return b.message.join('; ');
  return undefined;
}
