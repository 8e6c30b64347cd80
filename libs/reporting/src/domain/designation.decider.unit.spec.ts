import { deciderSpec } from '@acd/event-sourcing/testing';
import type { CommandContext } from '@acd/event-sourcing';
import type { DesignateOperator, NotifyAsset, ReportingCommand } from './reporting.commands';
import { SCHEDULER_ISSUER } from './reporting.commands';
import { reportingDecider } from './reporting.decider';
import type { ReportingEvent } from './reporting.events';
import { buildReportingPolicy, DEFAULT_PROFILE_SETTINGS } from './profiles';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-12-01T00:00:00Z');
/** T0 + P3M, as the duration arithmetic adds months (calendar months, in UTC). */
const DUE = Date.parse('2027-03-01T00:00:00Z');
const OP = 'op-kanto-electric';
const operator = { orgId: OP, kind: 'operator', sector: 'electricity' };
const office = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
const police = { orgId: 'gov-npa', kind: 'police', sector: null };
const scheduler = { ...SCHEDULER_ISSUER };
const at = (issuedBy: CommandContext['issuedBy'], t: number): Partial<CommandContext> => ({
  issuedBy,
  now: new Date(t),
});

const decider = reportingDecider(
  buildReportingPolicy({ ...DEFAULT_PROFILE_SETTINGS, designationAssetNotifyWithin: 'P3M' }),
);
const spec = deciderSpec(decider, { issuedBy: office, now: new Date(T0) });

function run(history: ReportingEvent[], command: ReportingCommand, ctx: Partial<CommandContext>) {
  const state = history.reduce(decider.evolve, decider.initialState);
  const decision = decider.decide(command, state, { issuedBy: office, now: new Date(T0), ...ctx });
  if (!decision.ok) throw new Error(JSON.stringify(decision.refusal));
  return [...history, ...decision.events];
}

const designate = (over: Partial<DesignateOperator['data']> = {}): DesignateOperator => ({
  type: 'DesignateOperator',
  data: {
    operatorId: OP,
    sector: 'electricity',
    designatedAt: T0,
    reference: ' NCO-DES-2026-12 ',
    ...over,
  },
});
const designated: ReportingEvent = {
  type: 'OperatorDesignated',
  data: {
    operatorId: OP,
    sector: 'electricity',
    designatedAt: T0,
    reference: 'NCO-DES-2026-12',
    assetNotificationDueAt: DUE,
    designatedByOrgId: office.orgId,
    recordedAt: T0,
  },
};
const notify = (assetId = 'scada-1'): NotifyAsset => ({
  type: 'NotifyAsset',
  data: {
    operatorId: OP,
    assetId,
    name: 'SCADA master',
    function: 'grid control',
    location: 'Tokyo',
    vendor: 'Example',
    product: 'GridMaster',
    exposure: 'isolated',
    installedAt: null,
  },
});
const missed = (now: number) =>
  run(
    [designated],
    { type: 'MarkAssetNotificationMissed', data: { operatorId: OP } },
    at(scheduler, now),
  );

describe('designation', () => {
  it('given nothing, when the office designates an operator, then the notification is due after the configured period', () => {
    spec.given([]).when(designate()).then([designated]);
  });

  it.each([
    ['the operator itself', operator],
    ['the police', police],
    ['the scheduler', scheduler],
  ])('when %s designates, then forbidden', (_, who) => {
    spec.given([]).when(designate(), { issuedBy: who }).thenRefused({ code: 'forbidden' });
  });

  it('given a designation, when the office designates again, then conflict', () => {
    spec.given([designated]).when(designate()).thenRefused({ code: 'conflict' });
  });

  it('when the sector is not one of the 15, or not the file’s, then it is refused naming sector', () => {
    spec
      .given([])
      .when(designate({ sector: 'mining' }))
      .thenRefused({ code: 'invalid', field: 'sector' });
    const withAsset = run([], notify(), at(operator, T0 - DAY));
    spec
      .given(withAsset)
      .when(designate({ sector: 'finance' }))
      .thenRefused({ code: 'invalid', field: 'sector' });
  });

  it('when the designation lies in the future, then it is refused naming designatedAt', () => {
    spec
      .given([])
      .when(designate({ designatedAt: T0 + DAY }))
      .thenRefused({ code: 'invalid', field: 'designatedAt' });
  });

  it('given assets notified before, when designated, then the duty is met at once', () => {
    const before = run([], notify('dcs-1'), at(operator, T0 - DAY));
    spec
      .given(before)
      .when(designate())
      .then([
        designated,
        {
          type: 'AssetNotificationDutyMet',
          data: { operatorId: OP, assetId: 'dcs-1', dueAt: DUE, metAt: T0, late: false },
        },
      ]);
  });

  it('given a designation, when the operator notifies an asset by the due instant, then the duty is met on time', () => {
    spec
      .given([designated])
      .when(notify(), at(operator, DUE))
      .then([
        expect.objectContaining({ type: 'AssetNotified' }) as unknown as ReportingEvent,
        {
          type: 'AssetNotificationDutyMet',
          data: { operatorId: OP, assetId: 'scada-1', dueAt: DUE, metAt: DUE, late: false },
        },
      ]);
  });

  it('given a designation, when the scheduler asks before the due time, then conflict; after it, the miss and a jp-acd case, once', () => {
    spec
      .given([designated])
      .when({ type: 'MarkAssetNotificationMissed', data: { operatorId: OP } }, at(scheduler, DUE))
      .thenRefused({ code: 'conflict' });
    const events = missed(DUE + 1);
    const opened = events.find((e) => e.type === 'ComplianceCaseOpened');
    expect(opened?.data).toMatchObject({
      basis: 'missed-asset-notification',
      incidentId: null,
      sector: 'electricity',
    });
    expect(events.find((e) => e.type === 'AssetNotificationMissed')?.data).toMatchObject({
      dueAt: DUE,
      caseId: (opened?.data as { caseId: string }).caseId,
    });
    spec
      .given(events)
      .when(
        { type: 'MarkAssetNotificationMissed', data: { operatorId: OP } },
        at(scheduler, DUE + DAY),
      )
      .thenNothing();
  });

  it('given no designation, when the scheduler asks, then not found', () => {
    spec
      .given([])
      .when(
        { type: 'MarkAssetNotificationMissed', data: { operatorId: OP } },
        at(scheduler, DUE + 1),
      )
      .thenRefused({ code: 'not-found' });
  });

  it('given a designation, when the first asset comes late, then the miss is recorded first and the duty met late', () => {
    const events = run([designated], notify(), at(operator, DUE + DAY));
    expect(events.slice(1).map((e) => e.type)).toEqual([
      'AssetNotified',
      'ComplianceCaseOpened',
      'AssetNotificationMissed',
      'AssetNotificationDutyMet',
    ]);
    expect(events.at(-1)?.data).toMatchObject({ late: true, metAt: DUE + DAY });
  });

  it('given a missed notification and an order on its case, when the operator notifies an asset, then the order is complied with by it', () => {
    const afterMiss = missed(DUE + 1);
    const caseId = (
      afterMiss.find((e) => e.type === 'ComplianceCaseOpened')!.data as { caseId: string }
    ).caseId;
    const ordered = run(
      afterMiss,
      {
        type: 'IssueCorrectionOrder',
        data: {
          operatorId: OP,
          caseId,
          orderId: 'order-1',
          instructions: 'Notify your computers',
          dueAt: DUE + 30 * DAY,
        },
      },
      at(office, DUE + 2),
    );
    const after = run(ordered, notify(), at(operator, DUE + DAY));
    expect(after.slice(ordered.length).map((e) => e.type)).toEqual([
      'AssetNotified',
      'AssetNotificationDutyMet',
      'OrderComplied',
    ]);
    expect(after.at(-1)?.data).toEqual({
      operatorId: OP,
      caseId,
      orderId: 'order-1',
      incidentId: null,
      reportId: null,
      assetId: 'scada-1',
      compliedAt: DUE + DAY,
    });
    // Nothing left to order once the computers are notified.
    spec
      .given(after)
      .when(
        {
          type: 'IssueCorrectionOrder',
          data: {
            operatorId: OP,
            caseId,
            orderId: 'order-2',
            instructions: 'x',
            dueAt: DUE + 40 * DAY,
          },
        },
        at(office, DUE + 2 * DAY),
      )
      .thenRefused({ code: 'conflict' });
  });
});
