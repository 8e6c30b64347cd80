import { isSector, orgIdProblem, SECTORS, type Sector } from './organisation';
import { parsedFail, parsedOk, type Parsed } from './parsed';

/**
 * Who an item is addressed to. How far it may reach also depends on its TLP. `council` marks
 * material shared in the council (Act art. 45): its members bound to confidentiality read it.
 * Normalised, the key is present only when true, so an audience without it hashes and compares
 * as it did before the council existed.
 */
export interface Audience {
  orgs: string[];
  sectors: Sector[];
  council?: true;
}

/** A fresh object each time: a shared constant's arrays could be mutated by a caller. */
export function emptyAudience(): Audience {
  return { orgs: [], sectors: [] };
}

const MAX_AUDIENCE_ENTRIES = 500;

/** Code-unit order rather than locale order, so every process sorts the same way. */
function sortedUnique<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Deduplicated and sorted, so equal audiences compare and hash equal. */
export function normaliseAudience(audience: {
  orgs?: readonly string[];
  sectors?: readonly Sector[];
  council?: boolean | undefined;
}): Audience {
  return {
    orgs: sortedUnique(audience.orgs ?? []),
    sectors: sortedUnique(audience.sectors ?? []),
    ...(audience.council === true ? { council: true as const } : {}),
  };
}

export function isAudienceEmpty(audience: {
  orgs: readonly string[];
  sectors: readonly Sector[];
  council?: boolean | undefined;
}): boolean {
  return audience.orgs.length === 0 && audience.sectors.length === 0 && audience.council !== true;
}

/** Missing lists mean empty; the result is normalised. */
export function parseAudience(input: unknown): Parsed<Audience> {
  if (input === undefined || input === null) return parsedOk(normaliseAudience({}));
  if (typeof input !== 'object' || Array.isArray(input)) {
    return parsedFail(
      'audience: expected an object { orgs: string[], sectors: string[], council?: boolean }',
    );
  }
  const { orgs = [], sectors = [], council = false } = input as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof council !== 'boolean') problems.push('council: expected true or false');
  if (!Array.isArray(orgs)) problems.push('orgs: expected an array of organisation ids');
  else {
    if (orgs.length > MAX_AUDIENCE_ENTRIES) problems.push(`orgs: at most ${MAX_AUDIENCE_ENTRIES}`);
    orgs.forEach((org, i) => {
      const problem = orgIdProblem(org);
      if (problem !== undefined) problems.push(`orgs[${i}]: ${problem}`);
    });
  }
  if (!Array.isArray(sectors)) problems.push('sectors: expected an array of sectors');
  else {
    sectors.forEach((sector, i) => {
      if (!isSector(sector)) {
        problems.push(
          `sectors[${i}]: ${JSON.stringify(sector)} is not one of ${SECTORS.join(', ')}`,
        );
      }
    });
  }
  if (problems.length > 0) return parsedFail(`audience: ${problems.join('; ')}`);
  return parsedOk(
    normaliseAudience({
      orgs: orgs as string[],
      sectors: sectors as Sector[],
      council: council === true,
    }),
  );
}
