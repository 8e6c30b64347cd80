import type { Millis, ReportingEvent } from '../domain/reporting.events';

/**
 * When the fact an event records happened, by the domain's own clock; null for an event type
 * this build does not know (a newer producer), which the projections then ignore.
 */
export function eventTime(event: ReportingEvent): Millis | null {
  switch (event.type) {
    case 'AssetNotified':
      return event.data.notifiedAt;
    case 'AssetChanged':
      return event.data.changedAt;
    case 'AssetRetired':
      return event.data.retiredAt;
    case 'IncidentOpened':
      return event.data.openedAt;
    case 'IncidentReportFiled':
      return event.data.filedAt;
    case 'IncidentClosed':
      return event.data.closedAt;
    case 'ReportDeadlineMissed':
      return event.data.recordedAt;
    case 'ComplianceCaseOpened':
      return event.data.openedAt;
    case 'CorrectionOrderIssued':
      return event.data.issuedAt;
    case 'OrderComplied':
      return event.data.compliedAt;
    case 'OrderIgnored':
      return event.data.recordedAt;
    case 'PenaltyAssessed':
      return event.data.assessedAt;
    case 'CaseReferredToProsecutors':
      return event.data.referredAt;
    case 'ProsecutionOutcomeRecorded':
      return event.data.recordedAt;
    case 'OperatorDesignated':
      return event.data.recordedAt;
    case 'AssetNotificationDutyMet':
      return event.data.metAt;
    case 'AssetNotificationMissed':
      return event.data.recordedAt;
    default: {
      const _unknown: never = event;
      return null;
    }
  }
}

export const dateOrNull = (ms: Millis | null): Date | null => (ms === null ? null : new Date(ms));
