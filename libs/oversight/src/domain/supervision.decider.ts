import {
  accept,
  assertNever,
  refuse,
  type CommandContext,
  type Decision,
} from '@acd/event-sourcing';
import { canReadSupervision, isOrgId, issuerAsViewer } from '@acd/identity/domain';
import type { SupervisionCommand } from './supervision.commands';
import {
  INSPECTION_CONCLUSIONS,
  SUPERVISED_AGENCY_KINDS,
  type SupervisionEvent,
} from './supervision.events';
import type { SupervisionFile } from './supervision.state';
import { textProblem } from './text-problem';

type Result = Decision<SupervisionEvent>;
export type SupervisionState = { kind: 'none' } | SupervisionFile;

const text = (value: string, field: string): Result | null =>
  textProblem<SupervisionEvent>(value, field);

const COMMISSION = 'oversight-commission';

/** The commission's own acts: by the commission, recorded by a member's personal token. */
function asCommission(ctx: CommandContext, memberId: string | null, what: string): Result | null {
  if (ctx.issuedBy.kind !== COMMISSION) return refuse('forbidden', `only the commission ${what}`);
  if (memberId === null) {
    return refuse('forbidden', "the commission acts through a member's personal token");
  }
  return null;
}

function agencyProblem(agencyId: string, agencyKind: string): Result | null {
  if (!isOrgId(agencyId)) return refuse('invalid', 'must be the id of an agency', 'agencyId');
  if (!(SUPERVISED_AGENCY_KINDS as readonly string[]).includes(agencyKind)) {
    return refuse(
      'invalid',
      `the commission supervises ${SUPERVISED_AGENCY_KINDS.join(', ')}, not a ${agencyKind}`,
      'agencyId',
    );
  }
  return null;
}

/**
 * The agency's answer to an item of its own file. For anyone who may not read the file the item
 * does not exist (404, as a read would say); the commission may read it but does not answer.
 */
function asAgency(file: SupervisionFile | null, ctx: CommandContext, what: string) {
  if (
    file === null ||
    !canReadSupervision(issuerAsViewer(ctx.issuedBy), { agencyId: file.agencyId })
  )
    return 'hidden';
  return ctx.issuedBy.orgId === file.agencyId
    ? null
    : refuse<SupervisionEvent>('forbidden', `only the agency concerned ${what}`);
}

/** An item id already used in this file, under any kind: ids never name two things. */
const taken = (file: SupervisionFile | null, id: string): boolean =>
  file !== null && (id in file.inspections || id in file.recommendations || id in file.demands);

/** The inspection a recommendation or demand cites: one of this agency's, or 422. */
function citedInspection(file: SupervisionFile | null, inspectionId: string | null) {
  if (inspectionId === null) return null;
  return file?.inspections[inspectionId]
    ? null
    : refuse<SupervisionEvent>(
        'invalid',
        `no inspection ${inspectionId} of this agency`,
        'inspectionId',
      );
}

export function decideSupervision(
  command: SupervisionCommand,
  state: SupervisionState,
  ctx: CommandContext,
): Result {
  const file = state.kind === 'supervision' ? state : null;
  const now = ctx.now.getTime();
  const d = command.data;
  if (file && d.agencyId !== file.agencyId) {
    return refuse('invalid', `this is the file of ${file.agencyId}`, 'agencyId');
  }
  switch (command.type) {
    case 'OpenInspection': {
      const c = command.data;
      const bad =
        asCommission(ctx, c.memberId, 'inspects an agency') ??
        agencyProblem(c.agencyId, c.agencyKind) ??
        (taken(file, c.inspectionId)
          ? refuse<SupervisionEvent>('conflict', `${c.inspectionId} already exists`)
          : null) ??
        text(c.scope, 'scope');
      if (bad) return bad;
      return accept({
        type: 'InspectionOpened',
        data: {
          agencyId: c.agencyId,
          inspectionId: c.inspectionId,
          agencyKind: c.agencyKind,
          scope: c.scope.trim(),
          openedBy: c.memberId as string,
          openedAt: now,
        },
      });
    }
    case 'AnswerInspection': {
      const c = command.data;
      const who = asAgency(file, ctx, 'answers an inspection');
      const inspection = file?.inspections[c.inspectionId];
      if (who === 'hidden' || !inspection) {
        return refuse('not-found', `no inspection ${c.inspectionId}`);
      }
      if (who) return who;
      if (inspection.conclusion !== null) {
        return refuse('conflict', 'the inspection is concluded; it takes no more answers');
      }
      if (inspection.answeredAt !== null) {
        return refuse('conflict', 'the agency already answered this inspection');
      }
      const bad = text(c.answer, 'answer');
      if (bad) return bad;
      return accept({
        type: 'InspectionAnswered',
        data: {
          agencyId: c.agencyId,
          inspectionId: c.inspectionId,
          answer: c.answer.trim(),
          answeredAt: now,
        },
      });
    }
    case 'ConcludeInspection': {
      const c = command.data;
      const bad = asCommission(ctx, c.memberId, 'concludes an inspection');
      if (bad) return bad;
      const inspection = file?.inspections[c.inspectionId];
      if (!inspection) return refuse('not-found', `no inspection ${c.inspectionId}`);
      if (inspection.conclusion !== null) {
        return refuse('conflict', `the inspection was already concluded: ${inspection.conclusion}`);
      }
      if (!(INSPECTION_CONCLUSIONS as readonly string[]).includes(c.conclusion)) {
        return refuse(
          'invalid',
          `must be one of ${INSPECTION_CONCLUSIONS.join(', ')}`,
          'conclusion',
        );
      }
      const findings = text(c.findings, 'findings');
      if (findings) return findings;
      return accept({
        type: 'InspectionConcluded',
        data: {
          agencyId: c.agencyId,
          inspectionId: c.inspectionId,
          conclusion: c.conclusion,
          findings: c.findings.trim(),
          concludedBy: c.memberId as string,
          concludedAt: now,
        },
      });
    }
    case 'IssueRecommendation': {
      const c = command.data;
      const bad =
        asCommission(ctx, c.memberId, 'recommends corrections') ??
        agencyProblem(c.agencyId, c.agencyKind) ??
        (taken(file, c.recommendationId)
          ? refuse<SupervisionEvent>('conflict', `${c.recommendationId} already exists`)
          : null) ??
        citedInspection(file, c.inspectionId) ??
        text(c.recommendation, 'recommendation');
      if (bad) return bad;
      return accept({
        type: 'RecommendationIssued',
        data: {
          agencyId: c.agencyId,
          recommendationId: c.recommendationId,
          agencyKind: c.agencyKind,
          inspectionId: c.inspectionId,
          recommendation: c.recommendation.trim(),
          issuedBy: c.memberId as string,
          issuedAt: now,
        },
      });
    }
    case 'AnswerRecommendation': {
      const c = command.data;
      const who = asAgency(file, ctx, 'answers a recommendation');
      const item = file?.recommendations[c.recommendationId];
      if (who === 'hidden' || !item) {
        return refuse('not-found', `no recommendation ${c.recommendationId}`);
      }
      if (who) return who;
      if (item.answeredAt !== null) {
        return refuse('conflict', 'the agency already answered this recommendation');
      }
      const bad = text(c.answer, 'answer');
      if (bad) return bad;
      return accept({
        type: 'RecommendationAnswered',
        data: {
          agencyId: c.agencyId,
          recommendationId: c.recommendationId,
          answer: c.answer.trim(),
          answeredAt: now,
        },
      });
    }
    case 'DemandDisciplinaryAction': {
      const c = command.data;
      const bad =
        asCommission(ctx, c.memberId, 'demands disciplinary action') ??
        agencyProblem(c.agencyId, c.agencyKind) ??
        (taken(file, c.demandId)
          ? refuse<SupervisionEvent>('conflict', `${c.demandId} already exists`)
          : null) ??
        citedInspection(file, c.inspectionId) ??
        text(c.leak, 'leak') ??
        text(c.demand, 'demand');
      if (bad) return bad;
      return accept({
        type: 'DisciplinaryActionDemanded',
        data: {
          agencyId: c.agencyId,
          demandId: c.demandId,
          agencyKind: c.agencyKind,
          inspectionId: c.inspectionId,
          leak: c.leak.trim(),
          demand: c.demand.trim(),
          demandedBy: c.memberId as string,
          demandedAt: now,
        },
      });
    }
    case 'ReportDisciplinaryAction': {
      const c = command.data;
      const who = asAgency(file, ctx, 'reports the action it took');
      const item = file?.demands[c.demandId];
      if (who === 'hidden' || !item) return refuse('not-found', `no demand ${c.demandId}`);
      if (who) return who;
      if (item.reportedAt !== null) {
        return refuse('conflict', 'the agency already reported the action it took');
      }
      const bad = text(c.actionTaken, 'actionTaken');
      if (bad) return bad;
      return accept({
        type: 'DisciplinaryActionReported',
        data: {
          agencyId: c.agencyId,
          demandId: c.demandId,
          actionTaken: c.actionTaken.trim(),
          reportedAt: now,
        },
      });
    }
    default:
      return assertNever(command);
  }
}

const emptyFile = (agencyId: string, agencyKind: string): SupervisionFile => ({
  kind: 'supervision',
  agencyId,
  agencyKind,
  inspections: {},
  recommendations: {},
  demands: {},
});

export function evolveSupervision(
  state: SupervisionState,
  event: SupervisionEvent,
): SupervisionState {
  const d = event.data;
  switch (event.type) {
    case 'InspectionOpened': {
      const f = state.kind === 'supervision' ? state : emptyFile(d.agencyId, event.data.agencyKind);
      const id = event.data.inspectionId;
      return {
        ...f,
        inspections: {
          ...f.inspections,
          [id]: {
            inspectionId: id,
            openedAt: event.data.openedAt,
            answeredAt: null,
            conclusion: null,
          },
        },
      };
    }
    case 'RecommendationIssued': {
      const f = state.kind === 'supervision' ? state : emptyFile(d.agencyId, event.data.agencyKind);
      const id = event.data.recommendationId;
      return {
        ...f,
        recommendations: {
          ...f.recommendations,
          [id]: { recommendationId: id, inspectionId: event.data.inspectionId, answeredAt: null },
        },
      };
    }
    case 'DisciplinaryActionDemanded': {
      const f = state.kind === 'supervision' ? state : emptyFile(d.agencyId, event.data.agencyKind);
      const id = event.data.demandId;
      return {
        ...f,
        demands: {
          ...f.demands,
          [id]: { demandId: id, inspectionId: event.data.inspectionId, reportedAt: null },
        },
      };
    }
    case 'InspectionAnswered': {
      const item = state.kind === 'supervision' ? state.inspections[event.data.inspectionId] : null;
      if (state.kind !== 'supervision' || !item) return state;
      const updated = { ...item, answeredAt: event.data.answeredAt };
      return { ...state, inspections: { ...state.inspections, [item.inspectionId]: updated } };
    }
    case 'InspectionConcluded': {
      const item = state.kind === 'supervision' ? state.inspections[event.data.inspectionId] : null;
      if (state.kind !== 'supervision' || !item) return state;
      const updated = { ...item, conclusion: event.data.conclusion };
      return { ...state, inspections: { ...state.inspections, [item.inspectionId]: updated } };
    }
    case 'RecommendationAnswered': {
      const id = event.data.recommendationId;
      const item = state.kind === 'supervision' ? state.recommendations[id] : null;
      if (state.kind !== 'supervision' || !item) return state;
      const updated = { ...item, answeredAt: event.data.answeredAt };
      return { ...state, recommendations: { ...state.recommendations, [id]: updated } };
    }
    case 'DisciplinaryActionReported': {
      const item = state.kind === 'supervision' ? state.demands[event.data.demandId] : null;
      if (state.kind !== 'supervision' || !item) return state;
      const updated = { ...item, reportedAt: event.data.reportedAt };
      return { ...state, demands: { ...state.demands, [item.demandId]: updated } };
    }
    default:
      return assertNever(event);
  }
}
