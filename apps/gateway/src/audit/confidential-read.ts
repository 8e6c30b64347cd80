import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';
import type { Organisation } from '@acd/identity';
import { AuditTrail } from './audit-trail.service';
import type { ItemsOf } from './read-items';

export { eachOf, param, type ItemsOf } from './read-items';

export const CONFIDENTIAL_READ = 'acd:confidential-read';

export interface ConfidentialReadSpec {
  kind: string;
  ids: ItemsOf;
}

/**
 * Records every read of the route on the audit log, naming the member and the ids returned
 * (for a list, every id of the page; for a page of nothing, the query alone). The record is on
 * Kafka before the response leaves; if it cannot be written, the caller gets a 5xx, not data.
 */
export const RecordsReads = (kind: string, ids: ItemsOf) =>
  SetMetadata(CONFIDENTIAL_READ, { kind, ids } satisfies ConfidentialReadSpec);

@Injectable()
export class ConfidentialReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditTrail,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<ConfidentialReadSpec | undefined>(
      CONFIDENTIAL_READ,
      context.getHandler(),
    );
    if (!spec || context.getType() !== 'http') return next.handle();
    const req = context
      .switchToHttp()
      .getRequest<Request & { organisation?: Organisation; subject?: string }>();
    return next
      .handle()
      .pipe(mergeMap((body: unknown) => from(this.record(req, spec, body).then(() => body))));
  }

  private async record(
    req: Request & { organisation?: Organisation; subject?: string },
    spec: ConfidentialReadSpec,
    body: unknown,
  ): Promise<void> {
    const org = req.organisation;
    if (!org) return;
    const params = (req.params ?? {}) as Record<string, string>;
    const ids = [...new Set(spec.ids(body, params).filter((id) => id.length > 0))];
    const routePath = (req.route as { path?: string } | undefined)?.path ?? req.path;
    await this.audit.recordRead(
      {
        org,
        subject: req.subject,
        route: `${req.method} ${routePath}`,
        query: { ...params, ...(req.query as Record<string, unknown>) },
        items: ids.map((id) => ({ kind: spec.kind, id, tlp: 'NONE' })),
      },
      { always: true },
    );
  }
}
