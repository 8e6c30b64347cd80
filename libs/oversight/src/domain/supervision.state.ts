import type { Millis } from './oversight.events';
import type { InspectionConclusion } from './supervision.events';

export interface InspectionState {
  inspectionId: string;
  openedAt: Millis;
  answeredAt: Millis | null;
  conclusion: InspectionConclusion | null;
}

export interface RecommendationState {
  recommendationId: string;
  inspectionId: string | null;
  answeredAt: Millis | null;
}

export interface DemandState {
  demandId: string;
  inspectionId: string | null;
  reportedAt: Millis | null;
}

/** One agency's supervision file: every inspection, recommendation and demand concerning it. */
export interface SupervisionFile {
  kind: 'supervision';
  agencyId: string;
  agencyKind: string;
  inspections: Readonly<Record<string, InspectionState>>;
  recommendations: Readonly<Record<string, RecommendationState>>;
  demands: Readonly<Record<string, DemandState>>;
}
