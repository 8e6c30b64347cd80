import { deciderSpec } from '@acd/event-sourcing/testing';
import type { CommandContext } from '@acd/event-sourcing';
import { createOversightDecider } from './oversight.decider';
import type { OversightCommand } from './oversight.commands';
import type { OversightEvent } from './oversight.events';
import type { ProposeAgreement } from './agreement.commands';
import type { AgreementProposed } from './agreement.events';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-12-01T00:00:00Z');
const ID = 'ag-1';

type Issuer = CommandContext['issuedBy'];
const nco: Issuer = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
const kanto: Issuer = { orgId: 'op-kanto-electric', kind: 'operator', sector: 'electricity' };
const setouchi: Issuer = { orgId: 'op-setouchi-grid', kind: 'operator', sector: 'electricity' };
const npa: Issuer = { orgId: 'gov-npa', kind: 'police', sector: null };
const commission: Issuer = {
  orgId: 'gov-cyber-oversight-commission',
  kind: 'oversight-commission',
  sector: null,
};
const at = (issuedBy: Issuer, t = T0 + H): Partial<CommandContext> => ({
  issuedBy,
  now: new Date(t),
});

const decider = createOversightDecider({
  members: ['m-1'],
  quorum: 1,
  emergencyNotifyWithin: 'PT24H',
});
const spec = deciderSpec<OversightCommand, OversightEvent, ReturnType<typeof decider.evolve>>(
  decider,
  {
    issuedBy: nco,
    now: new Date(T0),
  },
);

const propose = (over: Partial<ProposeAgreement['data']> = {}): ProposeAgreement => ({
  type: 'ProposeAgreement',
  data: {
    agreementId: ID,
    operatorId: kanto.orgId,
    operatorKind: 'operator',
    networks: ['198.51.100.0/24', '192.0.2.0/28', '198.51.100.0/24'],
    categories: ['ports', 'addresses'],
    validFrom: T0,
    validUntil: T0 + 90 * DAY,
    purpose: ' Attacks on the grid control network ',
    ...over,
  },
});
const proposed: AgreementProposed = {
  type: 'AgreementProposed',
  data: {
    agreementId: ID,
    operatorId: kanto.orgId,
    operatorKind: 'operator',
    networks: ['192.0.2.0/28', '198.51.100.0/24'],
    categories: ['addresses', 'ports'],
    validFrom: T0,
    validUntil: T0 + 90 * DAY,
    purpose: 'Attacks on the grid control network',
    proposedBy: nco.orgId,
    proposedAt: T0,
  },
};
const accept: OversightCommand = {
  type: 'AcceptAgreement',
  data: {
    agreementId: ID,
    memberId: 'duty-officer',
    consent: ' We agree to supply flow metadata ',
  },
};
const accepted: OversightEvent = {
  type: 'AgreementAccepted',
  data: {
    agreementId: ID,
    operatorId: kanto.orgId,
    acceptedBy: 'duty-officer',
    consent: 'We agree to supply flow metadata',
    acceptedAt: T0 + H,
  },
};
const end = (reason = 'No longer needed'): OversightCommand => ({
  type: 'EndAgreement',
  data: { agreementId: ID, reason },
});

describe('agreements with operators', () => {
  it('given nothing, when the office proposes, then the networks and categories are kept sorted and unique', () => {
    spec.given([]).when(propose()).then([proposed]);
  });

  it.each([
    ['an operator', kanto],
    ['the police', npa],
    ['the commission', commission],
  ])('when %s proposes, then forbidden', (_, who) => {
    spec.given([]).when(propose(), { issuedBy: who }).thenRefused({ code: 'forbidden' });
  });

  it.each([
    [{ operatorKind: 'police' }, 'operatorId'],
    [{ networks: [] }, 'networks'],
    [{ networks: ['198.51.100.0/24', 'not-a-network'] }, 'networks.1'],
    [{ categories: [] }, 'categories'],
    [{ categories: ['addresses', 'contents'] as never }, 'categories'],
    [{ validUntil: T0 - 1 }, 'validUntil'],
    [{ validUntil: T0 + 4 * 366 * DAY }, 'validUntil'],
    [{ purpose: ' ' }, 'purpose'],
  ])('when the proposal has %j, then it is refused naming %s', (over, field) => {
    spec
      .given([])
      .when(propose(over as Partial<ProposeAgreement['data']>))
      .thenRefused({ code: 'invalid', field });
  });

  it('given a proposal, when the operator accepts with a member token, then its consent is recorded with the person', () => {
    spec.given([proposed]).when(accept, at(kanto)).then([accepted]);
  });

  it("given a proposal, when the operator's organisation token accepts, then forbidden: consent is a person's", () => {
    spec
      .given([proposed])
      .when(
        { type: 'AcceptAgreement', data: { agreementId: ID, memberId: null, consent: 'yes' } },
        at(kanto),
      )
      .thenRefused({ code: 'forbidden' });
  });

  it('given a proposal to one operator, when another operator or the police accept it, then it does not exist for them', () => {
    spec.given([proposed]).when(accept, at(setouchi)).thenRefused({ code: 'not-found' });
    spec.given([proposed]).when(accept, at(npa)).thenRefused({ code: 'not-found' });
  });

  it('given a proposal, when the office accepts it itself, then forbidden', () => {
    spec.given([proposed]).when(accept, at(nco)).thenRefused({ code: 'forbidden' });
  });

  it('given an accepted agreement, when accepted again, then conflict', () => {
    spec.given([proposed, accepted]).when(accept, at(kanto)).thenRefused({ code: 'conflict' });
  });

  it('given a proposal, when the operator declines, then it is declined and cannot be accepted', () => {
    const declined: OversightEvent = {
      type: 'AgreementDeclined',
      data: { agreementId: ID, operatorId: kanto.orgId, reason: 'Not now', declinedAt: T0 + H },
    };
    spec
      .given([proposed])
      .when({ type: 'DeclineAgreement', data: { agreementId: ID, reason: ' Not now ' } }, at(kanto))
      .then([declined]);
    spec.given([proposed, declined]).when(accept, at(kanto)).thenRefused({ code: 'conflict' });
  });

  it('given an accepted agreement, when either side ends it, then it is ended, once', () => {
    for (const who of [kanto, nco]) {
      const ended: OversightEvent = {
        type: 'AgreementEnded',
        data: {
          agreementId: ID,
          endedByOrgId: who.orgId,
          reason: 'No longer needed',
          endedAt: T0 + H,
        },
      };
      spec.given([proposed, accepted]).when(end(), at(who)).then([ended]);
      spec
        .given([proposed, accepted, ended])
        .when(end(), at(who))
        .thenRefused({ code: 'conflict' });
    }
  });

  it('given an accepted agreement, when the commission (a reader, not a party) ends it, then forbidden', () => {
    spec.given([proposed, accepted]).when(end(), at(commission)).thenRefused({ code: 'forbidden' });
  });

  it('an agreement id never addresses a request, nor a request id an agreement', () => {
    spec
      .given([proposed])
      .when({ type: 'ReportOperation', data: { requestId: ID, summary: 'x' } }, at(npa))
      .thenRefused({ code: 'not-found' });
  });
});
