/**
 * The bus's closed vocabularies, as the console names them. The browser bundle must not pull in
 * the libs (they reach for node:crypto and node:url), so they are spelled again here, and a unit
 * test holds each list equal to the one in the libs that the API validates against.
 */

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

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

export const INDICATOR_TYPES = [
  'ipv4',
  'ipv6',
  'cidr',
  'domain',
  'url',
  'sha256',
  'sha1',
  'md5',
  'email',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export const REPORT_STAGES = [
  'EARLY_WARNING',
  'NOTIFICATION',
  'INTERIM',
  'FINAL',
  'RANSOM_PAYMENT',
] as const;
export type ReportStage = (typeof REPORT_STAGES)[number];

export const IMPACT_LEVELS = ['none', 'low', 'moderate', 'high', 'severe'] as const;
export const INCIDENT_STATUSES = ['investigating', 'contained', 'recovering', 'resolved'] as const;
export const ADVISORY_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const REGIMES = ['jp-acd', 'nis2', 'circia'] as const;
export type Regime = (typeof REGIMES)[number];

export function isOrgKind(value: unknown): value is OrgKind {
  return typeof value === 'string' && (ORG_KINDS as readonly string[]).includes(value);
}

export function isTlp(value: unknown): value is Tlp {
  return typeof value === 'string' && (TLP_LEVELS as readonly string[]).includes(value);
}

export const ASSET_EXPOSURES = ['internet', 'partner-network', 'internal', 'isolated'] as const;
export const METADATA_CATEGORIES = [
  'addresses',
  'ports',
  'protocols',
  'volumes',
  'timings',
  'attack-commands',
] as const;
export const OPERATION_MEASURES = [
  'access',
  'collect-evidence',
  'disable-malware',
  'block-c2-communication',
  'take-down',
] as const;
export const EXECUTION_OUTCOMES = [
  'succeeded',
  'partially-succeeded',
  'failed',
  'aborted',
] as const;
export const VOTES = ['approve', 'deny'] as const;
export const REQUEST_STATUSES = ['pending', 'approved', 'denied'] as const;
export const OPERATION_STAGES = ['requested', 'executed', 'reported'] as const;
export const REQUEST_KINDS = ['collection', 'operation'] as const;
export const ADVISORY_STATUSES = ['active', 'expired', 'withdrawn'] as const;
export const INDICATOR_STATUSES = ['active', 'revoked'] as const;
/** STIX objects a bundle carries to describe its indicators; never published themselves. */
export const STIX_CONTEXT_TYPES = [
  'identity',
  'marking-definition',
  'extension-definition',
] as const;
