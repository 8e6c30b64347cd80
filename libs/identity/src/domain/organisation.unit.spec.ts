import { DEMO_ORG_IDS, DEMO_ORGANISATIONS } from './demo-organisations';
import { defineOrganisation, InvalidOrganisationError, parseOrganisation } from './organisation';

describe('parseOrganisation', () => {
  it('accepts an operator with its sector and trims the name', () => {
    expect(
      parseOrganisation({ id: 'op-x', name: ' X Power ', kind: 'operator', sector: 'gas' }),
    ).toEqual({
      ok: true,
      value: { id: 'op-x', name: 'X Power', kind: 'operator', sector: 'gas' },
    });
  });

  it('accepts a ministry with or without a supervised sector', () => {
    expect(parseOrganisation({ id: 'gov-m', name: 'M', kind: 'ministry' }).ok).toBe(true);
    expect(
      parseOrganisation({ id: 'gov-m', name: 'M', kind: 'ministry', sector: 'water' }).ok,
    ).toBe(true);
  });

  it('accepts a vendor, which has no sector', () => {
    expect(parseOrganisation({ id: 'ven-x', name: ' X Security ', kind: 'vendor' })).toEqual({
      ok: true,
      value: { id: 'ven-x', name: 'X Security', kind: 'vendor' },
    });
  });

  it.each([
    [
      { id: 'ven-x', name: 'X', kind: 'vendor', sector: 'electricity' },
      'sector: a vendor organisation has no sector',
    ],
    [
      { id: 'op-x', name: 'X', kind: 'operator' },
      'sector: an operator must belong to exactly one sector',
    ],
    [
      { id: 'gov-p', name: 'P', kind: 'police', sector: 'gas' },
      'sector: a police organisation has no sector',
    ],
    [{ id: 'Op_X', name: 'X', kind: 'sdf' }, 'id: "Op_X" must be a kebab-case slug'],
    [{ id: 'op-x', name: '  ', kind: 'telecom' }, 'name: must not be blank'],
    [{ id: 'op-x', name: 'X', kind: 'integrator' }, 'kind: "integrator" is not one of operator,'],
    [
      { id: 'op-x', name: 'X', kind: 'operator', sector: 'banking' },
      'sector: "banking" is not one of electricity,',
    ],
    ['op-x', 'organisation: expected an object'],
  ])('refuses %j: %s', (input, reason) => {
    const parsed = parseOrganisation(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('reports every problem at once', () => {
    const parsed = parseOrganisation({ id: '', name: 7, kind: 'operator' });
    expect(parsed).toEqual({
      ok: false,
      reason:
        'organisation: id: must not be empty; name: must be a string; sector: an operator must belong to exactly one sector',
    });
  });

  it('defineOrganisation throws on invalid data', () => {
    expect(() => defineOrganisation({ id: 'x', name: 'X', kind: 'operator' })).toThrow(
      InvalidOrganisationError,
    );
  });
});

describe('demo organisations', () => {
  it('are valid, uniquely identified and cover every kind the bus needs', () => {
    for (const org of DEMO_ORGANISATIONS)
      expect(parseOrganisation(org)).toEqual({ ok: true, value: org });
    expect(new Set(DEMO_ORGANISATIONS.map((o) => o.id)).size).toBe(DEMO_ORGANISATIONS.length);
    expect(DEMO_ORGANISATIONS.map((o) => o.id).sort()).toEqual(Object.values(DEMO_ORG_IDS).sort());
    const kinds = new Set(DEMO_ORGANISATIONS.map((o) => o.kind));
    expect([...kinds].sort()).toEqual([
      'cabinet-office',
      'ministry',
      'operator',
      'oversight-commission',
      'police',
      'sdf',
      'telecom',
      'vendor',
    ]);
    const operatorSectors = new Set(
      DEMO_ORGANISATIONS.filter((o) => o.kind === 'operator').map((o) => o.sector),
    );
    expect(operatorSectors.size).toBeGreaterThanOrEqual(3);
  });
});
