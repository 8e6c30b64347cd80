/** The council itself: one document, `_id` the council's id. */
export interface CouncilDoc {
  _id: string;
  version: number;
  name: string;
  purpose: string;
  constitutedBy: string;
  constitutedAt: Date;
  updatedAt: Date;
}

/** One organisation's entry on the council's roster, `_id` the organisation. */
export interface CouncilMemberDoc {
  _id: string;
  version: number;
  orgKind: string;
  /** `councilMemberReadFilter` queries it. */
  status: 'admitted' | 'bound' | 'removed';
  admittedBy: string;
  admittedAt: Date;
  acknowledgement: { by: string; statement: string; at: Date } | null;
  removed: { byOrgId: string; reason: string; at: Date } | null;
  updatedAt: Date;
}

export const COUNCIL_COLLECTION = 'oversight-council';
export const COUNCIL_MEMBERS_COLLECTION = 'oversight-council-members';
