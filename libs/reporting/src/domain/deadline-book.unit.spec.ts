import fc from 'fast-check';
import {
  deterministicId,
  eventIdFor,
  type CommandContext,
  type EventEnvelope,
} from '@acd/event-sourcing';
import {
  assetNotificationMissedCommandId,
  DeadlineBook,
  ignoredCommandId,
  missedCommandId,
} from './deadline-book';
import { SCHEDULER_ISSUER, type ReportingCommand } from './reporting.commands';
import { reportingDecider } from './reporting.decider';
import type { Deadline, Millis, ReportingEvent } from './reporting.events';
import { buildReportingPolicy } from './profiles';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const OP = 'op-kanto-electric';

const deadline = (deadlineId: string, dueAt: Millis): Deadline => ({
  deadlineId,
  regime: deadlineId.split('/')[0] ?? 'jp-acd',
  obligation: deadlineId.split('/')[1] ?? deadlineId,
  stage: 'EARLY_WARNING',
  dueAt,
});

const ev = {
  opened: (incidentId: string, deadlines: Deadline[], operatorId = OP): ReportingEvent => ({
    type: 'IncidentOpened',
    data: {
      operatorId,
      sector: 'electricity',
      incidentId,
      title: 'Ransomware',
      description: null,
      awareAt: T0,
      detectedAt: null,
      firstSeenAt: null,
      impact: 'moderate',
      status: 'investigating',
      suspectedActor: null,
      affectedAssets: [],
      indicatorIds: [],
      sharedWithPolice: false,
      ransomPaidAt: null,
      regimes: ['jp-acd'],
      deadlines,
      orderId: null,
      openedAt: T0,
    },
  }),
  filed: (
    incidentId: string,
    x: { met?: string[]; late?: string[]; added?: Deadline[] },
    operatorId = OP,
  ): ReportingEvent => ({
    type: 'IncidentReportFiled',
    data: {
      operatorId,
      incidentId,
      reportId: `rep-${incidentId}`,
      stage: 'EARLY_WARNING',
      summary: 'report',
      impact: 'moderate',
      status: 'investigating',
      suspectedActor: null,
      affectedAssets: [],
      indicatorIds: [],
      sharedWithPolice: false,
      ransomPaidAt: null,
      changedFields: [],
      deadlinesMet: x.met ?? [],
      deadlinesFiledLate: x.late ?? [],
      newDeadlines: x.added ?? [],
      filedAt: T0,
    },
  }),
  missed: (incidentId: string, d: Deadline, operatorId = OP): ReportingEvent => ({
    type: 'ReportDeadlineMissed',
    data: { ...d, operatorId, incidentId, caseId: 'case-1', recordedAt: d.dueAt + 1 },
  }),
  closed: (incidentId: string, operatorId = OP): ReportingEvent => ({
    type: 'IncidentClosed',
    data: { operatorId, incidentId, reportId: 'rep-final', closedAt: T0 },
  }),
  order: (orderId: string, dueAt: Millis, operatorId = OP): ReportingEvent => ({
    type: 'CorrectionOrderIssued',
    data: {
      operatorId,
      caseId: 'case-1',
      orderId,
      instructions: 'File it.',
      dueAt,
      issuedByOrgId: 'gov-nco',
      issuedAt: T0,
    },
  }),
  complied: (orderId: string, operatorId = OP): ReportingEvent => ({
    type: 'OrderComplied',
    data: {
      operatorId,
      caseId: 'case-1',
      orderId,
      incidentId: 'inc-1',
      assetId: null,
      reportId: 'rep-1',
      compliedAt: T0,
    },
  }),
  ignored: (orderId: string, dueAt: Millis, operatorId = OP): ReportingEvent => ({
    type: 'OrderIgnored',
    data: { operatorId, caseId: 'case-1', orderId, dueAt, recordedAt: dueAt + 1 },
  }),
  penalty: (orderId: string, operatorId = OP): ReportingEvent => ({
    type: 'PenaltyAssessed',
    data: {
      operatorId,
      caseId: 'case-1',
      orderId,
      amountYen: 1_000_000,
      reason: 'ignored',
      assessedByOrgId: 'gov-nco',
      assessedAt: T0,
    },
  }),
};

const bookOf = (events: ReportingEvent[], operatorId = OP): DeadlineBook => {
  const book = new DeadlineBook();
  for (const e of events) book.applyEvent(operatorId, e);
  return book;
};

const envelope = (
  operatorId: string,
  version: number,
  event: ReportingEvent,
): EventEnvelope<ReportingEvent> => ({
  metadata: {
    eventId: eventIdFor(`c-${version}`, 0, 'op'),
    eventType: event.type,
    aggregateId: operatorId,
    aggregateVersion: version,
    orgId: operatorId,
    occurredAt: new Date(T0),
    correlationId: 'x',
    causationId: `c-${version}`,
  },
  event,
});

const at = (t: Millis) => new Date(t);
const EW = deadline('jp-acd/early-warning', T0 + 24 * H);
const NOTE = deadline('jp-acd/notification', T0 + 72 * H);
const FINAL = deadline('jp-acd/final-report', T0 + 30 * 24 * H);

describe('DeadlineBook', () => {
  it('owes nothing before a deadline, nor at its exact instant; one command a millisecond later', () => {
    const book = bookOf([ev.opened('inc-1', [EW, NOTE, FINAL])]);
    expect(book.size).toBe(3);
    expect(book.nextDueAt()).toBe(EW.dueAt);
    expect(book.due(at(T0))).toEqual([]);
    expect(book.due(at(EW.dueAt))).toEqual([]);
    expect(book.due(at(EW.dueAt + 1))).toEqual([
      {
        type: 'MarkDeadlineMissed',
        data: { operatorId: OP, incidentId: 'inc-1', deadlineId: EW.deadlineId },
        commandId: deterministicId(
          'acd:deadline-scheduler',
          `missed:${OP}:inc-1:jp-acd/early-warning`,
        ),
        aggregateId: OP,
        dueAt: EW.dueAt,
      },
    ]);
    expect(book.due(at(NOTE.dueAt + 1)).map((c) => c.data)).toEqual([
      { operatorId: OP, incidentId: 'inc-1', deadlineId: EW.deadlineId },
      { operatorId: OP, incidentId: 'inc-1', deadlineId: NOTE.deadlineId },
    ]);
  });

  it('keeps offering a sent command until its event arrives', () => {
    const book = bookOf([ev.opened('inc-1', [EW])]);
    const first = book.due(at(EW.dueAt + 1));
    expect(book.due(at(EW.dueAt + 5_000))).toEqual(first);
    book.applyEvent(OP, ev.missed('inc-1', EW));
    expect(book.due(at(EW.dueAt + 10_000))).toEqual([]);
    expect(book.size).toBe(0);
    expect(book.nextDueAt()).toBeNull();
  });

  it('drops deadlines met in time, filed late, recorded missed, or moot because the incident closed', () => {
    const late = bookOf([
      ev.opened('inc-1', [EW, NOTE]),
      ev.filed('inc-1', { late: [EW.deadlineId] }),
    ]);
    expect(late.due(at(FINAL.dueAt)).map((c) => c.data)).toEqual([
      { operatorId: OP, incidentId: 'inc-1', deadlineId: NOTE.deadlineId },
    ]);
    const met = bookOf([
      ev.opened('inc-1', [EW, NOTE]),
      ev.filed('inc-1', { met: [EW.deadlineId] }),
    ]);
    expect(met.due(at(FINAL.dueAt)).map((c) => c.data)).toEqual([
      { operatorId: OP, incidentId: 'inc-1', deadlineId: NOTE.deadlineId },
    ]);
    const closed = bookOf([
      ev.opened('inc-1', [EW, NOTE, FINAL]),
      ev.opened('inc-2', [EW]),
      ev.closed('inc-1'),
    ]);
    expect(closed.size).toBe(1);
    expect(closed.due(at(FINAL.dueAt + 1)).map((c) => c.data)).toEqual([
      { operatorId: OP, incidentId: 'inc-2', deadlineId: EW.deadlineId },
    ]);
  });

  it('adds the deadlines a report creates', () => {
    const ransom = { ...deadline('circia/ransom-payment', T0 + 30 * H), stage: 'RANSOM_PAYMENT' };
    const book = bookOf([
      ev.opened('inc-1', [EW]),
      ev.filed('inc-1', { met: [EW.deadlineId], added: [ransom as Deadline] }),
    ]);
    expect(book.size).toBe(1);
    expect(book.nextDueAt()).toBe(T0 + 30 * H);
    expect(book.due(at(T0 + 30 * H + 1)).map((c) => c.data)).toEqual([
      { operatorId: OP, incidentId: 'inc-1', deadlineId: 'circia/ransom-payment' },
    ]);
  });

  it('owes RecordOrderIgnored once an open order is past due, and nothing once it is settled', () => {
    const due = T0 + 7 * 24 * H;
    const book = bookOf([ev.order('order-1', due)]);
    expect(book.due(at(due))).toEqual([]);
    expect(book.due(at(due + 1))).toEqual([
      {
        type: 'RecordOrderIgnored',
        data: { operatorId: OP, orderId: 'order-1' },
        commandId: ignoredCommandId(OP, 'order-1'),
        aggregateId: OP,
        dueAt: due,
      },
    ]);
    for (const settle of [
      ev.complied('order-1'),
      ev.ignored('order-1', due),
      ev.penalty('order-1'),
    ]) {
      const settled = bookOf([ev.order('order-1', due), settle]);
      expect(settled.due(at(due + 1))).toEqual([]);
      expect(settled.size).toBe(0);
    }
  });

  it("owes MarkAssetNotificationMissed once a designated operator's notification is past due, and nothing once met or recorded", () => {
    const designated = (dueAt: Millis): ReportingEvent => ({
      type: 'OperatorDesignated',
      data: {
        operatorId: OP,
        sector: 'electricity',
        designatedAt: T0,
        reference: null,
        assetNotificationDueAt: dueAt,
        designatedByOrgId: 'gov-nco',
        recordedAt: T0,
      },
    });
    const due = T0 + 10 * H;
    for (const settled of [
      {
        type: 'AssetNotificationDutyMet',
        data: { operatorId: OP, assetId: 'a', dueAt: due, metAt: due, late: false },
      },
      {
        type: 'AssetNotificationMissed',
        data: { operatorId: OP, dueAt: due, caseId: 'c', recordedAt: due + 1 },
      },
    ] as ReportingEvent[]) {
      const book = new DeadlineBook();
      book.apply(envelope(OP, 1, designated(due)));
      expect(book.size).toBe(1);
      expect(book.nextDueAt()).toBe(due);
      expect(book.due(new Date(due))).toEqual([]);
      expect(book.due(new Date(due + 1))).toEqual([
        {
          type: 'MarkAssetNotificationMissed',
          data: { operatorId: OP },
          commandId: assetNotificationMissedCommandId(OP, due),
          aggregateId: OP,
          dueAt: due,
        },
      ]);
      book.apply(envelope(OP, 2, settled));
      expect(book.size).toBe(0);
      expect(book.due(new Date(due + H))).toEqual([]);
    }
  });

  it('gives the same command ids in every instance, distinct per item', () => {
    const events = [
      ev.opened('inc-1', [EW, NOTE]),
      ev.opened('inc-1', [EW], 'op-other'),
      ev.order('order-1', T0),
    ];
    const a = new DeadlineBook();
    const b = new DeadlineBook();
    events.forEach((e) => a.applyEvent(e.data.operatorId, e));
    [...events].reverse().forEach((e) => b.applyEvent(e.data.operatorId, e));
    const ids = a.due(at(FINAL.dueAt)).map((c) => c.commandId);
    expect(b.due(at(FINAL.dueAt)).map((c) => c.commandId)).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    expect(ids).toContain(missedCommandId('op-other', 'inc-1', EW.deadlineId));
  });

  it('skips an envelope at or below the version already applied (a replay)', () => {
    const book = new DeadlineBook();
    const opened = envelope(OP, 1, ev.opened('inc-1', [EW]));
    book.apply(opened);
    book.apply(envelope(OP, 2, ev.missed('inc-1', EW)));
    book.apply(opened);
    expect(book.size).toBe(0);
    book.apply(envelope('op-other', 1, ev.opened('inc-9', [EW], 'op-other')));
    expect(book.size).toBe(1);
  });

  it('agrees with the decider: what the book owes, the decider records once and then ignores', () => {
    const decider = reportingDecider(buildReportingPolicy());
    const operator: CommandContext['issuedBy'] = {
      orgId: OP,
      kind: 'operator',
      sector: 'electricity',
    };
    let state = decider.initialState;
    const book = new DeadlineBook();
    const run = (command: ReportingCommand, issuedBy: CommandContext['issuedBy'], now: Millis) => {
      const d = decider.decide(command, state, { issuedBy, now: new Date(now) });
      if (!d.ok) return d.refusal;
      for (const e of d.events) {
        state = decider.evolve(state, e);
        book.applyEvent(OP, e);
      }
      return d.events;
    };
    run(
      {
        type: 'OpenIncident',
        data: {
          operatorId: OP,
          incidentId: 'inc-1',
          title: 'Ransomware',
          description: null,
          awareAt: T0,
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
        },
      },
      operator,
      T0,
    );
    expect(book.size).toBe(3);
    const scheduler = { ...SCHEDULER_ISSUER };
    const [owed, ...rest] = book.due(at(T0 + 24 * H + 1));
    expect(rest).toEqual([]);
    if (!owed) throw new Error('nothing owed');
    const command = { type: owed.type, data: owed.data } as ReportingCommand;
    expect(run(command, scheduler, T0 + 24 * H)).toMatchObject({ code: 'conflict' });
    const events = run(command, scheduler, T0 + 24 * H + 1) as ReportingEvent[];
    expect(events.map((e) => e.type)).toEqual(['ComplianceCaseOpened', 'ReportDeadlineMissed']);
    expect(run(command, scheduler, T0 + 25 * H)).toEqual([]);
    expect(book.due(at(T0 + 25 * H))).toEqual([]);
    expect(book.size).toBe(2);
  });

  it('property: due(now) is exactly the unfulfilled items with dueAt < now', () => {
    const item = fc.record({
      operator: fc.constantFrom('op-a', 'op-b', 'op-c'),
      incident: fc.constantFrom('inc-1', 'inc-2', 'inc-3'),
      deadline: fc.constantFrom(
        'jp-acd/early-warning',
        'jp-acd/notification',
        'jp-acd/final-report',
        'nis2/final-report',
      ),
      dueAt: fc.integer({ min: 0, max: 1_000 }),
      fulfilment: fc.constantFrom('none', 'met', 'late', 'missed', 'closed', 'arose-later'),
    });
    const order = fc.record({
      operator: fc.constantFrom('op-a', 'op-b', 'op-c'),
      dueAt: fc.integer({ min: 0, max: 1_000 }),
      fulfilment: fc.constantFrom('none', 'complied', 'ignored', 'penalised'),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(item, {
          selector: (x) => `${x.operator}:${x.incident}:${x.deadline}`,
          maxLength: 30,
        }),
        fc.array(order, { maxLength: 8 }),
        fc.integer({ min: 0, max: 1_001 }),
        fc.integer(),
        (items, orders, now, seed) => {
          // An incident is closed if any of its items says so; closing settles all of them.
          const closedIncidents = new Set(
            items
              .filter((x) => x.fulfilment === 'closed')
              .map((x) => `${x.operator}:${x.incident}`),
          );
          const byIncident = new Map<string, typeof items>();
          for (const x of items) {
            const k = `${x.operator}:${x.incident}`;
            byIncident.set(k, [...(byIncident.get(k) ?? []), x]);
          }
          const streams = new Map<string, ReportingEvent[]>();
          const push = (op: string, e: ReportingEvent) =>
            streams.set(op, [...(streams.get(op) ?? []), e]);
          // Openings first (per incident, with its initial deadlines), then the fulfilments
          // in a random order: a report, a miss or a closing may come in any sequence.
          const later: [string, ReportingEvent][] = [];
          for (const [k, xs] of byIncident) {
            const [op = '', inc = ''] = k.split(':');
            const initial = xs.filter((x) => x.fulfilment !== 'arose-later');
            push(
              op,
              ev.opened(
                inc,
                initial.map((x) => deadline(x.deadline, x.dueAt)),
                op,
              ),
            );
            for (const x of xs) {
              const d = deadline(x.deadline, x.dueAt);
              if (x.fulfilment === 'met')
                later.push([op, ev.filed(inc, { met: [d.deadlineId] }, op)]);
              if (x.fulfilment === 'late')
                later.push([op, ev.filed(inc, { late: [d.deadlineId] }, op)]);
              if (x.fulfilment === 'missed') later.push([op, ev.missed(inc, d, op)]);
              if (x.fulfilment === 'arose-later')
                later.push([op, ev.filed(inc, { added: [d] }, op)]);
            }
            if (closedIncidents.has(k)) later.push([op, ev.closed(inc, op)]);
          }
          orders.forEach((o, i) => {
            const id = `order-${i}`;
            push(o.operator, ev.order(id, o.dueAt, o.operator));
            if (o.fulfilment === 'complied') later.push([o.operator, ev.complied(id, o.operator)]);
            if (o.fulfilment === 'ignored')
              later.push([o.operator, ev.ignored(id, o.dueAt, o.operator)]);
            if (o.fulfilment === 'penalised') later.push([o.operator, ev.penalty(id, o.operator)]);
          });
          // Closing is final for an incident, so it goes last among that incident's events.
          const shuffled = shuffle(later, seed).sort(
            (a, b) =>
              Number(a[1].type === 'IncidentClosed') - Number(b[1].type === 'IncidentClosed'),
          );
          for (const [op, e] of shuffled) push(op, e);

          const book = new DeadlineBook();
          for (const [op, events] of streams) {
            events.forEach((e, i) => book.apply(envelope(op, i + 1, e)));
          }

          const open = items.filter(
            (x) =>
              (x.fulfilment === 'none' || x.fulfilment === 'arose-later') &&
              !closedIncidents.has(`${x.operator}:${x.incident}`),
          );
          const openOrders = orders
            .map((o, i) => ({ ...o, id: `order-${i}` }))
            .filter((o) => o.fulfilment === 'none');
          const expected = [
            ...open
              .filter((x) => x.dueAt < now)
              .map((x) => `missed:${x.operator}:${x.incident}:${x.deadline}`),
            ...openOrders.filter((o) => o.dueAt < now).map((o) => `ignored:${o.operator}:${o.id}`),
          ].sort();
          const actual = book
            .due(at(now))
            .map((c) =>
              c.type === 'MarkDeadlineMissed'
                ? `missed:${c.data.operatorId}:${c.data.incidentId}:${c.data.deadlineId}`
                : c.type === 'RecordOrderIgnored'
                  ? `ignored:${c.data.operatorId}:${c.data.orderId}`
                  : `asset-notification:${c.data.operatorId}`,
            )
            .sort();
          expect(actual).toEqual(expected);
          expect(book.size).toBe(open.length + openOrders.length);
          const dues = [...open.map((x) => x.dueAt), ...openOrders.map((o) => o.dueAt)];
          expect(book.nextDueAt()).toBe(dues.length ? Math.min(...dues) : null);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
