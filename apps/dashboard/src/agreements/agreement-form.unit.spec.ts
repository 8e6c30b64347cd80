import fc from 'fast-check';
import {
  agreementActions,
  agreementBody,
  agreementInForce,
  agreementStatusDate,
  AGREEMENT_STATUSES,
  checkAgreement,
  emptyAgreementForm,
  isNetwork,
  MAX_AGREEMENT_PERIOD_MS,
  type Agreement,
  type AgreementBody,
} from './agreement-form';

// The API's own schema and decider limits (required at run time: the dashboard's type check stays
// out of the libs).
/* eslint-disable @typescript-eslint/no-require-imports */
const { agreementSchema } = require('../../../../libs/oversight/src/oversight.schemas') as {
  agreementSchema: { safeParse(v: unknown): { success: boolean } };
};
const decider = require('../../../../libs/oversight/src/domain/agreement.decider') as {
  MAX_AGREEMENT_PERIOD_MS: number;
};
const events = require('../../../../libs/oversight/src/domain/agreement.events') as {
  MAX_AGREEMENT_NETWORKS: number;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const NOW = Date.parse('2026-12-06T09:00:00Z');

const good: AgreementBody = {
  operatorId: 'op-kanto-electric',
  networks: ['203.0.113.0/24', '2001:db8::/32'],
  categories: ['addresses', 'ports'],
  validFrom: '2026-12-07T09:00:00+09:00',
  validUntil: '2027-12-07T09:00:00+09:00',
  purpose: 'Learn of attacks on the grid control network',
};

describe('the agreement form', () => {
  it('turns what was typed into the body the API takes, times read as JST', () => {
    const body = agreementBody({
      ...emptyAgreementForm(),
      operatorId: ' op-kanto-electric ',
      networks: '203.0.113.0/24\n198.51.100.0/25, 2001:db8::/32',
      categories: ['ports', 'addresses'],
      validFrom: '2026-12-07T09:00',
      validUntil: '2027-12-07T09:00',
      purpose: 'Learn of attacks',
    });
    expect(body).toEqual({
      operatorId: 'op-kanto-electric',
      networks: ['203.0.113.0/24', '198.51.100.0/25', '2001:db8::/32'],
      categories: ['addresses', 'ports'],
      validFrom: '2026-12-07T09:00:00+09:00',
      validUntil: '2027-12-07T09:00:00+09:00',
      purpose: 'Learn of attacks',
    });
    expect(agreementSchema.safeParse(body).success).toBe(true);
    expect(checkAgreement(body, NOW)).toEqual([]);
  });

  it('names each field the API would refuse', () => {
    const problems = checkAgreement(
      {
        operatorId: 'Not An Id',
        networks: ['203.0.113.0/24', '203.0.113.0', '10.0.0.0/33'],
        categories: [],
        validFrom: '2027-01-01T00:00:00+09:00',
        validUntil: '2026-01-01T00:00:00+09:00',
        purpose: '  ',
      },
      NOW,
    );
    expect(problems).toEqual([
      { field: 'operatorId', code: 'orgId' },
      { field: 'networks.1', code: 'network' },
      { field: 'networks.2', code: 'network' },
      { field: 'categories', code: 'required' },
      { field: 'validUntil', code: 'periodOrder' },
      { field: 'purpose', code: 'blank' },
    ]);
    expect(checkAgreement({ ...emptyBody() }, NOW).map((p) => p.field)).toEqual([
      'operatorId',
      'networks',
      'categories',
      'validFrom',
      'validUntil',
      'purpose',
    ]);
  });

  it('refuses a period over three years or already over, as the decider does', () => {
    expect(MAX_AGREEMENT_PERIOD_MS).toBe(decider.MAX_AGREEMENT_PERIOD_MS);
    const from = Date.parse(good.validFrom);
    const tooLong = {
      ...good,
      validUntil: new Date(from + MAX_AGREEMENT_PERIOD_MS + 1000).toISOString(),
    };
    expect(checkAgreement(tooLong, NOW)).toEqual([{ field: 'validUntil', code: 'periodTooLong' }]);
    const over = { ...good, validFrom: '2025-01-01T00:00:00Z', validUntil: '2025-06-01T00:00:00Z' };
    expect(checkAgreement(over, NOW)).toEqual([{ field: 'validUntil', code: 'inPast' }]);
    const many = {
      ...good,
      networks: Array.from(
        { length: events.MAX_AGREEMENT_NETWORKS + 1 },
        (_, i) => `10.${i}.0.0/16`,
      ),
    };
    expect(checkAgreement(many, NOW)).toEqual([{ field: 'networks', code: 'tooMany' }]);
  });

  it('reads networks as the API does', () => {
    const cases = [
      '203.0.113.0/24',
      '0.0.0.0/0',
      '2001:db8::/32',
      '::/0',
      '::ffff:192.0.2.1/128',
      '203.0.113.0',
      '203.0.113.0/33',
      '256.0.0.0/8',
      '2001:db8::/129',
      'example.net/24',
      '10.0.0.0/8/8',
      '10.0.0.0/',
      '01.2.3.4/8',
      'fe80::1%eth0/64',
      '',
    ];
    for (const n of cases) {
      const api = agreementSchema.safeParse({ ...good, networks: [n] }).success;
      expect({ n, ours: isNetwork(n) }).toEqual({ n, ours: api });
    }
  });

  it('agrees with the API schema on what is well formed', () => {
    const body = fc.record({
      operatorId: fc.constantFrom('op-kanto-electric', 'Op', '', 'a-'),
      networks: fc.array(fc.constantFrom('203.0.113.0/24', '2001:db8::/48', '203.0.113.1', 'x'), {
        maxLength: 3,
      }),
      categories: fc.subarray(['addresses', 'ports', 'timings']),
      validFrom: fc.constantFrom(good.validFrom, 'tomorrow', ''),
      validUntil: fc.constantFrom(good.validUntil, '2026-12-07T08:00:00+09:00', ''),
      purpose: fc.constantFrom('why', ' ', '', 'x'.repeat(10_001)),
    });
    fc.assert(
      fc.property(body, (b) => {
        // The console also refuses periods the decider refuses (too long, over), which the
        // schema leaves to the decider; these bodies have none of those.
        expect(checkAgreement(b, NOW).length === 0).toBe(agreementSchema.safeParse(b).success);
      }),
    );
  });
});

describe('what each party may do to an agreement', () => {
  const office = { id: 'gov-nco', kind: 'cabinet-office' };
  const party = { id: 'op-kanto-electric', kind: 'operator' };
  const other = { id: 'op-tokai-rail', kind: 'operator' };
  const commission = { id: 'gov-cyber-oversight-commission', kind: 'oversight-commission' };
  const a = (status: Agreement['status']) => ({ operatorId: party.id, status });

  it('the operator accepts or declines a proposal and ends an accepted one', () => {
    expect(agreementActions(a('proposed'), party)).toEqual(['accept', 'decline']);
    expect(agreementActions(a('accepted'), party)).toEqual(['end']);
    expect(agreementActions(a('declined'), party)).toEqual([]);
    expect(agreementActions(a('ended'), party)).toEqual([]);
  });

  it('the office withdraws or ends; the commission and other operators only read', () => {
    expect(agreementActions(a('proposed'), office)).toEqual(['end']);
    expect(agreementActions(a('accepted'), office)).toEqual(['end']);
    for (const s of AGREEMENT_STATUSES) {
      expect(agreementActions(a(s), commission)).toEqual([]);
      expect(agreementActions(a(s), other)).toEqual([]);
    }
  });

  it('shows each status with the date it was taken, and whether it is in force', () => {
    const base: Agreement = {
      agreementId: 'a',
      operatorId: party.id,
      operatorKind: 'operator',
      proposedBy: office.id,
      networks: [],
      categories: [],
      validFrom: '2026-12-01T00:00:00Z',
      validUntil: '2027-12-01T00:00:00Z',
      purpose: 'p',
      status: 'proposed',
      proposedAt: '2026-11-30T00:00:00Z',
      consent: null,
      declined: null,
      ended: null,
      version: 1,
    };
    expect(agreementStatusDate(base)).toEqual({ status: 'proposed', at: base.proposedAt });
    const accepted: Agreement = {
      ...base,
      status: 'accepted',
      consent: { by: 'duty-officer', statement: 'yes', at: '2026-12-02T00:00:00Z' },
    };
    expect(agreementStatusDate(accepted)).toEqual({
      status: 'accepted',
      at: '2026-12-02T00:00:00Z',
    });
    expect(agreementInForce(accepted, NOW)).toBe(true);
    expect(agreementInForce(base, NOW)).toBe(false);
    expect(agreementInForce(accepted, Date.parse('2028-01-01T00:00:00Z'))).toBe(false);
    const ended: Agreement = {
      ...accepted,
      status: 'ended',
      ended: { byOrgId: party.id, reason: 'r', at: '2026-12-05T00:00:00Z' },
    };
    expect(agreementStatusDate(ended)).toEqual({ status: 'ended', at: '2026-12-05T00:00:00Z' });
    const declined: Agreement = {
      ...base,
      status: 'declined',
      declined: { reason: 'r', at: '2026-12-03T00:00:00Z' },
    };
    expect(agreementStatusDate(declined)).toEqual({
      status: 'declined',
      at: '2026-12-03T00:00:00Z',
    });
  });
});

function emptyBody(): AgreementBody {
  return agreementBody(emptyAgreementForm());
}
