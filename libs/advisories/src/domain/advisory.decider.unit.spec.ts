import { deciderSpec } from '@acd/event-sourcing/testing';
import type { CommandContext } from '@acd/event-sourcing';
import type { IssueAdvisory, UpdateAdvisory } from './advisory.commands';
import { advisoryDecider, MAX_ADVISORY_LIFETIME_MS } from './advisory.decider';
import type { AdvisoryAudience, AdvisoryEvent, AdvisoryIssued } from './advisory.events';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const ID = 'adv-1';
const nco = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
const npa = { orgId: 'gov-npa', kind: 'police', sector: null };
const kanto = { orgId: 'op-kanto-electric', kind: 'operator', sector: 'electricity' };
const tokai = { orgId: 'op-tokai-rail', kind: 'operator', sector: 'railways' };
const meti = { orgId: 'gov-meti', kind: 'ministry', sector: 'electricity' };
const vendor = { orgId: 'ven-hoshimi-security', kind: 'vendor', sector: null };
const as = (issuedBy: CommandContext['issuedBy'], t = T0 + H): Partial<CommandContext> => ({
  issuedBy,
  now: new Date(t),
});

const spec = deciderSpec(advisoryDecider, { issuedBy: nco, now: new Date(T0) });

const audience = (a: Partial<AdvisoryAudience> = {}): AdvisoryAudience => ({
  everyone: false,
  sectors: [],
  kinds: [],
  orgs: [],
  ...a,
});

const issue = (over: Partial<IssueAdvisory['data']> = {}): IssueAdvisory => ({
  type: 'IssueAdvisory',
  data: {
    advisoryId: ID,
    title: 'VPN appliance exploitation',
    summary: 'Active exploitation of edge VPN appliances against grid operators.',
    severity: 'high',
    tlp: 'AMBER',
    audience: audience({ sectors: ['electricity'] }),
    indicatorIds: [],
    incidentIds: [],
    recommendedActions: ['Patch to the fixed release', 'Hunt for the listed indicators'],
    expiresAt: T0 + 30 * 24 * H,
    ...over,
  },
});

const issued = (over: Partial<IssueAdvisory['data']> = {}): AdvisoryIssued => {
  const { advisoryId, ...content } = issue(over).data;
  return {
    type: 'AdvisoryIssued',
    data: { advisoryId, issuerOrgId: nco.orgId, issuerKind: nco.kind, ...content, issuedAt: T0 },
  };
};

const update = (over: Partial<UpdateAdvisory['data']> = {}): UpdateAdvisory => ({
  type: 'UpdateAdvisory',
  data: {
    advisoryId: ID,
    title: null,
    summary: null,
    severity: null,
    tlp: null,
    audience: null,
    indicatorIds: null,
    incidentIds: null,
    recommendedActions: null,
    expiresAt: null,
    ...over,
  },
});

const withdrawn: AdvisoryEvent = {
  type: 'AdvisoryWithdrawn',
  data: {
    advisoryId: ID,
    issuerOrgId: nco.orgId,
    reason: 'superseded',
    tlp: 'AMBER',
    audience: audience({ sectors: ['electricity'] }),
    withdrawnAt: T0 + H,
  },
};

const acked = (org: CommandContext['issuedBy'], at = T0 + H): AdvisoryEvent => ({
  type: 'AdvisoryAcknowledged',
  data: {
    advisoryId: ID,
    orgId: org.orgId,
    orgKind: org.kind,
    orgSector: org.sector,
    acknowledgedAt: at,
  },
});

describe('issuing an advisory', () => {
  it('the cabinet office issues one, with a normalised audience', () => {
    spec
      .given([])
      .when(
        issue({
          audience: audience({ sectors: ['gas', 'electricity', 'gas'] }),
          indicatorIds: ['b', 'a', 'b'],
        }),
      )
      .then([
        issued({
          audience: audience({ sectors: ['electricity', 'gas'] }),
          indicatorIds: ['a', 'b'],
        }),
      ]);
  });

  it('the police issue one too', () => {
    const decision = advisoryDecider.decide(
      issue({ tlp: 'RED', audience: audience({ orgs: ['op-tokai-rail'] }) }),
      advisoryDecider.initialState,
      { issuedBy: npa, now: new Date(T0) },
    );
    expect(decision.ok && decision.events[0]?.data).toMatchObject({
      issuerOrgId: npa.orgId,
      issuerKind: 'police',
    });
  });

  it('the office issues one to every vendor (a kind)', () => {
    spec
      .given([])
      .when(issue({ audience: audience({ kinds: ['vendor'] }) }))
      .then([issued({ audience: audience({ kinds: ['vendor'] }) })]);
  });

  it.each([kanto, meti, vendor, { orgId: 'gov-sdf', kind: 'sdf', sector: null }])(
    '%o may not issue',
    (who) => {
      spec
        .given([])
        .when(issue(), { issuedBy: who })
        .thenRefused({ code: 'forbidden', reason: expect.stringContaining('cabinet') });
    },
  );

  it('an id is issued once', () => {
    spec.given([issued()]).when(issue()).thenRefused({ code: 'conflict' });
  });

  it.each<[string, Partial<IssueAdvisory['data']>, string]>([
    ['a blank title', { title: '  ' }, 'title'],
    ['a long title', { title: 'x'.repeat(301) }, 'title'],
    ['a blank summary', { summary: '' }, 'summary'],
    ['an unknown severity', { severity: 'severe' as never }, 'severity'],
    ['a TLP 1.0 label', { tlp: 'WHITE' }, 'tlp'],
    ['no audience at all', { audience: audience() }, 'audience'],
    [
      'AMBER to everyone',
      { tlp: 'AMBER', audience: audience({ everyone: true }) },
      'audience.everyone',
    ],
    [
      'RED to everyone',
      { tlp: 'RED', audience: audience({ everyone: true, orgs: ['op-a'] }) },
      'audience.everyone',
    ],
    [
      'RED to a sector',
      { tlp: 'RED', audience: audience({ sectors: ['gas'], orgs: ['op-a'] }) },
      'audience.sectors',
    ],
    [
      'AMBER+STRICT to a kind',
      { tlp: 'AMBER+STRICT', audience: audience({ kinds: ['police'] }) },
      'audience.kinds',
    ],
    ['an unknown sector', { audience: audience({ sectors: ['nuclear'] }) }, 'audience.sectors'],
    ['an unknown kind', { audience: audience({ kinds: ['journalist'] }) }, 'audience.kinds'],
    [
      'a malformed organisation id',
      { audience: audience({ orgs: ['Not An Id'] }) },
      'audience.orgs',
    ],
    ['an expiry in the past', { expiresAt: T0 - 1 }, 'expiresAt'],
    ['an expiry now', { expiresAt: T0 }, 'expiresAt'],
    ['an expiry too far ahead', { expiresAt: T0 + MAX_ADVISORY_LIFETIME_MS + 1 }, 'expiresAt'],
    ['a blank recommended action', { recommendedActions: ['patch', ' '] }, 'recommendedActions'],
    [
      'too many recommended actions',
      { recommendedActions: Array(51).fill('patch') },
      'recommendedActions',
    ],
    [
      'too many indicators',
      { indicatorIds: Array.from({ length: 501 }, (_, i) => `i${i}`) },
      'indicatorIds',
    ],
    [
      'too many incidents',
      { incidentIds: Array.from({ length: 501 }, (_, i) => `i${i}`) },
      'incidentIds',
    ],
  ])('refuses %s', (_, over, field) => {
    spec.given([]).when(issue(over)).thenRefused({ code: 'invalid', field });
  });

  it.each(['CLEAR', 'GREEN'])('%s may go to everyone', (tlp) => {
    spec
      .given([])
      .when(issue({ tlp, audience: audience({ everyone: true }) }))
      .then([issued({ tlp, audience: audience({ everyone: true }) })]);
  });
});

describe('updating an advisory', () => {
  it('the issuer updates; unchanged fields are kept and the changed ones named', () => {
    const { issuerKind: _kind, issuedAt: _at, ...before } = issued().data;
    spec
      .given([issued()])
      .when(update({ severity: 'critical', title: 'VPN exploitation (updated)' }), as(nco))
      .then([
        {
          type: 'AdvisoryUpdated',
          data: {
            ...before,
            severity: 'critical',
            title: 'VPN exploitation (updated)',
            changedFields: ['title', 'severity'],
            updatedAt: T0 + H,
          },
        },
      ]);
  });

  it('an update that changes nothing records nothing', () => {
    spec
      .given([issued()])
      .when(update({ severity: 'high' }), as(nco))
      .thenNothing();
  });

  it('only the issuer updates: a reader who did not issue it is refused', () => {
    spec
      .given([issued()])
      .when(update({ severity: 'low' }), as(kanto))
      .thenRefused({
        code: 'forbidden',
      });
  });

  it('an unknown advisory is not found', () => {
    spec
      .given([])
      .when(update({ severity: 'low' }))
      .thenRefused({ code: 'not-found' });
  });

  it('a withdrawn advisory is not updated', () => {
    spec
      .given([issued(), withdrawn])
      .when(update({ severity: 'low' }), as(nco))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('withdrawn') });
  });

  it('an expired advisory is not updated', () => {
    spec
      .given([issued({ expiresAt: T0 + 2 * H })])
      .when(update({ severity: 'low' }), as(nco, T0 + 2 * H))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('expired') });
  });

  it('the label and the audience are checked together after the merge', () => {
    spec
      .given([issued()])
      .when(update({ tlp: 'RED' }), as(nco))
      .thenRefused({ code: 'invalid', field: 'audience.sectors' });
  });

  it('a new expiry must lie in the future', () => {
    spec
      .given([issued()])
      .when(update({ expiresAt: T0 }), as(nco))
      .thenRefused({ code: 'invalid', field: 'expiresAt' });
  });
});

describe('withdrawing an advisory', () => {
  it('the issuer withdraws it; the event carries the label and audience it was told to', () => {
    spec
      .given([issued()])
      .when({ type: 'WithdrawAdvisory', data: { advisoryId: ID, reason: ' superseded ' } }, as(nco))
      .then([withdrawn]);
  });

  it('only the issuer withdraws', () => {
    spec
      .given([issued()])
      .when({ type: 'WithdrawAdvisory', data: { advisoryId: ID, reason: 'x' } }, as(kanto))
      .thenRefused({ code: 'forbidden' });
  });

  it('an unknown advisory is not found', () => {
    spec
      .given([])
      .when({ type: 'WithdrawAdvisory', data: { advisoryId: ID, reason: 'x' } })
      .thenRefused({ code: 'not-found' });
  });

  it('for a caller who may not read it, it does not exist: the same refusal as an unknown one', () => {
    const withdraw = { type: 'WithdrawAdvisory' as const, data: { advisoryId: ID, reason: 'x' } };
    spec
      .given([issued()])
      .when(withdraw, as(tokai))
      .thenRefused({ code: 'not-found', reason: `no advisory ${ID}` });
    spec
      .given([issued()])
      .when(update({ severity: 'low' }), as(tokai))
      .thenRefused({ code: 'not-found', reason: `no advisory ${ID}` });
    spec
      .given([])
      .when(withdraw, as(tokai))
      .thenRefused({ code: 'not-found', reason: `no advisory ${ID}` });
  });

  it('twice is a conflict', () => {
    spec
      .given([issued(), withdrawn])
      .when({ type: 'WithdrawAdvisory', data: { advisoryId: ID, reason: 'x' } }, as(nco))
      .thenRefused({ code: 'conflict' });
  });

  it('needs a reason', () => {
    spec
      .given([issued()])
      .when({ type: 'WithdrawAdvisory', data: { advisoryId: ID, reason: ' ' } }, as(nco))
      .thenRefused({ code: 'invalid', field: 'reason' });
  });
});

describe('an advisory shared in the council (Act art. 45)', () => {
  const toCouncil = { audience: audience({ council: true }) };
  const boundPolice = { ...npa, councilBound: true };
  const boundKanto = { ...kanto, councilBound: true };
  const ack = { type: 'AcknowledgeAdvisory', data: { advisoryId: ID } } as const;

  it('the office issues one to the council alone; the council is an explicit audience', () => {
    spec
      .given([])
      .when(issue(toCouncil))
      .then([issued(toCouncil)]);
  });

  it('the police share in it only once bound to its confidentiality: 403 on audience.council', () => {
    spec
      .given([])
      .when(issue(toCouncil), as(npa))
      .thenRefused({ code: 'forbidden', field: 'audience.council' });
    spec
      .given([])
      .when(issue(toCouncil), as(boundPolice))
      .then([expect.objectContaining({ type: 'AdvisoryIssued' })]);
  });

  it('never under AMBER+STRICT or RED', () => {
    for (const tlp of ['AMBER+STRICT', 'RED']) {
      spec
        .given([])
        .when(issue({ tlp, audience: audience({ orgs: [kanto.orgId], council: true }) }))
        .thenRefused({ code: 'invalid', field: 'audience.council' });
    }
  });

  it('adding the council in an update needs the right to share in it; an update that keeps it does not', () => {
    const byPolice = {
      ...issued(),
      data: { ...issued().data, issuerOrgId: npa.orgId, issuerKind: npa.kind },
    };
    const addCouncil = update({ audience: audience({ sectors: ['electricity'], council: true }) });
    spec
      .given([byPolice])
      .when(addCouncil, as(npa))
      .thenRefused({ code: 'forbidden', field: 'audience.council' });
    spec
      .given([byPolice])
      .when(addCouncil, as(boundPolice))
      .then([expect.objectContaining({ type: 'AdvisoryUpdated' })]);
    spec
      .given([issued(toCouncil)])
      .when(update({ title: 'Council only: revised' }))
      .then([expect.objectContaining({ type: 'AdvisoryUpdated' })]);
  });

  it('a bound member reads and acknowledges it; a member not bound learns nothing of it', () => {
    spec
      .given([issued(toCouncil)])
      .when(ack, as(boundKanto))
      .then([acked(kanto)]);
    spec
      .given([issued(toCouncil)])
      .when(ack, as(kanto))
      .thenRefused({ code: 'not-found' });
  });
});

describe('acknowledging an advisory', () => {
  const ack = { type: 'AcknowledgeAdvisory', data: { advisoryId: ID } } as const;

  it('an operator of the addressed sector acknowledges', () => {
    spec
      .given([issued()])
      .when(ack, as(kanto))
      .then([acked(kanto)]);
  });

  it('so does the ministry supervising the sector', () => {
    spec
      .given([issued()])
      .when(ack, as(meti))
      .then([acked(meti)]);
  });

  it('a vendor acknowledges one addressed to vendors, and not one for a sector it is not in', () => {
    const toVendors = { audience: audience({ kinds: ['vendor'] }) };
    spec
      .given([issued(toVendors)])
      .when(ack, as(vendor))
      .then([acked(vendor)]);
    spec.given([issued()]).when(ack, as(vendor)).thenRefused({ code: 'not-found' });
  });

  it('a second acknowledgement records nothing', () => {
    spec
      .given([issued(), acked(kanto)])
      .when(ack, as(kanto, T0 + 2 * H))
      .thenNothing();
  });

  it('a non-reader learns nothing: not found', () => {
    spec.given([issued()]).when(ack, as(tokai)).thenRefused({ code: 'not-found' });
  });

  it('a RED advisory is acknowledged by its named organisations only', () => {
    const red = issued({ tlp: 'RED', audience: audience({ orgs: [tokai.orgId] }) });
    spec
      .given([red])
      .when(ack, as(tokai))
      .then([acked(tokai)]);
    spec.given([red]).when(ack, as(kanto)).thenRefused({ code: 'not-found' });
  });

  it('an unknown advisory is not found', () => {
    spec.given([]).when(ack, as(kanto)).thenRefused({ code: 'not-found' });
  });

  it('the issuer does not acknowledge its own advisory', () => {
    spec.given([issued()]).when(ack, as(nco)).thenRefused({ code: 'invalid' });
  });

  it('a withdrawn advisory is not acknowledged', () => {
    spec
      .given([issued(), withdrawn])
      .when(ack, as(kanto))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('withdrawn') });
  });

  it('an expired advisory is not acknowledged', () => {
    spec
      .given([issued({ expiresAt: T0 + H })])
      .when(ack, as(kanto, T0 + H))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('expired') });
  });
});
