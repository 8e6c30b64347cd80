/**
 * Agreements with operators (当事者協定, Act arts. 11–16): the cabinet cyber office proposes, an
 * operator of critical infrastructure accepts (its consent recorded with the person who gave it),
 * and while the agreement is in force the operator supplies flow metadata from the networks it
 * names, through the same edge as telecom operators, and reads the matches found in its own
 * traffic. Either side may end it. Each agreement is an aggregate keyed by its id.
 */
import type { MetadataCategory, Millis } from './oversight.events';

/** Who may be party to an agreement: an operator of critical infrastructure, or a telecom. */
export const AGREEMENT_PARTY_KINDS = ['operator', 'telecom'] as const;

/** The most networks one agreement names. */
export const MAX_AGREEMENT_NETWORKS = 100;

interface OnAgreement {
  agreementId: string;
}

export type AgreementProposed = {
  type: 'AgreementProposed';
  data: OnAgreement & {
    operatorId: string;
    operatorKind: string;
    /** The operator's networks or links the agreement covers: CIDRs, canonical, sorted. */
    networks: string[];
    categories: MetadataCategory[];
    validFrom: Millis;
    validUntil: Millis;
    purpose: string;
    proposedBy: string;
    proposedAt: Millis;
  };
};

export type AgreementAccepted = {
  type: 'AgreementAccepted';
  data: OnAgreement & {
    operatorId: string;
    /** The operator's member who gave the consent (the personal token's subject). */
    acceptedBy: string;
    /** The consent as the operator stated it. */
    consent: string;
    acceptedAt: Millis;
  };
};

export type AgreementDeclined = {
  type: 'AgreementDeclined';
  data: OnAgreement & { operatorId: string; reason: string; declinedAt: Millis };
};

export type AgreementEnded = {
  type: 'AgreementEnded';
  data: OnAgreement & {
    /** The side that ended it: the office or the operator. */
    endedByOrgId: string;
    reason: string;
    endedAt: Millis;
  };
};

export type AgreementEvent =
  AgreementProposed | AgreementAccepted | AgreementDeclined | AgreementEnded;

export const AGREEMENT_EVENT_TYPES = [
  'AgreementProposed',
  'AgreementAccepted',
  'AgreementDeclined',
  'AgreementEnded',
] as const satisfies readonly AgreementEvent['type'][];

export const isAgreementEvent = (e: { type: string }): e is AgreementEvent =>
  (AGREEMENT_EVENT_TYPES as readonly string[]).includes(e.type);
