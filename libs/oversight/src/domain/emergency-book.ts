import { deterministicId, type EventEnvelope } from '@acd/event-sourcing';
import type { MarkEmergencyNotificationMissed } from './oversight.commands';
import type { Millis, OversightEvent } from './oversight.events';

/** A command the scheduler owes the bus, with the id every scheduler gives it. */
export type DueOversightCommand = MarkEmergencyNotificationMissed & {
  /** Deterministic: two schedulers, or one restarted, send the same id for the same clock. */
  commandId: string;
  /** The request: the aggregate the command addresses, and its Kafka key. */
  aggregateId: string;
  dueAt: Millis;
};

export const missedNotificationCommandId = (requestId: string): string =>
  deterministicId('acd:oversight-scheduler', `notification-missed:${requestId}`);

/**
 * What the emergency clocks still owe: every operation executed in an emergency whose agency has
 * not yet notified the commission, folded from the oversight events. It is the scheduler's whole
 * state for oversight and it is pure, so the scheduler rebuilds it from the log at every start.
 * An item leaves the book only when its settling event arrives (the notification, or the miss
 * recorded by the scheduler's own command or by a late notification); the decider makes repeats
 * harmless.
 */
export class EmergencyNotificationBook {
  /** requestId → notifyBy */
  private readonly owed = new Map<string, Millis>();
  /** Highest aggregate version applied per request: a replayed event changes nothing. */
  private readonly versions = new Map<string, number>();

  get size(): number {
    return this.owed.size;
  }

  apply(envelope: EventEnvelope<OversightEvent>): void {
    const { aggregateId, aggregateVersion } = envelope.metadata;
    if (aggregateVersion <= (this.versions.get(aggregateId) ?? 0)) return;
    this.versions.set(aggregateId, aggregateVersion);
    this.applyEvent(envelope.event);
  }

  applyEvent(event: OversightEvent): void {
    switch (event.type) {
      case 'OperationExecuted':
        if (event.data.emergency && event.data.notifyBy !== null) {
          this.owed.set(event.data.requestId, event.data.notifyBy);
        }
        return;
      case 'CommissionNotified':
      case 'EmergencyNotificationMissed':
        this.owed.delete(event.data.requestId);
        return;
      case 'CollectionAuthorisationRequested':
      case 'OperationAuthorisationRequested':
      case 'ForeignMinisterConsulted':
      case 'VoteCast':
      case 'RequestApproved':
      case 'RequestDenied':
      case 'OperationReported':
      case 'InspectionOpened':
      case 'InspectionAnswered':
      case 'InspectionConcluded':
      case 'RecommendationIssued':
      case 'RecommendationAnswered':
      case 'DisciplinaryActionDemanded':
      case 'DisciplinaryActionReported':
      case 'AgreementProposed':
      case 'AgreementAccepted':
      case 'AgreementDeclined':
      case 'AgreementEnded':
      case 'CouncilConstituted':
      case 'CouncilMemberAdmitted':
      case 'CouncilConfidentialityAcknowledged':
      case 'CouncilMemberRemoved':
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event: ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Owed at `now`, earliest first: a notification at exactly notifyBy is still on time. */
  due(now: Date): DueOversightCommand[] {
    const t = now.getTime();
    const out: DueOversightCommand[] = [];
    for (const [requestId, notifyBy] of this.owed) {
      if (notifyBy >= t) continue;
      out.push({
        type: 'MarkEmergencyNotificationMissed',
        data: { requestId },
        commandId: missedNotificationCommandId(requestId),
        aggregateId: requestId,
        dueAt: notifyBy,
      });
    }
    return out.sort((a, b) => a.dueAt - b.dueAt || (a.commandId < b.commandId ? -1 : 1));
  }

  nextDueAt(): Millis | null {
    let next: Millis | null = null;
    for (const at of this.owed.values()) if (next === null || at < next) next = at;
    return next;
  }
}
