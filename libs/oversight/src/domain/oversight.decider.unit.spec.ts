import fc from 'fast-check';
import { deciderSpec } from '@acd/event-sourcing/testing';
import type { CommandContext } from '@acd/event-sourcing';
import type {
  CastVote,
  ExecuteOperation,
  OversightCommand,
  RecordEmergencyOperation,
  RequestCollectionAuthorisation,
  RequestOperationAuthorisation,
} from './oversight.commands';
import { OVERSIGHT_SCHEDULER_ISSUER } from './oversight.commands';
import { createOversightDecider, outcomeOf } from './oversight.decider';
import type {
  CollectionAuthorisationRequested,
  OperationAuthorisationRequested,
  OperationExecuted,
  OperationTarget,
  OversightEvent,
  PrimeMinisterOrder,
  VoteChoice,
} from './oversight.events';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-11-22T00:00:00Z');
const ID = 'req-1';
const ROSTER = ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'];

type Issuer = CommandContext['issuedBy'];
const nco: Issuer = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
const npa: Issuer = { orgId: 'gov-npa', kind: 'police', sector: null };
const sdf: Issuer = { orgId: 'gov-sdf', kind: 'sdf', sector: null };
const commission: Issuer = {
  orgId: 'gov-cyber-oversight-commission',
  kind: 'oversight-commission',
  sector: null,
};
const telecom: Issuer = { orgId: 'tel-nihon-backbone', kind: 'telecom', sector: null };
const otherTelecom: Issuer = { orgId: 'tel-other', kind: 'telecom', sector: null };
const kanto: Issuer = { orgId: 'op-kanto-electric', kind: 'operator', sector: 'electricity' };
const scheduler: Issuer = { ...OVERSIGHT_SCHEDULER_ISSUER };

const at = (issuedBy: Issuer, t = T0 + H): Partial<CommandContext> => ({
  issuedBy,
  now: new Date(t),
});

const decider = createOversightDecider({
  members: ROSTER,
  quorum: 3,
  emergencyNotifyWithin: 'PT24H',
});
const spec = deciderSpec(decider, { issuedBy: nco, now: new Date(T0) });

// ------------------------------------------------------------------ fixtures

const home: OperationTarget = { type: 'ip', value: '198.51.100.7', country: 'JP' };
const abroad: OperationTarget = { type: 'cidr', value: '203.0.113.0/24', country: 'US' };

const collectionCmd = (
  over: Partial<RequestCollectionAuthorisation['data']> = {},
): RequestCollectionAuthorisation => ({
  type: 'RequestCollectionAuthorisation',
  data: {
    requestId: ID,
    telecomId: telecom.orgId,
    categories: ['ports', 'addresses', 'ports'],
    validFrom: T0,
    validUntil: T0 + 30 * DAY,
    justification: 'Botnet C2 traffic transiting Japan',
    ...over,
  },
});

const collectionRequested: CollectionAuthorisationRequested = {
  type: 'CollectionAuthorisationRequested',
  data: {
    requestId: ID,
    requestedBy: nco.orgId,
    requesterKind: nco.kind,
    telecomId: telecom.orgId,
    categories: ['addresses', 'ports'],
    validFrom: T0,
    validUntil: T0 + 30 * DAY,
    justification: 'Botnet C2 traffic transiting Japan',
    roster: ROSTER,
    quorum: 3,
    requestedAt: T0,
  },
};

const operationCmd = (
  over: Partial<RequestOperationAuthorisation['data']> = {},
): RequestOperationAuthorisation => ({
  type: 'RequestOperationAuthorisation',
  data: {
    requestId: ID,
    target: home,
    justification: 'C2 server steering the botnet against grid operators',
    evidence: [
      { type: 'indicator', id: 'ind-1' },
      { type: 'flow-match', id: 'fm-1' },
      { type: 'indicator', id: 'ind-1' },
    ],
    measures: ['disable-malware', 'access'],
    validFrom: T0,
    validUntil: T0 + 7 * DAY,
    primeMinisterOrder: null,
    attestation: { belowArmedAttackThreshold: true, justification: null },
    ...over,
  },
});

const operationRequested = (
  over: Partial<OperationAuthorisationRequested['data']> = {},
): OperationAuthorisationRequested => ({
  type: 'OperationAuthorisationRequested',
  data: {
    requestId: ID,
    agencyId: npa.orgId,
    agencyKind: npa.kind,
    target: home,
    justification: 'C2 server steering the botnet against grid operators',
    evidence: [
      { type: 'flow-match', id: 'fm-1' },
      { type: 'indicator', id: 'ind-1' },
    ],
    measures: ['access', 'disable-malware'],
    validFrom: T0,
    validUntil: T0 + 7 * DAY,
    emergencyReason: null,
    primeMinisterOrder: null,
    attestation: { belowArmedAttackThreshold: true, justification: null },
    roster: ROSTER,
    quorum: 3,
    requestedAt: T0,
    ...over,
  },
});

/** The order the SDF act on: given an hour before the spec's clock starts. */
const order: PrimeMinisterOrder = {
  givenAt: T0 - H,
  grounds: 'A particularly sophisticated, organised attack from abroad on defence suppliers',
  reference: 'PMO-CD-2026-014',
};

/** An SDF request as the decider records it: the police fixture, from the SDF, with the order. */
const sdfRequested = (over: Partial<OperationAuthorisationRequested['data']> = {}) =>
  operationRequested({
    agencyId: sdf.orgId,
    agencyKind: 'sdf',
    primeMinisterOrder: order,
    ...over,
  });

const voted = (memberId: string, vote: VoteChoice, t = T0 + H): OversightEvent => ({
  type: 'VoteCast',
  data: { requestId: ID, memberId, vote, reason: null, castAt: t },
});

const approved = (validUntil = T0 + 7 * DAY): OversightEvent[] => [
  voted('member-1', 'approve'),
  voted('member-2', 'approve'),
  voted('member-3', 'approve'),
  {
    type: 'RequestApproved',
    data: { requestId: ID, approvals: 3, denials: 0, validFrom: T0, validUntil, decidedAt: T0 + H },
  },
];

const denied: OversightEvent[] = [
  voted('member-1', 'deny'),
  voted('member-2', 'deny'),
  voted('member-3', 'deny'),
  { type: 'RequestDenied', data: { requestId: ID, approvals: 0, denials: 3, decidedAt: T0 + H } },
];

const vote = (
  memberId: string | null,
  v: VoteChoice = 'approve',
  reason: string | null = null,
): CastVote => ({
  type: 'CastVote',
  data: { requestId: ID, memberId, vote: v, reason },
});

const execute = (over: Partial<ExecuteOperation['data']> = {}): ExecuteOperation => ({
  type: 'ExecuteOperation',
  data: {
    requestId: ID,
    target: '198.51.100.7',
    startedAt: T0 + 2 * H,
    endedAt: T0 + 3 * H,
    outcome: 'succeeded',
    summary: 'Malware disabled on the C2 server',
    measuresTaken: ['access', 'disable-malware'],
    emergencyReason: null,
    ...over,
  },
});

const executedEvent = (over: Partial<OperationExecuted['data']> = {}): OperationExecuted => ({
  type: 'OperationExecuted',
  data: {
    requestId: ID,
    agencyId: npa.orgId,
    target: '198.51.100.7',
    startedAt: T0 + 2 * H,
    endedAt: T0 + 3 * H,
    outcome: 'succeeded',
    summary: 'Malware disabled on the C2 server',
    measuresTaken: ['access', 'disable-malware'],
    emergency: false,
    emergencyReason: null,
    notifyBy: null,
    executedAt: T0 + 4 * H,
    ...over,
  },
});

const emergencyCmd = (
  over: Partial<RecordEmergencyOperation['data']> = {},
): RecordEmergencyOperation => {
  const { requestId, ...request } = operationCmd().data;
  const { emergencyReason: _e, requestId: _r, ...execution } = execute().data;
  return {
    type: 'RecordEmergencyOperation',
    data: {
      requestId,
      ...request,
      emergencyReason: 'Ransomware detonating across hospitals; no time to convene',
      consultation: null,
      execution,
      ...over,
    },
  };
};

/** An emergency executed at T0+2h with a 24 h notification deadline. */
const emergencyExecuted: OversightEvent[] = [
  operationRequested({ emergencyReason: 'Ransomware detonating' }),
  executedEvent({
    emergency: true,
    emergencyReason: 'Ransomware detonating',
    notifyBy: T0 + 26 * H,
    executedAt: T0 + 4 * H,
  }),
];

const consulted: OversightEvent = {
  type: 'ForeignMinisterConsulted',
  data: {
    requestId: ID,
    agencyId: npa.orgId,
    consultedAt: T0 + H,
    summary: 'The Foreign Minister raised no objection',
    recordedAt: T0 + H,
  },
};

// ------------------------------------------------------------------ the voting rule

describe('the voting rule', () => {
  const rule = { roster: ROSTER, quorum: 3 };
  const votes = (...vs: VoteChoice[]) => vs.map((vote) => ({ vote }));

  it.each<[VoteChoice[], string]>([
    [['approve', 'approve'], 'pending'],
    [['approve', 'approve', 'approve'], 'approved'],
    [['approve', 'approve', 'deny'], 'approved'],
    [['deny', 'deny', 'approve'], 'denied'],
    [['approve', 'deny'], 'pending'],
    [['approve', 'deny', 'approve', 'deny'], 'pending'],
    [['approve', 'deny', 'approve', 'deny', 'approve'], 'approved'],
    [['approve', 'deny', 'approve', 'deny', 'deny'], 'denied'],
  ])('%j → %s', (vs, outcome) => {
    expect(outcomeOf(votes(...vs), rule)).toBe(outcome);
  });

  it('a tie with the roster exhausted is a denial', () => {
    const four = { roster: ROSTER.slice(0, 4), quorum: 3 };
    expect(outcomeOf(votes('approve', 'deny', 'deny', 'approve'), four)).toBe('denied');
  });
});

// ------------------------------------------------------------------ collection requests

describe('requesting a collection authorisation', () => {
  it('the cabinet office requests one; the roster and quorum are recorded with it', () => {
    spec.given([]).when(collectionCmd()).then([collectionRequested]);
  });

  it.each([npa, commission, telecom, kanto])('%o may not request one', (who) => {
    spec.given([]).when(collectionCmd(), { issuedBy: who }).thenRefused({ code: 'forbidden' });
  });

  it.each<[string, Partial<RequestCollectionAuthorisation['data']>, string]>([
    ['no category', { categories: [] }, 'categories'],
    ['contents', { categories: ['contents' as never] }, 'categories'],
    ['a malformed telecom id', { telecomId: 'Tel Nihon' }, 'telecomId'],
    ['a period ending before it starts', { validUntil: T0 - 1 }, 'validUntil'],
    ['a period already over', { validFrom: T0 - 2 * DAY, validUntil: T0 - DAY }, 'validUntil'],
    ['a period over a year', { validUntil: T0 + 400 * DAY }, 'validUntil'],
    ['a blank justification', { justification: ' ' }, 'justification'],
  ])('refuses %s', (_, over, field) => {
    spec.given([]).when(collectionCmd(over)).thenRefused({ code: 'invalid', field });
  });

  it('an id is requested once', () => {
    spec.given([collectionRequested]).when(collectionCmd()).thenRefused({ code: 'conflict' });
  });

  it('a roster configured later does not apply to a pending request', () => {
    const later = createOversightDecider({
      members: ['member-9'],
      quorum: 1,
      emergencyNotifyWithin: 'PT1H',
    });
    const state = [collectionRequested].reduce(later.evolve, later.initialState);
    const decision = later.decide(vote('member-9'), state, {
      issuedBy: commission,
      now: new Date(T0 + H),
    });
    expect(decision).toMatchObject({ ok: false, refusal: { code: 'forbidden' } });
    const ok = later.decide(vote('member-1'), state, {
      issuedBy: commission,
      now: new Date(T0 + H),
    });
    expect(ok.ok && ok.events.map((e) => e.type)).toEqual(['VoteCast']);
  });
});

// ------------------------------------------------------------------ votes

describe('voting', () => {
  it('a member votes; before the quorum nothing is decided', () => {
    spec
      .given([collectionRequested, voted('member-1', 'approve')])
      .when(vote('member-2', 'approve', ' proportionate '), at(commission))
      .then([
        {
          type: 'VoteCast',
          data: {
            requestId: ID,
            memberId: 'member-2',
            vote: 'approve',
            reason: 'proportionate',
            castAt: T0 + H,
          },
        },
      ]);
  });

  it('the vote that reaches the quorum with a majority approves, with the period', () => {
    spec
      .given([collectionRequested, voted('member-1', 'approve'), voted('member-2', 'deny')])
      .when(vote('member-3', 'approve'), at(commission, T0 + 2 * H))
      .then([
        voted('member-3', 'approve', T0 + 2 * H),
        {
          type: 'RequestApproved',
          data: {
            requestId: ID,
            approvals: 2,
            denials: 1,
            validFrom: T0,
            validUntil: T0 + 30 * DAY,
            decidedAt: T0 + 2 * H,
          },
        },
      ]);
  });

  it('a majority against denies', () => {
    spec
      .given([collectionRequested, voted('member-1', 'deny'), voted('member-2', 'deny')])
      .when(vote('member-3', 'approve'), at(commission))
      .then([
        voted('member-3', 'approve'),
        {
          type: 'RequestDenied',
          data: { requestId: ID, approvals: 1, denials: 2, decidedAt: T0 + H },
        },
      ]);
  });

  it('refuses a second vote by the same member', () => {
    spec
      .given([collectionRequested, voted('member-1', 'approve')])
      .when(vote('member-1', 'deny'), at(commission))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('already voted') });
  });

  it('refuses a vote after the decision', () => {
    spec
      .given([collectionRequested, ...approved()])
      .when(vote('member-4', 'deny'), at(commission))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('already approved') });
    spec
      .given([collectionRequested, ...denied])
      .when(vote('member-4', 'approve'), at(commission))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('already denied') });
  });

  it("refuses the commission's organisation token (no member subject)", () => {
    spec
      .given([collectionRequested])
      .when(vote(null), at(commission))
      .thenRefused({ code: 'forbidden', reason: expect.stringContaining('personal token') });
  });

  it('refuses a subject not on the roster', () => {
    spec
      .given([collectionRequested])
      .when(vote('member-6'), at(commission))
      .thenRefused({ code: 'forbidden', reason: expect.stringContaining('roster') });
  });

  it('refuses a requester voting on its own request (it reads it, so 403)', () => {
    spec
      .given([operationRequested()])
      .when(vote('member-1'), at(npa))
      .thenRefused({ code: 'forbidden' });
    spec
      .given([collectionRequested])
      .when(vote('member-1'), at(nco))
      .thenRefused({ code: 'forbidden' });
  });

  it('to any other organisation the request does not exist (404)', () => {
    for (const who of [sdf, kanto, telecom]) {
      spec
        .given([operationRequested()])
        .when(vote('member-1'), at(who))
        .thenRefused({ code: 'not-found' });
    }
  });

  it('an unknown request is not found', () => {
    spec.given([]).when(vote('member-1'), at(commission)).thenRefused({ code: 'not-found' });
  });

  it('a blank reason is refused', () => {
    spec
      .given([collectionRequested])
      .when(vote('member-1', 'approve', '  '), at(commission))
      .thenRefused({ code: 'invalid', field: 'reason' });
  });
});

// ------------------------------------------------------------------ operation requests

describe('requesting an operation', () => {
  it('the police request one; evidence and measures are normalised', () => {
    spec.given([]).when(operationCmd(), { issuedBy: npa }).then([operationRequested()]);
  });

  it.each([nco, commission, telecom, kanto])('%o may not request one', (who) => {
    spec.given([]).when(operationCmd(), { issuedBy: who }).thenRefused({ code: 'forbidden' });
  });

  it.each<[string, Partial<RequestOperationAuthorisation['data']>, string]>([
    ['a malformed address', { target: { ...home, value: '999.1.1.1' } }, 'target.value'],
    ['a malformed network', { target: { ...abroad, value: '203.0.113.0/33' } }, 'target.value'],
    [
      'a malformed domain',
      { target: { type: 'domain', value: 'x', country: 'JP' } },
      'target.value',
    ],
    ['a lower-case country', { target: { ...home, country: 'jp' } }, 'target.country'],
    ['no measure', { measures: [] }, 'measures'],
    ['an unknown measure', { measures: ['hack-back' as never] }, 'measures'],
    ['no evidence', { evidence: [] }, 'evidence'],
    [
      'an unknown evidence type',
      { evidence: [{ type: 'rumour' as never, id: 'x' }] },
      'evidence.type',
    ],
    ['a period already over', { validFrom: T0 - 2 * DAY, validUntil: T0 - DAY }, 'validUntil'],
  ])('refuses %s', (_, over, field) => {
    spec
      .given([])
      .when(operationCmd(over), { issuedBy: npa })
      .thenRefused({ code: 'invalid', field });
  });
});

// ------------------------------------------------------------------ execution

describe('executing an approved operation', () => {
  const live = [operationRequested(), ...approved()];

  it('the requesting agency executes within the approval', () => {
    spec
      .given(live)
      .when(execute(), at(npa, T0 + 4 * H))
      .then([executedEvent()]);
  });

  it('an address inside an approved network, or a subdomain of an approved domain, is covered', () => {
    const network = [operationRequested({ target: { ...abroad, country: 'JP' } }), ...approved()];
    spec
      .given(network)
      .when(execute({ target: '203.0.113.9' }), at(npa, T0 + 4 * H))
      .then([executedEvent({ target: '203.0.113.9' })]);
    const domain = [
      operationRequested({ target: { type: 'domain', value: 'c2.example', country: 'JP' } }),
      ...approved(),
    ];
    spec
      .given(domain)
      .when(execute({ target: 'Panel.C2.example.' }), at(npa, T0 + 4 * H))
      .then([executedEvent({ target: 'panel.c2.example' })]);
  });

  it('refuses a target the approval does not cover', () => {
    spec
      .given(live)
      .when(execute({ target: '198.51.100.8' }), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'invalid', field: 'target' });
    const domain = [
      operationRequested({ target: { type: 'domain', value: 'c2.example', country: 'JP' } }),
      ...approved(),
    ];
    spec
      .given(domain)
      .when(execute({ target: 'notc2.example' }), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'invalid', field: 'target' });
    const network = [operationRequested({ target: { ...abroad, country: 'JP' } }), ...approved()];
    spec
      .given(network)
      .when(execute({ target: '203.0.112.0/23' }), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'invalid', field: 'target' });
  });

  it('refuses a measure the approval does not cover', () => {
    spec
      .given(live)
      .when(execute({ measuresTaken: ['access', 'take-down'] }), at(npa, T0 + 4 * H))
      .thenRefused({
        code: 'invalid',
        field: 'measuresTaken',
        reason: expect.stringContaining('take-down'),
      });
  });

  it('refuses execution without approval (pending, no emergency)', () => {
    spec
      .given([operationRequested(), voted('member-1', 'approve')])
      .when(execute(), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('not approved') });
  });

  it('refuses execution of a denied request, even with an emergency reason', () => {
    spec
      .given([operationRequested(), ...denied])
      .when(execute({ emergencyReason: 'urgent' }), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('denied') });
  });

  it('refuses use of an expired approval', () => {
    spec
      .given([operationRequested({ validUntil: T0 + DAY }), ...approved(T0 + DAY)])
      .when(execute(), at(npa, T0 + DAY))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('expired') });
  });

  it('refuses acting before the approved period began', () => {
    spec
      .given(live)
      .when(execute({ startedAt: T0 - H }), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'conflict', field: 'startedAt' });
  });

  it('only the requesting agency executes: the SDF does not even see it, the commission is refused', () => {
    spec
      .given(live)
      .when(execute(), at(sdf, T0 + 4 * H))
      .thenRefused({ code: 'not-found' });
    spec
      .given(live)
      .when(execute(), at(commission, T0 + 4 * H))
      .thenRefused({ code: 'forbidden' });
  });

  it('refuses a second execution (out of order)', () => {
    spec
      .given([...live, executedEvent()])
      .when(execute(), at(npa, T0 + 5 * H))
      .thenRefused({ code: 'conflict', reason: expect.stringContaining('already executed') });
  });

  it('refuses executing a collection request', () => {
    spec
      .given([collectionRequested, ...approved()])
      .when(execute(), at(nco, T0 + 4 * H))
      .thenRefused({ code: 'invalid' });
  });

  it.each<[string, Partial<ExecuteOperation['data']>, string]>([
    ['an end before the start', { endedAt: T0 + H }, 'endedAt'],
    ['an end in the future', { endedAt: T0 + 10 * H }, 'endedAt'],
    ['no measure', { measuresTaken: [] }, 'measuresTaken'],
    ['an unknown outcome', { outcome: 'great' as never }, 'outcome'],
  ])('refuses %s', (_, over, field) => {
    spec
      .given(live)
      .when(execute(over), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'invalid', field });
  });
});

describe('a target abroad', () => {
  const foreign = [operationRequested({ target: abroad }), ...approved()];
  const acted = { target: '203.0.113.50' };

  it('is refused without a consultation of the Foreign Minister, even when approved', () => {
    spec
      .given(foreign)
      .when(execute(acted), at(npa, T0 + 4 * H))
      .thenRefused({ code: 'conflict', field: 'consultation' });
  });

  it.each([
    ['the police', npa, operationRequested({ target: abroad })],
    ['the SDF', sdf, sdfRequested({ target: abroad })],
  ] as const)(
    'given %s approved abroad, when they execute, then refused until they record the consultation, then accepted',
    (_, who, requested) => {
      const given = [requested, ...approved()];
      const consultedBy = { ...consulted, data: { ...consulted.data, agencyId: who.orgId } };
      spec
        .given(given)
        .when(execute(acted), at(who, T0 + 4 * H))
        .thenRefused({ code: 'conflict', field: 'consultation' });
      spec
        .given(given)
        .when(
          {
            type: 'RecordForeignMinisterConsultation',
            data: {
              requestId: ID,
              consultedAt: T0 + H,
              summary: ' The Foreign Minister raised no objection ',
            },
          },
          at(who, T0 + H),
        )
        .then([consultedBy]);
      spec
        .given([...given, consultedBy])
        .when(execute(acted), at(who, T0 + 4 * H))
        .then([executedEvent({ agencyId: who.orgId, target: '203.0.113.50' })]);
    },
  );

  it('a consultation is recorded once, before acting, for a target abroad only, by the agency', () => {
    const consult = {
      type: 'RecordForeignMinisterConsultation' as const,
      data: { requestId: ID, consultedAt: T0 + H, summary: 'ok' },
    };
    spec
      .given([...foreign, consulted])
      .when(consult, at(npa))
      .thenRefused({ code: 'conflict' });
    spec
      .given([operationRequested(), ...approved()])
      .when(consult, at(npa))
      .thenRefused({ code: 'invalid' });
    spec.given(foreign).when(consult, at(commission)).thenRefused({ code: 'forbidden' });
    spec
      .given(foreign)
      .when({ ...consult, data: { ...consult.data, consultedAt: T0 + 5 * H } }, at(npa))
      .thenRefused({ code: 'invalid', field: 'consultedAt' });
  });

  describe('in an emergency too', () => {
    const { target: _t, ...execution } = emergencyCmd().data.execution;
    const abroadEmergency = (
      consultation: RecordEmergencyOperation['data']['consultation'],
      over: Partial<RecordEmergencyOperation['data']> = {},
    ) =>
      emergencyCmd({
        target: abroad,
        consultation,
        execution: { ...execution, target: '203.0.113.50' },
        ...over,
      });
    const types = (issuedBy: typeof npa, cmd: RecordEmergencyOperation) => {
      const d = decider.decide(cmd, decider.initialState, { issuedBy, now: new Date(T0 + 4 * H) });
      return d.ok ? d.events.map((e) => e.type) : d;
    };

    it.each([
      ['the police', npa, null],
      ['the SDF', sdf, order],
    ] as const)(
      'given %s acting first abroad, when no consultation is recorded, then refused; with one, recorded',
      (_, who, primeMinisterOrder) => {
        spec
          .given([])
          .when(abroadEmergency(null, { primeMinisterOrder }), at(who, T0 + 4 * H))
          .thenRefused({ code: 'conflict', field: 'consultation' });
        expect(
          types(
            who,
            abroadEmergency(
              { consultedAt: T0 + H, summary: 'no objection' },
              { primeMinisterOrder },
            ),
          ),
        ).toEqual([
          'OperationAuthorisationRequested',
          'ForeignMinisterConsulted',
          'OperationExecuted',
        ]);
      },
    );
  });
});

// ------------------------------------------------------------------ the SDF

describe('the SDF act on an order of the Prime Minister', () => {
  it('given an SDF request with the order for a target abroad, then it is recorded with the order', () => {
    spec
      .given([])
      .when(operationCmd({ target: abroad, primeMinisterOrder: order }), { issuedBy: sdf })
      .then([sdfRequested({ target: abroad })]);
  });

  it('given an SDF request on a target in Japan, the order is required all the same', () => {
    spec
      .given([])
      .when(operationCmd({ primeMinisterOrder: order }), { issuedBy: sdf })
      .then([sdfRequested()]);
    spec
      .given([])
      .when(operationCmd(), { issuedBy: sdf })
      .thenRefused({
        code: 'invalid',
        field: 'primeMinisterOrder',
        reason: expect.stringContaining('order of the Prime Minister'),
      });
  });

  it('given an SDF request without the order, abroad or in an emergency, then refused naming it', () => {
    spec
      .given([])
      .when(operationCmd({ target: abroad }), { issuedBy: sdf })
      .thenRefused({ code: 'invalid', field: 'primeMinisterOrder' });
    spec
      .given([])
      .when(emergencyCmd(), at(sdf, T0 + 4 * H))
      .thenRefused({ code: 'invalid', field: 'primeMinisterOrder' });
  });

  it('given an SDF emergency with the order, then acting first is recorded, order included', () => {
    const d = decider.decide(emergencyCmd({ primeMinisterOrder: order }), decider.initialState, {
      issuedBy: sdf,
      now: new Date(T0 + 4 * H),
    });
    expect(d.ok && d.events[0]).toMatchObject({
      type: 'OperationAuthorisationRequested',
      data: { agencyKind: 'sdf', primeMinisterOrder: order },
    });
  });

  it('given a police request carrying an order, then refused: the police act on their own powers', () => {
    spec
      .given([])
      .when(operationCmd({ primeMinisterOrder: order }), { issuedBy: npa })
      .thenRefused({
        code: 'invalid',
        field: 'primeMinisterOrder',
        reason: expect.stringContaining('only the SDF'),
      });
  });

  it.each<[string, Partial<PrimeMinisterOrder>, string]>([
    ['a blank grounds', { grounds: '  ' }, 'primeMinisterOrder.grounds'],
    ['an order given in the future', { givenAt: T0 + H }, 'primeMinisterOrder.givenAt'],
    ['no time at all', { givenAt: Number.NaN }, 'primeMinisterOrder.givenAt'],
    ['a blank reference', { reference: ' ' }, 'primeMinisterOrder.reference'],
  ])('refuses an order with %s', (_, over, field) => {
    spec
      .given([])
      .when(operationCmd({ primeMinisterOrder: { ...order, ...over } }), { issuedBy: sdf })
      .thenRefused({ code: 'invalid', field });
  });

  it('given an approved SDF request, when the SDF say they began before the order, then refused', () => {
    spec
      .given([
        sdfRequested({ primeMinisterOrder: { ...order, givenAt: T0 + 2 * H } }),
        ...approved(),
      ])
      .when(execute({ startedAt: T0 + H }), at(sdf, T0 + 4 * H))
      .thenRefused({ code: 'invalid', field: 'startedAt' });
    spec
      .given([sdfRequested(), ...approved()])
      .when(execute(), at(sdf, T0 + 4 * H))
      .then([executedEvent({ agencyId: sdf.orgId })]);
  });
});

// ------------------------------------------------------------------ below an armed attack

describe('every request attests that it stays below the threshold of an armed attack', () => {
  it.each([
    ['missing', null, 'attestation'],
    [
      'false',
      { belowArmedAttackThreshold: false, justification: null },
      'attestation.belowArmedAttackThreshold',
    ],
    [
      'with a blank justification',
      { belowArmedAttackThreshold: true, justification: ' ' },
      'attestation.justification',
    ],
  ] as const)(
    'given the attestation %s, then a request and an emergency record are refused',
    (_, attestation, field) => {
      spec
        .given([])
        .when(operationCmd({ attestation }), { issuedBy: npa })
        .thenRefused({ code: 'invalid', field });
      spec
        .given([])
        .when(emergencyCmd({ attestation }), at(npa, T0 + 4 * H))
        .thenRefused({ code: 'invalid', field });
      spec
        .given([])
        .when(operationCmd({ attestation, primeMinisterOrder: order }), { issuedBy: sdf })
        .thenRefused({ code: 'invalid', field });
    },
  );

  it('given a justification, then it is recorded trimmed with the attestation', () => {
    spec
      .given([])
      .when(
        operationCmd({
          attestation: { belowArmedAttackThreshold: true, justification: ' No lasting effect ' },
        }),
        { issuedBy: npa },
      )
      .then([
        operationRequested({
          attestation: { belowArmedAttackThreshold: true, justification: 'No lasting effect' },
        }),
      ]);
  });
});

// ------------------------------------------------------------------ legacy events

describe('requests recorded before v2 (no attestation, no order) still fold', () => {
  const legacy = (over: Partial<OperationAuthorisationRequested['data']> = {}) =>
    operationRequested({ attestation: null, primeMinisterOrder: null, ...over });

  it('given a legacy police request, then it is voted on, executed and reported as before', () => {
    spec
      .given([legacy(), ...approved()])
      .when(execute(), at(npa, T0 + 4 * H))
      .then([executedEvent()]);
  });

  it('given a legacy SDF request, then its state shows no order and no attestation', () => {
    const state = [legacy({ agencyId: sdf.orgId, agencyKind: 'sdf' }), ...approved()].reduce(
      decider.evolve,
      decider.initialState,
    );
    expect(state).toMatchObject({
      kind: 'operation',
      requesterKind: 'sdf',
      decision: 'approved',
      primeMinisterOrder: null,
      attestation: null,
    });
    spec
      .given([legacy({ agencyId: sdf.orgId, agencyKind: 'sdf' }), ...approved()])
      .when(execute(), at(sdf, T0 + 4 * H))
      .then([executedEvent({ agencyId: sdf.orgId })]);
  });
});

// ------------------------------------------------------------------ emergency path

describe('the emergency path', () => {
  it('the agency records request and execution at once; the notification clock runs from the start', () => {
    spec
      .given([])
      .when(emergencyCmd(), at(npa, T0 + 4 * H))
      .then([
        operationRequested({
          emergencyReason: 'Ransomware detonating across hospitals; no time to convene',
          requestedAt: T0 + 4 * H,
        }),
        executedEvent({
          emergency: true,
          emergencyReason: 'Ransomware detonating across hospitals; no time to convene',
          notifyBy: T0 + 26 * H,
          executedAt: T0 + 4 * H,
        }),
      ]);
  });

  it('a pending request may be acted on with an emergency reason', () => {
    spec
      .given([operationRequested(), voted('member-1', 'deny')])
      .when(execute({ emergencyReason: 'attack escalated' }), at(npa, T0 + 4 * H))
      .then([
        executedEvent({
          emergency: true,
          emergencyReason: 'attack escalated',
          notifyBy: T0 + 26 * H,
        }),
      ]);
  });

  it('still measures and target must lie within what is asked for', () => {
    const { execution } = emergencyCmd().data;
    spec
      .given([])
      .when(
        emergencyCmd({ execution: { ...execution, measuresTaken: ['take-down'] } }),
        at(npa, T0 + 4 * H),
      )
      .thenRefused({ code: 'invalid', field: 'measuresTaken' });
  });

  it('the notification in time is recorded as on time', () => {
    spec
      .given(emergencyExecuted)
      .when(
        { type: 'NotifyCommission', data: { requestId: ID, summary: 'We acted' } },
        at(npa, T0 + 26 * H),
      )
      .then([
        {
          type: 'CommissionNotified',
          data: {
            requestId: ID,
            agencyId: npa.orgId,
            summary: 'We acted',
            notifyBy: T0 + 26 * H,
            notifiedAt: T0 + 26 * H,
            late: false,
          },
        },
      ]);
  });

  it('the scheduler records a missed notification once the deadline passed', () => {
    spec
      .given(emergencyExecuted)
      .when(
        { type: 'MarkEmergencyNotificationMissed', data: { requestId: ID } },
        at(scheduler, T0 + 26 * H + 1),
      )
      .then([
        {
          type: 'EmergencyNotificationMissed',
          data: {
            requestId: ID,
            agencyId: npa.orgId,
            notifyBy: T0 + 26 * H,
            recordedAt: T0 + 26 * H + 1,
          },
        },
      ]);
  });

  const missed: OversightEvent = {
    type: 'EmergencyNotificationMissed',
    data: { requestId: ID, agencyId: npa.orgId, notifyBy: T0 + 26 * H, recordedAt: T0 + 27 * H },
  };
  const mark = { type: 'MarkEmergencyNotificationMissed' as const, data: { requestId: ID } };

  it('exactly once: a second command records nothing', () => {
    spec
      .given([...emergencyExecuted, missed])
      .when(mark, at(scheduler, T0 + 30 * H))
      .thenNothing();
  });

  it('not before the deadline, and nothing when notified in time or not an emergency', () => {
    spec
      .given(emergencyExecuted)
      .when(mark, at(scheduler, T0 + 26 * H))
      .thenRefused({ code: 'conflict' });
    const notified: OversightEvent = {
      type: 'CommissionNotified',
      data: {
        requestId: ID,
        agencyId: npa.orgId,
        summary: 'x',
        notifyBy: T0 + 26 * H,
        notifiedAt: T0 + 5 * H,
        late: false,
      },
    };
    spec
      .given([...emergencyExecuted, notified])
      .when(mark, at(scheduler, T0 + 30 * H))
      .thenNothing();
    spec
      .given([operationRequested(), ...approved(), executedEvent()])
      .when(mark, at(scheduler, T0 + 30 * H))
      .thenNothing();
  });

  it('only the scheduler marks a miss', () => {
    spec
      .given(emergencyExecuted)
      .when(mark, at(commission, T0 + 30 * H))
      .thenRefused({ code: 'forbidden' });
  });

  it('a late notification is recorded as late, and records the miss itself when the scheduler has not', () => {
    const notify = { type: 'NotifyCommission' as const, data: { requestId: ID, summary: 'Sorry' } };
    const late = {
      type: 'CommissionNotified' as const,
      data: {
        requestId: ID,
        agencyId: npa.orgId,
        summary: 'Sorry',
        notifyBy: T0 + 26 * H,
        notifiedAt: T0 + 40 * H,
        late: true,
      },
    };
    spec
      .given(emergencyExecuted)
      .when(notify, at(npa, T0 + 40 * H))
      .then([
        {
          type: 'EmergencyNotificationMissed',
          data: {
            requestId: ID,
            agencyId: npa.orgId,
            notifyBy: T0 + 26 * H,
            recordedAt: T0 + 40 * H,
          },
        },
        late,
      ]);
    spec
      .given([...emergencyExecuted, missed])
      .when(notify, at(npa, T0 + 40 * H))
      .then([late]);
  });

  it('a notification is refused twice, without an emergency, or from anyone but the agency', () => {
    const notify = { type: 'NotifyCommission' as const, data: { requestId: ID, summary: 'x' } };
    const notified: OversightEvent = {
      type: 'CommissionNotified',
      data: {
        requestId: ID,
        agencyId: npa.orgId,
        summary: 'x',
        notifyBy: 0,
        notifiedAt: 0,
        late: false,
      },
    };
    spec
      .given([...emergencyExecuted, notified])
      .when(notify, at(npa))
      .thenRefused({ code: 'conflict' });
    spec
      .given([operationRequested(), ...approved(), executedEvent()])
      .when(notify, at(npa))
      .thenRefused({ code: 'conflict' });
    spec.given(emergencyExecuted).when(notify, at(sdf)).thenRefused({ code: 'not-found' });
  });

  it('the commission then votes to ratify', () => {
    spec
      .given([...emergencyExecuted, voted('member-1', 'approve'), voted('member-2', 'approve')])
      .when(vote('member-3', 'approve'), at(commission, T0 + 5 * H))
      .then([
        voted('member-3', 'approve', T0 + 5 * H),
        {
          type: 'RequestApproved',
          data: {
            requestId: ID,
            approvals: 3,
            denials: 0,
            validFrom: T0,
            validUntil: T0 + 7 * DAY,
            decidedAt: T0 + 5 * H,
          },
        },
      ]);
  });
});

// ------------------------------------------------------------------ reports

describe('reporting an operation', () => {
  const report = { type: 'ReportOperation' as const, data: { requestId: ID, summary: ' Done ' } };
  const done = [operationRequested(), ...approved(), executedEvent()];

  it('the agency reports after execution', () => {
    spec
      .given(done)
      .when(report, at(npa, T0 + 5 * H))
      .then([
        {
          type: 'OperationReported',
          data: { requestId: ID, agencyId: npa.orgId, summary: 'Done', reportedAt: T0 + 5 * H },
        },
      ]);
  });

  it('refuses a report before execution, twice, or before an emergency was notified', () => {
    spec
      .given([operationRequested(), ...approved()])
      .when(report, at(npa))
      .thenRefused({ code: 'conflict' });
    const reported: OversightEvent = {
      type: 'OperationReported',
      data: { requestId: ID, agencyId: npa.orgId, summary: 'Done', reportedAt: T0 },
    };
    spec
      .given([...done, reported])
      .when(report, at(npa))
      .thenRefused({ code: 'conflict' });
    spec.given(emergencyExecuted).when(report, at(npa)).thenRefused({ code: 'conflict' });
  });

  it('only the requesting agency reports', () => {
    spec.given(done).when(report, at(sdf)).thenRefused({ code: 'not-found' });
    spec.given(done).when(report, at(commission)).thenRefused({ code: 'forbidden' });
  });
});

describe('who sees a request through commands', () => {
  it('the telecom named by a collection request sees it only once approved', () => {
    const consult = {
      type: 'RecordForeignMinisterConsultation' as const,
      data: { requestId: ID, consultedAt: T0, summary: 'x' },
    };
    spec.given([collectionRequested]).when(consult, at(telecom)).thenRefused({ code: 'not-found' });
    spec
      .given([collectionRequested, ...approved()])
      .when(consult, at(telecom))
      .thenRefused({ code: 'invalid' });
    spec
      .given([collectionRequested, ...approved()])
      .when(consult, at(otherTelecom))
      .thenRefused({ code: 'not-found' });
  });
});

describe('the voting rule, on any roster and any order of votes', () => {
  it('decides exactly once, by a strict majority of at least a quorum, or denies a full tie', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((size) =>
          fc.record({
            size: fc.constant(size),
            quorum: fc.integer({ min: 1, max: size }),
            votes: fc.array(fc.constantFrom<VoteChoice>('approve', 'deny'), {
              minLength: size,
              maxLength: size,
            }),
          }),
        ),
        ({ size, quorum, votes }) => {
          const roster = Array.from({ length: size }, (_, i) => `member-${i + 1}`);
          const d = createOversightDecider({
            members: roster,
            quorum,
            emergencyNotifyWithin: 'PT24H',
          });
          let state = d.evolve(d.initialState, {
            ...collectionRequested,
            data: { ...collectionRequested.data, roster, quorum },
          });
          let decided: string | null = null;
          votes.forEach((v, i) => {
            const decision = d.decide(vote(roster[i] ?? null, v), state, {
              issuedBy: commission,
              now: new Date(T0 + H),
            });
            if (decided !== null) {
              // After the decision every further vote is refused.
              expect(decision).toMatchObject({ ok: false, refusal: { code: 'conflict' } });
              return;
            }
            if (!decision.ok) throw new Error(JSON.stringify(decision.refusal));
            for (const e of decision.events) state = d.evolve(state, e);
            const cast = votes.slice(0, i + 1);
            const approvals = cast.filter((x) => x === 'approve').length;
            const denials = cast.length - approvals;
            const types = decision.events.map((e) => e.type);
            if (cast.length >= quorum && approvals * 2 > cast.length) {
              expect(types).toEqual(['VoteCast', 'RequestApproved']);
              decided = 'approved';
            } else if (cast.length >= quorum && denials * 2 > cast.length) {
              expect(types).toEqual(['VoteCast', 'RequestDenied']);
              decided = 'denied';
            } else if (cast.length === size) {
              expect(approvals).toBe(denials);
              expect(types).toEqual(['VoteCast', 'RequestDenied']);
              decided = 'denied';
            } else {
              expect(types).toEqual(['VoteCast']);
            }
          });
          // With every member heard, the request is always decided.
          expect(decided).not.toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('the rules of the Act, on any sequence of commands', () => {
  const agencies = [npa, sdf] as const;
  const targets = [home, abroad] as const;
  const acted = (t: OperationTarget) => (t === abroad ? '203.0.113.50' : '198.51.100.7');

  /** One step of an agency, a member or the clock, drawn at random. */
  const step = fc.oneof(
    fc.record({
      kind: fc.constant('request' as const),
      who: fc.constantFrom(...agencies),
      target: fc.constantFrom(...targets),
      withOrder: fc.boolean(),
      attested: fc.constantFrom(true, false, null),
    }),
    fc.record({
      kind: fc.constant('emergency' as const),
      who: fc.constantFrom(...agencies),
      target: fc.constantFrom(...targets),
      withOrder: fc.boolean(),
      consulted: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('consult' as const), who: fc.constantFrom(...agencies) }),
    fc.record({ kind: fc.constant('vote' as const), member: fc.constantFrom(...ROSTER) }),
    fc.record({
      kind: fc.constant('execute' as const),
      who: fc.constantFrom(...agencies),
      target: fc.constantFrom(...targets),
      emergency: fc.boolean(),
    }),
  );

  type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

  function commandOf(s: Step): [OversightCommand, Issuer] {
    switch (s.kind) {
      case 'request':
        return [
          operationCmd({
            target: s.target,
            primeMinisterOrder: s.withOrder ? order : null,
            attestation:
              s.attested === null
                ? null
                : { belowArmedAttackThreshold: s.attested, justification: null },
          }),
          s.who,
        ];
      case 'emergency':
        return [
          emergencyCmd({
            target: s.target,
            primeMinisterOrder: s.withOrder ? order : null,
            consultation: s.consulted ? { consultedAt: T0 + H, summary: 'no objection' } : null,
            execution: { ...emergencyCmd().data.execution, target: acted(s.target) },
          }),
          s.who,
        ];
      case 'consult':
        return [
          {
            type: 'RecordForeignMinisterConsultation',
            data: { requestId: ID, consultedAt: T0 + H, summary: 'no objection' },
          },
          s.who,
        ];
      case 'vote':
        return [vote(s.member), { ...commission }];
      case 'execute':
        return [
          execute({ target: acted(s.target), emergencyReason: s.emergency ? 'urgent' : null }),
          s.who,
        ];
    }
  }

  it('an execution abroad never comes without a prior consultation, and no SDF request without an order', () => {
    // Not vacuous: the runs must reach executions abroad by both agencies.
    const executedAbroadBy = new Set<string>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let state = decider.initialState;
        const log: OversightEvent[] = [];
        for (const s of steps) {
          const [command, issuedBy] = commandOf(s);
          const d = decider.decide(command, state, { issuedBy, now: new Date(T0 + 4 * H) });
          if (!d.ok) continue;
          for (const e of d.events) {
            state = decider.evolve(state, e);
            log.push(e);
          }
        }
        for (const [i, e] of log.entries()) {
          if (e.type === 'OperationAuthorisationRequested') {
            expect(e.data.attestation?.belowArmedAttackThreshold).toBe(true);
            expect(e.data.primeMinisterOrder !== null).toBe(e.data.agencyKind === 'sdf');
          }
          if (e.type === 'OperationExecuted' && e.data.target === acted(abroad)) {
            expect(log.slice(0, i).some((x) => x.type === 'ForeignMinisterConsulted')).toBe(true);
            executedAbroadBy.add(e.data.agencyId);
          }
        }
      }),
      { numRuns: 500 },
    );
    expect([...executedAbroadBy].sort()).toEqual([npa.orgId, sdf.orgId]);
  });
});
