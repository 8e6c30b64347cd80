import { deterministicId, type EventEnvelope } from '@acd/event-sourcing';
import type {
  MarkAssetNotificationMissed,
  MarkDeadlineMissed,
  RecordOrderIgnored,
} from './reporting.commands';
import type { Millis, ReportingEvent } from './reporting.events';

/** A command the deadline scheduler owes the bus, with the id every scheduler gives it. */
export type DueReportingCommand = (
  MarkDeadlineMissed | RecordOrderIgnored | MarkAssetNotificationMissed
) & {
  /** Deterministic: two schedulers, or one restarted, send the same id for the same clock. */
  commandId: string;
  /** The operator: the aggregate the command addresses, and its Kafka key. */
  aggregateId: string;
  dueAt: Millis;
};

/** Namespace of the scheduler's deterministic command ids. */
const ID_NAMESPACE = 'acd:deadline-scheduler';

export const missedCommandId = (operatorId: string, incidentId: string, deadlineId: string) =>
  deterministicId(ID_NAMESPACE, `missed:${operatorId}:${incidentId}:${deadlineId}`);

export const ignoredCommandId = (operatorId: string, orderId: string) =>
  deterministicId(ID_NAMESPACE, `ignored:${operatorId}:${orderId}`);

export const assetNotificationMissedCommandId = (operatorId: string, dueAt: Millis) =>
  deterministicId(ID_NAMESPACE, `asset-notification:${operatorId}:${dueAt}`);

interface PendingOrder {
  orderId: string;
  dueAt: Millis;
}

/**
 * What the law's clocks still owe: every pending report deadline and every open correction
 * order, folded from the reporting events. It is the deadline scheduler's whole state, and it is
 * pure: the scheduler rebuilds it from the events topic on every start, so it never needs saving.
 *
 * An item leaves the book only when the event that settles it arrives (a report met it, the
 * scheduler's own command recorded the miss, the incident closed, the order was complied with,
 * ignored, or penalised in an old log). Sending a command does not remove anything: if it was lost or refused,
 * `due()` keeps offering it. The decider makes repeats harmless.
 */
export class DeadlineBook {
  /** operatorId → incidentId → deadlineId → dueAt */
  private readonly deadlines = new Map<string, Map<string, Map<string, Millis>>>();
  /** operatorId → orderId → order */
  private readonly orders = new Map<string, Map<string, PendingOrder>>();
  /** operatorId → when its asset notification (owed since its designation) is due */
  private readonly assetNotifications = new Map<string, Millis>();
  /** Highest aggregate version applied per operator: a replayed or repeated event changes nothing. */
  private readonly versions = new Map<string, number>();
  private count = 0;

  /** Pending deadlines, open orders and owed asset notifications. */
  get size(): number {
    return this.count;
  }

  /**
   * Applies one stored event. Like `applyEnvelope`, an event at or below the version already
   * applied for its operator is a replay and is skipped, so the scheduler may hand the same
   * record over twice (rebuild, then live tail) without harm.
   */
  apply(envelope: EventEnvelope<ReportingEvent>): void {
    const { aggregateId, aggregateVersion } = envelope.metadata;
    if (aggregateVersion <= (this.versions.get(aggregateId) ?? 0)) return;
    this.versions.set(aggregateId, aggregateVersion);
    this.applyEvent(aggregateId, envelope.event);
  }

  /** Applies one event of the operator's file, without a version check. */
  applyEvent(operatorId: string, event: ReportingEvent): void {
    switch (event.type) {
      case 'IncidentOpened':
        for (const d of event.data.deadlines) {
          this.addDeadline(operatorId, event.data.incidentId, d.deadlineId, d.dueAt);
        }
        return;
      case 'IncidentReportFiled': {
        const d = event.data;
        // The decider lists in newDeadlines only those not known yet, and in met/late only
        // known ones; adding first and removing second is right either way.
        for (const x of d.newDeadlines) {
          this.addDeadline(operatorId, d.incidentId, x.deadlineId, x.dueAt);
        }
        for (const id of [...d.deadlinesMet, ...d.deadlinesFiledLate]) {
          this.removeDeadline(operatorId, d.incidentId, id);
        }
        return;
      }
      case 'ReportDeadlineMissed':
        this.removeDeadline(operatorId, event.data.incidentId, event.data.deadlineId);
        return;
      case 'IncidentClosed': {
        // A closed incident owes nothing more: the decider ignores its deadlines.
        const incidents = this.deadlines.get(operatorId);
        const pending = incidents?.get(event.data.incidentId);
        if (!incidents || !pending) return;
        this.count -= pending.size;
        incidents.delete(event.data.incidentId);
        if (incidents.size === 0) this.deadlines.delete(operatorId);
        return;
      }
      case 'CorrectionOrderIssued': {
        const orders = this.orders.get(operatorId) ?? new Map<string, PendingOrder>();
        if (!orders.has(event.data.orderId)) this.count += 1;
        orders.set(event.data.orderId, { orderId: event.data.orderId, dueAt: event.data.dueAt });
        this.orders.set(operatorId, orders);
        return;
      }
      case 'OrderComplied':
      case 'OrderIgnored':
      case 'PenaltyAssessed': {
        const orders = this.orders.get(operatorId);
        if (!orders?.delete(event.data.orderId)) return;
        this.count -= 1;
        if (orders.size === 0) this.orders.delete(operatorId);
        return;
      }
      case 'OperatorDesignated':
        if (!this.assetNotifications.has(operatorId)) this.count += 1;
        this.assetNotifications.set(operatorId, event.data.assetNotificationDueAt);
        return;
      case 'AssetNotificationDutyMet':
      case 'AssetNotificationMissed':
        if (this.assetNotifications.delete(operatorId)) this.count -= 1;
        return;
      case 'AssetNotified':
      case 'AssetChanged':
      case 'AssetRetired':
      case 'ComplianceCaseOpened':
      case 'CaseReferredToProsecutors':
      case 'ProsecutionOutcomeRecorded':
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event: ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * The commands owed at `now`, earliest first: every item whose due time has passed. At exactly
   * dueAt a report is still on time, so an item is due only when now > dueAt.
   */
  due(now: Date): DueReportingCommand[] {
    const t = now.getTime();
    const out: DueReportingCommand[] = [];
    for (const [operatorId, incidents] of this.deadlines) {
      for (const [incidentId, pending] of incidents) {
        for (const [deadlineId, dueAt] of pending) {
          if (dueAt >= t) continue;
          out.push({
            type: 'MarkDeadlineMissed',
            data: { operatorId, incidentId, deadlineId },
            commandId: missedCommandId(operatorId, incidentId, deadlineId),
            aggregateId: operatorId,
            dueAt,
          });
        }
      }
    }
    for (const [operatorId, orders] of this.orders) {
      for (const { orderId, dueAt } of orders.values()) {
        if (dueAt >= t) continue;
        out.push({
          type: 'RecordOrderIgnored',
          data: { operatorId, orderId },
          commandId: ignoredCommandId(operatorId, orderId),
          aggregateId: operatorId,
          dueAt,
        });
      }
    }
    for (const [operatorId, dueAt] of this.assetNotifications) {
      if (dueAt >= t) continue;
      out.push({
        type: 'MarkAssetNotificationMissed',
        data: { operatorId },
        commandId: assetNotificationMissedCommandId(operatorId, dueAt),
        aggregateId: operatorId,
        dueAt,
      });
    }
    return out.sort((a, b) => a.dueAt - b.dueAt || (a.commandId < b.commandId ? -1 : 1));
  }

  /** The earliest due time in the book (possibly already past), or null when nothing is pending. */
  nextDueAt(): Millis | null {
    let next: Millis | null = null;
    for (const incidents of this.deadlines.values()) {
      for (const pending of incidents.values()) {
        for (const dueAt of pending.values()) if (next === null || dueAt < next) next = dueAt;
      }
    }
    for (const orders of this.orders.values()) {
      for (const { dueAt } of orders.values()) if (next === null || dueAt < next) next = dueAt;
    }
    for (const dueAt of this.assetNotifications.values()) {
      if (next === null || dueAt < next) next = dueAt;
    }
    return next;
  }

  private addDeadline(operatorId: string, incidentId: string, deadlineId: string, dueAt: Millis) {
    const incidents = this.deadlines.get(operatorId) ?? new Map<string, Map<string, Millis>>();
    const pending = incidents.get(incidentId) ?? new Map<string, Millis>();
    if (!pending.has(deadlineId)) this.count += 1;
    pending.set(deadlineId, dueAt);
    incidents.set(incidentId, pending);
    this.deadlines.set(operatorId, incidents);
  }

  private removeDeadline(operatorId: string, incidentId: string, deadlineId: string) {
    const incidents = this.deadlines.get(operatorId);
    const pending = incidents?.get(incidentId);
    if (!incidents || !pending?.delete(deadlineId)) return;
    this.count -= 1;
    if (pending.size === 0) incidents.delete(incidentId);
    if (incidents.size === 0) this.deadlines.delete(operatorId);
  }
}
