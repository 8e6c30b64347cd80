import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ipv4MappedValue, parseIp } from '../domain/ip-address';

/**
 * IP address → country (ISO 3166-1 alpha-2), from MaxMind's GeoLite2 Country data as packaged
 * by the `geoip-country` npm package (rebuilt and published from each GeoLite2 release).
 *
 * Only the package's data files are read, not its JavaScript: its module loads the data at
 * `require` time, reads `process.argv` and can watch the directory, none of which a service
 * wants. The files are two tables of disjoint ranges sorted by start:
 *   - IPv4: 10-byte records, start and end as big-endian uint32, then 2 ASCII country letters;
 *   - IPv6: 18-byte records, start and end as the upper 64 bits (big-endian), then 2 letters.
 * The loader checks record sizes, order and disjointness, so a format change in a new release
 * fails loudly at start-up instead of answering wrongly; a unit test also holds this look-up
 * to the package's own `lookup` on random addresses.
 *
 * Loaded once, on first use (or `loadIpCountryTable()` at start-up), into typed arrays; a
 * look-up is one binary search with no allocation beyond parsing the address.
 */
export const IP_COUNTRY_PACKAGE = 'geoip-country';

const RECORD4 = 10;
const RECORD6 = 18;

export interface IpCountryTable {
  readonly source: { readonly package: string; readonly version: string };
  readonly ipv4Ranges: number;
  readonly ipv6Ranges: number;
  readonly loadMs: number;
  lookup(ip: string): string | null;
}

/** Ranges as unsigned 32-bit numbers: IPv4 addresses, or the two high words of IPv6 ones. */
interface Ranges {
  /** 1 word per range for IPv4, 2 (most significant first) for IPv6. */
  readonly width: 1 | 2;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly countries: Uint16Array;
}

let table: IpCountryTable | undefined;

/** The country of an IPv4 or IPv6 address; null for an unparsable, private or unallocated one. */
export function countryOfAddress(ip: string): string | null {
  return loadIpCountryTable().lookup(ip);
}

/** Loads the dataset if it is not loaded yet; services call it at start-up to warm it. */
export function loadIpCountryTable(): IpCountryTable {
  table ??= buildTable();
  return table;
}

function buildTable(): IpCountryTable {
  const started = performance.now();
  const dir = dirname(require.resolve(`${IP_COUNTRY_PACKAGE}/package.json`));
  const version = (
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const codes: string[] = [];
  const codeIndex = new Map<string, number>();
  const codeOf = (code: string): number => {
    let i = codeIndex.get(code);
    if (i === undefined) {
      if (!/^[A-Z]{2}$/.test(code)) throw new Error(`${IP_COUNTRY_PACKAGE}: bad country '${code}'`);
      i = codes.length;
      codes.push(code);
      codeIndex.set(code, i);
    }
    return i;
  };
  const v4 = readRanges(join(dir, 'data', 'geoip-country.dat'), 1, codeOf);
  const v6 = readRanges(join(dir, 'data', 'geoip-country6.dat'), 2, codeOf);
  const loadMs = performance.now() - started;
  const key6 = new Uint32Array(2);
  return {
    source: { package: IP_COUNTRY_PACKAGE, version },
    ipv4Ranges: v4.countries.length,
    ipv6Ranges: v6.countries.length,
    loadMs,
    lookup(ip: string): string | null {
      const address = parseIp(ip);
      if (address === null) return null;
      let index: number;
      if (address.family === 4) {
        key6[0] = address.value;
        index = find(v4, key6);
      } else {
        const mapped = ipv4MappedValue(address.words);
        if (mapped >= 0) {
          key6[0] = mapped;
          index = find(v4, key6);
        } else {
          key6[0] = address.words[0];
          key6[1] = address.words[1];
          index = find(v6, key6);
        }
      }
      return index < 0 ? null : (codes[index] ?? null);
    },
  };
}

function readRanges(path: string, width: 1 | 2, codeOf: (code: string) => number): Ranges {
  const bytes = readFileSync(path);
  const size = width === 1 ? RECORD4 : RECORD6;
  if (bytes.length === 0 || bytes.length % size !== 0) {
    throw new Error(`${path}: ${bytes.length} bytes is not a whole number of ${size}-byte records`);
  }
  const count = bytes.length / size;
  const starts = new Uint32Array(count * width);
  const ends = new Uint32Array(count * width);
  const countries = new Uint16Array(count);
  const half = width * 4;
  for (let i = 0; i < count; i += 1) {
    const at = i * size;
    for (let w = 0; w < width; w += 1) {
      starts[i * width + w] = bytes.readUInt32BE(at + w * 4);
      ends[i * width + w] = bytes.readUInt32BE(at + half + w * 4);
    }
    countries[i] = codeOf(bytes.toString('latin1', at + 2 * half, at + 2 * half + 2));
    if (compare(ends, i * width, starts, i * width, width) < 0) {
      throw new Error(`${path}: record ${i} ends before it starts`);
    }
    if (i > 0 && compare(starts, i * width, ends, (i - 1) * width, width) <= 0) {
      throw new Error(`${path}: record ${i} is out of order or overlaps the one before`);
    }
  }
  return { width, starts, ends, countries };
}

function compare(a: Uint32Array, aAt: number, b: Uint32Array, bAt: number, width: 1 | 2): number {
  for (let w = 0; w < width; w += 1) {
    const x = a[aAt + w] as number;
    const y = b[bAt + w] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Country index of the range holding `key`, or -1. */
function find(r: Ranges, key: Uint32Array): number {
  const width = r.width;
  let lo = 0;
  let hi = r.countries.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(r.starts, mid * width, key, 0, width) <= 0) {
      at = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (at < 0 || compare(key, 0, r.ends, at * width, width) > 0) return -1;
  return r.countries[at] as number;
}
