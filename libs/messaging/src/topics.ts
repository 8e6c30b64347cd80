/**
 * The one topic registry: nothing else in the code base spells a topic name. Each entry says
 * what the key is, which Avro records its values may be, how it is partitioned and kept,
 * and whether undecodable records go to a dead-letter topic.
 */
export interface TopicSpec {
  /** Name without the deployment prefix (see ACD_TOPIC_PREFIX). */
  name: string;
  key: string;
  /** Avro full names a record value may have. */
  values: readonly string[];
  partitions: number;
  /** -1 keeps records forever: event topics are the system of record. */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  dlq: boolean;
}

const DAY = 86_400_000;

const indicatorCommands = [
  'jp.acd.indicator.PublishIndicator',
  'jp.acd.indicator.RevokeIndicator',
  'jp.acd.indicator.RecordSighting',
  'jp.acd.indicator.ReidentifyPublisher',
] as const;
const indicatorEvents = [
  'jp.acd.indicator.IndicatorPublished',
  'jp.acd.indicator.IndicatorUpdated',
  'jp.acd.indicator.IndicatorRevoked',
  'jp.acd.indicator.IndicatorSighted',
  'jp.acd.indicator.PublisherReidentified',
] as const;
const reportingCommands = [
  'jp.acd.reporting.NotifyAsset',
  'jp.acd.reporting.ChangeAsset',
  'jp.acd.reporting.RetireAsset',
  'jp.acd.reporting.OpenIncident',
  'jp.acd.reporting.FileReport',
  'jp.acd.reporting.MarkDeadlineMissed',
  'jp.acd.reporting.OpenComplianceCase',
  'jp.acd.reporting.IssueCorrectionOrder',
  'jp.acd.reporting.RecordOrderIgnored',
  // Legacy, always refused (decision 0033); kept so a queued one still decodes.
  'jp.acd.reporting.AssessPenalty',
  'jp.acd.reporting.ReferToProsecutors',
  'jp.acd.reporting.RecordProsecutionOutcome',
  'jp.acd.reporting.DesignateOperator',
  'jp.acd.reporting.MarkAssetNotificationMissed',
] as const;
const reportingEvents = [
  'jp.acd.reporting.AssetNotified',
  'jp.acd.reporting.AssetChanged',
  'jp.acd.reporting.AssetRetired',
  'jp.acd.reporting.IncidentOpened',
  'jp.acd.reporting.IncidentReportFiled',
  'jp.acd.reporting.IncidentClosed',
  'jp.acd.reporting.ReportDeadlineMissed',
  'jp.acd.reporting.ComplianceCaseOpened',
  'jp.acd.reporting.CorrectionOrderIssued',
  'jp.acd.reporting.OrderComplied',
  'jp.acd.reporting.OrderIgnored',
  // Legacy: no longer produced; old logs keep it and replay folds it (decision 0033).
  'jp.acd.reporting.PenaltyAssessed',
  'jp.acd.reporting.CaseReferredToProsecutors',
  'jp.acd.reporting.ProsecutionOutcomeRecorded',
  'jp.acd.reporting.OperatorDesignated',
  'jp.acd.reporting.AssetNotificationDutyMet',
  'jp.acd.reporting.AssetNotificationMissed',
] as const;
const advisoryCommands = [
  'jp.acd.advisory.IssueAdvisory',
  'jp.acd.advisory.UpdateAdvisory',
  'jp.acd.advisory.WithdrawAdvisory',
  'jp.acd.advisory.AcknowledgeAdvisory',
] as const;
const advisoryEvents = [
  'jp.acd.advisory.AdvisoryIssued',
  'jp.acd.advisory.AdvisoryUpdated',
  'jp.acd.advisory.AdvisoryWithdrawn',
  'jp.acd.advisory.AdvisoryAcknowledged',
] as const;

// Oversight (issue 5): authorisation requests of the commission, and the operations they govern.
const oversightCommands = [
  'jp.acd.oversight.RequestCollectionAuthorisation',
  'jp.acd.oversight.RequestOperationAuthorisation',
  'jp.acd.oversight.RecordEmergencyOperation',
  'jp.acd.oversight.RecordForeignMinisterConsultation',
  'jp.acd.oversight.CastVote',
  'jp.acd.oversight.ExecuteOperation',
  'jp.acd.oversight.NotifyCommission',
  'jp.acd.oversight.MarkEmergencyNotificationMissed',
  'jp.acd.oversight.ReportOperation',
  'jp.acd.oversight.OpenInspection',
  'jp.acd.oversight.AnswerInspection',
  'jp.acd.oversight.ConcludeInspection',
  'jp.acd.oversight.IssueRecommendation',
  'jp.acd.oversight.AnswerRecommendation',
  'jp.acd.oversight.DemandDisciplinaryAction',
  'jp.acd.oversight.ReportDisciplinaryAction',
  'jp.acd.oversight.ProposeAgreement',
  'jp.acd.oversight.AcceptAgreement',
  'jp.acd.oversight.DeclineAgreement',
  'jp.acd.oversight.EndAgreement',
  'jp.acd.oversight.ConstituteCouncil',
  'jp.acd.oversight.AdmitCouncilMember',
  'jp.acd.oversight.AcknowledgeCouncilConfidentiality',
  'jp.acd.oversight.RemoveCouncilMember',
] as const;
const oversightEvents = [
  'jp.acd.oversight.CollectionAuthorisationRequested',
  'jp.acd.oversight.OperationAuthorisationRequested',
  'jp.acd.oversight.ForeignMinisterConsulted',
  'jp.acd.oversight.VoteCast',
  'jp.acd.oversight.RequestApproved',
  'jp.acd.oversight.RequestDenied',
  'jp.acd.oversight.OperationExecuted',
  'jp.acd.oversight.CommissionNotified',
  'jp.acd.oversight.EmergencyNotificationMissed',
  'jp.acd.oversight.OperationReported',
  'jp.acd.oversight.InspectionOpened',
  'jp.acd.oversight.InspectionAnswered',
  'jp.acd.oversight.InspectionConcluded',
  'jp.acd.oversight.RecommendationIssued',
  'jp.acd.oversight.RecommendationAnswered',
  'jp.acd.oversight.DisciplinaryActionDemanded',
  'jp.acd.oversight.DisciplinaryActionReported',
  'jp.acd.oversight.AgreementProposed',
  'jp.acd.oversight.AgreementAccepted',
  'jp.acd.oversight.AgreementDeclined',
  'jp.acd.oversight.AgreementEnded',
  'jp.acd.oversight.CouncilConstituted',
  'jp.acd.oversight.CouncilMemberAdmitted',
  'jp.acd.oversight.CouncilConfidentialityAcknowledged',
  'jp.acd.oversight.CouncilMemberRemoved',
] as const;

// Cross-border flow metadata (issue 5): accepted flow batches, and what the bus derived from them.
const trafficFlows = ['jp.acd.traffic.FlowsAccepted'] as const;
const trafficEvents = ['jp.acd.traffic.FlowBatchReceived', 'jp.acd.traffic.FlowMatched'] as const;
const trafficRetention = ['jp.acd.traffic.TrafficDataDeleted'] as const;

// Tamper-evident audit log (issue 5).
const auditReads = ['jp.acd.audit.ReadRecorded'] as const;
const auditLog = ['jp.acd.audit.AuditEntryAppended'] as const;

export const TOPICS = {
  indicatorCommands: {
    name: 'acd.indicator.commands.v1',
    key: 'indicator id',
    values: indicatorCommands,
    partitions: 6,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  indicatorEvents: {
    name: 'acd.indicator.events.v1',
    key: 'indicator id',
    values: indicatorEvents,
    partitions: 6,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  reportingCommands: {
    name: 'acd.reporting.commands.v1',
    key: 'operator id',
    values: reportingCommands,
    partitions: 6,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  reportingEvents: {
    name: 'acd.reporting.events.v1',
    key: 'operator id',
    values: reportingEvents,
    partitions: 6,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  advisoryCommands: {
    name: 'acd.advisory.commands.v1',
    key: 'advisory id',
    values: advisoryCommands,
    partitions: 6,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  advisoryEvents: {
    name: 'acd.advisory.events.v1',
    key: 'advisory id',
    values: advisoryEvents,
    partitions: 6,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  identityEvents: {
    name: 'acd.identity.events.v1',
    key: 'organisation id',
    values: [
      'jp.acd.identity.OrganisationRegistered',
      'jp.acd.identity.TokenIssued',
      'jp.acd.identity.MemberTokenIssued',
      'jp.acd.identity.MemberTokenRevoked',
    ],
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  oversightCommands: {
    name: 'acd.oversight.commands.v1',
    key: "request id, the agency's id for its supervision file, or agreement id",
    values: oversightCommands,
    partitions: 3,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  oversightEvents: {
    name: 'acd.oversight.events.v1',
    key: "request id, the agency's id for its supervision file, or agreement id",
    values: oversightEvents,
    partitions: 3,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  trafficFlows: {
    name: 'acd.traffic.flows.v1',
    key: 'batch id',
    values: trafficFlows,
    partitions: 6,
    // High volume, and personal in aggregate: kept only as long as analysis needs it. The default
    // of ACD_TRAFFIC_FLOWS_RETENTION_DAYS; apps/traffic sets the topic to the setting at start.
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  trafficEvents: {
    name: 'acd.traffic.events.v1',
    key: 'batch id',
    values: trafficEvents,
    partitions: 6,
    // The default of ACD_TRAFFIC_EVENTS_RETENTION_DAYS; apps/traffic sets the topic to the setting.
    retentionMs: 90 * DAY,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  trafficRetention: {
    name: 'acd.traffic.retention.v1',
    key: 'category',
    values: trafficRetention,
    // Records of deletions carry no communications information: kept for good, like the audit log.
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    dlq: false,
  },
  auditReads: {
    name: 'acd.audit.reads.v1',
    key: 'organisation id',
    values: auditReads,
    partitions: 3,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    dlq: true,
  },
  auditLog: {
    name: 'acd.audit.log.v1',
    key: 'entry index',
    values: auditLog,
    // One partition: the log's order is the Merkle tree's leaf order.
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'delete',
    dlq: false,
  },
  commandReplies: {
    name: 'acd.bus.replies.v1',
    key: 'command id',
    values: ['jp.acd.bus.CommandReply'],
    partitions: 3,
    // Replies matter only while a caller waits; a retried command is answered from the log.
    retentionMs: DAY,
    cleanupPolicy: 'delete',
    dlq: false,
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof TOPICS;

/**
 * Settings of the per-audience advisory topics that outside organisations consume with their own
 * Kafka clients (`acd.advisory.public.v1`, `acd.advisory.sector.<sector>.v1`,
 * `acd.advisory.org.<orgId>.v1`). They are copies for delivery, not the system of record (that is
 * the advisory events topic), so they keep 90 days.
 */
export const ADVISORY_FANOUT_SPEC: TopicSpec = {
  name: 'acd.advisory.<audience>.v1',
  key: 'advisory id',
  values: [
    'jp.acd.advisory.AdvisoryIssued',
    'jp.acd.advisory.AdvisoryUpdated',
    'jp.acd.advisory.AdvisoryWithdrawn',
  ],
  partitions: 1,
  retentionMs: 90 * DAY,
  cleanupPolicy: 'delete',
  dlq: false,
};

export const dlqName = (topic: string): string => `${topic}.dlq`;

export class TopicNames {
  constructor(private readonly prefix: string) {}

  of(key: TopicKey): string {
    return this.prefix + TOPICS[key].name;
  }

  dlqOf(key: TopicKey): string {
    return dlqName(this.of(key));
  }

  /** Consumer groups and transactional ids share the prefix so isolated deployments never meet. */
  group(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Advisories for everyone. */
  advisoryPublic(): string {
    return `${this.prefix}acd.advisory.public.v1`;
  }

  /** Advisories for one sector's operators (and the ministry supervising it). */
  advisorySector(sector: string): string {
    return `${this.prefix}acd.advisory.sector.${sector}.v1`;
  }

  /** Advisories addressed to one organisation by name. */
  advisoryOrg(orgId: string): string {
    return `${this.prefix}acd.advisory.org.${orgId}.v1`;
  }

  /** Exactly the advisory topics an organisation may read: public, its sector's, its own. */
  advisoryTopicsFor(org: { id: string; sector?: string }): string[] {
    return [
      this.advisoryPublic(),
      ...(org.sector ? [this.advisorySector(org.sector)] : []),
      this.advisoryOrg(org.id),
    ];
  }

  /** Every topic to create, DLQs included, with its settings. */
  all(): { name: string; spec: TopicSpec }[] {
    return (Object.keys(TOPICS) as TopicKey[]).flatMap((k) => {
      const spec: TopicSpec = TOPICS[k];
      const main = { name: this.of(k), spec };
      if (!spec.dlq) return [main];
      // A dead letter is kept 30 days, never longer than the records of its topic.
      const dlqRetention = spec.retentionMs > 0 ? Math.min(30 * DAY, spec.retentionMs) : 30 * DAY;
      const dlq: TopicSpec = { ...spec, partitions: 1, retentionMs: dlqRetention, values: [] };
      return [main, { name: this.dlqOf(k), spec: dlq }];
    });
  }
}
