import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { malformedIssue } from './well-formed-unicode';
import { badRequest } from './zod-validation.pipe';

/**
 * Every string the gateway accepts must be well-formed Unicode: a request carrying a lone
 * surrogate anywhere answers 400 naming the field, before any handler, pipe or command sees
 * it, so it can never reach a processor that cannot encode it (and fill its dead-letter
 * queue). Registered globally; it runs after authentication, so an unauthenticated request is
 * still answered 401.
 */
@Injectable()
export class WellFormedUnicodeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const issue = malformedIssue(context.switchToHttp().getRequest<Request>());
      if (issue) throw badRequest([issue]);
    }
    return next.handle();
  }
}
