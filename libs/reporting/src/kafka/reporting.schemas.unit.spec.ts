import { SchemaSet, encodeSingleObject, schemasDir } from '@acd/messaging';
import { REPORTING_COMMAND_TYPES, type ReportingCommand } from '../domain/reporting.commands';
import { buildReportingPolicy } from '../domain/profiles';
import { reportingDecider } from '../domain/reporting.decider';
import {
  type Deadline,
  REPORTING_EVENT_TYPES,
  type ReportingEvent,
} from '../domain/reporting.events';

/** One sample `data` per type; the mapped types make the compiler check every shape. */
type DataOf<U extends { type: string; data: unknown }> = {
  [K in U['type']]: Extract<U, { type: K }>['data'];
};

const NAMESPACE = 'jp.acd.reporting';

const T0 = Date.UTC(2026, 3, 1, 9, 30); // awareness
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const asset = {
  name: 'Grid SCADA master station',
  function: 'Supervisory control of the 66 kV transmission network',
  location: 'Tokyo control centre, floor 3',
  vendor: 'Example Electric',
  product: 'GridMaster 7.2',
  exposure: 'partner-network',
} as const;

const deadlines: Deadline[] = [
  {
    deadlineId: 'jp-acd/early-warning',
    regime: 'jp-acd',
    obligation: 'early-warning',
    stage: 'EARLY_WARNING',
    dueAt: T0 + DAY,
  },
  {
    deadlineId: 'nis2/notification',
    regime: 'nis2',
    obligation: 'notification',
    stage: 'NOTIFICATION',
    dueAt: T0 + 3 * DAY,
  },
];

const events: DataOf<ReportingEvent>[] = [
  {
    AssetNotified: {
      operatorId: 'op-tepco',
      sector: 'electricity',
      assetId: 'scada-1',
      ...asset,
      installedAt: T0 - 400 * DAY,
      notifiedAt: T0 - 30 * DAY,
    },
    AssetChanged: {
      operatorId: 'op-tepco',
      assetId: 'scada-1',
      ...asset,
      exposure: 'internal',
      changedFields: ['exposure'],
      changedAt: T0 - 10 * DAY,
    },
    AssetRetired: {
      operatorId: 'op-tepco',
      assetId: 'scada-0',
      reason: 'replaced by scada-1',
      retiredAt: T0 - 5 * DAY,
    },
    IncidentOpened: {
      operatorId: 'op-tepco',
      sector: 'electricity',
      incidentId: 'inc-2026-001',
      title: 'Ransomware on SCADA historian',
      description: 'Files encrypted on the historian; control path unaffected so far.',
      awareAt: T0,
      detectedAt: T0 - 2 * HOUR,
      firstSeenAt: T0 - 6 * DAY,
      impact: 'high',
      status: 'investigating',
      suspectedActor: 'LockBit affiliate',
      affectedAssets: ['scada-1'],
      indicatorIds: ['ind-1', 'ind-2'],
      sharedWithPolice: true,
      ransomPaidAt: null,
      regimes: ['jp-acd', 'nis2'],
      deadlines,
      orderId: null,
      openedAt: T0 + 5 * 60_000,
    },
    IncidentReportFiled: {
      operatorId: 'op-tepco',
      incidentId: 'inc-2026-001',
      reportId: 'rep-2',
      stage: 'NOTIFICATION',
      summary: 'Contained; ransom paid to restore the historian.',
      impact: 'moderate',
      status: 'contained',
      suspectedActor: null,
      affectedAssets: [],
      indicatorIds: ['ind-1'],
      sharedWithPolice: false,
      ransomPaidAt: T0 + 2 * DAY,
      changedFields: ['impact', 'status', 'suspectedActor', 'ransomPaidAt'],
      deadlinesMet: ['nis2/notification'],
      deadlinesFiledLate: ['jp-acd/notification'],
      newDeadlines: [
        {
          deadlineId: 'nis2/final-report',
          regime: 'nis2',
          obligation: 'final-report',
          stage: 'FINAL',
          dueAt: T0 + 33 * DAY,
        },
        {
          deadlineId: 'circia/ransom-payment',
          regime: 'circia',
          obligation: 'ransom-payment',
          stage: 'RANSOM_PAYMENT',
          dueAt: T0 + 3 * DAY,
        },
      ],
      filedAt: T0 + 50 * HOUR,
    },
    IncidentClosed: {
      operatorId: 'op-tepco',
      incidentId: 'inc-2026-001',
      reportId: 'rep-5',
      closedAt: T0 + 30 * DAY,
    },
    ReportDeadlineMissed: {
      ...deadlines[0]!,
      operatorId: 'op-tepco',
      incidentId: 'inc-2026-001',
      caseId: 'case-7',
      recordedAt: T0 + DAY + 60_000,
    },
    ComplianceCaseOpened: {
      operatorId: 'op-tepco',
      sector: 'electricity',
      caseId: 'case-7',
      basis: 'missed-deadline',
      incidentId: 'inc-2026-001',
      description: 'Early warning not filed within 24 hours.',
      evidenceIndicatorIds: [],
      openedByOrgId: 'acd-deadline-scheduler',
      openedAt: T0 + DAY + 60_000,
    },
    CorrectionOrderIssued: {
      operatorId: 'op-tepco',
      caseId: 'case-7',
      orderId: 'order-1',
      instructions: 'File the early warning within 7 days.',
      dueAt: T0 + 9 * DAY,
      issuedByOrgId: 'cabinet-cyber-office',
      issuedAt: T0 + 2 * DAY,
    },
    OrderComplied: {
      operatorId: 'op-tepco',
      caseId: 'case-7',
      orderId: 'order-1',
      incidentId: 'inc-2026-001',
      reportId: 'rep-3',
      assetId: null,
      compliedAt: T0 + 4 * DAY,
    },
    OrderIgnored: {
      operatorId: 'op-tepco',
      caseId: 'case-8',
      orderId: 'order-2',
      dueAt: T0 + 9 * DAY,
      recordedAt: T0 + 9 * DAY + 1_000,
    },
    PenaltyAssessed: {
      operatorId: 'op-tepco',
      caseId: 'case-8',
      orderId: 'order-2',
      amountYen: 2_000_000,
      reason: 'Correction order order-2 ignored.',
      assessedByOrgId: 'cabinet-cyber-office',
      assessedAt: T0 + 20 * DAY,
    },
    CaseReferredToProsecutors: {
      operatorId: 'op-tepco',
      caseId: 'case-8',
      orderId: 'order-2',
      statementOfFacts: 'The early warning was not filed and order-2 was ignored.',
      referredByOrgId: 'cabinet-cyber-office',
      referredAt: T0 + 10 * DAY,
    },
    ProsecutionOutcomeRecorded: {
      operatorId: 'op-tepco',
      caseId: 'case-8',
      orderId: 'order-2',
      outcome: 'fined',
      fineYen: 2_000_000,
      court: 'Tokyo Summary Court',
      caseReference: 'Reiwa 8 (i) No. 1234',
      decidedOn: '2026-06-01',
      recordedByOrgId: 'cabinet-cyber-office',
      recordedAt: T0 + 60 * DAY,
    },
    OperatorDesignated: {
      operatorId: 'op-tepco',
      sector: 'electricity',
      designatedAt: T0,
      reference: 'NCO-DES-2026-12',
      assetNotificationDueAt: T0 + 180 * DAY,
      designatedByOrgId: 'gov-nco',
      recordedAt: T0,
    },
    AssetNotificationDutyMet: {
      operatorId: 'op-tepco',
      assetId: 'scada-1',
      dueAt: T0 + 180 * DAY,
      metAt: T0 + DAY,
      late: false,
    },
    AssetNotificationMissed: {
      operatorId: 'op-tepco',
      dueAt: T0 + 180 * DAY,
      caseId: 'case-9',
      recordedAt: T0 + 181 * DAY,
    },
  },
  // The other branch of every nullable field.
  {
    AssetNotified: {
      operatorId: 'op-jal',
      sector: 'aviation',
      assetId: 'dcs-1',
      ...asset,
      exposure: 'internet',
      installedAt: null,
      notifiedAt: T0,
    },
    AssetChanged: {
      operatorId: 'op-jal',
      assetId: 'dcs-1',
      ...asset,
      changedFields: [],
      changedAt: T0,
    },
    AssetRetired: { operatorId: 'op-jal', assetId: 'dcs-1', reason: '', retiredAt: T0 },
    IncidentOpened: {
      operatorId: 'op-jal',
      sector: 'aviation',
      incidentId: 'inc-9',
      title: 'Unreported intrusion',
      description: null,
      awareAt: T0,
      detectedAt: null,
      firstSeenAt: null,
      impact: 'none',
      status: 'resolved',
      suspectedActor: null,
      affectedAssets: [],
      indicatorIds: [],
      sharedWithPolice: false,
      ransomPaidAt: null,
      regimes: [],
      deadlines: [],
      orderId: 'order-3',
      openedAt: T0,
    },
    IncidentReportFiled: {
      operatorId: 'op-jal',
      incidentId: 'inc-9',
      reportId: 'rep-9',
      stage: 'FINAL',
      summary: 'Final report.',
      impact: 'severe',
      status: 'resolved',
      suspectedActor: 'unknown state actor',
      affectedAssets: ['dcs-1'],
      indicatorIds: [],
      sharedWithPolice: true,
      ransomPaidAt: null,
      changedFields: [],
      deadlinesMet: [],
      deadlinesFiledLate: [],
      newDeadlines: [],
      filedAt: T0,
    },
    IncidentClosed: { operatorId: 'op-jal', incidentId: 'inc-9', reportId: 'rep-9', closedAt: T0 },
    ReportDeadlineMissed: {
      ...deadlines[1]!,
      operatorId: 'op-jal',
      incidentId: 'inc-9',
      // A foreign regime's miss opens no Japanese case.
      caseId: null,
      recordedAt: T0 + 3 * DAY,
    },
    ComplianceCaseOpened: {
      operatorId: 'op-jal',
      sector: 'aviation',
      caseId: 'case-2',
      basis: 'unreported-incident',
      incidentId: null,
      description: 'Intrusion seen in shared indicators, never reported.',
      evidenceIndicatorIds: ['ind-3'],
      openedByOrgId: 'cabinet-cyber-office',
      openedAt: T0,
    },
    CorrectionOrderIssued: {
      operatorId: 'op-jal',
      caseId: 'case-2',
      orderId: 'order-3',
      instructions: 'Open the incident and file its reports.',
      dueAt: T0 + 14 * DAY,
      issuedByOrgId: 'cabinet-cyber-office',
      issuedAt: T0,
    },
    OrderComplied: {
      operatorId: 'op-jal',
      caseId: 'case-2',
      orderId: 'order-3',
      incidentId: null,
      reportId: null,
      assetId: 'scada-1',
      compliedAt: T0,
    },
    OrderIgnored: {
      operatorId: 'op-jal',
      caseId: 'case-2',
      orderId: 'order-3',
      dueAt: T0,
      recordedAt: T0,
    },
    PenaltyAssessed: {
      operatorId: 'op-jal',
      caseId: 'case-2',
      orderId: 'order-3',
      amountYen: Number.MAX_SAFE_INTEGER,
      reason: 'Order ignored.',
      assessedByOrgId: 'cabinet-cyber-office',
      assessedAt: T0,
    },
    CaseReferredToProsecutors: {
      operatorId: 'op-jal',
      caseId: 'case-2',
      orderId: 'order-3',
      statementOfFacts: '',
      referredByOrgId: 'cabinet-cyber-office',
      referredAt: T0,
    },
    ProsecutionOutcomeRecorded: {
      operatorId: 'op-jal',
      caseId: 'case-2',
      orderId: 'order-3',
      outcome: 'prosecution-declined',
      fineYen: null,
      court: null,
      caseReference: null,
      decidedOn: '2026-04-02',
      recordedByOrgId: 'cabinet-cyber-office',
      recordedAt: T0,
    },
    OperatorDesignated: {
      operatorId: 'op-tepco',
      sector: 'electricity',
      designatedAt: T0,
      reference: null,
      assetNotificationDueAt: T0 + 180 * DAY,
      designatedByOrgId: 'gov-nco',
      recordedAt: T0,
    },
    AssetNotificationDutyMet: {
      operatorId: 'op-tepco',
      assetId: 'scada-1',
      dueAt: T0 + 180 * DAY,
      metAt: T0 + DAY,
      late: true,
    },
    AssetNotificationMissed: {
      operatorId: 'op-tepco',
      dueAt: T0 + 180 * DAY,
      caseId: 'case-9',
      recordedAt: T0 + 181 * DAY,
    },
  },
];

const commands: DataOf<ReportingCommand>[] = [
  {
    NotifyAsset: { operatorId: 'op-tepco', ...asset, assetId: 'scada-1', installedAt: T0 },
    ChangeAsset: { operatorId: 'op-tepco', ...asset, assetId: 'scada-1' },
    RetireAsset: { operatorId: 'op-tepco', assetId: 'scada-1', reason: 'decommissioned' },
    OpenIncident: {
      operatorId: 'op-tepco',
      incidentId: 'inc-2026-001',
      title: 'Ransomware on SCADA historian',
      description: 'Files encrypted.',
      awareAt: T0,
      detectedAt: T0 - HOUR,
      firstSeenAt: T0 - DAY,
      impact: 'high',
      status: 'investigating',
      suspectedActor: 'LockBit affiliate',
      affectedAssets: ['scada-1'],
      indicatorIds: ['ind-1'],
      sharedWithPolice: true,
      ransomPaidAt: T0 + HOUR,
      orderId: 'order-1',
    },
    FileReport: {
      operatorId: 'op-tepco',
      incidentId: 'inc-2026-001',
      reportId: 'rep-2',
      stage: 'RANSOM_PAYMENT',
      summary: 'Ransom paid.',
      impact: 'moderate',
      status: 'recovering',
      suspectedActor: 'LockBit affiliate',
      affectedAssets: ['scada-1', 'scada-2'],
      indicatorIds: [],
      sharedWithPolice: false,
      ransomPaidAt: T0 + 2 * DAY,
    },
    MarkDeadlineMissed: {
      operatorId: 'op-tepco',
      incidentId: 'inc-2026-001',
      deadlineId: 'jp-acd/early-warning',
    },
    OpenComplianceCase: {
      operatorId: 'op-tepco',
      operatorSector: 'electricity',
      caseId: 'case-2',
      description: 'Intrusion never reported.',
      evidenceIndicatorIds: ['ind-3', 'ind-4'],
    },
    IssueCorrectionOrder: {
      operatorId: 'op-tepco',
      caseId: 'case-2',
      orderId: 'order-1',
      instructions: 'File the missing report.',
      dueAt: T0 + 7 * DAY,
    },
    RecordOrderIgnored: { operatorId: 'op-tepco', orderId: 'order-1' },
    AssessPenalty: {
      operatorId: 'op-tepco',
      orderId: 'order-1',
      amountYen: 1_000_000,
      reason: 'Order ignored.',
    },
    ReferToProsecutors: {
      operatorId: 'op-tepco',
      orderId: 'order-1',
      statementOfFacts: 'Order ignored.',
    },
    RecordProsecutionOutcome: {
      operatorId: 'op-tepco',
      orderId: 'order-1',
      outcome: 'fined',
      fineYen: 1,
      court: 'Osaka District Court',
      caseReference: '2026-wa-77',
      decidedOn: '2026-07-01',
    },
    DesignateOperator: {
      operatorId: 'op-tepco',
      sector: 'electricity',
      designatedAt: T0,
      reference: 'NCO-DES-2026-12',
    },
    MarkAssetNotificationMissed: { operatorId: 'op-tepco' },
  },
  // The other branch of every nullable field.
  {
    NotifyAsset: { operatorId: 'op-jal', ...asset, assetId: 'dcs-1', installedAt: null },
    ChangeAsset: { operatorId: 'op-jal', ...asset, exposure: 'isolated', assetId: 'dcs-1' },
    RetireAsset: { operatorId: 'op-jal', assetId: 'dcs-1', reason: '' },
    OpenIncident: {
      operatorId: 'op-jal',
      incidentId: 'inc-9',
      title: 'Suspicious logins',
      description: null,
      awareAt: T0,
      detectedAt: null,
      firstSeenAt: null,
      impact: 'low',
      status: 'contained',
      suspectedActor: null,
      affectedAssets: [],
      indicatorIds: [],
      sharedWithPolice: false,
      ransomPaidAt: null,
      orderId: null,
    },
    FileReport: {
      operatorId: 'op-jal',
      incidentId: 'inc-9',
      reportId: 'rep-1',
      stage: 'EARLY_WARNING',
      summary: 'Nothing new.',
      impact: null,
      status: null,
      suspectedActor: null,
      affectedAssets: null,
      indicatorIds: null,
      sharedWithPolice: null,
      ransomPaidAt: null,
    },
    MarkDeadlineMissed: {
      operatorId: 'op-jal',
      incidentId: 'inc-9',
      deadlineId: 'nis2/final-report',
    },
    OpenComplianceCase: {
      operatorId: 'op-jal',
      operatorSector: 'aviation',
      caseId: 'case-3',
      description: '',
      evidenceIndicatorIds: [],
    },
    IssueCorrectionOrder: {
      operatorId: 'op-jal',
      caseId: 'case-3',
      orderId: 'order-4',
      instructions: 'Open the incident.',
      dueAt: T0,
    },
    RecordOrderIgnored: { operatorId: 'op-jal', orderId: 'order-4' },
    AssessPenalty: { operatorId: 'op-jal', orderId: 'order-4', amountYen: 0, reason: '' },
    ReferToProsecutors: { operatorId: 'op-jal', orderId: 'order-4', statementOfFacts: '' },
    RecordProsecutionOutcome: {
      operatorId: 'op-jal',
      orderId: 'order-4',
      outcome: 'acquitted',
      fineYen: null,
      court: null,
      caseReference: null,
      decidedOn: '2026-07-02',
    },
    DesignateOperator: {
      operatorId: 'op-tepco',
      sector: 'electricity',
      designatedAt: T0,
      reference: null,
    },
    MarkAssetNotificationMissed: { operatorId: 'op-tepco' },
  },
];

const cases = (samples: Record<string, unknown>[]): [string, unknown][] =>
  samples.flatMap((byType) => Object.entries(byType));

describe('the jp.acd.reporting schemas', () => {
  const set = SchemaSet.load(schemasDir());

  it('define one record for every reporting event and command type', () => {
    const names = set.names().filter((n) => n.startsWith(`${NAMESPACE}.`));
    expect(names).toEqual(
      [...REPORTING_EVENT_TYPES, ...REPORTING_COMMAND_TYPES].map((t) => `${NAMESPACE}.${t}`).sort(),
    );
  });

  it('given a ReportDeadlineMissed written with v1 (caseId a plain string), when read, then it decodes with its case', () => {
    const v1 = set.version(`${NAMESPACE}.ReportDeadlineMissed`, 1);
    const data = {
      ...deadlines[0]!,
      operatorId: 'op-a',
      incidentId: 'inc-1',
      caseId: 'case-1',
      recordedAt: T0,
    };
    const decoded = set.decode(encodeSingleObject(v1, data));
    expect(decoded.value).toEqual(data);
  });

  it('given deadlines that passed unnoticed, when the late reports record the misses (a Japanese and a foreign one), then every event the decider emits can be written', () => {
    const decider = reportingDecider(buildReportingPolicy());
    const bank = { orgId: 'op-jal', kind: 'operator', sector: 'finance' };
    const decide = (history: ReportingEvent[], command: ReportingCommand, now: number) => {
      const state = history.reduce(decider.evolve, decider.initialState);
      const d = decider.decide(command, state, { issuedBy: bank, now: new Date(now) });
      if (!d.ok) throw new Error(JSON.stringify(d.refusal));
      return [...history, ...d.events];
    };
    const opened = decide(
      [],
      { type: 'OpenIncident', data: commands[1]!.OpenIncident! } as never,
      T0,
    );
    const late = decide(
      opened,
      {
        type: 'FileReport',
        data: { ...commands[1]!.FileReport!, operatorId: 'op-jal', incidentId: 'inc-9' },
      } as never,
      T0 + 2 * DAY,
    );
    const missed = late.filter((e) => e.type === 'ReportDeadlineMissed');
    expect(missed.map((e) => e.data.deadlineId).sort()).toEqual([
      'jp-acd/early-warning',
      'nis2/early-warning',
    ]);
    for (const e of late) {
      expect(set.decode(set.encode(`${NAMESPACE}.${e.type}`, e.data)).value).toEqual(e.data);
    }
  });

  it.each([...cases(events), ...cases(commands)])('round-trips %s data unchanged', (type, data) => {
    const decoded = set.decode(set.encode(`${NAMESPACE}.${type}`, data));
    expect(decoded.fullName).toBe(`${NAMESPACE}.${type}`);
    expect(decoded.value).toEqual(data);
  });
});
