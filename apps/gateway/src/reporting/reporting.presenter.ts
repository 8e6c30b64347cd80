import {
  readableReferenceIds,
  referencesOf,
  type Organisation,
  type ReferenceTerms,
} from '@acd/identity';
import type { AssetDoc, IncidentDoc, ReportingFileDoc } from '@acd/reporting';
import { formatJst } from '@acd/reporting';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);
/** JST for people (see formatJst); null stays null. */
export function jst(d: Date | null | undefined): string | null {
  return d ? formatJst(d) : null;
}

export function presentAsset(a: AssetDoc) {
  return {
    operatorId: a.operatorId,
    assetId: a.assetId,
    sector: a.sector,
    name: a.name,
    function: a.function,
    location: a.location,
    vendor: a.vendor,
    product: a.product,
    exposure: a.exposure,
    status: a.status,
    installedAt: iso(a.installedAt),
    notifiedAt: iso(a.notifiedAt),
    retiredAt: iso(a.retiredAt),
    retirementReason: a.retirementReason,
    version: a.version,
    updatedAt: iso(a.updatedAt),
  };
}

type DeadlineView = ReturnType<typeof presentDeadline>;

function presentDeadline(d: IncidentDoc['deadlines'][number]) {
  return {
    deadlineId: d.deadlineId,
    regime: d.regime,
    obligation: d.obligation,
    stage: d.stage,
    dueAt: iso(d.dueAt),
    dueAtJst: jst(d.dueAt),
    /** met: filed on time; missed: not filed by the due time (filedAt says if it came later). */
    status: d.status,
    filedAt: iso(d.filedAt),
    filedLate: d.status === 'missed' && d.filedAt !== null,
    caseId: d.caseId,
  };
}

/** What `readableBy` needs looked up first: the current terms of the indicators incidents link. */
export const incidentReferences = (docs: readonly IncidentDoc[]) => docs.flatMap(referencesOf);

/**
 * The incident as one reader may see it: of its linked indicators, only those the reader may read
 * now (`terms`, from `ReferenceLookup`). The police, reading an incident shared with them, never
 * see the id of a RED indicator it links; nobody keeps seeing one its publisher has since
 * narrowed away from them. Every view of an incident (the record, the regimes' reports) is made
 * from this.
 */
export function readableBy(
  i: IncidentDoc,
  viewer: Organisation,
  terms: ReferenceTerms,
): IncidentDoc {
  return { ...i, indicatorIds: readableReferenceIds(viewer, 'indicator', i.indicatorIds, terms) };
}

export function presentIncident(i: IncidentDoc) {
  return {
    id: i._id,
    operatorId: i.operatorId,
    sector: i.sector,
    title: i.title,
    description: i.description,
    awareAt: iso(i.awareAt),
    detectedAt: iso(i.detectedAt),
    firstSeenAt: iso(i.firstSeenAt),
    impact: i.impact,
    status: i.status,
    suspectedActor: i.suspectedActor,
    affectedAssets: i.affectedAssets,
    indicatorIds: i.indicatorIds,
    sharedWithPolice: i.sharedWithPolice,
    ransomPaidAt: iso(i.ransomPaidAt),
    regimes: i.regimes,
    closed: i.closed,
    closedAt: iso(i.closedAt),
    nextDeadlineAt: iso(i.nextDeadlineAt),
    deadlines: i.deadlines.map(presentDeadline),
    reports: i.reports.map((r) => ({
      reportId: r.reportId,
      stage: r.stage,
      summary: r.summary,
      changedFields: r.changedFields,
      filedAt: iso(r.filedAt),
    })),
    openCaseId: i.openCaseId,
    caseIds: i.caseIds,
    orderId: i.orderId,
    version: i.version,
    openedAt: iso(i.openedAt),
    updatedAt: iso(i.updatedAt),
  };
}

/**
 * The incident's history for a person: what happened, and each regime's deadlines placed at
 * their due time, marked met, missed (and filed late) or still pending; times in UTC and JST.
 */
export function incidentTimeline(i: IncidentDoc, now: Date) {
  const happened = i.timeline.map((e) => ({
    at: new Date(e.at),
    kind: e.kind as string,
    text: e.text,
    ...(e.reportId ? { reportId: e.reportId } : {}),
    ...(e.deadlineId ? { deadlineId: e.deadlineId } : {}),
    ...(e.caseId ? { caseId: e.caseId } : {}),
    ...(e.orderId ? { orderId: e.orderId } : {}),
  }));
  const due = i.deadlines.map((d) => {
    const view = presentDeadline(d);
    return {
      at: new Date(d.dueAt),
      kind: 'deadline',
      text: `${d.regime} ${d.obligation} (${d.stage}) due: ${deadlineVerdict(view, now)}`,
      deadlineId: d.deadlineId,
    };
  });
  const entries = [...happened, ...due]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map(({ at, ...rest }) => ({ at: at.toISOString(), atJst: jst(at), ...rest }));
  return {
    incidentId: i._id,
    operatorId: i.operatorId,
    title: i.title,
    regimes: i.regimes,
    timeZone: 'Asia/Tokyo (JST, UTC+09:00)',
    deadlines: i.deadlines
      .map(presentDeadline)
      .map((d) => ({ ...d, verdict: deadlineVerdict(d, now) })),
    entries,
  };
}

function deadlineVerdict(d: DeadlineView, now: Date): string {
  if (d.status === 'met') return `met (filed ${jst(d.filedAt ? new Date(d.filedAt) : null)})`;
  if (d.status === 'missed') {
    return d.filedAt ? `missed, filed late ${jst(new Date(d.filedAt))}` : 'missed';
  }
  return d.dueAt && Date.parse(d.dueAt) < now.getTime() ? 'overdue' : 'pending';
}

export function presentFile(f: ReportingFileDoc) {
  return {
    operatorId: f.operatorId,
    sector: f.sector,
    incidents: f.incidents.map((i) => ({
      ...i,
      pendingDeadlines: f.pendingDeadlines.filter((p) => p.incidentId === i.incidentId).length,
    })),
    pendingDeadlines: f.pendingDeadlines.map((d) => ({
      ...d,
      dueAt: iso(d.dueAt),
      dueAtJst: jst(d.dueAt),
    })),
    missedDeadlines: f.missedDeadlines.map((d) => ({
      ...d,
      dueAt: iso(d.dueAt),
      recordedAt: iso(d.recordedAt),
      filedAt: iso(d.filedAt),
    })),
    designation: f.designation
      ? {
          ...f.designation,
          designatedAt: iso(f.designation.designatedAt),
          assetNotificationDueAt: iso(f.designation.assetNotificationDueAt),
          assetNotificationDueAtJst: jst(f.designation.assetNotificationDueAt),
          metAt: iso(f.designation.metAt),
        }
      : null,
    cases: f.cases.map((c) => ({ ...c, openedAt: iso(c.openedAt) })),
    orders: f.orders.map((o) => ({
      ...o,
      dueAt: iso(o.dueAt),
      dueAtJst: jst(o.dueAt),
      issuedAt: iso(o.issuedAt),
      compliedAt: iso(o.compliedAt),
      ignoredAt: iso(o.ignoredAt),
    })),
    referrals: f.referrals.map((r) => ({
      ...r,
      referredAt: iso(r.referredAt),
      outcome: r.outcome ? { ...r.outcome, recordedAt: iso(r.outcome.recordedAt) } : null,
    })),
    /** Penalties "assessed" on the bus in old logs (before decision 0033): not a court's fine. */
    legacyPenalties: f.legacyPenalties.map((p) => ({ ...p, assessedAt: iso(p.assessedAt) })),
    version: f.version,
    updatedAt: iso(f.updatedAt),
  };
}

// ------------------------------------------------------------------ one incident, three regimes

type Assets = Map<string, AssetDoc>;

function reportOf(i: IncidentDoc, stage: string) {
  const r = i.reports.find((x) => x.stage === stage);
  return r ? { reportId: r.reportId, submittedAt: iso(r.filedAt), summary: r.summary } : null;
}

function deadlinesOf(i: IncidentDoc, regime: string) {
  return i.deadlines.filter((d) => d.regime === regime).map(presentDeadline);
}

function systems(i: IncidentDoc, assets: Assets) {
  return i.affectedAssets.map((id) => {
    const a = assets.get(id);
    return a
      ? {
          assetId: id,
          name: a.name,
          function: a.function,
          location: a.location,
          vendor: a.vendor,
          product: a.product,
          exposure: a.exposure,
        }
      : { assetId: id };
  });
}

/** The report the Act asks of a designated operator, addressed to the Cabinet and its minister; times in JST. */
function jpReport(i: IncidentDoc, assets: Assets) {
  const stage = (s: string) => {
    const r = reportOf(i, s);
    return r ? { ...r, submittedAtJst: jst(r.submittedAt ? new Date(r.submittedAt) : null) } : null;
  };
  return {
    regime: 'jp-acd',
    form: 'Report of a cyberattack on a specified important computer (Act No. 42 of 2025)',
    recipients: [
      'Cabinet (National Cybersecurity Office)',
      `Minister responsible for the ${i.sector} sector`,
    ],
    designatedOperator: { operatorId: i.operatorId, sector: i.sector },
    specifiedImportantComputers: systems(i, assets),
    awarenessAtJst: jst(i.awareAt),
    detectedAtJst: jst(i.detectedAt),
    firstSeenAtJst: jst(i.firstSeenAt),
    overview: i.title,
    description: i.description,
    impact: i.impact,
    status: i.status,
    suspectedActor: i.suspectedActor,
    indicators: i.indicatorIds,
    sharedWithPolice: i.sharedWithPolice,
    reports: {
      earlyWarning: stage('EARLY_WARNING'),
      notification: stage('NOTIFICATION'),
      interim: i.reports
        .filter((r) => r.stage === 'INTERIM')
        .map((r) => ({ reportId: r.reportId, submittedAtJst: jst(r.filedAt), summary: r.summary })),
      final: stage('FINAL'),
    },
    deadlines: deadlinesOf(i, 'jp-acd'),
  };
}

/** NIS2 Article 23: early warning, incident notification, final report; times in UTC. */
function nis2Report(i: IncidentDoc, assets: Assets) {
  return {
    regime: 'nis2',
    form: 'NIS2 Directive, Article 23 significant-incident reporting',
    entity: { operatorId: i.operatorId, sector: i.sector },
    earlyWarning: {
      ...(reportOf(i, 'EARLY_WARNING') ?? { submittedAt: null }),
      suspectedUnlawfulOrMalicious: i.suspectedActor !== null,
    },
    incidentNotification: {
      ...(reportOf(i, 'NOTIFICATION') ?? { submittedAt: null }),
      initialAssessment: { severity: i.impact, impact: i.impact, status: i.status },
      indicatorsOfCompromise: i.indicatorIds,
      affectedSystems: systems(i, assets),
    },
    intermediateReports: i.reports
      .filter((r) => r.stage === 'INTERIM')
      .map((r) => ({ reportId: r.reportId, submittedAt: iso(r.filedAt), summary: r.summary })),
    finalReport: {
      ...(reportOf(i, 'FINAL') ?? { submittedAt: null }),
      detailedDescription: i.description ?? i.title,
      threatTypeOrRootCause: i.suspectedActor,
      mitigation: i.status,
    },
    awareAt: iso(i.awareAt),
    deadlines: deadlinesOf(i, 'nis2'),
  };
}

/** CIRCIA: covered cyber incident report within 72 h, ransom payment report within 24 h; times in UTC. */
function circiaReport(i: IncidentDoc, assets: Assets) {
  const ransom = reportOf(i, 'RANSOM_PAYMENT');
  return {
    regime: 'circia',
    form: 'CIRCIA covered cyber incident report',
    coveredEntity: { operatorId: i.operatorId, criticalInfrastructureSector: i.sector },
    coveredCyberIncidentReport: {
      ...(reportOf(i, 'NOTIFICATION') ?? { submittedAt: null }),
      description: i.description ?? i.title,
      affectedInformationSystems: systems(i, assets),
      unauthorizedAccessFirstSeen: iso(i.firstSeenAt),
      detectedAt: iso(i.detectedAt),
      reasonablyBelievedAt: iso(i.awareAt),
      impactOnOperations: i.impact,
      suspectedActor: i.suspectedActor,
      indicators: i.indicatorIds,
      status: i.status,
    },
    ransomPaymentReport: i.ransomPaidAt
      ? { paidAt: iso(i.ransomPaidAt), ...(ransom ?? { submittedAt: null }) }
      : null,
    recordRetention: 'data relating to the incident is preserved for two years',
    deadlines: deadlinesOf(i, 'circia'),
  };
}

export function regimeReport(i: IncidentDoc, regime: 'jp-acd' | 'nis2' | 'circia', assets: Assets) {
  const body =
    regime === 'jp-acd'
      ? jpReport(i, assets)
      : regime === 'nis2'
        ? nis2Report(i, assets)
        : circiaReport(i, assets);
  return {
    incidentId: i._id,
    /** Whether the operator's sector puts this incident under the regime; the view is given either way. */
    applies: i.regimes.includes(regime),
    ...body,
  };
}
