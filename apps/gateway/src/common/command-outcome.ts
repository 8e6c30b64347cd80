import {
  ConflictException,
  ForbiddenException,
  GatewayTimeoutException,
  HttpException,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { CommandTimeoutError, type CommandReply } from '@acd/messaging';

export interface Accepted {
  id: string;
  version: number;
  eventIds: string[];
  /** True when the command was a retry of one already processed: no new event was written. */
  duplicate: boolean;
}

/** Turns a processor's reply into the HTTP answer: accepted, or the domain's refusal. */
export function outcomeOf(reply: CommandReply): Accepted {
  if (reply.outcome === 'ACCEPTED') {
    return {
      id: reply.aggregateId,
      version: reply.version,
      eventIds: reply.eventIds,
      duplicate: reply.duplicate,
    };
  }
  const body = {
    message: reply.reason ?? 'refused',
    ...(reply.field ? { field: reply.field } : {}),
    currentVersion: reply.version,
  };
  switch (reply.code) {
    case 'conflict':
      throw new ConflictException({ statusCode: 409, error: 'Conflict', ...body });
    case 'forbidden':
      throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', ...body });
    case 'not-found':
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: 'not found' });
    default:
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        ...body,
      });
  }
}

export function commandFailure(err: unknown): HttpException {
  if (err instanceof HttpException) return err;
  if (err instanceof CommandTimeoutError) {
    return new GatewayTimeoutException({
      statusCode: 504,
      error: 'Gateway Timeout',
      message:
        'the command was sent but its outcome is not known yet; retry with the same Idempotency-Key to learn it without publishing twice',
      commandId: err.commandId,
    });
  }
  return new HttpException(
    { statusCode: 503, error: 'Service Unavailable', message: 'the bus is unavailable' },
    503,
  );
}
