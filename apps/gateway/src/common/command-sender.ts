import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { commandIdFor } from '@acd/event-sourcing';
import type { Organisation } from '@acd/identity';
import { CommandBus, type SendCommand, type TopicKey } from '@acd/messaging';
import { commandFailure, outcomeOf, type Accepted } from './command-outcome';
import { badRequest } from './zod-validation.pipe';
import { idempotencyKeySchema, ifMatchSchema } from './command-headers';

export interface CommandOptions {
  idempotencyKey?: string;
  expectedVersion?: number;
  correlationId: string;
}

/** Reads Idempotency-Key, If-Match and X-Correlation-Id, answering 400 when one is malformed. */
export function commandOptions(
  req: Request,
  key: string | undefined,
  ifMatch: string | undefined,
): CommandOptions {
  const k = idempotencyKeySchema.safeParse(key);
  if (!k.success)
    throw badRequest([
      { field: 'Idempotency-Key', reason: k.error.issues[0]?.message ?? 'invalid' },
    ]);
  const v = ifMatchSchema.safeParse(ifMatch);
  if (!v.success)
    throw badRequest([{ field: 'If-Match', reason: v.error.issues[0]?.message ?? 'invalid' }]);
  const correlation = req.headers['x-correlation-id'];
  return {
    ...(k.data ? { idempotencyKey: k.data } : {}),
    ...(v.data !== undefined ? { expectedVersion: v.data } : {}),
    correlationId:
      typeof correlation === 'string' && correlation.length <= 100 ? correlation : randomUUID(),
  };
}

/**
 * The one way the gateway hands a command to a context: the command id is derived from the
 * caller's Idempotency-Key (scoped to its organisation), the outcome is awaited on the bus and
 * turned into the HTTP answer.
 */
@Injectable()
export class CommandSender {
  constructor(private readonly bus: CommandBus) {}

  /** The command id a request will carry: stable for a retried Idempotency-Key. */
  commandId(org: Organisation, opts: CommandOptions): string {
    return opts.idempotencyKey ? commandIdFor(org.id, opts.idempotencyKey) : randomUUID();
  }

  async send(
    org: Organisation,
    topic: TopicKey,
    schema: string,
    aggregateId: string,
    data: object,
    opts: CommandOptions,
    commandId = this.commandId(org, opts),
  ): Promise<Accepted> {
    const cmd: SendCommand = {
      topic,
      schema,
      aggregateId,
      commandId,
      data,
      issuer: { orgId: org.id, kind: org.kind, sector: org.sector ?? null },
      correlationId: opts.correlationId,
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      ...(opts.expectedVersion !== undefined ? { expectedVersion: opts.expectedVersion } : {}),
    };
    let reply;
    try {
      reply = await this.bus.send(cmd);
    } catch (err) {
      throw commandFailure(err);
    }
    return outcomeOf(reply);
  }
}
