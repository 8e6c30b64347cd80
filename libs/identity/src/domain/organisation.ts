import type { Reader } from './entitlement.policy';
import { parsedFail, parsedOk, type Parsed } from './parsed';

export const ORG_KINDS = [
  'operator',
  'cabinet-office',
  'ministry',
  'police',
  'sdf',
  'telecom',
  'oversight-commission',
  'vendor',
] as const;

export type OrgKind = (typeof ORG_KINDS)[number];

/** The 15 sectors of designated core-infrastructure operators (Act No. 42 of 2025). */
export const SECTORS = [
  'electricity',
  'gas',
  'petroleum',
  'water',
  'railways',
  'trucking',
  'international-shipping',
  'aviation',
  'airports',
  'telecommunications',
  'broadcasting',
  'postal',
  'finance',
  'credit-cards',
  'ports',
] as const;

export type Sector = (typeof SECTORS)[number];

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly kind: OrgKind;
  /**
   * An operator's own sector (required); for a ministry, the sector it supervises (optional).
   * Every other kind has none: a vendor (a maker of systems and security products) serves many
   * sectors and is designated in none.
   */
  readonly sector?: Sector;
}

/**
 * Organisation ids become parts of Kafka topic names (`acd.advisory.org.<id>.v1`), SASL user
 * names and MongoDB values, so they are restricted to what is safe in all three.
 */
export const ORG_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_ORG_ID_LENGTH = 64;
const MAX_NAME_LENGTH = 200;

export function isOrgKind(value: unknown): value is OrgKind {
  return typeof value === 'string' && (ORG_KINDS as readonly string[]).includes(value);
}

export function isSector(value: unknown): value is Sector {
  return typeof value === 'string' && (SECTORS as readonly string[]).includes(value);
}

export function parseSector(value: unknown): Parsed<Sector> {
  if (isSector(value)) return parsedOk(value);
  return parsedFail(`sector: ${JSON.stringify(value)} is not one of ${SECTORS.join(', ')}`);
}

export function orgIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_ORG_ID_LENGTH) return `at most ${MAX_ORG_ID_LENGTH} characters`;
  if (!ORG_ID_PATTERN.test(value)) {
    return `${JSON.stringify(value)} must be a kebab-case slug (a-z, 0-9, single hyphens)`;
  }
  return undefined;
}

export function isOrgId(value: unknown): value is string {
  return orgIdProblem(value) === undefined;
}

/** Every problem is reported at once, each prefixed by its field. */
export function parseOrganisation(input: unknown): Parsed<Organisation> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return parsedFail('organisation: expected an object with id, name, kind and sector');
  }
  const { id, name, kind, sector } = input as Record<string, unknown>;
  const problems: string[] = [];

  const idProblem = orgIdProblem(id);
  if (idProblem !== undefined) problems.push(`id: ${idProblem}`);

  const trimmedName = typeof name === 'string' ? name.trim() : '';
  if (typeof name !== 'string') problems.push('name: must be a string');
  else if (trimmedName.length === 0) problems.push('name: must not be blank');
  else if (trimmedName.length > MAX_NAME_LENGTH) {
    problems.push(`name: at most ${MAX_NAME_LENGTH} characters`);
  }

  if (!isOrgKind(kind)) {
    problems.push(`kind: ${JSON.stringify(kind)} is not one of ${ORG_KINDS.join(', ')}`);
  }
  if (sector !== undefined && !isSector(sector)) {
    problems.push(`sector: ${JSON.stringify(sector)} is not one of ${SECTORS.join(', ')}`);
  }
  if (isOrgKind(kind)) {
    if (kind === 'operator' && sector === undefined) {
      problems.push('sector: an operator must belong to exactly one sector');
    }
    if (kind !== 'operator' && kind !== 'ministry' && sector !== undefined) {
      problems.push(`sector: a ${kind} organisation has no sector`);
    }
  }

  if (problems.length > 0) return parsedFail(`organisation: ${problems.join('; ')}`);
  const organisation: Organisation = {
    id: id as string,
    name: trimmedName,
    kind: kind as OrgKind,
    ...(sector === undefined ? {} : { sector: sector as Sector }),
  };
  return parsedOk(organisation);
}

export class InvalidOrganisationError extends Error {
  override readonly name = 'InvalidOrganisationError';
}

/** For trusted data (seeds, fixtures): an invalid organisation is a programming error. */
export function defineOrganisation(input: Organisation): Organisation {
  const parsed = parseOrganisation(input);
  if (!parsed.ok) throw new InvalidOrganisationError(parsed.reason);
  return parsed.value;
}

/**
 * A command's issuer as a read policy sees it: all a decider knows of it (its id, kind and
 * sector, from the command's headers). Deciders use it to refuse a command on an item the
 * issuer may not read exactly as on a missing one.
 */
export function issuerAsViewer(issuedBy: {
  orgId: string;
  kind: string;
  sector: string | null;
  councilBound?: boolean;
}): Reader {
  const { orgId, kind, sector, councilBound } = issuedBy;
  return {
    id: orgId,
    name: orgId,
    kind: kind as Organisation['kind'],
    ...(sector ? { sector: sector as Organisation['sector'] } : {}),
    ...(councilBound === true ? { councilBound: true } : {}),
  } as Reader;
}
