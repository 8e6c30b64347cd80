import fc from 'fast-check';
import type { CommandReply } from '@acd/messaging';
import { NOT_FOUND, refusalAnswer } from './refusal-answer';

const refused = (over: Partial<CommandReply>): CommandReply => ({
  commandId: 'c',
  aggregateId: 'a',
  outcome: 'REFUSED',
  version: 7,
  eventIds: [],
  duplicate: false,
  code: 'invalid',
  reason: 'refused',
  field: null,
  ...over,
});

const answer = refusalAnswer;

describe('the HTTP answer to a refused command', () => {
  it('carries the version only in a conflict; never in 403, 404, 422 or 503', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('conflict', 'forbidden', 'not-found', 'invalid', 'unavailable', null),
        fc.nat(),
        fc.string(),
        fc.option(fc.string({ minLength: 1 }), { nil: null }),
        (code, version, reason, field) => {
          const { status, body } = answer(
            refused({ code: code as CommandReply['code'], version, reason, field }),
          );
          if (code === 'conflict') {
            expect(status).toBe(409);
            expect(body.currentVersion).toBe(version);
          } else {
            expect([403, 404, 422, 503]).toContain(status);
            expect(status === 503).toBe(code === 'unavailable');
            expect(body).not.toHaveProperty('currentVersion');
            expect(JSON.stringify(body)).not.toContain(`"version"`);
          }
        },
      ),
    );
  });

  it('answers "not found" identically whatever the processor said', () => {
    const a = answer(refused({ code: 'not-found', reason: 'no incident x', version: 3 }));
    const b = answer(refused({ code: 'not-found', reason: 'no such indicator', version: 0 }));
    expect(a).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'not found' },
    });
    expect(b).toEqual(a);
    expect(NOT_FOUND).toEqual(a);
  });

  it('keeps the field of a 403 or 422 but not the internal text of an undecodable command', () => {
    expect(answer(refused({ code: 'forbidden', reason: 'no', field: 'target.country' }))).toEqual({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'no', field: 'target.country' },
    });
    const undecodable = answer(
      refused({
        code: 'invalid',
        reason:
          'command could not be decoded: invalid "string": "\\ud800" at jp.acd.indicator.PublishIndicator.description',
      }),
    );
    expect(undecodable).toEqual({
      status: 422,
      body: {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'the command could not be processed',
      },
    });
  });
});
