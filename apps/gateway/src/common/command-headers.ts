import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { z } from 'zod';

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters')
  .optional();

export const ifMatchSchema = z
  .string()
  .regex(/^"?\d+"?$/, 'must be the version you expect, e.g. "3"')
  .transform((s) => Number(s.replace(/"/g, '')))
  .optional();

/** OpenAPI for the headers every command endpoint accepts. */
export const CommandHeaders = (ifMatch = true) =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Retrying with the same key never produces a second event.',
    }),
    ...(ifMatch
      ? [
          ApiHeader({
            name: 'If-Match',
            required: false,
            description: 'Expected aggregate version; 409 when it moved on.',
          }),
        ]
      : []),
  );
