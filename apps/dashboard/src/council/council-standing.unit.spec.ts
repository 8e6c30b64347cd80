import {
  checkAdmission,
  checkConstitution,
  checkStatement,
  COUNCIL_MEMBER_KINDS,
  MAX_COUNCIL_NAME,
  memberStatusDate,
  ownActions,
  readsRoster,
  standingOf,
  type CouncilMember,
} from './council-standing';

/* eslint-disable @typescript-eslint/no-require-imports */
const schemas = require('../../../../libs/oversight/src/oversight.schemas') as Record<
  'constituteCouncilSchema' | 'admitCouncilMemberSchema' | 'undertakingSchema',
  { safeParse(v: unknown): { success: boolean } }
>;
const events = require('../../../../libs/oversight/src/domain/council.events') as {
  COUNCIL_MEMBER_KINDS: readonly string[];
};
const decider = require('../../../../libs/oversight/src/domain/council.decider') as {
  MAX_COUNCIL_NAME: number;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const entry = (over: Partial<CouncilMember>): CouncilMember => ({
  orgId: 'op-kanto-electric',
  orgKind: 'operator',
  status: 'admitted',
  admittedBy: 'gov-nco',
  admittedAt: '2026-12-01T00:00:00Z',
  acknowledgement: null,
  removed: null,
  version: 1,
  ...over,
});

describe('standing on the council', () => {
  it('is the own entry’s status, or none', () => {
    expect(standingOf(null)).toBe('none');
    expect(standingOf(entry({ status: 'bound' }))).toBe('bound');
  });

  it('shows each status with its date', () => {
    expect(memberStatusDate(entry({}))).toEqual({ status: 'admitted', at: '2026-12-01T00:00:00Z' });
    const bound = entry({
      status: 'bound',
      acknowledgement: { by: 'duty-officer', statement: 's', at: '2026-12-02T00:00:00Z' },
    });
    expect(memberStatusDate(bound)).toEqual({ status: 'bound', at: '2026-12-02T00:00:00Z' });
    const removed = entry({
      status: 'removed',
      removed: { byOrgId: 'gov-nco', reason: 'r', at: '2026-12-03T00:00:00Z' },
    });
    expect(memberStatusDate(removed)).toEqual({ status: 'removed', at: '2026-12-03T00:00:00Z' });
  });

  it('lets the office and the commission read the roster, and a member once bound', () => {
    expect(readsRoster('cabinet-office', 'none')).toBe(true);
    expect(readsRoster('oversight-commission', 'none')).toBe(true);
    expect(readsRoster('operator', 'bound')).toBe(true);
    for (const s of ['none', 'admitted', 'removed'] as const)
      expect(readsRoster('operator', s)).toBe(false);
  });

  it('offers a member the acknowledgement once admitted, and withdrawal while a member', () => {
    expect(ownActions('none')).toEqual([]);
    expect(ownActions('admitted')).toEqual(['acknowledge', 'withdraw']);
    expect(ownActions('bound')).toEqual(['withdraw']);
    expect(ownActions('removed')).toEqual([]);
  });
});

describe('the council’s forms', () => {
  it('check what the API checks', () => {
    expect(COUNCIL_MEMBER_KINDS).toEqual(events.COUNCIL_MEMBER_KINDS);
    expect(MAX_COUNCIL_NAME).toBe(decider.MAX_COUNCIL_NAME);
    const constitutions = [
      { name: 'Cyber council', purpose: 'Share analysis' },
      { name: '', purpose: 'Share analysis' },
      { name: 'x'.repeat(MAX_COUNCIL_NAME + 1), purpose: 'p' },
      { name: 'ok', purpose: '   ' },
    ];
    for (const b of constitutions)
      expect(checkConstitution(b).length === 0).toBe(
        schemas.constituteCouncilSchema.safeParse(b).success,
      );
    expect(checkConstitution({ name: '', purpose: ' ' })).toEqual([
      { field: 'name', code: 'required' },
      { field: 'purpose', code: 'blank' },
    ]);
    for (const orgId of ['op-kanto-electric', 'Op', 'a--b', '', 'x'.repeat(65)])
      expect(checkAdmission(orgId).length === 0).toBe(
        schemas.admitCouncilMemberSchema.safeParse({ orgId }).success,
      );
    for (const statement of ['I undertake', '', '  ', 'x'.repeat(10_001)])
      expect(checkStatement('statement', statement).length === 0).toBe(
        schemas.undertakingSchema.safeParse({ statement }).success,
      );
  });
});
