import type { Organisation } from '@acd/identity';
import type { FeedPosition } from '@acd/persistence';
import type { IndicatorDoc } from '@acd/indicators';
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
    audience: {
      orgs: d.audience.orgs,
      sectors: d.audience.sectors,
      council: d.audience.council === true,
    },
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

/**
 * The indicator list's cursor: a position in the model's change feed (per partition, a page and
 * an entry). Cursors of the earlier form (the last change's time and id) are still accepted.
 */
export function encodeFeedCursor(position: FeedPosition): string {
  return Buffer.from(JSON.stringify({ v: 2, p: position })).toString('base64url');
}

export function decodeIndicatorCursor(
  s: string,
): { position: FeedPosition } | { after: { updatedAt: Date; id: string } } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && (parsed as { v?: unknown }).v === 2) {
      const p = (parsed as { p?: unknown }).p;
      if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
      const position: FeedPosition = {};
      const entries = Object.entries(p as Record<string, unknown>);
      if (entries.length > 10_000) return null;
      for (const [k, v] of entries) {
        if (!/^\d{1,6}$/.test(k) || typeof v !== 'object' || v === null) return null;
        const { n, i } = v as { n?: unknown; i?: unknown };
        if (!Number.isSafeInteger(n) || !Number.isSafeInteger(i)) return null;
        if ((n as number) < 0 || (i as number) < 0) return null;
        position[k] = { n: n as number, i: i as number };
      }
      return { position };
    }
  } catch {
    return null;
  }
  const legacy = decodeCursor(s);
  return legacy ? { after: legacy } : null;
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
