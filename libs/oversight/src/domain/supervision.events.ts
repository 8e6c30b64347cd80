/**
 * The commission's powers besides its votes (Act, arts. 63–70): it inspects how an agency
 * handles what the Act lets it acquire, recommends corrections, and demands disciplinary action
 * after a leak. Each agency has one supervision file, the aggregate keyed by the agency's id, so
 * a recommendation that cites an inspection is checked against the file that holds it.
 */
import type { Millis } from './oversight.events';

/** The organisations the commission supervises: those that acquire or act under the Act. */
export const SUPERVISED_AGENCY_KINDS = ['cabinet-office', 'police', 'sdf'] as const;

/** What an inspection found: nothing to correct, or something (then recommendations follow). */
export const INSPECTION_CONCLUSIONS = ['no-issues', 'issues-found'] as const;
export type InspectionConclusion = (typeof INSPECTION_CONCLUSIONS)[number];

/** Every supervision event names the agency: that is the aggregate id and the message key. */
interface OnAgency {
  agencyId: string;
}

export type InspectionOpened = {
  type: 'InspectionOpened';
  data: OnAgency & {
    inspectionId: string;
    agencyKind: string;
    /** What the commission inspects and what it asks the agency to present. */
    scope: string;
    /** The member of the commission who recorded it (the personal token's subject). */
    openedBy: string;
    openedAt: Millis;
  };
};

export type InspectionAnswered = {
  type: 'InspectionAnswered';
  data: OnAgency & { inspectionId: string; answer: string; answeredAt: Millis };
};

export type InspectionConcluded = {
  type: 'InspectionConcluded';
  data: OnAgency & {
    inspectionId: string;
    conclusion: InspectionConclusion;
    findings: string;
    concludedBy: string;
    concludedAt: Millis;
  };
};

export type RecommendationIssued = {
  type: 'RecommendationIssued';
  data: OnAgency & {
    recommendationId: string;
    agencyKind: string;
    /** The inspection it follows from, in the same agency's file, or null. */
    inspectionId: string | null;
    recommendation: string;
    issuedBy: string;
    issuedAt: Millis;
  };
};

export type RecommendationAnswered = {
  type: 'RecommendationAnswered';
  data: OnAgency & { recommendationId: string; answer: string; answeredAt: Millis };
};

export type DisciplinaryActionDemanded = {
  type: 'DisciplinaryActionDemanded';
  data: OnAgency & {
    demandId: string;
    agencyKind: string;
    inspectionId: string | null;
    /** What leaked, how, and who is concerned, as the commission established it. */
    leak: string;
    /** The action the commission demands. */
    demand: string;
    demandedBy: string;
    demandedAt: Millis;
  };
};

export type DisciplinaryActionReported = {
  type: 'DisciplinaryActionReported';
  data: OnAgency & { demandId: string; actionTaken: string; reportedAt: Millis };
};

export type SupervisionEvent =
  | InspectionOpened
  | InspectionAnswered
  | InspectionConcluded
  | RecommendationIssued
  | RecommendationAnswered
  | DisciplinaryActionDemanded
  | DisciplinaryActionReported;

export const SUPERVISION_EVENT_TYPES = [
  'InspectionOpened',
  'InspectionAnswered',
  'InspectionConcluded',
  'RecommendationIssued',
  'RecommendationAnswered',
  'DisciplinaryActionDemanded',
  'DisciplinaryActionReported',
] as const satisfies readonly SupervisionEvent['type'][];

export const isSupervisionEvent = (e: { type: string }): e is SupervisionEvent =>
  (SUPERVISION_EVENT_TYPES as readonly string[]).includes(e.type);
