import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { json, type NextFunction, type Request, type Response } from 'express';
import { loadConfig } from '@acd/config';
import { trafficSchema } from '@acd/traffic';

export const FLOW_BATCH_PATH = '/v1/traffic/flow-batches';

/**
 * The flow-batch route's own JSON body limit (ACD_FLOW_BATCH_MAX_BODY, default 8mb): a batch
 * of 10,000 flows is about 2.5 MB of JSON, far over the global ACD_MAX_BODY (256kb) that
 * every other route keeps.
 *
 * The global parser is registered in main.ts after the application is created. This provider
 * is instantiated while the application is being created, so its parser is registered on the
 * Express app first; it marks the request's body as parsed, and the global parser then
 * leaves it alone (body-parser skips a request whose body was already read). Only POST to
 * this exact path is affected.
 */
@Injectable()
export class FlowBatchBodyLimit {
  readonly limit: string;

  constructor(host: HttpAdapterHost) {
    this.limit = loadConfig(trafficSchema).ACD_FLOW_BATCH_MAX_BODY;
    const parse = json({ limit: this.limit });
    const app = host.httpAdapter?.getInstance<{
      use(path: string, fn: (req: Request, res: Response, next: NextFunction) => void): void;
    }>();
    if (!app) {
      new Logger('traffic').warn('no HTTP adapter: flow batches keep the global body limit');
      return;
    }
    app.use(FLOW_BATCH_PATH, (req, res, next) => {
      if (req.method !== 'POST' || (req.path !== '/' && req.path !== '')) return next();
      parse(req, res, (err?: unknown) => {
        if (!err) return next();
        const status = (err as { status?: number }).status ?? 400;
        if (status === 413) {
          res.status(413).json({
            statusCode: 413,
            error: 'Payload Too Large',
            message: `flow batch body exceeds ACD_FLOW_BATCH_MAX_BODY (${this.limit}); split the submission`,
          });
          return;
        }
        res.status(400).json({
          statusCode: 400,
          error: 'Bad Request',
          message: `(body): ${err instanceof Error ? err.message : 'unreadable JSON'}`,
          issues: [{ field: '(body)', reason: 'not valid JSON' }],
        });
      });
    });
  }
}
