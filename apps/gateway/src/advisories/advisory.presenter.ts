import type { Organisation } from '@acd/identity';
import type { AcknowledgementReport, AdvisoryDoc } from '@acd/persistence';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** The issuer and the cabinet office see the whole audience and every acknowledgement. */
const oversees = (viewer: Organisation, d: AdvisoryDoc): boolean =>
  viewer.kind === 'cabinet-office' || viewer.id === d.issuerOrgId;

/**
 * The API's view of an advisory. A reader sees the audience's sectors and kinds, but of the
 * named organisations only itself: who else was told is the issuer's business.
 */
export function presentAdvisory(d: AdvisoryDoc, viewer: Organisation, now = new Date()) {
  const full = oversees(viewer, d);
  const expired = new Date(d.expiresAt).getTime() <= now.getTime();
  return {
    id: d._id,
    title: d.title,
    summary: d.summary,
    severity: d.severity,
    tlp: d.tlp,
    audience: {
      everyone: d.audience.everyone,
      sectors: d.audience.sectors,
      kinds: d.audience.kinds,
      orgs: full ? d.audience.orgs : d.audience.orgs.filter((o) => o === viewer.id),
    },
    issuer: { orgId: d.issuerOrgId, kind: d.issuerKind },
    indicatorIds: d.indicatorIds,
    incidentIds: d.incidentIds,
    recommendedActions: d.recommendedActions,
    expiresAt: iso(d.expiresAt),
    status: d.status === 'withdrawn' ? 'withdrawn' : expired ? 'expired' : 'active',
    withdrawnAt: iso(d.withdrawnAt),
    withdrawalReason: d.withdrawalReason,
    acknowledgedByYou: d.acknowledgements.some((a) => a.orgId === viewer.id),
    ...(full ? { acknowledgementCount: d.acknowledgements.length } : {}),
    version: d.version,
    issuedAt: iso(d.issuedAt),
    updatedAt: iso(d.updatedAt),
  };
}

export function presentAcknowledgements(r: AcknowledgementReport) {
  return {
    advisoryId: r.advisoryId,
    status: r.status,
    expected: r.expected,
    acknowledgedCount: r.acknowledged.filter((a) => a.expected).length,
    acknowledged: r.acknowledged.map((a) => ({ ...a, at: iso(a.at) })),
    notAcknowledged: r.notAcknowledged,
  };
}
