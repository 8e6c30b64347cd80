import {
  readableReferences,
  type Organisation,
  type Reference,
  type ReferenceKind,
  type ReferenceTerms,
} from '@acd/identity';
import type { SignedTreeHead } from '@acd/audit';
import type { OversightBoardData, OversightRequestDoc } from '@acd/oversight';

/** The audit log's newest signed tree head, and the id of the key that signed it. */
export type AuditHeadView = SignedTreeHead & { keyId: string | null };

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** Approved and in force at `now`: what an agency or a telecom operator may act under. */
const isLive = (d: OversightRequestDoc, now: Date) =>
  d.status === 'approved' &&
  new Date(d.validFrom).getTime() <= now.getTime() &&
  now.getTime() < new Date(d.validUntil).getTime();

const isExpired = (d: OversightRequestDoc, now: Date) =>
  d.status === 'approved' && now.getTime() >= new Date(d.validUntil).getTime();

const EVIDENCE_KINDS: readonly string[] = [
  'indicator',
  'incident',
  'flow-match',
] satisfies ReferenceKind[];

const evidenceOf = (d: OversightRequestDoc): Reference[] =>
  d.evidence
    .filter((e) => EVIDENCE_KINDS.includes(e.type))
    .map((e) => ({ kind: e.type as ReferenceKind, id: e.id }));

/** What `presentRequest` needs looked up first: the current terms of the evidence cited. */
export const evidenceReferences = (docs: readonly OversightRequestDoc[]): Reference[] =>
  docs.flatMap(evidenceOf);

/**
 * The evidence the viewer may read now, as `{type, id}` links: a reference is never shown to a
 * reader who may not read what it points to (not even the commission, which reads only what the
 * entitlement policies give it).
 */
function readableEvidence(d: OversightRequestDoc, viewer: Organisation, terms: ReferenceTerms) {
  return readableReferences(viewer, evidenceOf(d), terms).map((r) => ({ type: r.kind, id: r.id }));
}

/**
 * What an operation request rests on, as the commission weighs it: the Prime Minister's order
 * (the SDF's; null for the police) and the agency's attestation that the action stays below the
 * threshold of an armed attack. A request recorded before both were required shows `legacy:
 * true`, with a null attestation (and, from the SDF, a null order).
 */
function groundsView(d: OversightRequestDoc) {
  const order = d.primeMinisterOrder ?? null;
  const attestation = d.attestation ?? null;
  return {
    primeMinisterOrder: order
      ? { givenAt: iso(order.givenAt), grounds: order.grounds, reference: order.reference }
      : null,
    attestation,
    legacy: attestation === null,
  };
}

function operationView(d: OversightRequestDoc, viewer: Organisation, terms: ReferenceTerms) {
  return {
    target: d.target,
    ...groundsView(d),
    evidence: readableEvidence(d, viewer, terms),
    measures: d.measures,
    stage: d.stage,
    consultation: d.consultation
      ? {
          consultedAt: iso(d.consultation.consultedAt),
          summary: d.consultation.summary,
          recordedAt: iso(d.consultation.recordedAt),
        }
      : null,
    emergency: d.emergency
      ? {
          reason: d.emergency.reason,
          notifyBy: iso(d.emergency.notifyBy),
          notifiedAt: iso(d.emergency.notifiedAt),
          notificationSummary: d.emergency.notificationSummary,
          late: d.emergency.late,
          missed: d.emergency.missedAt !== null,
          missedAt: iso(d.emergency.missedAt),
        }
      : null,
    execution: d.execution
      ? {
          ...d.execution,
          startedAt: iso(d.execution.startedAt),
          endedAt: iso(d.execution.endedAt),
          executedAt: iso(d.execution.executedAt),
        }
      : null,
    report: d.report ? { summary: d.report.summary, reportedAt: iso(d.report.reportedAt) } : null,
  };
}

/**
 * The API's view of a request. Everyone who may read it sees its terms and status; how each
 * member voted (and why) is the commission's own, others see the counts. The telecom operator
 * named by a collection authorisation sees what it is authorised to supply and when, not the
 * government's justification.
 */
export function presentRequest(
  d: OversightRequestDoc,
  viewer: Organisation,
  terms: ReferenceTerms,
  now = new Date(),
) {
  const commission = viewer.kind === 'oversight-commission';
  const supplierOnly =
    d.kind === 'collection' && viewer.kind === 'telecom' && viewer.id === d.telecomId;
  const common = {
    id: d._id,
    requestId: d._id,
    kind: d.kind,
    status: d.status,
    live: isLive(d, now),
    expired: isExpired(d, now),
    /** When an approval stops being usable; null until approved. */
    expiresAt: d.status === 'approved' ? iso(d.validUntil) : null,
    validFrom: iso(d.validFrom),
    validUntil: iso(d.validUntil),
    requestedBy: d.requestedBy,
    requesterKind: d.requesterKind,
    requestedAt: iso(d.requestedAt),
    decidedAt: iso(d.decidedAt),
    version: d.version,
    updatedAt: iso(d.updatedAt),
  };
  if (supplierOnly) {
    return { ...common, telecomId: d.telecomId, categories: d.categories ?? [] };
  }
  const decision = {
    quorum: d.quorum,
    rosterSize: d.roster.length,
    votesCast: d.votes.length,
    approvals: d.approvals,
    denials: d.denials,
    ...(commission
      ? {
          roster: d.roster,
          votes: d.votes.map((v) => ({ ...v, at: iso(v.at) })),
          awaiting: d.roster.filter((m) => !d.votes.some((v) => v.memberId === m)),
        }
      : {}),
  };
  return {
    ...common,
    justification: d.justification,
    decision,
    ...(d.kind === 'collection'
      ? { telecomId: d.telecomId, categories: d.categories ?? [] }
      : operationView(d, viewer, terms)),
  };
}

/**
 * The commission's board: what waits for its vote, the approvals in force and when they lapse,
 * every operation and where it stands, and the emergencies whose notification came late or
 * never, and the audit log's newest signed tree head (null while the log is empty), so the
 * commission can pin it and later check that the log still contains it.
 */
export function presentBoard(
  b: OversightBoardData,
  auditHead: AuditHeadView | null,
  now = new Date(),
) {
  const summary = (d: OversightRequestDoc) => ({
    requestId: d._id,
    kind: d.kind,
    requestedBy: d.requestedBy,
    requestedAt: iso(d.requestedAt),
    ...(d.kind === 'collection'
      ? { telecomId: d.telecomId, categories: d.categories ?? [] }
      : { target: d.target, measures: d.measures, emergency: d.emergency !== null }),
  });
  const missed = b.operations.filter((d) => d.emergency?.missedAt);
  return {
    generatedAt: now.toISOString(),
    auditHead,
    pending: b.pending.map((d) => ({
      ...summary(d),
      ...(d.kind === 'operation' ? { requesterKind: d.requesterKind, ...groundsView(d) } : {}),
      quorum: d.quorum,
      rosterSize: d.roster.length,
      votesCast: d.votes.length,
      approvals: d.approvals,
      denials: d.denials,
      votes: d.votes.map((v) => ({ ...v, at: iso(v.at) })),
      awaiting: d.roster.filter((m) => !d.votes.some((v) => v.memberId === m)),
    })),
    approvals: b.approved.map((d) => ({
      ...summary(d),
      validFrom: iso(d.validFrom),
      expiresAt: iso(d.validUntil),
      live: isLive(d, now),
      expired: isExpired(d, now),
      decidedAt: iso(d.decidedAt),
    })),
    operations: b.operations.map((d) => ({
      ...summary(d),
      status: d.status,
      stage: d.stage,
      executedAt: iso(d.execution?.executedAt),
      outcome: d.execution?.outcome ?? null,
      reportedAt: iso(d.report?.reportedAt),
      notificationMissed: Boolean(d.emergency?.missedAt),
    })),
    missedNotifications: missed.map((d) => ({
      requestId: d._id,
      agencyId: d.requestedBy,
      target: d.target,
      notifyBy: iso(d.emergency?.notifyBy),
      missedAt: iso(d.emergency?.missedAt),
      notifiedAt: iso(d.emergency?.notifiedAt),
      late: d.emergency?.late ?? false,
    })),
    counts: {
      pending: b.pending.length,
      approvalsLive: b.approved.filter((d) => isLive(d, now)).length,
      operations: b.operations.length,
      missedNotifications: missed.length,
    },
  };
}
