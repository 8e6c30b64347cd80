import { encodeSingleObject, SchemaSet, schemasDir, TOPICS } from '@acd/messaging';
import { OVERSIGHT_COMMAND_TYPES, type OversightCommand } from '../domain/oversight.commands';
import {
  OVERSIGHT_EVENT_TYPES,
  type OperationTarget,
  type OversightEvent,
} from '../domain/oversight.events';

/** One sample `data` per type; the mapped types make the compiler check every shape. */
type DataOf<U extends { type: string; data: unknown }> = {
  [K in U['type']]: Extract<U, { type: K }>['data'];
};

const NAMESPACE = 'jp.acd.oversight';
const T0 = Date.UTC(2026, 10, 22, 0, 0);
const H = 3_600_000;
const rule = { roster: ['member-1', 'member-2', 'member-3'], quorum: 2 };
const target: OperationTarget = { type: 'ip', value: '198.51.100.7', country: 'JP' };
const evidence = [
  { type: 'indicator' as const, id: 'ind-1' },
  { type: 'flow-match' as const, id: 'fm-9' },
];
const execution = {
  target: '198.51.100.7',
  startedAt: T0 + H,
  endedAt: T0 + 2 * H,
  outcome: 'succeeded' as const,
  summary: 'C2 endpoint disabled',
  measuresTaken: ['access' as const, 'disable-malware' as const],
};

const events: DataOf<OversightEvent>[] = [
  {
    CollectionAuthorisationRequested: {
      requestId: 'r-1',
      requestedBy: 'gov-nco',
      requesterKind: 'cabinet-office',
      telecomId: 'tel-nihon-backbone',
      categories: ['addresses', 'ports'],
      validFrom: T0,
      validUntil: T0 + 30 * 24 * H,
      justification: 'botnet traffic transiting Japan',
      ...rule,
      roster: [...rule.roster],
      requestedAt: T0,
    },
    OperationAuthorisationRequested: {
      requestId: 'r-2',
      agencyId: 'gov-npa',
      agencyKind: 'police',
      target: { ...target },
      justification: 'C2 server of a botnet',
      evidence: evidence.map((e) => ({ ...e })),
      measures: ['access', 'disable-malware'],
      validFrom: T0,
      validUntil: T0 + 24 * H,
      emergencyReason: 'attack under way',
      primeMinisterOrder: null,
      attestation: { belowArmedAttackThreshold: true, justification: 'no kinetic effect' },
      ...rule,
      roster: [...rule.roster],
      requestedAt: T0,
    },
    ForeignMinisterConsulted: {
      requestId: 'r-2',
      agencyId: 'gov-npa',
      consultedAt: T0,
      summary: 'no objection',
      recordedAt: T0 + H,
    },
    VoteCast: {
      requestId: 'r-2',
      memberId: 'member-1',
      vote: 'approve',
      reason: 'proportionate',
      castAt: T0,
    },
    RequestApproved: {
      requestId: 'r-2',
      approvals: 2,
      denials: 0,
      validFrom: T0,
      validUntil: T0 + H,
      decidedAt: T0,
    },
    RequestDenied: { requestId: 'r-1', approvals: 1, denials: 2, decidedAt: T0 },
    OperationExecuted: {
      requestId: 'r-2',
      agencyId: 'gov-npa',
      ...execution,
      measuresTaken: [...execution.measuresTaken],
      emergency: true,
      emergencyReason: 'attack under way',
      notifyBy: T0 + 25 * H,
      executedAt: T0 + 3 * H,
    },
    CommissionNotified: {
      requestId: 'r-2',
      agencyId: 'gov-npa',
      summary: 'we acted',
      notifyBy: T0 + 25 * H,
      notifiedAt: T0 + 26 * H,
      late: true,
    },
    EmergencyNotificationMissed: {
      requestId: 'r-2',
      agencyId: 'gov-npa',
      notifyBy: T0 + 25 * H,
      recordedAt: T0 + 25 * H + 1,
    },
    OperationReported: { requestId: 'r-2', agencyId: 'gov-npa', summary: 'done', reportedAt: T0 },
    InspectionOpened: {
      agencyId: 'gov-npa',
      inspectionId: 'i-1',
      agencyKind: 'police',
      scope: 'retention of acquired data',
      openedBy: 'member-1',
      openedAt: T0,
    },
    InspectionAnswered: {
      agencyId: 'gov-npa',
      inspectionId: 'i-1',
      answer: 'logs',
      answeredAt: T0,
    },
    InspectionConcluded: {
      agencyId: 'gov-npa',
      inspectionId: 'i-1',
      conclusion: 'issues-found',
      findings: 'kept too long',
      concludedBy: 'member-2',
      concludedAt: T0 + H,
    },
    RecommendationIssued: {
      agencyId: 'gov-npa',
      recommendationId: 'rec-1',
      agencyKind: 'police',
      inspectionId: 'i-1',
      recommendation: 'delete at retention',
      issuedBy: 'member-1',
      issuedAt: T0 + H,
    },
    RecommendationAnswered: {
      agencyId: 'gov-npa',
      recommendationId: 'rec-1',
      answer: 'sweeper configured',
      answeredAt: T0 + 2 * H,
    },
    DisciplinaryActionDemanded: {
      agencyId: 'gov-npa',
      demandId: 'd-1',
      agencyKind: 'police',
      inspectionId: 'i-1',
      leak: 'a match list was mailed out',
      demand: 'discipline the official',
      demandedBy: 'member-3',
      demandedAt: T0 + H,
    },
    DisciplinaryActionReported: {
      agencyId: 'gov-npa',
      demandId: 'd-1',
      actionTaken: 'suspended',
      reportedAt: T0 + 3 * H,
    },
    AgreementProposed: {
      agreementId: 'ag-1',
      operatorId: 'op-kanto-electric',
      operatorKind: 'operator',
      networks: ['198.51.100.0/24'],
      categories: ['addresses', 'ports'],
      validFrom: T0,
      validUntil: T0 + 100 * H,
      purpose: 'Attacks on the grid control network',
      proposedBy: 'gov-nco',
      proposedAt: T0,
    },
    AgreementAccepted: {
      agreementId: 'ag-1',
      operatorId: 'op-kanto-electric',
      acceptedBy: 'duty-officer',
      consent: 'We agree',
      acceptedAt: T0 + H,
    },
    AgreementDeclined: { agreementId: 'ag-2', operatorId: 'op-x', reason: 'no', declinedAt: T0 },
    AgreementEnded: { agreementId: 'ag-1', endedByOrgId: 'gov-nco', reason: 'done', endedAt: T0 },
    CouncilConstituted: {
      councilId: 'council:jp',
      name: 'サイバーセキュリティ協議会',
      purpose: 'sharing under art. 45',
      constitutedBy: 'gov-nco',
      constitutedAt: T0,
    },
    CouncilMemberAdmitted: {
      councilId: 'council:jp',
      orgId: 'op-x',
      orgKind: 'operator',
      admittedBy: 'gov-nco',
      admittedAt: T0,
    },
    CouncilConfidentialityAcknowledged: {
      councilId: 'council:jp',
      orgId: 'op-x',
      acknowledgedBy: 'ciso',
      statement: 'We keep it confidential',
      acknowledgedAt: T0 + H,
    },
    CouncilMemberRemoved: {
      councilId: 'council:jp',
      orgId: 'op-x',
      removedByOrgId: 'op-x',
      reason: 'withdrawn',
      removedAt: T0 + 2 * H,
    },
  },
  // The other branch of every nullable field.
  {
    CollectionAuthorisationRequested: {
      requestId: 'r-3',
      requestedBy: 'gov-nco',
      requesterKind: 'cabinet-office',
      telecomId: 'tel-x',
      categories: [],
      validFrom: T0,
      validUntil: T0 + H,
      justification: '',
      roster: [],
      quorum: 1,
      requestedAt: T0,
    },
    OperationAuthorisationRequested: {
      requestId: 'r-4',
      agencyId: 'gov-sdf',
      agencyKind: 'sdf',
      target: { type: 'domain', value: 'c2.example', country: 'JP' },
      justification: 'x',
      evidence: [],
      measures: [],
      validFrom: T0,
      validUntil: T0 + H,
      emergencyReason: null,
      primeMinisterOrder: {
        givenAt: T0 - H,
        grounds: 'organised attack from abroad',
        reference: 'PMO-1',
      },
      attestation: { belowArmedAttackThreshold: true, justification: 'no kinetic effect' },
      roster: ['member-1'],
      quorum: 1,
      requestedAt: T0,
    },
    ForeignMinisterConsulted: {
      requestId: 'r-4',
      agencyId: 'gov-npa',
      consultedAt: T0,
      summary: '',
      recordedAt: T0,
    },
    VoteCast: { requestId: 'r-4', memberId: 'member-2', vote: 'deny', reason: null, castAt: T0 },
    RequestApproved: {
      requestId: 'r-4',
      approvals: 0,
      denials: 0,
      validFrom: 0,
      validUntil: 0,
      decidedAt: 0,
    },
    RequestDenied: { requestId: 'r-4', approvals: 0, denials: 0, decidedAt: 0 },
    OperationExecuted: {
      requestId: 'r-4',
      agencyId: 'gov-sdf',
      ...execution,
      measuresTaken: [],
      emergency: false,
      emergencyReason: null,
      notifyBy: null,
      executedAt: T0,
    },
    CommissionNotified: {
      requestId: 'r-4',
      agencyId: 'gov-sdf',
      summary: '',
      notifyBy: T0,
      notifiedAt: T0,
      late: false,
    },
    EmergencyNotificationMissed: {
      requestId: 'r-4',
      agencyId: 'gov-sdf',
      notifyBy: T0,
      recordedAt: T0,
    },
    OperationReported: { requestId: 'r-4', agencyId: 'gov-sdf', summary: '', reportedAt: T0 },
    InspectionOpened: {
      agencyId: 'gov-npa',
      inspectionId: 'i-1',
      agencyKind: 'police',
      scope: 'retention of acquired data',
      openedBy: 'member-1',
      openedAt: T0,
    },
    InspectionAnswered: {
      agencyId: 'gov-npa',
      inspectionId: 'i-1',
      answer: 'logs',
      answeredAt: T0,
    },
    InspectionConcluded: {
      agencyId: 'gov-npa',
      inspectionId: 'i-1',
      conclusion: 'issues-found',
      findings: 'kept too long',
      concludedBy: 'member-2',
      concludedAt: T0 + H,
    },
    RecommendationIssued: {
      agencyId: 'gov-npa',
      recommendationId: 'rec-1',
      agencyKind: 'police',
      inspectionId: null,
      recommendation: 'delete at retention',
      issuedBy: 'member-1',
      issuedAt: T0 + H,
    },
    RecommendationAnswered: {
      agencyId: 'gov-npa',
      recommendationId: 'rec-1',
      answer: 'sweeper configured',
      answeredAt: T0 + 2 * H,
    },
    DisciplinaryActionDemanded: {
      agencyId: 'gov-npa',
      demandId: 'd-1',
      agencyKind: 'police',
      inspectionId: null,
      leak: 'a match list was mailed out',
      demand: 'discipline the official',
      demandedBy: 'member-3',
      demandedAt: T0 + H,
    },
    DisciplinaryActionReported: {
      agencyId: 'gov-npa',
      demandId: 'd-1',
      actionTaken: 'suspended',
      reportedAt: T0 + 3 * H,
    },
    AgreementProposed: {
      agreementId: 'ag-1',
      operatorId: 'op-kanto-electric',
      operatorKind: 'operator',
      networks: ['198.51.100.0/24'],
      categories: ['addresses', 'ports'],
      validFrom: T0,
      validUntil: T0 + 100 * H,
      purpose: 'Attacks on the grid control network',
      proposedBy: 'gov-nco',
      proposedAt: T0,
    },
    AgreementAccepted: {
      agreementId: 'ag-1',
      operatorId: 'op-kanto-electric',
      acceptedBy: 'duty-officer',
      consent: 'We agree',
      acceptedAt: T0 + H,
    },
    AgreementDeclined: { agreementId: 'ag-2', operatorId: 'op-x', reason: 'no', declinedAt: T0 },
    AgreementEnded: { agreementId: 'ag-1', endedByOrgId: 'gov-nco', reason: 'done', endedAt: T0 },
    CouncilConstituted: {
      councilId: 'council:jp',
      name: 'サイバーセキュリティ協議会',
      purpose: 'sharing under art. 45',
      constitutedBy: 'gov-nco',
      constitutedAt: T0,
    },
    CouncilMemberAdmitted: {
      councilId: 'council:jp',
      orgId: 'op-x',
      orgKind: 'operator',
      admittedBy: 'gov-nco',
      admittedAt: T0,
    },
    CouncilConfidentialityAcknowledged: {
      councilId: 'council:jp',
      orgId: 'op-x',
      acknowledgedBy: 'ciso',
      statement: 'We keep it confidential',
      acknowledgedAt: T0 + H,
    },
    CouncilMemberRemoved: {
      councilId: 'council:jp',
      orgId: 'op-x',
      removedByOrgId: 'op-x',
      reason: 'withdrawn',
      removedAt: T0 + 2 * H,
    },
  },
];

const commands: DataOf<OversightCommand>[] = [
  {
    RequestCollectionAuthorisation: {
      requestId: 'r-1',
      telecomId: 'tel-nihon-backbone',
      categories: ['addresses', 'timings'],
      validFrom: T0,
      validUntil: T0 + H,
      justification: 'why',
    },
    RequestOperationAuthorisation: {
      requestId: 'r-2',
      target: { ...target },
      justification: 'why',
      evidence: evidence.map((e) => ({ ...e })),
      measures: ['access'],
      validFrom: T0,
      validUntil: T0 + H,
      primeMinisterOrder: {
        givenAt: T0 - H,
        grounds: 'organised attack from abroad',
        reference: 'PMO-1',
      },
      attestation: { belowArmedAttackThreshold: true, justification: 'no kinetic effect' },
    },
    RecordEmergencyOperation: {
      requestId: 'r-5',
      target: { type: 'cidr', value: '203.0.113.0/24', country: 'US' },
      justification: 'why',
      evidence: evidence.map((e) => ({ ...e })),
      measures: ['access', 'take-down'],
      validFrom: T0,
      validUntil: T0 + H,
      primeMinisterOrder: null,
      attestation: { belowArmedAttackThreshold: true, justification: null },
      emergencyReason: 'ransomware detonating',
      consultation: { consultedAt: T0, summary: 'agreed' },
      execution: { ...execution, measuresTaken: [...execution.measuresTaken] },
    },
    RecordForeignMinisterConsultation: { requestId: 'r-2', consultedAt: T0, summary: 'ok' },
    CastVote: { requestId: 'r-2', memberId: 'member-1', vote: 'approve', reason: 'fine' },
    ExecuteOperation: {
      requestId: 'r-2',
      ...execution,
      measuresTaken: [...execution.measuresTaken],
      emergencyReason: 'no time',
    },
    NotifyCommission: { requestId: 'r-2', summary: 'we acted' },
    MarkEmergencyNotificationMissed: { requestId: 'r-2' },
    ReportOperation: { requestId: 'r-2', summary: 'report' },
    OpenInspection: {
      agencyId: 'gov-npa',
      memberId: 'member-1',
      inspectionId: 'i-1',
      agencyKind: 'police',
      scope: 'retention',
    },
    AnswerInspection: { agencyId: 'gov-npa', inspectionId: 'i-1', answer: 'logs' },
    ConcludeInspection: {
      agencyId: 'gov-npa',
      memberId: 'member-2',
      inspectionId: 'i-1',
      conclusion: 'no-issues',
      findings: 'in order',
    },
    IssueRecommendation: {
      agencyId: 'gov-npa',
      memberId: 'member-1',
      recommendationId: 'rec-1',
      agencyKind: 'police',
      inspectionId: 'i-1',
      recommendation: 'delete at retention',
    },
    AnswerRecommendation: { agencyId: 'gov-npa', recommendationId: 'rec-1', answer: 'done' },
    DemandDisciplinaryAction: {
      agencyId: 'gov-npa',
      memberId: 'member-3',
      demandId: 'd-1',
      agencyKind: 'police',
      inspectionId: 'i-1',
      leak: 'mailed out',
      demand: 'discipline',
    },
    ReportDisciplinaryAction: { agencyId: 'gov-npa', demandId: 'd-1', actionTaken: 'suspended' },
    ProposeAgreement: {
      agreementId: 'ag-1',
      operatorId: 'op-kanto-electric',
      operatorKind: 'operator',
      networks: ['198.51.100.0/24'],
      categories: ['addresses'],
      validFrom: T0,
      validUntil: T0 + H,
      purpose: 'x',
    },
    AcceptAgreement: { agreementId: 'ag-1', memberId: 'duty-officer', consent: 'yes' },
    DeclineAgreement: { agreementId: 'ag-1', reason: 'no' },
    EndAgreement: { agreementId: 'ag-1', reason: 'done' },
    ConstituteCouncil: { councilId: 'council:jp', name: 'council', purpose: 'art. 45' },
    AdmitCouncilMember: { councilId: 'council:jp', orgId: 'op-x', orgKind: 'operator' },
    AcknowledgeCouncilConfidentiality: {
      councilId: 'council:jp',
      orgId: 'op-x',
      memberId: 'ciso',
      statement: 'We keep it confidential',
    },
    RemoveCouncilMember: { councilId: 'council:jp', orgId: 'op-x', reason: 'withdrawn' },
  },
  {
    RequestCollectionAuthorisation: {
      requestId: 'r-1',
      telecomId: 't',
      categories: [],
      validFrom: 0,
      validUntil: 0,
      justification: '',
    },
    RequestOperationAuthorisation: {
      requestId: 'r-2',
      target: { type: 'domain', value: 'evil.example', country: 'CN' },
      justification: '',
      evidence: [],
      measures: [],
      validFrom: 0,
      validUntil: 0,
      primeMinisterOrder: null,
      attestation: null,
    },
    RecordEmergencyOperation: {
      requestId: 'r-5',
      target: { ...target },
      justification: '',
      evidence: [],
      measures: [],
      validFrom: 0,
      validUntil: 0,
      primeMinisterOrder: { givenAt: T0, grounds: '', reference: null },
      attestation: { belowArmedAttackThreshold: false, justification: null },
      emergencyReason: '',
      consultation: null,
      execution: { ...execution, measuresTaken: [] },
    },
    RecordForeignMinisterConsultation: { requestId: 'r-2', consultedAt: 0, summary: '' },
    CastVote: { requestId: 'r-2', memberId: null, vote: 'deny', reason: null },
    ExecuteOperation: {
      requestId: 'r-2',
      ...execution,
      measuresTaken: [],
      emergencyReason: null,
    },
    NotifyCommission: { requestId: 'r-2', summary: '' },
    MarkEmergencyNotificationMissed: { requestId: 'r-3' },
    ReportOperation: { requestId: 'r-2', summary: '' },
    OpenInspection: {
      agencyId: 'gov-npa',
      memberId: null,
      inspectionId: 'i-1',
      agencyKind: 'police',
      scope: 'retention',
    },
    AnswerInspection: { agencyId: 'gov-npa', inspectionId: 'i-1', answer: 'logs' },
    ConcludeInspection: {
      agencyId: 'gov-npa',
      memberId: null,
      inspectionId: 'i-1',
      conclusion: 'no-issues',
      findings: 'in order',
    },
    IssueRecommendation: {
      agencyId: 'gov-npa',
      memberId: null,
      recommendationId: 'rec-1',
      agencyKind: 'police',
      inspectionId: null,
      recommendation: 'delete at retention',
    },
    AnswerRecommendation: { agencyId: 'gov-npa', recommendationId: 'rec-1', answer: 'done' },
    DemandDisciplinaryAction: {
      agencyId: 'gov-npa',
      memberId: null,
      demandId: 'd-1',
      agencyKind: 'police',
      inspectionId: null,
      leak: 'mailed out',
      demand: 'discipline',
    },
    ReportDisciplinaryAction: { agencyId: 'gov-npa', demandId: 'd-1', actionTaken: 'suspended' },
    ProposeAgreement: {
      agreementId: 'ag-1',
      operatorId: 'op-kanto-electric',
      operatorKind: 'operator',
      networks: ['198.51.100.0/24'],
      categories: ['addresses'],
      validFrom: T0,
      validUntil: T0 + H,
      purpose: 'x',
    },
    AcceptAgreement: { agreementId: 'ag-1', memberId: null, consent: 'yes' },
    DeclineAgreement: { agreementId: 'ag-1', reason: 'no' },
    EndAgreement: { agreementId: 'ag-1', reason: 'done' },
    ConstituteCouncil: { councilId: 'council:jp', name: 'council', purpose: 'art. 45' },
    AdmitCouncilMember: { councilId: 'council:jp', orgId: 'op-x', orgKind: 'operator' },
    AcknowledgeCouncilConfidentiality: {
      councilId: 'council:jp',
      orgId: 'op-x',
      memberId: null,
      statement: 'We keep it confidential',
    },
    RemoveCouncilMember: { councilId: 'council:jp', orgId: 'op-x', reason: 'withdrawn' },
  },
];

const cases = (samples: Record<string, unknown>[]): [string, unknown][] =>
  samples.flatMap((byType) => Object.entries(byType));

describe('the jp.acd.oversight schemas', () => {
  const set = SchemaSet.load(schemasDir());

  it('define one record for every oversight event and command type', () => {
    const names = set.names().filter((n) => n.startsWith(`${NAMESPACE}.`));
    expect(names).toEqual(
      [...OVERSIGHT_EVENT_TYPES, ...OVERSIGHT_COMMAND_TYPES].map((t) => `${NAMESPACE}.${t}`).sort(),
    );
  });

  it('are exactly what the topic registry lists for the oversight topics', () => {
    expect([...TOPICS.oversightEvents.values]).toEqual(
      OVERSIGHT_EVENT_TYPES.map((t) => `${NAMESPACE}.${t}`),
    );
    expect([...TOPICS.oversightCommands.values]).toEqual(
      OVERSIGHT_COMMAND_TYPES.map((t) => `${NAMESPACE}.${t}`),
    );
  });

  it.each([...cases(events), ...cases(commands)])('round-trips %s data unchanged', (type, data) => {
    const decoded = set.decode(set.encode(`${NAMESPACE}.${type}`, data));
    expect(decoded.fullName).toBe(`${NAMESPACE}.${type}`);
    expect(decoded.value).toEqual(data);
  });

  describe('v1 operation requests, written before the attestation and the order', () => {
    const {
      primeMinisterOrder: _o,
      attestation: _a,
      ...v1Event
    } = events[1]!.OperationAuthorisationRequested;
    const {
      primeMinisterOrder: _co,
      attestation: _ca,
      ...v1Command
    } = commands[0]!.RequestOperationAuthorisation;

    it.each([
      ['OperationAuthorisationRequested', v1Event],
      ['RequestOperationAuthorisation', v1Command],
    ])('a v1 %s decodes into v2 with no order and no attestation (legacy)', (type, v1) => {
      const writer = set.version(`${NAMESPACE}.${type}`, 1);
      const decoded = set.decode(encodeSingleObject(writer, v1));
      expect(decoded.value).toEqual({ ...v1, primeMinisterOrder: null, attestation: null });
    });
  });
});
