import fc from 'fast-check';
import { normaliseAudience, parseAudience } from './audience';
import { SECTORS } from './organisation';
import { isMoreRestrictive, parseTlp, TLP_LEVELS } from './tlp';

describe('parseTlp', () => {
  it.each([
    ['RED', 'RED'],
    ['amber+strict', 'AMBER+STRICT'],
    [' TLP:Green ', 'GREEN'],
    ['tlp:clear', 'CLEAR'],
  ])('reads %j as %s', (raw, tlp) => {
    expect(parseTlp(raw)).toEqual({ ok: true, value: tlp });
  });

  it.each([
    ['WHITE', 'tlp: WHITE is TLP 1.0; TLP 2.0 calls it CLEAR'],
    ['PINK', 'tlp: "PINK" is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED'],
    [3, 'tlp: expected a string, one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED'],
  ])('refuses %j', (raw, reason) => {
    expect(parseTlp(raw)).toEqual({ ok: false, reason });
  });

  it('orders labels from CLEAR to RED', () => {
    expect(isMoreRestrictive('RED', 'AMBER+STRICT')).toBe(true);
    expect(isMoreRestrictive('CLEAR', 'GREEN')).toBe(false);
    expect(TLP_LEVELS[0]).toBe('CLEAR');
  });
});

describe('audience', () => {
  it('normalising dedupes, sorts and is idempotent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('op-a', 'op-b', 'gov-c', 'op-a1')),
        fc.array(fc.constantFrom(...SECTORS)),
        (orgs, sectors) => {
          const once = normaliseAudience({ orgs, sectors });
          expect(new Set(once.orgs).size).toBe(once.orgs.length);
          expect([...once.sectors].sort()).toEqual(once.sectors);
          expect(new Set(once.orgs)).toEqual(new Set(orgs));
          expect(normaliseAudience(once)).toEqual(once);
        },
      ),
    );
  });

  it('parses missing lists as empty and names the bad entry', () => {
    expect(parseAudience(undefined)).toEqual({ ok: true, value: { orgs: [], sectors: [] } });
    expect(parseAudience({ orgs: ['op-b', 'op-a', 'op-b'] })).toEqual({
      ok: true,
      value: { orgs: ['op-a', 'op-b'], sectors: [] },
    });
    const bad = parseAudience({ orgs: ['op-a', 'Op A'], sectors: ['gas', 'banking'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.reason).toContain('orgs[1]: "Op A" must be a kebab-case slug');
      expect(bad.reason).toContain('sectors[1]: "banking" is not one of');
    }
  });

  it('keeps the council only when true, and refuses anything but a boolean for it', () => {
    expect(parseAudience({ council: true })).toEqual({
      ok: true,
      value: { orgs: [], sectors: [], council: true },
    });
    expect(parseAudience({ council: false })).toEqual({
      ok: true,
      value: { orgs: [], sectors: [] },
    });
    const bad = parseAudience({ council: 'yes' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toContain('council: expected true or false');
  });
});
