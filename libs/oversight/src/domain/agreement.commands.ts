import type { MetadataCategory, Millis } from './oversight.events';

interface OnAgreement {
  agreementId: string;
}

/** The agreement id is derived at the edge from the command id; the edge adds the party's kind. */
export type ProposeAgreement = {
  type: 'ProposeAgreement';
  data: OnAgreement & {
    operatorId: string;
    operatorKind: string;
    networks: string[];
    categories: MetadataCategory[];
    validFrom: Millis;
    validUntil: Millis;
    purpose: string;
  };
};

/** The operator's consent: `memberId` is the personal token's subject (null: refused). */
export type AcceptAgreement = {
  type: 'AcceptAgreement';
  data: OnAgreement & { memberId: string | null; consent: string };
};

export type DeclineAgreement = {
  type: 'DeclineAgreement';
  data: OnAgreement & { reason: string };
};

export type EndAgreement = {
  type: 'EndAgreement';
  data: OnAgreement & { reason: string };
};

export type AgreementCommand = ProposeAgreement | AcceptAgreement | DeclineAgreement | EndAgreement;

export const AGREEMENT_COMMAND_TYPES = [
  'ProposeAgreement',
  'AcceptAgreement',
  'DeclineAgreement',
  'EndAgreement',
] as const satisfies readonly AgreementCommand['type'][];

export const isAgreementCommand = (c: { type: string }): c is AgreementCommand =>
  (AGREEMENT_COMMAND_TYPES as readonly string[]).includes(c.type);
