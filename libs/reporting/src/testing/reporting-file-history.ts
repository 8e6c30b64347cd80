import type { CommandContext, EventEnvelope } from '@acd/event-sourcing';
import { buildReportingPolicy } from '../domain/profiles';
import { reportingDecider } from '../domain/reporting.decider';
import {
  SCHEDULER_ISSUER,
  type FileReport,
  type OpenIncident,
  type ReportingCommand,
} from '../domain/reporting.commands';
import {
  type AssetDetails,
  type ReportingEvent,
  type ReportStage,
} from '../domain/reporting.events';
import { type ReportingFileState } from '../domain/reporting.state';
import { documentIdOf } from '@acd/persistence';
import type { Projection, ReadModelDoc } from '@acd/persistence';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const decider = reportingDecider(buildReportingPolicy());
const OFFICE = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };

type Issuer = CommandContext['issuedBy'];

/**
 * An operator's reporting file built the way production builds it: commands through the real
 * decider, each resulting event wrapped in an envelope with the next aggregate version. Read-model
 * specs fold these instead of hand-written events, so they see exactly what the decider emits
 * (a case opened before the miss it is about, a report followed by the orders it complies with).
 */
export class ReportingFileHistory {
  readonly envelopes: EventEnvelope<ReportingEvent>[] = [];
  private state: ReportingFileState = decider.initialState;

  constructor(
    readonly operatorId: string,
    readonly sector: string,
  ) {}

  get events(): ReportingEvent[] {
    return this.envelopes.map((e) => e.event);
  }

  /** Decides the command at `now` and returns the events it produced (failing on a refusal). */
  run(command: ReportingCommand, now: number, issuedBy?: Issuer): ReportingEvent[] {
    const issuer = issuedBy ?? { orgId: this.operatorId, kind: 'operator', sector: this.sector };
    const decision = decider.decide(command, this.state, { issuedBy: issuer, now: new Date(now) });
    if (!decision.ok) {
      throw new Error(`${command.type} refused: ${JSON.stringify(decision.refusal)}`);
    }
    for (const event of decision.events) this.append(event, now, issuer.orgId);
    return decision.events;
  }

  private append(event: ReportingEvent, now: number, orgId: string): void {
    this.state = decider.evolve(this.state, event);
    const version = this.envelopes.length + 1;
    this.envelopes.push({
      metadata: {
        eventId: `${this.operatorId}-${version}`,
        eventType: event.type,
        aggregateId: this.operatorId,
        aggregateVersion: version,
        orgId,
        occurredAt: new Date(now),
        correlationId: `corr-${this.operatorId}-${version}`,
        causationId: `cmd-${this.operatorId}-${version}`,
      },
      event,
    });
  }

  notifyAsset(assetId: string, now: number, details: Partial<AssetDetails> = {}) {
    return this.run(
      {
        type: 'NotifyAsset',
        data: {
          operatorId: this.operatorId,
          assetId,
          ...assetDetails(assetId),
          ...details,
          installedAt: null,
        },
      },
      now,
    );
  }

  changeAsset(assetId: string, now: number, details: Partial<AssetDetails>) {
    const current = this.state.assets.get(assetId);
    if (!current) throw new Error(`no asset ${assetId}`);
    const { assetId: _id, status: _status, ...before } = current;
    return this.run(
      {
        type: 'ChangeAsset',
        data: { operatorId: this.operatorId, assetId, ...before, ...details },
      },
      now,
    );
  }

  retireAsset(assetId: string, now: number, reason: string) {
    return this.run(
      { type: 'RetireAsset', data: { operatorId: this.operatorId, assetId, reason } },
      now,
    );
  }

  openIncident(
    incidentId: string,
    awareAt: number,
    now: number,
    over: Partial<OpenIncident['data']> = {},
  ) {
    return this.run(
      {
        type: 'OpenIncident',
        data: {
          operatorId: this.operatorId,
          incidentId,
          title: `Incident ${incidentId} at ${this.operatorId}`,
          description: null,
          awareAt,
          detectedAt: null,
          firstSeenAt: null,
          impact: 'moderate',
          status: 'investigating',
          suspectedActor: null,
          affectedAssets: [],
          indicatorIds: [],
          sharedWithPolice: false,
          ransomPaidAt: null,
          orderId: null,
          ...over,
        },
      },
      now,
    );
  }

  fileReport(
    incidentId: string,
    reportId: string,
    stage: ReportStage,
    now: number,
    over: Partial<FileReport['data']> = {},
  ) {
    return this.run(
      {
        type: 'FileReport',
        data: {
          operatorId: this.operatorId,
          incidentId,
          reportId,
          stage,
          summary: `${stage} report on ${incidentId}`,
          impact: null,
          status: null,
          suspectedActor: null,
          affectedAssets: null,
          indicatorIds: null,
          sharedWithPolice: null,
          ransomPaidAt: null,
          ...over,
        },
      },
      now,
    );
  }

  /** As the deadline scheduler does once a deadline has passed. */
  markMissed(incidentId: string, deadlineId: string, now: number) {
    return this.run(
      { type: 'MarkDeadlineMissed', data: { operatorId: this.operatorId, incidentId, deadlineId } },
      now,
      SCHEDULER_ISSUER,
    );
  }

  /** The office found an incident the operator never reported. */
  openCase(caseId: string, now: number, description = 'Unreported intrusion seen in telemetry') {
    return this.run(
      {
        type: 'OpenComplianceCase',
        data: {
          operatorId: this.operatorId,
          operatorSector: this.sector,
          caseId,
          description,
          evidenceIndicatorIds: [],
        },
      },
      now,
      OFFICE,
    );
  }

  issueOrder(caseId: string, orderId: string, dueAt: number, now: number) {
    return this.run(
      {
        type: 'IssueCorrectionOrder',
        data: {
          operatorId: this.operatorId,
          caseId,
          orderId,
          instructions: 'File the missing report',
          dueAt,
        },
      },
      now,
      OFFICE,
    );
  }

  recordIgnored(orderId: string, now: number) {
    return this.run(
      { type: 'RecordOrderIgnored', data: { operatorId: this.operatorId, orderId } },
      now,
      SCHEDULER_ISSUER,
    );
  }

  referToProsecutors(orderId: string, now: number) {
    return this.run(
      {
        type: 'ReferToProsecutors',
        data: {
          operatorId: this.operatorId,
          orderId,
          statementOfFacts: `Correction order ${orderId} was ignored`,
        },
      },
      now,
      OFFICE,
    );
  }

  /** A court's fine (or, with `fineYen` null, an acquittal), decided on the day of `now` in Japan. */
  recordOutcome(orderId: string, fineYen: number | null, now: number) {
    return this.run(
      {
        type: 'RecordProsecutionOutcome',
        data: {
          operatorId: this.operatorId,
          orderId,
          outcome: fineYen === null ? 'acquitted' : 'fined',
          fineYen,
          court: 'Tokyo Summary Court',
          caseReference: `case-${orderId}`,
          decidedOn: new Date(now + 9 * HOUR).toISOString().slice(0, 10),
        },
      },
      now,
      OFFICE,
    );
  }

  /**
   * Appends a `PenaltyAssessed` as an old log holds it (no command produces one any more), and
   * folds it into the state the way replay does.
   */
  legacyPenalty(orderId: string, amountYen: number, now: number) {
    const order = this.state.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    const event: ReportingEvent = {
      type: 'PenaltyAssessed',
      data: {
        operatorId: this.operatorId,
        caseId: order.caseId,
        orderId,
        amountYen,
        reason: 'Order ignored',
        assessedByOrgId: OFFICE.orgId,
        assessedAt: now,
      },
    };
    this.append(event, now, OFFICE.orgId);
    return [event];
  }

  /** The id of the compliance case the last matching event opened. */
  lastCaseId(): string {
    const opened = this.events.filter((e) => e.type === 'ComplianceCaseOpened');
    const last = opened[opened.length - 1];
    if (!last) throw new Error('no compliance case was opened');
    return last.data.caseId;
  }
}

function assetDetails(assetId: string): AssetDetails {
  return {
    name: `Asset ${assetId}`,
    function: 'substation control',
    location: 'Saitama control centre',
    vendor: 'Example Systems',
    product: 'GridView 7',
    exposure: 'partner-network',
  };
}

/**
 * What `applyEvents` would leave in the collection, computed in memory: each event goes to its
 * document, and a version the document already reflects changes nothing.
 */
export function foldInMemory<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  envelopes: EventEnvelope<E>[],
  docs: Map<string, D> = new Map(),
): Map<string, D> {
  for (const envelope of envelopes) {
    const id = documentIdOf(projection, envelope);
    if (id === null) continue;
    const before = docs.get(id) ?? null;
    if (before && envelope.metadata.aggregateVersion <= before.version) continue;
    const after = projection.evolve(before, envelope);
    if (after !== null) docs.set(id, after);
  }
  return docs;
}
