import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  reason: string;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(body)', reason: i.message }));
}

export function badRequest(issues: FieldIssue[]): BadRequestException {
  const first = issues[0];
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: first ? `${first.field}: ${first.reason}` : 'invalid request',
    issues,
  });
}

/** Validates at the edge: a bad request answers 400 naming each field and why. */
export class ZodValidationPipe<T extends z.ZodTypeAny> implements PipeTransform<
  unknown,
  z.infer<T>
> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw badRequest(issuesOf(result.error));
    return result.data;
  }
}
