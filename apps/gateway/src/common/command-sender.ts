import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { Reader } from '@acd/identity';
import { CommandBus, type SendCommand, type TopicKey } from '@acd/messaging';
import { commandFailure, outcomeOf, type Accepted } from './command-outcome';
import { badRequest } from './zod-validation.pipe';
import { idempotencyKeySchema, ifMatchSchema } from './command-headers';
import { BusIds } from './bus-ids';
import { digestOf, requestDigest, stableJson } from './request-digest';

export interface CommandOptions {
  idempotencyKey?: string;
  expectedVersion?: number;
  correlationId: string;
  /** The person the bearer token names within its organisation (a commission member). */
  subject?: string;
  /**
   * Digest of what the caller asked for (method, path, body). A retry under the same
   * Idempotency-Key must repeat it exactly to be answered from the log.
   */
  requestDigest: string;
}

/**
 * Options for a command the gateway sends on behalf of one part of a request (an item of a
 * batch, an indicator an incident report brings): its own key, derived from the request's, and
 * its own digest, so each part is bound to exactly its own body.
 */
export function partOf(opts: CommandOptions, keySuffix: string, body: unknown): CommandOptions {
  return {
    correlationId: opts.correlationId,
    ...(opts.subject ? { subject: opts.subject } : {}),
    ...(opts.idempotencyKey ? { idempotencyKey: `${opts.idempotencyKey}${keySuffix}` } : {}),
    requestDigest: digestOf(opts.requestDigest, keySuffix, stableJson(body)),
  };
}

/** Reads Idempotency-Key, If-Match and X-Correlation-Id, answering 400 when one is malformed. */
export function commandOptions(
  req: Request & { subject?: string },
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
    ...(req.subject ? { subject: req.subject } : {}),
    requestDigest: requestDigest(req.method, req.originalUrl.split('?')[0] ?? '', req.body),
  };
}

/**
 * The one way the gateway hands a command to a context: the command id is derived from the
 * caller's Idempotency-Key (scoped to its organisation and member, keyed so nobody can derive it),
 * the command carries a fingerprint of the request that a retry must match, and the outcome is
 * awaited on the bus and turned into the HTTP answer.
 */
@Injectable()
export class CommandSender {
  constructor(
    private readonly bus: CommandBus,
    private readonly ids: BusIds,
  ) {}

  /** The command id a request will carry: stable for a retried Idempotency-Key. */
  commandId(org: Reader, opts: CommandOptions): string {
    return opts.idempotencyKey
      ? this.ids.command({ orgId: org.id, subject: opts.subject ?? null }, opts.idempotencyKey)
      : randomUUID();
  }

  async send(
    org: Reader,
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
      issuer: {
        orgId: org.id,
        kind: org.kind,
        sector: org.sector ?? null,
        ...(org.councilBound === true ? { councilBound: true } : {}),
      },
      ...(opts.subject ? { actor: opts.subject } : {}),
      correlationId: opts.correlationId,
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      fingerprint: digestOf(schema, aggregateId, org.id, opts.subject ?? '', opts.requestDigest),
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
