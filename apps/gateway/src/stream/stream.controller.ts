import {
  Controller,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import type { Organisation } from '@acd/identity';
import { decodePosition, InvalidPositionError, type StreamPosition } from '@acd/persistence';
import { CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';
import { badRequest, issuesOf } from '../common/zod-validation.pipe';
import { StreamHub } from './stream-hub';
import { PersonalTokenOnly } from '../auth/token-kind';

const streamQuerySchema = z.object({
  kinds: z
    .string()
    .regex(/^[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*$/, 'comma-separated kinds, e.g. indicator,advisory')
    .optional(),
  from: z.enum(['beginning', 'end']).default('end'),
  lastEventId: z.string().optional(),
  /** Read by the access-token middleware (EventSource cannot send headers); never echoed. */
  access_token: z.string().optional(),
});

export const RETRY_AFTER_SECONDS = 5;

@ApiTags('stream')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/stream')
export class StreamController {
  constructor(private readonly hub: StreamHub) {}

  @Get()
  @ApiOperation({
    summary:
      'Server-sent events of everything you may read (indicators, later advisories), resumable with Last-Event-ID',
    description:
      'Each event: `id:` the stream position (opaque), `event:` the kind, `data:` JSON `{kind, id, type, version, occurredAt, data}`. ' +
      'A comment line every ACD_STREAM_HEARTBEAT_MS. Authenticate with the Authorization header or, for EventSource, `?access_token=`.',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'kinds', required: false, description: 'e.g. indicator,advisory; default all' })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'end (default: only what happens from now on) or beginning',
  })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    description: 'Resume after this event id, for clients that cannot set the Last-Event-ID header',
  })
  @ApiQuery({ name: 'access_token', required: false, description: 'Bearer token, for EventSource' })
  @ApiResponse({ status: 200, description: 'The event stream' })
  @ApiResponse({ status: 400, description: 'Malformed Last-Event-ID or unknown kind' })
  @ApiResponse({
    status: 429,
    description:
      'Your organisation already holds ACD_STREAM_MAX_CLIENTS_PER_ORG streams on this gateway; see Retry-After',
  })
  @ApiResponse({
    status: 503,
    description: 'Too many open streams on this gateway; see Retry-After',
  })
  async stream(
    @CurrentOrg() org: Organisation,
    @Query() query: unknown,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Res() res: Response,
    @CurrentSubject() subject: string | undefined,
  ): Promise<void> {
    const parsed = streamQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(issuesOf(parsed.error));
    const q = parsed.data;
    const known = this.hub.kinds;
    const kinds = q.kinds ? [...new Set(q.kinds.split(','))] : known;
    const unknown = kinds.filter((k) => !known.includes(k));
    if (unknown.length > 0)
      throw badRequest([
        { field: 'kinds', reason: `unknown ${unknown.join(', ')}; known: ${known.join(', ')}` },
      ]);
    const lastEventId = lastEventIdHeader ?? q.lastEventId;
    let after: StreamPosition | null = null;
    if (lastEventId !== undefined) {
      try {
        after = decodePosition(lastEventId.trim());
      } catch (err) {
        if (!(err instanceof InvalidPositionError)) throw err;
        throw badRequest([
          {
            field: lastEventIdHeader !== undefined ? 'Last-Event-ID' : 'lastEventId',
            reason: err.message,
          },
        ]);
      }
    }
    const slot = this.hub.reserve(org.id);
    if (slot === 'gateway-full') {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: `this gateway already serves ${this.hub.maxClients} streams; retry later`,
      });
    }
    if (slot === 'organisation-full') {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          message: `your organisation already has ${this.hub.maxClientsPerOrg} open streams on this gateway (ACD_STREAM_MAX_CLIENTS_PER_ORG); close one, or retry later`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    await this.hub.open({ viewer: org, kinds, after, from: q.from, res, subject });
  }
}
