/** A member's standing: admitted by the office, then bound once it acknowledged confidentiality. */
export type CouncilStanding = 'admitted' | 'bound';

export interface CouncilState {
  kind: 'council';
  councilId: string;
  constitutedBy: string;
  /** Current members only: a removed member is no longer here (it may be admitted again). */
  members: Readonly<Record<string, CouncilStanding>>;
}
