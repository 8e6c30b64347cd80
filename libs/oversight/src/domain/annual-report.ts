/**
 * The commission's yearly report to the Diet (Act, art. 70), computed from facts: the oversight
 * events as the event log holds them, or as the audit log copied them. Both are folded by this one
 * pure function, so the report's figures and their reconciliation with the audit log are the
 * same computation over two independent records.
 */
import { HOME_COUNTRY, OPERATION_MEASURES, EXECUTION_OUTCOMES } from './oversight.events';
import { INSPECTION_CONCLUSIONS } from './supervision.events';

/** One oversight event: its type, when the bus recorded it (epoch ms) and its data. */
export interface OversightFact {
  type: string;
  occurredAt: number;
  data: unknown;
}

/** Japan Standard Time: +09:00 all year (Japan has no daylight saving time). */
const JST_OFFSET_MS = 9 * 3_600_000;

/** The calendar year in Japan: [1 January 00:00 JST, next 1 January 00:00 JST). */
export function yearInJapan(year: number): { from: number; to: number } {
  return {
    from: Date.UTC(year, 0, 1) - JST_OFFSET_MS,
    to: Date.UTC(year + 1, 0, 1) - JST_OFFSET_MS,
  };
}

type Counts<K extends string> = Record<K, number>;
const zeros = <K extends string>(keys: readonly K[]): Counts<K> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Counts<K>;

export interface AnnualFigures {
  year: number;
  /** ISO instants bounding the year in Japan. */
  from: string;
  to: string;
  requests: {
    collection: number;
    operation: number;
    /** Operation requests recorded after the agency acted (the emergency path). */
    emergency: number;
    byRequester: Record<string, number>;
  };
  decisions: {
    approved: { collection: number; operation: number };
    denied: { collection: number; operation: number };
    votesCast: number;
    /** Requests made by the year's end and not decided by then. */
    pendingAtYearEnd: number;
  };
  operations: {
    executed: number;
    byAgency: Record<string, number>;
    /** How many executions took each measure. */
    byMeasure: Counts<(typeof OPERATION_MEASURES)[number]>;
    byOutcome: Counts<(typeof EXECUTION_OUTCOMES)[number]>;
    abroad: number;
    reported: number;
  };
  /** Operations executed in the year on the emergency path, by how the commission was told. */
  emergencyNotifications: {
    executed: number;
    onTime: number;
    late: number;
    /** Recorded as missed and never notified since. */
    missed: number;
    /** Neither notified nor recorded as missed yet (not due, or the miss not yet recorded). */
    outstanding: number;
  };
  supervision: {
    inspectionsOpened: number;
    inspectionsConcluded: Counts<(typeof INSPECTION_CONCLUSIONS)[number]>;
    recommendationsIssued: number;
    recommendationsAnswered: number;
    disciplinaryDemands: number;
    disciplinaryActionsReported: number;
  };
  /** Agreements with operators proposed, accepted, declined and ended in the year. */
  agreements: { proposed: number; accepted: number; declined: number; ended: number };
  /** Oversight facts recorded in the year (any type), and in all the record read. */
  facts: { inYear: number; read: number };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

/**
 * The figures of `year` from every oversight fact recorded so far (earlier years too: a request
 * decided in January may have been made in December). Facts may come in any order across
 * aggregates; within one request they are in the order the log holds them.
 */
export function annualFigures(year: number, facts: readonly OversightFact[]): AnnualFigures {
  const { from, to } = yearInJapan(year);
  const inYear = (f: OversightFact) => f.occurredAt >= from && f.occurredAt < to;
  const kindOf = new Map<string, 'collection' | 'operation'>();
  const madeBy = new Map<string, number>();
  const decidedAt = new Map<string, number>();
  const emergencyRuns = new Map<string, { inYear: boolean }>();
  const notified = new Map<string, boolean>();
  const missed = new Set<string>();
  /** Operation requests' agency kind and target country, for their executions. */
  const operationOf = new Map<string, { agencyKind: string; country: string }>();

  const r: AnnualFigures = {
    year,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    requests: { collection: 0, operation: 0, emergency: 0, byRequester: {} },
    decisions: {
      approved: { collection: 0, operation: 0 },
      denied: { collection: 0, operation: 0 },
      votesCast: 0,
      pendingAtYearEnd: 0,
    },
    operations: {
      executed: 0,
      byAgency: {},
      byMeasure: zeros(OPERATION_MEASURES),
      byOutcome: zeros(EXECUTION_OUTCOMES),
      abroad: 0,
      reported: 0,
    },
    emergencyNotifications: { executed: 0, onTime: 0, late: 0, missed: 0, outstanding: 0 },
    supervision: {
      inspectionsOpened: 0,
      inspectionsConcluded: zeros(INSPECTION_CONCLUSIONS),
      recommendationsIssued: 0,
      recommendationsAnswered: 0,
      disciplinaryDemands: 0,
      disciplinaryActionsReported: 0,
    },
    agreements: { proposed: 0, accepted: 0, declined: 0, ended: 0 },
    facts: { inYear: 0, read: facts.length },
  };

  for (const f of facts) {
    const d = (f.data ?? {}) as Record<string, unknown>;
    const id = str(d.requestId) ?? '';
    const counted = inYear(f);
    if (counted) r.facts.inYear += 1;
    switch (f.type) {
      case 'CollectionAuthorisationRequested':
      case 'OperationAuthorisationRequested': {
        const kind = f.type === 'CollectionAuthorisationRequested' ? 'collection' : 'operation';
        kindOf.set(id, kind);
        madeBy.set(id, f.occurredAt);
        if (kind === 'operation') {
          const target = d.target as { country?: unknown } | null | undefined;
          operationOf.set(id, {
            agencyKind: str(d.agencyKind) ?? 'unknown',
            country: str(target?.country) ?? HOME_COUNTRY,
          });
        }
        if (!counted) break;
        r.requests[kind] += 1;
        if (kind === 'operation' && str(d.emergencyReason) !== null) r.requests.emergency += 1;
        bump(r.requests.byRequester, str(d.requesterKind) ?? str(d.agencyKind) ?? 'unknown');
        break;
      }
      case 'VoteCast':
        if (counted) r.decisions.votesCast += 1;
        break;
      case 'RequestApproved':
      case 'RequestDenied': {
        if (!decidedAt.has(id)) decidedAt.set(id, f.occurredAt);
        const kind = kindOf.get(id);
        if (!counted || !kind) break;
        r.decisions[f.type === 'RequestApproved' ? 'approved' : 'denied'][kind] += 1;
        break;
      }
      case 'OperationExecuted': {
        const emergency = d.emergency === true;
        if (emergency) emergencyRuns.set(id, { inYear: counted });
        if (!counted) break;
        r.operations.executed += 1;
        const operation = operationOf.get(id);
        bump(r.operations.byAgency, operation?.agencyKind ?? 'unknown');
        for (const m of Array.isArray(d.measuresTaken) ? d.measuresTaken : []) {
          if (typeof m === 'string' && m in r.operations.byMeasure) {
            r.operations.byMeasure[m as keyof AnnualFigures['operations']['byMeasure']] += 1;
          }
        }
        const outcome = str(d.outcome);
        if (outcome && outcome in r.operations.byOutcome) {
          r.operations.byOutcome[outcome as keyof AnnualFigures['operations']['byOutcome']] += 1;
        }
        if ((operation?.country ?? HOME_COUNTRY) !== HOME_COUNTRY) r.operations.abroad += 1;
        break;
      }
      case 'CommissionNotified':
        notified.set(id, d.late === true);
        break;
      case 'EmergencyNotificationMissed':
        missed.add(id);
        break;
      case 'OperationReported':
        if (counted) r.operations.reported += 1;
        break;
      case 'InspectionOpened':
        if (counted) r.supervision.inspectionsOpened += 1;
        break;
      case 'InspectionConcluded': {
        const c = str(d.conclusion);
        if (counted && c && c in r.supervision.inspectionsConcluded) {
          r.supervision.inspectionsConcluded[
            c as keyof AnnualFigures['supervision']['inspectionsConcluded']
          ] += 1;
        }
        break;
      }
      case 'RecommendationIssued':
        if (counted) r.supervision.recommendationsIssued += 1;
        break;
      case 'RecommendationAnswered':
        if (counted) r.supervision.recommendationsAnswered += 1;
        break;
      case 'DisciplinaryActionDemanded':
        if (counted) r.supervision.disciplinaryDemands += 1;
        break;
      case 'DisciplinaryActionReported':
        if (counted) r.supervision.disciplinaryActionsReported += 1;
        break;
      case 'AgreementProposed':
        if (counted) r.agreements.proposed += 1;
        break;
      case 'AgreementAccepted':
        if (counted) r.agreements.accepted += 1;
        break;
      case 'AgreementDeclined':
        if (counted) r.agreements.declined += 1;
        break;
      case 'AgreementEnded':
        if (counted) r.agreements.ended += 1;
        break;
      default:
        break;
    }
  }

  for (const [id, run] of emergencyRuns) {
    if (!run.inYear) continue;
    const e = r.emergencyNotifications;
    e.executed += 1;
    const late = notified.get(id);
    if (late === false) e.onTime += 1;
    else if (late === true) e.late += 1;
    else if (missed.has(id)) e.missed += 1;
    else e.outstanding += 1;
  }
  for (const [id, at] of madeBy) {
    if (at >= to) continue;
    const decided = decidedAt.get(id);
    if (decided === undefined || decided >= to) r.decisions.pendingAtYearEnd += 1;
  }
  return r;
}

/** One figure on which the event log and the audit log disagree. */
export interface FigureDifference {
  figure: string;
  eventLog: number | string | null;
  auditLog: number | string | null;
}

/** Every leaf figure (dotted path) that differs between two computations of one year. */
export function figureDifferences(
  eventLog: unknown,
  auditLog: unknown,
  path = '',
): FigureDifference[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(eventLog) || isObject(auditLog)) {
    const a = isObject(eventLog) ? eventLog : {};
    const b = isObject(auditLog) ? auditLog : {};
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => figureDifferences(a[k], b[k], path ? `${path}.${k}` : k));
  }
  const leaf = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? v : null);
  return leaf(eventLog) === leaf(auditLog)
    ? []
    : [{ figure: path, eventLog: leaf(eventLog), auditLog: leaf(auditLog) }];
}
