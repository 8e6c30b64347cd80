import { GatewayTimeoutException, HttpException, NotFoundException } from '@nestjs/common';
import { CommandNotAcceptedError, CommandTimeoutError, type CommandReply } from '@acd/messaging';
import type { Response } from 'express';
import { NOT_FOUND, refusalAnswer } from './refusal-answer';

export interface Accepted {
  id: string;
  version: number;
  eventIds: string[];
  /** True when the command was a retry of one already processed: no new event was written. */
  duplicate: boolean;
}

/** 201 for what the call recorded, 200 for a retry answered from the log; `Location` if given. */
export function created<T extends { duplicate: boolean }>(
  res: Response,
  accepted: T,
  location?: string,
): T {
  res.status(accepted.duplicate ? 200 : 201);
  if (location) res.setHeader('Location', location);
  return accepted;
}

/** The one answer for "does not exist" and "not yours to read" (see NOT_FOUND). */
export function notFound(): NotFoundException {
  return new NotFoundException({ ...NOT_FOUND.body });
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
  // Which answer, and what it may say (a version only in a conflict), is refusalAnswer's call.
  const { status, body } = refusalAnswer(reply);
  throw new HttpException(body, status);
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
  if (err instanceof CommandNotAcceptedError) {
    return new HttpException(
      {
        statusCode: 503,
        error: 'Service Unavailable',
        message:
          'Kafka did not take the command in time; retry later with the same Idempotency-Key (if it was written after all, the retry answers its outcome)',
        commandId: err.commandId,
      },
      503,
    );
  }
  return new HttpException(
    { statusCode: 503, error: 'Service Unavailable', message: 'the bus is unavailable' },
    503,
  );
}
