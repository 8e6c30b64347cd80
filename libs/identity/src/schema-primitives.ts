import { z } from 'zod';
import { ORG_ID_PATTERN } from './domain';

/** The field types every request schema shares, so each is spelled (and explained) once. */
export const isoInstant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 date-time with a zone, e.g. 2026-11-22T09:00:00+09:00',
});

export const text = (max: number) => z.string().trim().min(1, 'must not be blank').max(max);

export const orgIdSchema = z
  .string()
  .max(64)
  .regex(ORG_ID_PATTERN, 'must be an organisation id (lower-case slug)');

export const uuidSchema = z.string().uuid('must be a UUID');
