import fc from 'fast-check';
import { normaliseIndicatorValue } from '@acd/indicators/domain';
import { parseIp, type IpAddress } from './ip-address';

/** The indicator normaliser's verdict on an address: ipv4, ipv6, or neither. */
function normalised(text: string): string | null {
  for (const type of ['ipv4', 'ipv6'] as const) {
    const r = normaliseIndicatorValue(type, text);
    if (r.ok) return r.value;
  }
  return null;
}

/** Addresses written every legal way, and near-misses of them. */
const addressLike = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV6().map((s) => s.toUpperCase()),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 3 })).map(([a, i]) => {
    const parts = a.split('.');
    parts[i] = `0${parts[i]}`;
    return parts.join('.');
  }),
  fc
    .tuple(
      fc.ipV6(),
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom(':', '.', 'g', '', '::', '0'),
    )
    .map(([a, i, c]) => a.slice(0, i) + c + a.slice(i + 1)),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'), maxLength: 45 }),
);

describe('parseIp', () => {
  it('accepts exactly the spellings the indicator normaliser accepts', () => {
    fc.assert(
      fc.property(addressLike, (text) => {
        expect(parseIp(text) !== null).toBe(normalised(text) !== null);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads an address and its canonical spelling as the same number', () => {
    fc.assert(
      fc.property(addressLike, (text) => {
        const canonical = normalised(text);
        if (canonical === null) return;
        expect(parseIp(text)).toEqual(parseIp(canonical));
      }),
      { numRuns: 5000 },
    );
  });

  it.each<[string, IpAddress]>([
    ['0.0.0.0', { family: 4, value: 0 }],
    ['255.255.255.255', { family: 4, value: 0xffffffff }],
    ['192.0.2.1', { family: 4, value: 0xc0000201 }],
    ['::', { family: 6, words: [0, 0, 0, 0] }],
    ['2001:db8::1', { family: 6, words: [0x20010db8, 0, 0, 1] }],
    ['::ffff:192.0.2.1', { family: 6, words: [0, 0, 0xffff, 0xc0000201] }],
    [
      'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
      { family: 6, words: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff] },
    ],
  ])('%s', (text, expected) => {
    expect(parseIp(text)).toEqual(expected);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '256.1.1.1',
    '1::2::3',
    '1.2.3.4::',
    'fe80::1%eth0',
    ' 1.2.3.4',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});
