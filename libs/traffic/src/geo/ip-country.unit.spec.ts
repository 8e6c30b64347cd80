import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { countryOfAddress, IP_COUNTRY_PACKAGE, loadIpCountryTable } from './ip-country';

const dataDir = join(dirname(require.resolve(`${IP_COUNTRY_PACKAGE}/package.json`)), 'data');

/** Addresses the dataset itself places in a country, read from its file independently. */
function v4AddressesOf(country: string, wanted: number): string[] {
  const bytes = readFileSync(join(dataDir, 'geoip-country.dat'));
  const found: string[] = [];
  const step = Math.max(1, Math.floor(bytes.length / 10 / 5000));
  for (let i = 0; i * 10 < bytes.length && found.length < wanted; i += step) {
    const at = i * 10;
    if (bytes.toString('latin1', at + 8, at + 10) !== country) continue;
    const start = bytes.readUInt32BE(at);
    const end = bytes.readUInt32BE(at + 4);
    const pick = start + Math.floor((end - start) / 2);
    found.push([24, 16, 8, 0].map((s) => (pick >>> s) & 255).join('.'));
  }
  return found;
}

describe('countryOfAddress (GeoLite2 Country via geoip-country)', () => {
  it('loads the whole dataset, quickly', () => {
    const table = loadIpCountryTable();
    expect(table.ipv4Ranges).toBeGreaterThan(100_000);
    expect(table.ipv6Ranges).toBeGreaterThan(100_000);
    expect(table.loadMs).toBeLessThan(5_000);
  });

  it('places addresses the dataset lists for Japan in JP, and others elsewhere', () => {
    const jp = v4AddressesOf('JP', 50);
    const us = v4AddressesOf('US', 50);
    expect(jp).toHaveLength(50);
    for (const ip of jp) expect(countryOfAddress(ip)).toBe('JP');
    for (const ip of us) expect(countryOfAddress(ip)).toBe('US');
  });

  it.each([
    ['2001:200::1', 'JP'], // WIDE project
    ['2400:4000::1', 'JP'],
    ['::ffff:8.8.8.8', 'US'], // IPv4-mapped reads as its IPv4 address
    ['10.1.2.3', null], // private
    ['192.168.0.1', null],
    ['::1', null],
    ['not an address', null],
  ])('%s -> %s', (ip, country) => {
    expect(countryOfAddress(ip)).toBe(country);
  });

  /**
   * The package's parser reads an IPv6 address written with a dotted-quad tail
   * (`2003:d1:5d83:782:8433:85:3.165.71.158`, valid per RFC 4291) only in the IPv4-mapped form
   * `::ffff:a.b.c.d`, and takes any other text that starts `::ffff:` for that form; ours reads
   * every spelling. So the package is asked in the fully spelled-out form of the same address
   * (eight hex groups), and the comparison is of the data, not of the two parsers.
   */
  const asTheyParse = (ip: string): string => {
    if (!ip.includes(':') || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip;
    let text = ip;
    const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
    if (quad) {
      const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
      text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    }
    const [head = '', tail] = text.split('::');
    const groups = (part: string) => (part === '' ? [] : part.split(':'));
    const h = groups(head);
    const t = tail === undefined ? [] : groups(tail);
    const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return all.map((g) => parseInt(g, 16).toString(16)).join(':');
  };

  it("agrees with the package's own look-up on random IPv4 and IPv6 addresses", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const geoip = require('geoip-country') as { lookup(ip: string): { country: string } | null };
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        const theirs = geoip.lookup(asTheyParse(ip))?.country ?? null;
        expect(countryOfAddress(ip)).toBe(theirs === '' ? null : theirs);
      }),
      { numRuns: 20_000 },
    );
  });
});
