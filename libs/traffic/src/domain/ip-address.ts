/**
 * IP addresses as numbers, for range and prefix look-ups. The accepted spellings are exactly
 * those of the indicator normaliser (`normaliseIndicatorValue('ipv4' | 'ipv6', …)`): no octal-
 * looking octets, no zone ids, embedded IPv4 only in the last 32 bits. A property test holds
 * the two to the same language, so a flow address and an indicator value can never be read
 * as two different hosts.
 */
export type IpAddress =
  | { readonly family: 4; readonly value: number }
  /** Four 32-bit words, most significant first. */
  | { readonly family: 6; readonly words: readonly [number, number, number, number] };

const DIGIT_0 = 48;

/** An unsigned 32-bit integer, or -1. */
export function parseIpv4Number(text: string): number {
  let value = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      dots += 1;
      octet = -1;
      digits = 0;
      continue;
    }
    const d = c - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    if (digits === 0) {
      octet = d;
      leadingZero = d === 0;
    } else {
      if (leadingZero) return -1;
      octet = octet * 10 + d;
      if (octet > 255) return -1;
    }
    digits += 1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

function hexGroup(part: string): number {
  if (part.length === 0 || part.length > 4) return -1;
  let n = 0;
  for (let i = 0; i < part.length; i += 1) {
    const c = part.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    n = n * 16 + d;
  }
  return n;
}

/** The eight 16-bit groups, or null. */
function parseIpv6Groups(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const tail =
    compressed && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : [];
  const parts = [...head, ...tail];
  const groups: number[] = [];
  let headGroups = 0;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    if (part.includes('.')) {
      // Only the very last part may be dotted, and never before '::'.
      if (i !== parts.length - 1 || (compressed && i < head.length)) return null;
      const v4 = parseIpv4Number(part);
      if (v4 < 0) return null;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      if (i < head.length) headGroups += 2;
      continue;
    }
    const g = hexGroup(part);
    if (g < 0) return null;
    groups.push(g);
    if (i < head.length) headGroups += 1;
  }
  if (!compressed) return groups.length === 8 ? groups : null;
  if (groups.length > 7) return null;
  const zeros = new Array<number>(8 - groups.length).fill(0);
  return [...groups.slice(0, headGroups), ...zeros, ...groups.slice(headGroups)];
}

export function parseIp(text: string): IpAddress | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 45) return null;
  if (!text.includes(':')) {
    const value = parseIpv4Number(text);
    return value < 0 ? null : { family: 4, value };
  }
  const groups = parseIpv6Groups(text);
  if (groups === null) return null;
  const w = (i: number): number => (groups[i] ?? 0) * 65536 + (groups[i + 1] ?? 0);
  return { family: 6, words: [w(0), w(2), w(4), w(6)] };
}

/** `::ffff:a.b.c.d` is an IPv4 host seen through a dual-stack socket: it has the v4 country. */
export function ipv4MappedValue(words: readonly [number, number, number, number]): number {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff ? words[3] : -1;
}

/** -1, 0 or 1, comparing two 128-bit values given as four words. */
export function compareWords(
  a: ArrayLike<number>,
  aAt: number,
  b: ArrayLike<number>,
  bAt: number,
): number {
  for (let i = 0; i < 4; i += 1) {
    const x = a[aAt + i] as number;
    const y = b[bAt + i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
