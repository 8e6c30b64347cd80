import { existsSync, readFileSync } from 'node:fs';
import type { AccessSubject } from '@acd/identity';
import { UsageError } from './exit-codes';

/**
 * The registered organisations of an `--orgs` file (a JSON array of `{id, sector?}`, as
 * `acd seed-demo --out` writes it), for the commands that plan Kafka access from them
 * (`acd kafka-access`, `acd deploy render`). A missing or malformed file is a usage error.
 */
export function readOrganisations(file: string): AccessSubject[] {
  if (!existsSync(file)) {
    throw new UsageError(`--orgs ${file}: no such file (run: acd seed-demo --out ${file})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--orgs ${file}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed)) {
    throw new UsageError(`--orgs ${file}: expected a JSON array of organisations`);
  }
  return parsed.map((o: unknown, i) => {
    const rec = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
    if (typeof rec.id !== 'string') throw new UsageError(`--orgs ${file}[${i}]: no string "id"`);
    if (rec.sector !== undefined && rec.sector !== null && typeof rec.sector !== 'string') {
      throw new UsageError(`--orgs ${file}[${i}]: "sector" must be a string`);
    }
    return { id: rec.id, ...(typeof rec.sector === 'string' ? { sector: rec.sector } : {}) };
  });
}
