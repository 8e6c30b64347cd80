import { z } from 'zod';

/** The OpenAPI document shows the same zod schemas that validate requests, so they cannot drift. */
export function openApiSchema(schema: z.ZodTypeAny): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
