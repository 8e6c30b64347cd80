import { eventIdFor, type EventEnvelope } from '@acd/event-sourcing';
import { EmergencyNotificationBook, missedNotificationCommandId } from './emergency-book';
import type { OversightEvent } from './oversight.events';

const H = 3_600_000;
const T0 = Date.parse('2026-11-22T00:00:00Z');

const envelope = (
  requestId: string,
  version: number,
  event: OversightEvent,
): EventEnvelope<OversightEvent> => ({
  metadata: {
    eventId: eventIdFor(`${requestId}-${version}`, 0, requestId),
    eventType: event.type,
    aggregateId: requestId,
    aggregateVersion: version,
    orgId: 'gov-npa',
    occurredAt: new Date(T0),
    correlationId: 'c',
    causationId: `${requestId}-${version}`,
  },
  event,
});

const executed = (
  requestId: string,
  emergency: boolean,
  notifyBy: number | null,
): OversightEvent => ({
  type: 'OperationExecuted',
  data: {
    requestId,
    agencyId: 'gov-npa',
    target: '198.51.100.7',
    startedAt: T0,
    endedAt: T0,
    outcome: 'succeeded',
    summary: 's',
    measuresTaken: ['access'],
    emergency,
    emergencyReason: emergency ? 'no time' : null,
    notifyBy,
    executedAt: T0,
  },
});

describe('the emergency notification book', () => {
  it('owes a miss for an emergency execution once its deadline has passed, not at the deadline', () => {
    const book = new EmergencyNotificationBook();
    book.apply(envelope('r1', 2, executed('r1', true, T0 + 24 * H)));
    book.apply(envelope('r2', 2, executed('r2', false, null)));
    expect(book.nextDueAt()).toBe(T0 + 24 * H);
    expect(book.due(new Date(T0 + 24 * H))).toEqual([]);
    expect(book.due(new Date(T0 + 24 * H + 1))).toEqual([
      {
        type: 'MarkEmergencyNotificationMissed',
        data: { requestId: 'r1' },
        commandId: missedNotificationCommandId('r1'),
        aggregateId: 'r1',
        dueAt: T0 + 24 * H,
      },
    ]);
  });

  it('settles on the notification or the recorded miss, and ignores replays', () => {
    const book = new EmergencyNotificationBook();
    book.apply(envelope('r1', 2, executed('r1', true, T0)));
    book.apply(envelope('r3', 2, executed('r3', true, T0 + H)));
    book.apply(
      envelope('r1', 3, {
        type: 'EmergencyNotificationMissed',
        data: { requestId: 'r1', agencyId: 'gov-npa', notifyBy: T0, recordedAt: T0 + 1 },
      }),
    );
    book.apply(
      envelope('r3', 3, {
        type: 'CommissionNotified',
        data: {
          requestId: 'r3',
          agencyId: 'gov-npa',
          summary: 's',
          notifyBy: T0 + H,
          notifiedAt: T0,
          late: false,
        },
      }),
    );
    // The rebuild handing the execution over again changes nothing.
    book.apply(envelope('r1', 2, executed('r1', true, T0)));
    expect(book.size).toBe(0);
    expect(book.nextDueAt()).toBeNull();
    expect(book.due(new Date(T0 + 100 * H))).toEqual([]);
  });

  it('gives every scheduler the same command id for the same request', () => {
    expect(missedNotificationCommandId('r1')).toBe(missedNotificationCommandId('r1'));
    expect(missedNotificationCommandId('r1')).not.toBe(missedNotificationCommandId('r2'));
  });
});
