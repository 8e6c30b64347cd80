interface OnCouncil {
  councilId: string;
}

export type ConstituteCouncil = {
  type: 'ConstituteCouncil';
  data: OnCouncil & { name: string; purpose: string };
};

/** The edge adds the organisation's kind from the registry (empty when it is not registered). */
export type AdmitCouncilMember = {
  type: 'AdmitCouncilMember';
  data: OnCouncil & { orgId: string; orgKind: string };
};

/** The member's undertaking: `memberId` is the personal token's subject (null: refused). */
export type AcknowledgeCouncilConfidentiality = {
  type: 'AcknowledgeCouncilConfidentiality';
  data: OnCouncil & { orgId: string; memberId: string | null; statement: string };
};

export type RemoveCouncilMember = {
  type: 'RemoveCouncilMember';
  data: OnCouncil & { orgId: string; reason: string };
};

export type CouncilCommand =
  ConstituteCouncil | AdmitCouncilMember | AcknowledgeCouncilConfidentiality | RemoveCouncilMember;

export const COUNCIL_COMMAND_TYPES = [
  'ConstituteCouncil',
  'AdmitCouncilMember',
  'AcknowledgeCouncilConfidentiality',
  'RemoveCouncilMember',
] as const satisfies readonly CouncilCommand['type'][];

export const isCouncilCommand = (c: { type: string }): c is CouncilCommand =>
  (COUNCIL_COMMAND_TYPES as readonly string[]).includes(c.type);
