import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import {
  isStoreUnavailable,
  STORE_RETRY_AFTER_S,
  STORE_UNAVAILABLE_ANSWER,
} from '@acd/persistence';

/**
 * A read the store could not serve (no server, a lost connection) answers 503 with Retry-After,
 * not a 500: the client did nothing wrong and the same request will succeed once the store is
 * back. Every other 503 gets a Retry-After too; everything else goes to Nest's own handling.
 */
@Catch()
export class StoreUnavailableFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      super.catch(exception, host);
      return;
    }
    const res = host.switchToHttp().getResponse<Response>();
    if (!isStoreUnavailable(exception)) {
      // Any other 503 (Kafka cannot take a command) is as temporary: say when to retry.
      if (
        exception instanceof HttpException &&
        exception.getStatus() === 503 &&
        !res.headersSent &&
        !res.getHeader('Retry-After')
      )
        res.setHeader('Retry-After', String(STORE_RETRY_AFTER_S));
      super.catch(exception, host);
      return;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.setHeader('Retry-After', String(STORE_RETRY_AFTER_S));
    res.status(503).json(STORE_UNAVAILABLE_ANSWER);
  }
}
