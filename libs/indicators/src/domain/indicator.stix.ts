import {
  authorIdentity,
  STIX_SPEC_VERSION,
  stixId,
  stixTimestamp,
  TLP_MARKING_IDS,
  type StixCommonProperties,
  type StixIdentity,
  type Tlp,
} from '@acd/identity/domain';
import type { KillChainPhase } from './indicator.events';
import type { IndicatorType } from './indicator-value';

/**
 * Indicators as STIX 2.1 (pure). The input is an indicator as one reader may read it, and the
 * publisher's name as REST shows that reader (a pseudonym where REST shows one): the mapping has
 * nothing else, so it cannot reveal more than the REST view.
 */
export interface IndicatorStixView {
  indicatorId: string;
  indicatorType: IndicatorType;
  value: string;
  tlp: Tlp;
  confidence: number;
  validFrom: Date;
  validUntil: Date | null;
  description: string | null;
  cves: readonly string[];
  killChainPhases: readonly KillChainPhase[];
  status: 'active' | 'revoked';
  publishedAt: Date;
  /** When the version being exported was made (its event's time). */
  updatedAt: Date;
}

export interface StixIndicator extends StixCommonProperties {
  type: 'indicator';
  name: string;
  description: string;
  indicator_types: ['malicious-activity'];
  pattern: string;
  pattern_type: 'stix';
  pattern_version: '2.1';
  valid_from: string;
  valid_until?: string;
  confidence: number;
  kill_chain_phases?: { kill_chain_name: string; phase_name: string }[];
  external_references?: { source_name: 'cve'; external_id: string }[];
}

export interface StixSighting {
  type: 'sighting';
  spec_version: '2.1';
  id: string;
  created: string;
  modified: string;
  created_by_ref?: string;
  sighting_of_ref: string;
  count: number;
  first_seen: string;
  last_seen: string;
  description?: string;
  object_marking_refs: string[];
}

/** A string literal of the STIX patterning language: quote and backslash escaped. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The STIX pattern that matches exactly this indicator's value. */
export function stixPattern(type: IndicatorType, value: string): string {
  switch (type) {
    case 'ipv4':
      return `[ipv4-addr:value = ${literal(value)}]`;
    case 'ipv6':
      return `[ipv6-addr:value = ${literal(value)}]`;
    case 'cidr':
      // A network is the address object's value in CIDR notation (STIX 2.1, 6.4 and 6.5).
      return `[${value.includes(':') ? 'ipv6-addr' : 'ipv4-addr'}:value = ${literal(value)}]`;
    case 'domain':
      return `[domain-name:value = ${literal(value)}]`;
    case 'url':
      return `[url:value = ${literal(value)}]`;
    case 'sha256':
      return `[file:hashes.'SHA-256' = ${literal(value)}]`;
    case 'sha1':
      return `[file:hashes.'SHA-1' = ${literal(value)}]`;
    case 'md5':
      return `[file:hashes.MD5 = ${literal(value)}]`;
    case 'email':
      return `[email-addr:value = ${literal(value)}]`;
  }
}

export const indicatorStixId = (indicatorId: string): string => stixId('indicator', indicatorId);

/** What an indicator of each type matches, as the default description words it. */
const MATCHES: Readonly<Record<IndicatorType, string>> = {
  ipv4: 'the IPv4 address',
  ipv6: 'the IPv6 address',
  cidr: 'an address in the network',
  domain: 'the domain name',
  url: 'the URL',
  sha256: 'a file with the SHA-256 hash',
  sha1: 'a file with the SHA-1 hash',
  md5: 'a file with the MD5 hash',
  email: 'the email address',
};

/**
 * The publisher's description, or one made of the type and value alone: STIX producers SHOULD
 * give an indicator both a name and a description (STIX 2.1, Indicator; stix2-validator check
 * 303). The words come from what the reader already sees, so they reveal nothing more.
 */
function indicatorDescription(view: IndicatorStixView): string {
  return (
    view.description || `Malicious activity involving ${MATCHES[view.indicatorType]} ${view.value}.`
  );
}

/**
 * A kill chain or phase name as STIX recommends it: lowercase, hyphens between words (STIX 2.1,
 * Kill Chain Phase; stix2-validator check 121). The API takes any text, so a publisher may write
 * "Command and Control"; consumers match on "command-and-control".
 */
function killChainWord(name: string): string {
  return name.toLowerCase().replace(/[\s_]+/g, '-');
}

/**
 * One version of an indicator: the same view always gives the same object. A revocation is the
 * next version with `revoked: true` (STIX versioning: same id, later `modified`).
 */
export function indicatorToStix(
  view: IndicatorStixView,
  publisherShownName: string,
): { indicator: StixIndicator; author: StixIdentity } {
  const author = authorIdentity(publisherShownName);
  const indicator: StixIndicator = {
    type: 'indicator',
    spec_version: STIX_SPEC_VERSION,
    id: indicatorStixId(view.indicatorId),
    created: stixTimestamp(view.publishedAt),
    modified: stixTimestamp(view.updatedAt),
    created_by_ref: author.id,
    name: `${view.indicatorType} ${view.value}`,
    description: indicatorDescription(view),
    indicator_types: ['malicious-activity'],
    pattern: stixPattern(view.indicatorType, view.value),
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: stixTimestamp(view.validFrom),
    ...(view.validUntil ? { valid_until: stixTimestamp(view.validUntil) } : {}),
    confidence: view.confidence,
    ...(view.killChainPhases.length > 0
      ? {
          kill_chain_phases: view.killChainPhases.map((k) => ({
            kill_chain_name: killChainWord(k.killChainName),
            phase_name: killChainWord(k.phaseName),
          })),
        }
      : {}),
    ...(view.cves.length > 0
      ? {
          external_references: view.cves.map((c) => ({
            source_name: 'cve' as const,
            external_id: c.toUpperCase(),
          })),
        }
      : {}),
    ...(view.status === 'revoked' ? { revoked: true as const } : {}),
    object_marking_refs: [TLP_MARKING_IDS[view.tlp]],
  };
  return { indicator, author };
}

export interface SightingStixView {
  /** The sighting event's id: one sighting, one STIX object. */
  sightingId: string;
  indicatorId: string;
  tlp: Tlp;
  count: number;
  observedAt: Date;
  recordedAt: Date;
  note: string | null;
}

/** A recorded sighting of an indicator, marked like the indicator it sights. */
export function sightingToStix(view: SightingStixView, reporterShownName?: string): StixSighting {
  return {
    type: 'sighting',
    spec_version: STIX_SPEC_VERSION,
    id: stixId('sighting', view.sightingId),
    created: stixTimestamp(view.recordedAt),
    modified: stixTimestamp(view.recordedAt),
    ...(reporterShownName ? { created_by_ref: authorIdentity(reporterShownName).id } : {}),
    sighting_of_ref: indicatorStixId(view.indicatorId),
    count: view.count,
    first_seen: stixTimestamp(view.observedAt),
    last_seen: stixTimestamp(view.observedAt),
    ...(view.note ? { description: view.note } : {}),
    object_marking_refs: [TLP_MARKING_IDS[view.tlp]],
  };
}
