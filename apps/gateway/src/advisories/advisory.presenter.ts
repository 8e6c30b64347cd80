import {
  advisoryAudienceFor,
  overseesAdvisory,
  readableReferenceIds,
  referencesOf,
  type Organisation,
  type ReferenceTerms,
  type Tlp,
} from '@acd/identity';
import type { AcknowledgementReport, AdvisoryDoc } from '@acd/advisories';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** What `presentAdvisory` needs looked up first: the current terms of the items the page cites. */
export const advisoryReferences = (docs: readonly AdvisoryDoc[]) => docs.flatMap(referencesOf);

/**
 * The API's view of an advisory. A reader sees the audience's sectors and kinds, but of the
 * named organisations only itself (`advisoryAudienceFor`: who else was told is the issuer's
 * business), and of the related indicators and incidents only those it may read now (`terms`,
 * from `ReferenceLookup`), whatever their labels were when the advisory was issued.
 */
export function presentAdvisory(
  d: AdvisoryDoc,
  viewer: Organisation,
  terms: ReferenceTerms,
  now = new Date(),
) {
  const item = { issuerOrgId: d.issuerOrgId, tlp: d.tlp as Tlp, audience: d.audience };
  const full = overseesAdvisory(viewer, item);
  const expired = new Date(d.expiresAt).getTime() <= now.getTime();
  return {
    id: d._id,
    title: d.title,
    summary: d.summary,
    severity: d.severity,
    tlp: d.tlp,
    audience: advisoryAudienceFor(viewer, item),
    issuer: { orgId: d.issuerOrgId, kind: d.issuerKind },
    indicatorIds: readableReferenceIds(viewer, 'indicator', d.indicatorIds, terms),
    incidentIds: readableReferenceIds(viewer, 'incident', d.incidentIds, terms),
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
