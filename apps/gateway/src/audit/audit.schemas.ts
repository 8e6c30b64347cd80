import { z } from 'zod';

const count = (what: string) =>
  z.coerce
    .number({ message: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .max(Number.MAX_SAFE_INTEGER);

export const auditEntriesSchema = z
  .object({
    from: count('from').min(0, 'from must be 0 or more').default(0),
    limit: count('limit')
      .min(1, 'limit must be 1 to 1000')
      .max(1000, 'limit must be 1 to 1000')
      .default(100),
  })
  .strict();

export const readsOfItemSchema = z
  .object({
    item: z
      .string({ message: 'item is required: the id of the item whose readers you ask for' })
      .min(1, 'item must not be empty')
      .max(300, 'item must be at most 300 characters'),
    from: count('from').min(0, 'from must be 0 or more').default(0),
    limit: count('limit')
      .min(1, 'limit must be 1 to 500')
      .max(500, 'limit must be 1 to 500')
      .default(100),
  })
  .strict();

export const inclusionProofSchema = z
  .object({
    index: count('index').min(0, 'index must be 0 or more'),
    treeSize: count('treeSize').min(1, 'treeSize must be 1 or more').optional(),
  })
  .strict();

export const consistencyProofSchema = z
  .object({
    first: count('first').min(1, 'first must be 1 or more'),
    second: count('second').min(1, 'second must be 1 or more').optional(),
  })
  .strict()
  .refine((q) => q.second === undefined || q.first <= q.second, {
    message: 'first must not exceed second',
    path: ['first'],
  });
