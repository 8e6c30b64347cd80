import type { CommandReply } from '@acd/messaging';

/** An HTTP status and JSON body, before Nest turns it into an exception. */
export interface Answer {
  status: number;
  body: Record<string, unknown> & { statusCode: number; error: string; message: string };
}

/**
 * The one answer for "does not exist" and "not yours to read", on every route: the same status
 * and the same body, whatever the route, the method or the id, so that no answer tells the two
 * apart (and none echoes the id back).
 */
export const NOT_FOUND: Answer = {
  status: 404,
  body: { statusCode: 404, error: 'Not Found', message: 'not found' },
};

/**
 * The processor's reply to a command it could not decode carries the decoder's error text;
 * that is for the dead-letter queue's headers and the logs, not for the caller.
 */
const UNDECODABLE = /^command could not be decoded/;

/**
 * The answer to a refused command.
 *
 * Only a conflict (409) carries the aggregate's `currentVersion`, the version to re-read and
 * retry from. A command about an item the caller may not read is refused by the processor as
 * not found before any version is compared (the deciders decide readership from the log), so a
 * conflict reaches only readers. A refusal for
 * who the caller is (403) or for what it sent (422) needs no version and carries none: a
 * version there would let a caller who may act on nothing watch an item change.
 */
export function refusalAnswer(reply: CommandReply): Answer {
  const body = {
    message: reply.reason ?? 'refused',
    ...(reply.field ? { field: reply.field } : {}),
  };
  switch (reply.code) {
    case 'conflict':
      return {
        status: 409,
        body: { statusCode: 409, error: 'Conflict', ...body, currentVersion: reply.version },
      };
    case 'forbidden':
      return { status: 403, body: { statusCode: 403, error: 'Forbidden', ...body } };
    case 'not-found':
      return NOT_FOUND;
    case 'unavailable':
      // Retryable: the item has events only a newer version reads (Retry-After is added to
      // every 503).
      return { status: 503, body: { statusCode: 503, error: 'Service Unavailable', ...body } };
    default:
      return {
        status: 422,
        body: {
          statusCode: 422,
          error: 'Unprocessable Entity',
          ...(UNDECODABLE.test(reply.reason ?? '')
            ? { message: 'the command could not be processed' }
            : body),
        },
      };
  }
}
