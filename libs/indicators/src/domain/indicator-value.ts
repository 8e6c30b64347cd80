import { domainToASCII } from 'node:url';

export const INDICATOR_TYPES = [
  'ipv4',
  'ipv6',
  'cidr',
  'domain',
  'url',
  'sha256',
  'sha1',
  'md5',
  'email',
] as const;

export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export type IndicatorValueResult = { ok: true; value: string } | { ok: false; reason: string };

export function isIndicatorType(value: unknown): value is IndicatorType {
  return typeof value === 'string' && (INDICATOR_TYPES as readonly string[]).includes(value);
}

/** Far above any real indicator; stops a pasted document from being parsed as one. */
const MAX_RAW_LENGTH = 8192;

const HASH_LENGTHS = { sha256: 64, sha1: 40, md5: 32 } as const;

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/**
 * Validates an indicator value and returns its one canonical spelling, so that the same
 * observable published twice (or by two operators) gets the same indicator id.
 * Never throws: any string yields a result.
 */
export function normaliseIndicatorValue(type: IndicatorType, raw: string): IndicatorValueResult {
  if (typeof raw !== 'string') return fail(`${type}: expected a string`);
  const input = raw.trim();
  if (input.length === 0) return fail(`${type}: empty value`);
  if (input.length > MAX_RAW_LENGTH) {
    return fail(`${type}: too long (${input.length} characters, at most ${MAX_RAW_LENGTH})`);
  }
  const result = normaliseByType(type, input);
  if (!result.ok) return fail(`${type}: ${result.reason}`);
  // Percent-encoding can lengthen a URL; refusing here keeps normalisation idempotent.
  if (result.value.length > MAX_RAW_LENGTH) {
    return fail(`${type}: too long once normalised (at most ${MAX_RAW_LENGTH} characters)`);
  }
  return result;
}

function normaliseByType(type: IndicatorType, input: string): Parsed<string> {
  switch (type) {
    case 'ipv4':
      return mapParsed(parseIpv4(input), formatIpv4);
    case 'ipv6':
      return mapParsed(parseIpv6(input), formatIpv6);
    case 'cidr':
      return normaliseCidr(input);
    case 'domain':
      return normaliseDomain(input);
    case 'url':
      return normaliseUrl(input);
    case 'sha256':
    case 'sha1':
    case 'md5':
      return normaliseHex(input, HASH_LENGTHS[type]);
    case 'email':
      return normaliseEmail(input);
    default:
      return fail(`unknown indicator type '${String(type)}'`);
  }
}

function mapParsed<A, B>(parsed: Parsed<A>, f: (a: A) => B): Parsed<B> {
  return parsed.ok ? ok(f(parsed.value)) : parsed;
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x21 || code === 0x7f || code > 0x7e
    ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${c}'`;
}

function firstCharNotIn(input: string, allowed: RegExp): string | undefined {
  for (const c of input) if (!allowed.test(c)) return c;
  return undefined;
}

// ---------------------------------------------------------------- IPv4

/** The four octets, most significant first. */
function parseIpv4(input: string): Parsed<number[]> {
  const bad = firstCharNotIn(input, /[0-9.]/);
  if (bad !== undefined) return fail(`unexpected character ${describeChar(bad)}`);
  const parts = input.split('.');
  if (parts.length !== 4) {
    return fail(`expected 4 dot-separated octets, got ${parts.length}`);
  }
  const octets: number[] = [];
  for (const part of parts) {
    if (part.length === 0) return fail('empty octet');
    // inet_aton reads a leading zero as octal, URL parsers and most tools as decimal: the
    // same text names two different hosts, so it cannot be an indicator.
    if (part.length > 1 && part.startsWith('0')) {
      return fail(`octet '${part}' has a leading zero (ambiguous: octal or decimal)`);
    }
    const n = part.length > 3 ? Infinity : Number(part);
    if (n > 255) return fail(`octet ${part} out of range (0-255)`);
    octets.push(n);
  }
  return ok(octets);
}

function formatIpv4(octets: readonly number[]): string {
  return octets.join('.');
}

// ---------------------------------------------------------------- IPv6

/** The eight 16-bit groups. */
function parseIpv6(input: string): Parsed<number[]> {
  if (input.includes('%')) {
    return fail('zone identifiers (%...) are local to one host and not allowed');
  }
  const bad = firstCharNotIn(input, /[0-9A-Fa-f:.]/);
  if (bad !== undefined) return fail(`unexpected character ${describeChar(bad)}`);
  const halves = input.split('::');
  if (halves.length > 2) return fail("'::' may appear only once");
  const compressed = halves.length === 2;

  const head = splitGroups(halves[0] ?? '');
  const tail = compressed ? splitGroups(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  const last = all.length - 1;

  const groups: number[] = [];
  const headGroups: number[] = [];
  for (const [i, part] of all.entries()) {
    if (part.length === 0) return fail("empty group (a single ':' at the start or end, or ':::')");
    let values: number[];
    if (part.includes('.')) {
      if (i !== last || (compressed && i < head.length)) {
        return fail(`embedded IPv4 '${part}' is only allowed in the last 32 bits`);
      }
      const v4 = parseIpv4(part);
      if (!v4.ok) return fail(`embedded IPv4 '${part}': ${v4.reason}`);
      const [a = 0, b = 0, c = 0, d = 0] = v4.value;
      values = [(a << 8) | b, (c << 8) | d];
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return fail(`group '${part}' is not 1-4 hex digits`);
      values = [parseInt(part, 16)];
    }
    groups.push(...values);
    if (i < head.length) headGroups.push(...values);
  }

  if (!compressed) {
    if (groups.length !== 8) return fail(`expected 8 groups, got ${groups.length}`);
    return ok(groups);
  }
  // '::' stands for at least one zero group (RFC 4291 section 2.2).
  if (groups.length > 7) return fail(`'::' with ${groups.length} other groups is too long`);
  const zeros = new Array<number>(8 - groups.length).fill(0);
  return ok([...headGroups, ...zeros, ...groups.slice(headGroups.length)]);
}

function splitGroups(side: string): string[] {
  return side.length === 0 ? [] : side.split(':');
}

/** RFC 5952 section 4, plus section 5's dotted tail for IPv4-mapped addresses. */
function formatIpv6(groups: readonly number[]): string {
  const g = (i: number): number => groups[i] ?? 0;
  if ([0, 1, 2, 3, 4].every((i) => g(i) === 0) && g(5) === 0xffff) {
    return `::ffff:${formatIpv4([g(6) >> 8, g(6) & 0xff, g(7) >> 8, g(7) & 0xff])}`;
  }
  let bestStart = -1;
  let bestLength = 1; // a lone zero group is never compressed
  for (let i = 0; i < 8;) {
    if (g(i) !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && g(j) === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((n) => n.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

// ---------------------------------------------------------------- CIDR

/**
 * Host bits set (`10.1.2.3/8`) are REJECTED, not zeroed. Zeroing would silently publish a
 * range much wider than the publisher may have meant (a typo of /28 as /8 would cover 16M
 * hosts across every subscriber's blocklist). The reason names the network, so fixing it
 * is one edit. Python's ipaddress.ip_network (strict) makes the same choice.
 */
function normaliseCidr(input: string): Parsed<string> {
  const slash = input.indexOf('/');
  if (slash < 0) return fail("missing '/prefix' (for a single address use ipv4 or ipv6)");
  const address = input.slice(0, slash);
  const prefixText = input.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) {
    return fail(`prefix '${prefixText}' is not a number`);
  }
  const prefix = Number(prefixText);
  const isV6 = address.includes(':');
  const parsed = isV6 ? parseIpv6(address) : parseIpv4(address);
  if (!parsed.ok) return fail(`network address: ${parsed.reason}`);
  const bitsPerUnit = isV6 ? 16 : 8;
  const maxPrefix = isV6 ? 128 : 32;
  if (prefix > maxPrefix) return fail(`prefix /${prefix} out of range (0-${maxPrefix})`);

  const network = parsed.value.map((unit, i) => {
    const keep = Math.min(bitsPerUnit, Math.max(0, prefix - i * bitsPerUnit));
    const mask = keep === 0 ? 0 : ((1 << bitsPerUnit) - 1) & ~((1 << (bitsPerUnit - keep)) - 1);
    return unit & mask;
  });
  const format = isV6 ? formatIpv6 : formatIpv4;
  if (network.some((unit, i) => unit !== parsed.value[i])) {
    return fail(
      `host bits are set in ${format(parsed.value)}/${prefix}; did you mean ${format(network)}/${prefix}?`,
    );
  }
  return ok(`${format(network)}/${prefix}`);
}

// ---------------------------------------------------------------- domain

const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/**
 * Underscores are outside the hostname (LDH) rule but legal in DNS, resolved by browsers and
 * seen in real malicious subdomains, so they are accepted below the top-level label.
 */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
const TOP_LEVEL_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function normaliseDomain(input: string): Parsed<string> {
  // One trailing dot is the DNS root: `example.com.` and `example.com` are the same name.
  const name = input.endsWith('.') ? input.slice(0, -1) : input;
  // URL-style parsers stop at delimiters ('a/b.com' -> 'a') and decode '%41'; anything that is
  // not a hostname character is refused before IDNA can reinterpret it.
  const bad = firstCharNotIn(name, /[A-Za-z0-9._-]|\P{ASCII}/u);
  if (bad !== undefined) return fail(`character ${describeChar(bad)} is not allowed`);
  const isAscii = !/\P{ASCII}/u.test(name);
  if (isAscii) {
    const structure = checkDomainStructure(name.toLowerCase());
    if (!structure.ok) return structure;
  }
  const mapped = domainToASCII(name);
  if (mapped.length === 0) return fail('not a valid internationalised domain name (IDNA)');
  // IDNA maps full stops such as U+3002 to '.', so a trailing root dot can appear only now.
  const ascii = !isAscii && mapped.endsWith('.') ? mapped.slice(0, -1) : mapped;
  const structure = checkDomainStructure(ascii);
  if (!structure.ok) return structure;
  if (isAscii && ascii !== name.toLowerCase()) {
    return fail(`is read by URL parsers as '${ascii}'`);
  }
  return structure;
}

function checkDomainStructure(name: string): Parsed<string> {
  if (name.length === 0) return fail('empty');
  if (name.length > MAX_DOMAIN_LENGTH) {
    return fail(`too long (${name.length} characters, at most ${MAX_DOMAIN_LENGTH})`);
  }
  const labels = name.split('.');
  if (labels.length < 2) return fail(`'${name}' has a single label; expected at least two`);
  const top = labels[labels.length - 1] ?? '';
  for (const label of labels) {
    if (label.length === 0) return fail('empty label (consecutive dots)');
    if (label.length > MAX_LABEL_LENGTH) {
      return fail(`label '${label}' is ${label.length} characters (at most ${MAX_LABEL_LENGTH})`);
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return fail(`label '${label}' starts or ends with a hyphen`);
    }
    if (!LABEL.test(label)) {
      return fail(`label '${label}' has characters outside a-z, 0-9, - and _`);
    }
  }
  // An all-numeric last label makes URL parsers read the whole name as an IPv4 address.
  if (/^\d+$/.test(top)) return fail(`'${name}' looks like an IP address; use ipv4`);
  if (!TOP_LEVEL_LABEL.test(top)) return fail(`top-level label '${top}' is not a-z, 0-9 and -`);
  return ok(name);
}

// ---------------------------------------------------------------- URL

const URL_SCHEMES = new Set(['http:', 'https:', 'ftp:']);

function normaliseUrl(input: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail('not an absolute URL');
  }
  if (!URL_SCHEMES.has(url.protocol)) {
    return fail(`scheme '${url.protocol.slice(0, -1)}' not allowed (http, https or ftp)`);
  }
  // The fragment never reaches the server, so two URLs that differ only there are one indicator.
  url.hash = '';
  const host = url.hostname;
  // WHATWG has already canonicalised IP hosts (`0x7f.1` -> `127.0.0.1`, IPv6 per RFC 5952).
  const isIpHost = host.startsWith('[') || parseIpv4(host).ok;
  if (!isIpHost) {
    const domain = normaliseDomain(host);
    if (!domain.ok) return fail(`host: ${domain.reason}`);
    if (domain.value !== host) url.hostname = domain.value;
  }
  return ok(url.href);
}

// ---------------------------------------------------------------- hashes

function normaliseHex(input: string, length: number): Parsed<string> {
  const bad = firstCharNotIn(input, /[0-9A-Fa-f]/);
  if (bad !== undefined) return fail(`non-hex character ${describeChar(bad)}`);
  if (input.length !== length) {
    return fail(`expected ${length} hex characters, got ${input.length}`);
  }
  return ok(input.toLowerCase());
}

// ---------------------------------------------------------------- email

const MAX_LOCAL_PART = 64;
const MAX_EMAIL_LENGTH = 254;
/** RFC 5322 dot-atom; quoted local parts are legal but vanishingly rare in indicators. */
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;

function normaliseEmail(input: string): Parsed<string> {
  const at = input.lastIndexOf('@');
  if (at < 0) return fail("missing '@'");
  const local = input.slice(0, at);
  const domainPart = input.slice(at + 1);
  if (local.length === 0) return fail('empty local part');
  if (local.length > MAX_LOCAL_PART) {
    return fail(`local part is ${local.length} characters (at most ${MAX_LOCAL_PART})`);
  }
  // Local parts are case-sensitive by RFC 5321, so they are kept as written.
  for (const atom of local.split('.')) {
    if (atom.length === 0) return fail("local part has a leading, trailing or double '.'");
    if (!ATOM.test(atom)) {
      return fail('local part must be an unquoted ASCII dot-atom (RFC 5322)');
    }
  }
  if (domainPart.endsWith('.')) return fail('domain: trailing dot is not allowed in an address');
  const domain = normaliseDomain(domainPart);
  if (!domain.ok) return fail(`domain: ${domain.reason}`);
  const address = `${local}@${domain.value}`;
  if (address.length > MAX_EMAIL_LENGTH) {
    return fail(`too long (${address.length} characters, at most ${MAX_EMAIL_LENGTH})`);
  }
  return ok(address);
}

// ---------------------------------------------------------------- breadth

/**
 * How wide an indicator may be. An indicator is a claim that something is malicious; one that
 * matches every address (a default route) or every name under a registry (a top-level domain,
 * a public suffix) claims that of everyone, floods every subscriber's blocklist, and turns
 * every recorded flow into a "match" that could be cited as evidence.
 */
export interface IndicatorBreadth {
  /** Shortest IPv4 prefix a CIDR indicator may have. */
  minPrefixV4: number;
  /** Shortest IPv6 prefix a CIDR indicator may have. */
  minPrefixV6: number;
}

/**
 * /8 is the largest block IANA ever allocated to one holder (a whole RIR allocation unit): a
 * broader IPv4 range spans several unrelated networks. /32 is the smallest allocation an RIR
 * makes to an IPv6 network (an ISP): a broader IPv6 range spans several providers.
 */
export const DEFAULT_INDICATOR_BREADTH: IndicatorBreadth = { minPrefixV4: 8, minPrefixV6: 32 };

/**
 * IPv6 /96 spaces whose last 32 bits are an IPv4 address: a range inside one is as wide as the
 * IPv4 range it embeds, and a range containing one covers every IPv4 address.
 */
const IPV4_EMBEDDINGS: readonly { name: string; groups: readonly number[] }[] = [
  { name: 'IPv4-mapped', groups: [0, 0, 0, 0, 0, 0xffff] },
  { name: 'IPv4-compatible', groups: [0, 0, 0, 0, 0, 0] },
  { name: 'NAT64', groups: [0x64, 0xff9b, 0, 0, 0, 0] },
];

/** Second-level labels under which a country's registry hands out names (`co.jp`, `gov.uk`). */
// prettier-ignore
const REGISTRY_SECOND_LEVEL = new Set([
  'ac', 'ad', 'co', 'com', 'ed', 'edu', 'go', 'gob', 'gov', 'gr', 'lg', 'ltd', 'mil', 'ne',
  'net', 'nom', 'or', 'org', 'plc', 'sch',
]);

/** Geographic second-level domains of .jp (prefectures and designated cities): public suffixes. */
// prettier-ignore
const JP_GEOGRAPHIC = new Set([
  'aichi', 'akita', 'aomori', 'chiba', 'ehime', 'fukui', 'fukuoka', 'fukushima', 'gifu',
  'gunma', 'hiroshima', 'hokkaido', 'hyogo', 'ibaraki', 'ishikawa', 'iwate', 'kagawa',
  'kagoshima', 'kanagawa', 'kochi', 'kumamoto', 'kyoto', 'mie', 'miyagi', 'miyazaki', 'nagano',
  'nagasaki', 'nara', 'niigata', 'oita', 'okayama', 'okinawa', 'osaka', 'saga', 'saitama',
  'shiga', 'shimane', 'shizuoka', 'tochigi', 'tokushima', 'tokyo', 'tottori', 'toyama',
  'wakayama', 'yamagata', 'yamaguchi', 'yamanashi', 'kawasaki', 'kitakyushu', 'kobe', 'nagoya',
  'sapporo', 'sendai', 'yokohama',
]);

/**
 * Why a normalised indicator value would match (nearly) everything, or null when it names
 * something specific enough to publish. Only CIDR ranges and domains can be that wide: a single
 * address, a URL, a hash or an address of e-mail names one thing.
 *
 * - a CIDR range: never a default route (`0.0.0.0/0`, `::/0`); an IPv4 prefix at least
 *   `minPrefixV4`, an IPv6 prefix at least `minPrefixV6`; an IPv6 range that contains a whole
 *   IPv4-embedding /96 (IPv4-mapped, -compatible, NAT64) covers every IPv4 address and is
 *   refused, one inside such a /96 is judged by the IPv4 prefix it embeds;
 * - a domain: never a single label (a top-level domain, which normalisation already refuses),
 *   nor a public suffix where registries hand out names: a registry label under a two-letter
 *   country code (`co.jp`, `gov.uk`, `com.au`) or a geographic .jp domain (`tokyo.jp`).
 */
export function breadthProblem(
  type: IndicatorType,
  value: string,
  breadth: IndicatorBreadth = DEFAULT_INDICATOR_BREADTH,
): string | null {
  if (type === 'cidr') return cidrBreadthProblem(value, breadth);
  if (type === 'domain') return domainBreadthProblem(value);
  return null;
}

/**
 * The value as it would be published: normalised, and refused when it matches (nearly)
 * everything (`breadthProblem`). What the gateway, the batch endpoint, the CLI's dry run and
 * the indicators decider all apply before an indicator exists.
 */
export function publishableIndicatorValue(
  type: IndicatorType,
  raw: string,
  breadth: IndicatorBreadth = DEFAULT_INDICATOR_BREADTH,
): IndicatorValueResult {
  const normalised = normaliseIndicatorValue(type, raw);
  if (!normalised.ok) return normalised;
  const problem = breadthProblem(type, normalised.value, breadth);
  return problem === null ? normalised : fail(`${type}: ${problem}`);
}

const count = (bits: number): string => (2 ** bits).toLocaleString('en-US');

function cidrBreadthProblem(value: string, b: IndicatorBreadth): string | null {
  const slash = value.indexOf('/');
  if (slash < 0) return null;
  const address = value.slice(0, slash);
  const prefix = Number(value.slice(slash + 1));
  if (!Number.isInteger(prefix)) return null;
  if (!address.includes(':')) {
    if (prefix === 0) return `${value} is the default route: it matches every IPv4 address`;
    return prefix < b.minPrefixV4
      ? `${value} is too broad (${count(32 - prefix)} addresses): an IPv4 range may be at most a /${b.minPrefixV4}`
      : null;
  }
  if (prefix === 0) return `${value} is the default route: it matches every IPv6 address`;
  if (prefix < b.minPrefixV6) {
    return `${value} is too broad (2^${128 - prefix} addresses): an IPv6 range may be at most a /${b.minPrefixV6}`;
  }
  const groups = parseIpv6(address);
  if (!groups.ok) return null;
  for (const e of IPV4_EMBEDDINGS) {
    if (prefix <= 96 && samePrefix(groups.value, e.groups, prefix)) {
      return `${value} contains the ${e.name} range, so it matches every IPv4 address`;
    }
    if (prefix > 96 && samePrefix(groups.value, e.groups, 96) && prefix - 96 < b.minPrefixV4) {
      return `${value} is too broad: as an ${e.name} range it spans ${count(128 - prefix)} IPv4 addresses, and an IPv4 range may be at most a /${b.minPrefixV4}`;
    }
  }
  return null;
}

/** Whether the first `bits` bits of two addresses (16-bit groups) agree. */
function samePrefix(a: readonly number[], b: readonly number[], bits: number): boolean {
  for (let i = 0; bits > 0; i += 1, bits -= 16) {
    const keep = Math.min(16, bits);
    const mask = (0xffff << (16 - keep)) & 0xffff;
    if (((a[i] ?? 0) & mask) !== ((b[i] ?? 0) & mask)) return false;
  }
  return true;
}

function domainBreadthProblem(name: string): string | null {
  const labels = name.split('.');
  if (labels.length < 2) {
    return `'${name}' is a top-level domain: it would match every name registered under it`;
  }
  if (labels.length !== 2) return null;
  const [second = '', top = ''] = labels;
  const registry =
    (/^[a-z]{2}$/.test(top) && REGISTRY_SECOND_LEVEL.has(second)) ||
    (top === 'jp' && JP_GEOGRAPHIC.has(second));
  return registry
    ? `'${name}' is a public suffix: it would match every domain registered under it`
    : null;
}
