import {
  canRead,
  canReadAdvisory,
  stixId,
  type AdvisoryAudience,
  type Organisation,
  type Sector,
  type Tlp,
} from '@acd/identity';
import type { DemoOrg } from '../../support/bus';

/**
 * Scenario 9's oracle: what the test itself published, version by version, and who may read it
 * by the pure rules of the libs (`canRead`, `canReadAdvisory`). Nothing here asks the bus.
 */

export interface IndicatorTerms {
  tlp: Tlp;
  audience: { orgs: string[]; sectors: Sector[] };
}

/** One event of an indicator, at its aggregate version, and the terms that held at that point. */
export interface IndicatorStep {
  version: number;
  type: 'IndicatorPublished' | 'IndicatorUpdated' | 'IndicatorRevoked' | 'IndicatorSighted';
  terms: IndicatorTerms;
}

export interface PublishedIndicator {
  kind: 'indicator';
  id: string;
  stixId: string;
  publisher: DemoOrg;
  type: string;
  value: string;
  steps: IndicatorStep[];
  updatedAt?: string;
}

export interface AdvisoryStep {
  version: number;
  type: 'AdvisoryIssued' | 'AdvisoryUpdated' | 'AdvisoryWithdrawn';
}

export interface IssuedAdvisory {
  kind: 'advisory';
  id: string;
  stixId: string;
  issuer: DemoOrg;
  tlp: Tlp;
  audience: AdvisoryAudience;
  severity: string;
  withdrawn: boolean;
  recommendedActions: number;
  steps: AdvisoryStep[];
}

export const asOrganisation = (o: DemoOrg): Organisation =>
  ({
    id: o.id,
    name: o.name,
    kind: o.kind,
    ...(o.sector ? { sector: o.sector } : {}),
  }) as Organisation;

export const latestTerms = (i: PublishedIndicator): IndicatorTerms =>
  i.steps[i.steps.length - 1]!.terms;

export function readsTerms(viewer: DemoOrg, publisher: DemoOrg, terms: IndicatorTerms): boolean {
  return canRead(asOrganisation(viewer), {
    publisherOrgId: publisher.id,
    tlp: terms.tlp,
    audience: terms.audience,
  });
}

export const readsIndicator = (viewer: DemoOrg, i: PublishedIndicator): boolean =>
  readsTerms(viewer, i.publisher, latestTerms(i));

export const readsAdvisory = (viewer: DemoOrg, a: IssuedAdvisory): boolean =>
  canReadAdvisory(asOrganisation(viewer), {
    issuerOrgId: a.issuer.id,
    tlp: a.tlp,
    audience: a.audience,
  });

/**
 * The STIX versions of an indicator the viewer may read over TAXII: one per event that carries
 * terms or revokes (a sighting makes none), each readable when its own terms and the latest ones
 * admit the viewer.
 */
export function readableStixVersions(viewer: DemoOrg, i: PublishedIndicator): number {
  if (!readsIndicator(viewer, i)) return 0;
  return i.steps.filter(
    (s) => s.type !== 'IndicatorSighted' && readsTerms(viewer, i.publisher, s.terms),
  ).length;
}

/** The indicator's STIX id, as the TAXII collection names it. */
export const indicatorStixId = (id: string): string => stixId('indicator', id);
export const reportStixId = (id: string): string => stixId('report', id);
export const courseOfActionStixId = (advisoryId: string, i: number): string =>
  stixId('course-of-action', `${advisoryId}#${i}`);

/** The stream position `{"<kind>": [next offset per partition]}` an SSE id carries. */
export function decodePosition(id: string): Record<string, number[]> | null {
  try {
    return JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as Record<string, number[]>;
  } catch {
    return null;
  }
}
