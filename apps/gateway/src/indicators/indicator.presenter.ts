import type { Organisation } from '@acd/identity';
import type { IndicatorDoc } from '@acd/persistence';
import type { PublisherNames } from './publisher-names';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * The API's view of an indicator for one viewer; internal fields (entitlement helpers) never
 * leave, and the publisher is named only to those who may know it (see PublisherNames).
 */
export function presentIndicator(d: IndicatorDoc, viewer: Organisation, names: PublisherNames) {
  return {
    id: d._id,
    type: d.indicatorType,
    value: d.value,
    tlp: d.tlp,
    audience: { orgs: d.audience.orgs, sectors: d.audience.sectors },
    publisher: names.present(viewer, {
      publisherOrgId: d.publisherOrgId,
      publisherSector: d.publisherSector,
      disclosePublisher: d.disclosePublisher ?? false,
    }),
    confidence: d.confidence,
    validFrom: iso(d.validFrom),
    validUntil: iso(d.validUntil),
    description: d.description,
    cves: d.cves,
    killChainPhases: d.killChainPhases.map((k) => ({
      killChainName: k.killChainName,
      phaseName: k.phaseName,
    })),
    status: d.status,
    revokedAt: iso(d.revokedAt),
    revocationReason: d.revocationReason,
    sightings: { count: d.sightingCount, lastSightedAt: iso(d.lastSightedAt) },
    version: d.version,
    publishedAt: iso(d.publishedAt),
    updatedAt: iso(d.updatedAt),
  };
}

export function encodeCursor(c: { updatedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ u: new Date(c.updatedAt).toISOString(), i: c.id })).toString(
    'base64url',
  );
}

export function decodeCursor(s: string): { updatedAt: Date; id: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { u, i } = parsed as { u?: unknown; i?: unknown };
    if (typeof u !== 'string' || typeof i !== 'string') return null;
    const updatedAt = new Date(u);
    return Number.isNaN(updatedAt.getTime()) ? null : { updatedAt, id: i };
  } catch {
    return null;
  }
}
