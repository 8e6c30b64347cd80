import type { InspectionConclusion } from './supervision.events';

/** Every supervision command names the agency whose file it addresses: the aggregate id. */
interface OnAgency {
  agencyId: string;
}

/**
 * The commission's own acts carry the member who records them (the personal token's subject;
 * null for the organisation's token, which is refused) and, when they open an item, the agency's
 * kind as the registry says (the edge looks it up; the decider checks it is an agency).
 */
interface ByMember {
  memberId: string | null;
}

/** Item ids are derived at the edge from the command id, so a retry names the same item. */
export type OpenInspection = {
  type: 'OpenInspection';
  data: OnAgency & ByMember & { inspectionId: string; agencyKind: string; scope: string };
};

export type AnswerInspection = {
  type: 'AnswerInspection';
  data: OnAgency & { inspectionId: string; answer: string };
};

export type ConcludeInspection = {
  type: 'ConcludeInspection';
  data: OnAgency &
    ByMember & { inspectionId: string; conclusion: InspectionConclusion; findings: string };
};

export type IssueRecommendation = {
  type: 'IssueRecommendation';
  data: OnAgency &
    ByMember & {
      recommendationId: string;
      agencyKind: string;
      inspectionId: string | null;
      recommendation: string;
    };
};

export type AnswerRecommendation = {
  type: 'AnswerRecommendation';
  data: OnAgency & { recommendationId: string; answer: string };
};

export type DemandDisciplinaryAction = {
  type: 'DemandDisciplinaryAction';
  data: OnAgency &
    ByMember & {
      demandId: string;
      agencyKind: string;
      inspectionId: string | null;
      leak: string;
      demand: string;
    };
};

export type ReportDisciplinaryAction = {
  type: 'ReportDisciplinaryAction';
  data: OnAgency & { demandId: string; actionTaken: string };
};

export type SupervisionCommand =
  | OpenInspection
  | AnswerInspection
  | ConcludeInspection
  | IssueRecommendation
  | AnswerRecommendation
  | DemandDisciplinaryAction
  | ReportDisciplinaryAction;

export const SUPERVISION_COMMAND_TYPES = [
  'OpenInspection',
  'AnswerInspection',
  'ConcludeInspection',
  'IssueRecommendation',
  'AnswerRecommendation',
  'DemandDisciplinaryAction',
  'ReportDisciplinaryAction',
] as const satisfies readonly SupervisionCommand['type'][];

export const isSupervisionCommand = (c: { type: string }): c is SupervisionCommand =>
  (SUPERVISION_COMMAND_TYPES as readonly string[]).includes(c.type);
