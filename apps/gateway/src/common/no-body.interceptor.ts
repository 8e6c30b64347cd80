import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { badRequest } from './zod-validation.pipe';
import { bodyHasContent, handlerTakesBody, IGNORES_BODY, ROUTE_ARGS } from './no-body';

/**
 * A route kept for old clients that still send a body it no longer reads (a gone route answers
 * 410 whatever it is sent): the body is accepted and read by nobody.
 */
export const IgnoresBody = () => SetMetadata(IGNORES_BODY, true);

/**
 * A REST route that takes no body (an acknowledgement, issuing a member token, a revocation)
 * refuses one that carries anything, 400 naming `(body)`: such a body was once ignored whatever
 * it held (40,000 levels of nesting, `__proto__`, NUL), and even hashed into the command's
 * fingerprint. An empty body, `{}` or `[]` is no body. TAXII reads its own body and is left to
 * its own edge.
 */
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const args = Reflect.getMetadata(
        ROUTE_ARGS,
        context.getClass(),
        context.getHandler().name,
      ) as Record<string, unknown> | undefined;
      if (
        req.path.startsWith('/v1/') &&
        !handlerTakesBody(args) &&
        Reflect.getMetadata(IGNORES_BODY, context.getHandler()) !== true &&
        bodyHasContent(req.body as unknown)
      )
        throw badRequest([{ field: '(body)', reason: 'this route takes no body' }]);
    }
    return next.handle();
  }
}
