import { deciderSpec } from '@acd/event-sourcing/testing';
import type { CommandContext } from '@acd/event-sourcing';
import { createOversightDecider } from './oversight.decider';
import type { OversightCommand } from './oversight.commands';
import type { OversightEvent } from './oversight.events';
import { COUNCIL_ID } from './council.events';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

type Issuer = CommandContext['issuedBy'];
const nco: Issuer = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
const kanto: Issuer = { orgId: 'op-kanto-electric', kind: 'operator', sector: 'electricity' };
const setouchi: Issuer = { orgId: 'op-setouchi-grid', kind: 'operator', sector: 'electricity' };
const vendor: Issuer = { orgId: 'ven-example-security', kind: 'vendor', sector: null };
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
  { issuedBy: nco, now: new Date(T0) },
);

const constitute: OversightCommand = {
  type: 'ConstituteCouncil',
  data: { councilId: COUNCIL_ID, name: ' Cybersecurity Council ', purpose: ' Art. 45 sharing ' },
};
const constituted: OversightEvent = {
  type: 'CouncilConstituted',
  data: {
    councilId: COUNCIL_ID,
    name: 'Cybersecurity Council',
    purpose: 'Art. 45 sharing',
    constitutedBy: nco.orgId,
    constitutedAt: T0,
  },
};
const admit = (orgId = kanto.orgId, orgKind = 'operator'): OversightCommand => ({
  type: 'AdmitCouncilMember',
  data: { councilId: COUNCIL_ID, orgId, orgKind },
});
const admitted = (orgId = kanto.orgId, t = T0): OversightEvent => ({
  type: 'CouncilMemberAdmitted',
  data: { councilId: COUNCIL_ID, orgId, orgKind: 'operator', admittedBy: nco.orgId, admittedAt: t },
});
const acknowledge = (memberId: string | null = 'ciso', orgId = kanto.orgId): OversightCommand => ({
  type: 'AcknowledgeCouncilConfidentiality',
  data: { councilId: COUNCIL_ID, orgId, memberId, statement: ' We keep council material secret ' },
});
const acknowledged: OversightEvent = {
  type: 'CouncilConfidentialityAcknowledged',
  data: {
    councilId: COUNCIL_ID,
    orgId: kanto.orgId,
    acknowledgedBy: 'ciso',
    statement: 'We keep council material secret',
    acknowledgedAt: T0 + H,
  },
};
const remove = (orgId = kanto.orgId): OversightCommand => ({
  type: 'RemoveCouncilMember',
  data: { councilId: COUNCIL_ID, orgId, reason: 'Leaked council material' },
});

describe('the council (art. 45)', () => {
  it('given nothing, when the office constitutes it, then it is constituted with the text trimmed', () => {
    spec.given([]).when(constitute).then([constituted]);
  });

  it('given a council, when the office constitutes it again, then conflict', () => {
    spec.given([constituted]).when(constitute).thenRefused({ code: 'conflict' });
  });

  it.each([
    ['an operator', kanto],
    ['the commission', commission],
  ])('when %s constitutes it or admits a member, then forbidden', (_, who) => {
    spec.given([]).when(constitute, { issuedBy: who }).thenRefused({ code: 'forbidden' });
    spec.given([constituted]).when(admit(), { issuedBy: who }).thenRefused({ code: 'forbidden' });
  });

  it('given nothing, when the office admits a member, then conflict: no council yet', () => {
    spec.given([]).when(admit()).thenRefused({ code: 'conflict' });
  });

  it.each([
    ['the commission', 'oversight-commission'],
    ['the cabinet office itself', 'cabinet-office'],
    ['an unregistered organisation', ''],
  ])('given a council, when the office admits %s, then refused naming orgId', (_, kind) => {
    spec
      .given([constituted])
      .when(admit('someone', kind))
      .thenRefused({ code: 'invalid', field: 'orgId' });
  });

  it('given a council, when the office admits a vendor, then it is admitted with its kind; it binds itself like any member', () => {
    const vendorAdmitted: OversightEvent = {
      type: 'CouncilMemberAdmitted',
      data: {
        councilId: COUNCIL_ID,
        orgId: vendor.orgId,
        orgKind: 'vendor',
        admittedBy: nco.orgId,
        admittedAt: T0,
      },
    };
    spec.given([constituted]).when(admit(vendor.orgId, 'vendor')).then([vendorAdmitted]);
    spec
      .given([constituted, vendorAdmitted])
      .when(acknowledge('analyst', vendor.orgId), at(vendor))
      .then([
        {
          type: 'CouncilConfidentialityAcknowledged',
          data: {
            councilId: COUNCIL_ID,
            orgId: vendor.orgId,
            acknowledgedBy: 'analyst',
            statement: 'We keep council material secret',
            acknowledgedAt: T0 + H,
          },
        },
      ]);
  });

  it('a vendor constitutes nothing and admits no one', () => {
    spec.given([]).when(constitute, at(vendor)).thenRefused({ code: 'forbidden' });
    spec
      .given([constituted])
      .when(admit(kanto.orgId), at(vendor))
      .thenRefused({ code: 'forbidden' });
  });

  it('given a council, when the office admits an operator, then it is admitted; twice: conflict', () => {
    spec.given([constituted]).when(admit()).then([admitted()]);
    spec.given([constituted, admitted()]).when(admit()).thenRefused({ code: 'conflict' });
  });

  it('given an admitted member, when one of its people acknowledges confidentiality, then it is bound, the person named', () => {
    spec.given([constituted, admitted()]).when(acknowledge(), at(kanto)).then([acknowledged]);
  });

  it("given an admitted member, when its organisation token acknowledges, then forbidden: an undertaking is a person's", () => {
    spec
      .given([constituted, admitted()])
      .when(acknowledge(null), at(kanto))
      .thenRefused({ code: 'forbidden' });
  });

  it("given an admitted member, when another organisation acknowledges for it, then not found: another's standing is not there to see", () => {
    spec
      .given([constituted, admitted()])
      .when(acknowledge('ciso', kanto.orgId), at(setouchi))
      .thenRefused({ code: 'not-found' });
    spec
      .given([constituted, admitted()])
      .when(acknowledge('ciso', kanto.orgId), at(nco))
      .thenRefused({ code: 'not-found' });
  });

  it('an organisation that is no member answers the same not found as one that is hidden', () => {
    spec
      .given([constituted, admitted()])
      .when(acknowledge('ciso', setouchi.orgId), at(setouchi))
      .thenRefused({ code: 'not-found' });
  });

  it('given a bound member, when it acknowledges again, then conflict', () => {
    spec
      .given([constituted, admitted(), acknowledged])
      .when(acknowledge(), at(kanto))
      .thenRefused({ code: 'conflict' });
  });

  it('given a member, when the office removes it, then it is removed by the office', () => {
    spec
      .given([constituted, admitted(), acknowledged])
      .when(remove(), at(nco, T0 + 2 * H))
      .then([
        {
          type: 'CouncilMemberRemoved',
          data: {
            councilId: COUNCIL_ID,
            orgId: kanto.orgId,
            removedByOrgId: nco.orgId,
            reason: 'Leaked council material',
            removedAt: T0 + 2 * H,
          },
        },
      ]);
  });

  it('given a member, when it withdraws itself, then removed by itself; another operator: not found', () => {
    spec
      .given([constituted, admitted()])
      .when(remove(), at(kanto))
      .then([
        {
          type: 'CouncilMemberRemoved',
          data: {
            councilId: COUNCIL_ID,
            orgId: kanto.orgId,
            removedByOrgId: kanto.orgId,
            reason: 'Leaked council material',
            removedAt: T0 + H,
          },
        },
      ]);
    spec.given([constituted, admitted()]).when(remove(), at(setouchi)).thenRefused({
      code: 'not-found',
    });
  });

  it('given a removed member, when it acknowledges, then not found; when admitted again, it must acknowledge again', () => {
    const removed: OversightEvent = {
      type: 'CouncilMemberRemoved',
      data: {
        councilId: COUNCIL_ID,
        orgId: kanto.orgId,
        removedByOrgId: nco.orgId,
        reason: 'x',
        removedAt: T0 + 2 * H,
      },
    };
    const history = [constituted, admitted(), acknowledged, removed];
    spec.given(history).when(acknowledge(), at(kanto)).thenRefused({ code: 'not-found' });
    spec
      .given(history)
      .when(admit(), at(nco, T0 + 3 * H))
      .then([admitted(kanto.orgId, T0 + 3 * H)]);
    spec
      .given([...history, admitted(kanto.orgId, T0 + 3 * H)])
      .when(acknowledge(), at(kanto, T0 + 4 * H))
      .then([
        {
          type: 'CouncilConfidentialityAcknowledged',
          data: { ...acknowledged.data, acknowledgedAt: T0 + 4 * H } as never,
        },
      ]);
  });

  it('a command naming another council id is refused as not found', () => {
    spec
      .given([constituted])
      .when({
        type: 'ConstituteCouncil',
        data: { councilId: 'council:xx', name: 'x', purpose: 'y' },
      })
      .thenRefused({ code: 'not-found' });
  });

  it.each([
    ['a blank name', { name: ' ' }, 'name'],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, 'name'],
    ['a blank purpose', { purpose: '' }, 'purpose'],
  ])('when the office constitutes it with %s, then refused naming %s', (_, over, field) => {
    spec
      .given([])
      .when({
        type: 'ConstituteCouncil',
        data: { councilId: COUNCIL_ID, name: 'n', purpose: 'p', ...over },
      })
      .thenRefused({ code: 'invalid', field });
  });
});
