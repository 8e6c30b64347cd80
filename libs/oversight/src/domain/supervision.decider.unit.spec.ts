import { deciderSpec } from '@acd/event-sourcing/testing';
import type { CommandContext } from '@acd/event-sourcing';
import { createOversightDecider } from './oversight.decider';
import type { OversightCommand } from './oversight.commands';
import type { OversightEvent } from './oversight.events';
import type {
  DemandDisciplinaryAction,
  IssueRecommendation,
  OpenInspection,
} from './supervision.commands';
import type {
  DisciplinaryActionDemanded,
  InspectionConcluded,
  InspectionOpened,
  RecommendationIssued,
} from './supervision.events';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

type Issuer = CommandContext['issuedBy'];
const commission: Issuer = {
  orgId: 'gov-cyber-oversight-commission',
  kind: 'oversight-commission',
  sector: null,
};
const npa: Issuer = { orgId: 'gov-npa', kind: 'police', sector: null };
const sdf: Issuer = { orgId: 'gov-sdf', kind: 'sdf', sector: null };
const nco: Issuer = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
const kanto: Issuer = { orgId: 'op-kanto-electric', kind: 'operator', sector: 'electricity' };

const at = (issuedBy: Issuer, t = T0 + H): Partial<CommandContext> => ({
  issuedBy,
  now: new Date(t),
});

const decider = createOversightDecider({
  members: ['member-1', 'member-2', 'member-3'],
  quorum: 2,
  emergencyNotifyWithin: 'PT24H',
});
const spec = deciderSpec<OversightCommand, OversightEvent, ReturnType<typeof decider.evolve>>(
  decider,
  { issuedBy: commission, now: new Date(T0) },
);

const open = (over: Partial<OpenInspection['data']> = {}): OpenInspection => ({
  type: 'OpenInspection',
  data: {
    agencyId: npa.orgId,
    memberId: 'member-1',
    inspectionId: 'insp-1',
    agencyKind: 'police',
    scope: '  How acquired flow metadata was kept and deleted in 2026  ',
    ...over,
  },
});
const opened: InspectionOpened = {
  type: 'InspectionOpened',
  data: {
    agencyId: npa.orgId,
    inspectionId: 'insp-1',
    agencyKind: 'police',
    scope: 'How acquired flow metadata was kept and deleted in 2026',
    openedBy: 'member-1',
    openedAt: T0,
  },
};
const concluded: InspectionConcluded = {
  type: 'InspectionConcluded',
  data: {
    agencyId: npa.orgId,
    inspectionId: 'insp-1',
    conclusion: 'issues-found',
    findings: 'Matches were kept past their retention',
    concludedBy: 'member-2',
    concludedAt: T0 + H,
  },
};
const recommend = (over: Partial<IssueRecommendation['data']> = {}): IssueRecommendation => ({
  type: 'IssueRecommendation',
  data: {
    agencyId: npa.orgId,
    memberId: 'member-1',
    recommendationId: 'rec-1',
    agencyKind: 'police',
    inspectionId: 'insp-1',
    recommendation: 'Delete matches at their retention',
    ...over,
  },
});
const recommended: RecommendationIssued = {
  type: 'RecommendationIssued',
  data: {
    agencyId: npa.orgId,
    recommendationId: 'rec-1',
    agencyKind: 'police',
    inspectionId: 'insp-1',
    recommendation: 'Delete matches at their retention',
    issuedBy: 'member-1',
    issuedAt: T0 + H,
  },
};
const demand = (
  over: Partial<DemandDisciplinaryAction['data']> = {},
): DemandDisciplinaryAction => ({
  type: 'DemandDisciplinaryAction',
  data: {
    agencyId: npa.orgId,
    memberId: 'member-3',
    demandId: 'dem-1',
    agencyKind: 'police',
    inspectionId: null,
    leak: 'A list of flow matches was sent to an outside address',
    demand: 'Discipline the official who sent it',
    ...over,
  },
});
const demanded: DisciplinaryActionDemanded = {
  type: 'DisciplinaryActionDemanded',
  data: {
    agencyId: npa.orgId,
    demandId: 'dem-1',
    agencyKind: 'police',
    inspectionId: null,
    leak: 'A list of flow matches was sent to an outside address',
    demand: 'Discipline the official who sent it',
    demandedBy: 'member-3',
    demandedAt: T0 + H,
  },
};

describe('inspections', () => {
  it('given nothing, when the commission opens an inspection of the police, then it is opened', () => {
    spec.given([]).when(open()).then([opened]);
  });

  it.each([
    ['the police', npa],
    ['the cabinet office', nco],
    ['an operator', kanto],
  ])('when %s opens one, then it is forbidden', (_, who) => {
    spec.given([]).when(open(), at(who)).thenRefused({ code: 'forbidden' });
  });

  it("when the commission's organisation token opens one, then it is forbidden (a member records it)", () => {
    spec
      .given([])
      .when(open({ memberId: null }))
      .thenRefused({ code: 'forbidden' });
  });

  it.each([
    ['an operator', { agencyId: 'op-kanto-electric', agencyKind: 'operator' }],
    ['a telecom operator', { agencyId: 'tel-x', agencyKind: 'telecom' }],
    ['the commission itself', { agencyId: commission.orgId, agencyKind: 'oversight-commission' }],
  ])('when the commission inspects %s, then it is refused naming agencyId', (_, over) => {
    spec.given([]).when(open(over)).thenRefused({ code: 'invalid', field: 'agencyId' });
  });

  it('when the scope is blank, then it is refused naming scope', () => {
    spec
      .given([])
      .when(open({ scope: '  ' }))
      .thenRefused({ code: 'invalid', field: 'scope' });
  });

  it('given an inspection, when one is opened under the same id, then conflict', () => {
    spec.given([opened]).when(open()).thenRefused({ code: 'conflict' });
  });

  it('given an inspection, when the police answer it, then the answer is recorded', () => {
    spec
      .given([opened])
      .when(
        {
          type: 'AnswerInspection',
          data: { agencyId: npa.orgId, inspectionId: 'insp-1', answer: ' Our logs ' },
        },
        at(npa),
      )
      .then([
        {
          type: 'InspectionAnswered',
          data: {
            agencyId: npa.orgId,
            inspectionId: 'insp-1',
            answer: 'Our logs',
            answeredAt: T0 + H,
          },
        },
      ]);
  });

  it('given a police inspection, when the SDF or an operator answer it, then it does not exist for them', () => {
    for (const who of [sdf, kanto, nco]) {
      spec
        .given([opened])
        .when(
          {
            type: 'AnswerInspection',
            data: { agencyId: npa.orgId, inspectionId: 'insp-1', answer: 'x' },
          },
          at(who),
        )
        .thenRefused({ code: 'not-found' });
    }
  });

  it('given a police inspection, when the commission answers it, then forbidden (the agency answers)', () => {
    spec
      .given([opened])
      .when({
        type: 'AnswerInspection',
        data: { agencyId: npa.orgId, inspectionId: 'insp-1', answer: 'x' },
      })
      .thenRefused({ code: 'forbidden' });
  });

  it('given no inspection, when the police answer one, then not found', () => {
    spec
      .given([])
      .when(
        {
          type: 'AnswerInspection',
          data: { agencyId: npa.orgId, inspectionId: 'insp-9', answer: 'x' },
        },
        at(npa),
      )
      .thenRefused({ code: 'not-found' });
  });

  it('given an inspection, when the commission concludes it, then the findings close it', () => {
    spec
      .given([opened])
      .when(
        {
          type: 'ConcludeInspection',
          data: {
            agencyId: npa.orgId,
            memberId: 'member-2',
            inspectionId: 'insp-1',
            conclusion: 'issues-found',
            findings: 'Matches were kept past their retention',
          },
        },
        at(commission),
      )
      .then([concluded]);
  });

  it('given a concluded inspection, when concluded again or answered, then conflict', () => {
    spec
      .given([opened, concluded])
      .when({
        type: 'ConcludeInspection',
        data: {
          agencyId: npa.orgId,
          memberId: 'member-1',
          inspectionId: 'insp-1',
          conclusion: 'no-issues',
          findings: 'x',
        },
      })
      .thenRefused({ code: 'conflict' });
    spec
      .given([opened, concluded])
      .when(
        {
          type: 'AnswerInspection',
          data: { agencyId: npa.orgId, inspectionId: 'insp-1', answer: 'late' },
        },
        at(npa),
      )
      .thenRefused({ code: 'conflict' });
  });

  it('when a conclusion is not one of the two, then it is refused naming conclusion', () => {
    spec
      .given([opened])
      .when({
        type: 'ConcludeInspection',
        data: {
          agencyId: npa.orgId,
          memberId: 'member-1',
          inspectionId: 'insp-1',
          conclusion: 'fine' as 'no-issues',
          findings: 'x',
        },
      })
      .thenRefused({ code: 'invalid', field: 'conclusion' });
  });
});

describe('recommendations and disciplinary demands', () => {
  it('given an inspection, when the commission recommends a correction citing it, then it is issued', () => {
    spec.given([opened, concluded]).when(recommend(), at(commission)).then([recommended]);
  });

  it("when a recommendation cites an inspection not in the agency's file, then it is refused naming inspectionId", () => {
    spec.given([]).when(recommend()).thenRefused({ code: 'invalid', field: 'inspectionId' });
    spec
      .given([opened])
      .when(recommend({ inspectionId: 'insp-of-someone-else' }))
      .thenRefused({ code: 'invalid', field: 'inspectionId' });
  });

  it('when the police recommend to themselves, then forbidden', () => {
    spec.given([opened]).when(recommend(), at(npa)).thenRefused({ code: 'forbidden' });
  });

  it('given a recommendation, when the police answer it, then the answer is recorded, once', () => {
    const answer: OversightCommand = {
      type: 'AnswerRecommendation',
      data: { agencyId: npa.orgId, recommendationId: 'rec-1', answer: 'Sweeper set to 90 days' },
    };
    const answered: OversightEvent = {
      type: 'RecommendationAnswered',
      data: {
        agencyId: npa.orgId,
        recommendationId: 'rec-1',
        answer: 'Sweeper set to 90 days',
        answeredAt: T0 + 2 * H,
      },
    };
    spec
      .given([opened, recommended])
      .when(answer, at(npa, T0 + 2 * H))
      .then([answered]);
    spec
      .given([opened, recommended, answered])
      .when(answer, at(npa))
      .thenRefused({ code: 'conflict' });
    spec.given([opened, recommended]).when(answer, at(sdf)).thenRefused({ code: 'not-found' });
  });

  it('given nothing, when the commission demands disciplinary action after a leak, then it is demanded without an inspection', () => {
    spec.given([]).when(demand(), at(commission)).then([demanded]);
  });

  it('when the leak or the demand is blank, then it is refused naming the field', () => {
    spec
      .given([])
      .when(demand({ leak: '' }))
      .thenRefused({ code: 'invalid', field: 'leak' });
    spec
      .given([])
      .when(demand({ demand: ' ' }))
      .thenRefused({ code: 'invalid', field: 'demand' });
  });

  it('given a demand, when the police report the action taken, then it is recorded once; the SDF cannot see it', () => {
    const report: OversightCommand = {
      type: 'ReportDisciplinaryAction',
      data: { agencyId: npa.orgId, demandId: 'dem-1', actionTaken: 'Official suspended' },
    };
    const reported: OversightEvent = {
      type: 'DisciplinaryActionReported',
      data: {
        agencyId: npa.orgId,
        demandId: 'dem-1',
        actionTaken: 'Official suspended',
        reportedAt: T0 + H,
      },
    };
    spec.given([demanded]).when(report, at(npa)).then([reported]);
    spec.given([demanded, reported]).when(report, at(npa)).thenRefused({ code: 'conflict' });
    spec.given([demanded]).when(report, at(sdf)).thenRefused({ code: 'not-found' });
    spec.given([demanded]).when(report, at(commission)).thenRefused({ code: 'forbidden' });
  });

  it('an id names one item of a file: a demand under an inspection id is a conflict', () => {
    spec
      .given([opened])
      .when(demand({ demandId: 'insp-1' }))
      .thenRefused({ code: 'conflict' });
  });
});

describe('supervision files and requests share the topic, never an aggregate', () => {
  it('given a request under an id, when a supervision command addresses that id, then not found', () => {
    const requested: OversightEvent = {
      type: 'CollectionAuthorisationRequested',
      data: {
        requestId: npa.orgId,
        requestedBy: nco.orgId,
        requesterKind: 'cabinet-office',
        telecomId: 'tel-x',
        categories: ['addresses'],
        validFrom: T0,
        validUntil: T0 + 24 * H,
        justification: 'x',
        roster: ['member-1'],
        quorum: 1,
        requestedAt: T0,
      },
    };
    spec.given([requested]).when(open()).thenRefused({ code: 'not-found' });
  });

  it('given a supervision file, when a request command addresses its id, then not found', () => {
    spec
      .given([opened])
      .when({ type: 'ReportOperation', data: { requestId: npa.orgId, summary: 'x' } }, at(npa))
      .thenRefused({ code: 'not-found' });
  });
});
