import { normaliseIndicatorValue } from '@acd/indicators/domain';
import { parseIp } from './ip-address';

/** Epoch milliseconds, UTC. */
export type Millis = number;

/**
 * One flow record: machine data about a connection, never its contents. There is no field for
 * payload, headers or URLs, here, in the HTTP schema (strict: an unknown field is a 400) or in
 * the Avro schema; what is not modelled cannot be collected.
 */
export interface FlowRecord {
  /** Position in the submission (0-based); with the batch id it names the flow. */
  index: number;
  srcAddress: string;
  srcPort: number | null;
  dstAddress: string;
  dstPort: number | null;
  /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …). */
  protocol: number;
  bytes: number;
  packets: number;
  startedAt: Millis;
  endedAt: Millis;
  /** Where the telecom operator observed the flow (its own name for the tap or router). */
  observationPoint: string;
  /** A DNS query name or TLS server name observed as metadata of the flow; normalised. */
  domain: string | null;
  /** Countries of the endpoints by the IP-to-country dataset at acceptance; null if unknown. */
  srcCountry: string | null;
  dstCountry: string | null;
}

/** A flow as submitted, after the edge checked only its JSON shape. */
export interface SubmittedFlow {
  srcAddress: string;
  srcPort?: number | null;
  dstAddress: string;
  dstPort?: number | null;
  protocol: number | string;
  bytes: number;
  packets: number;
  /** ISO 8601 instants. */
  start: string;
  end: string;
  observationPoint: string;
  domain?: string | null;
}

/** Protocol names the edge accepts besides numbers. */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  sctp: 132,
};

/** Protocols whose flows have ports; the others must not carry any. */
export const PORTED_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 132, 33, 136]);

/** How far in the future a flow may end (clock skew between the probe and the bus). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** A flow record is a summary of one connection, not of a day of traffic. */
export const MAX_FLOW_DURATION_MS = 7 * 86_400_000;
/** Volumes beyond this are a probe bug (100 Gbit/s for a week is ~7.6e15 bytes). */
export const MAX_FLOW_BYTES = 2 ** 53 - 1;

export interface FlowIssue {
  index: number;
  field: string;
  reason: string;
}

export type FlowValidation =
  | { ok: true; flow: Omit<FlowRecord, 'srcCountry' | 'dstCountry'> }
  | { ok: false; issue: FlowIssue };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function address(value: string): { ok: true; value: string } | { ok: false; reason: string } {
  const trimmed = value.trim();
  const family = trimmed.includes(':') ? 'ipv6' : 'ipv4';
  const normalised = normaliseIndicatorValue(family, trimmed);
  if (!normalised.ok) return { ok: false, reason: normalised.reason };
  // Ranges are indicators, not endpoints.
  if (parseIp(normalised.value) === null) return { ok: false, reason: `${family}: unreadable` };
  return { ok: true, value: normalised.value };
}

function instant(value: string): number | null {
  if (!ISO_INSTANT.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function port(value: number | null | undefined): number | null | string {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    return 'must be an integer from 0 to 65535';
  }
  return value;
}

/**
 * Checks the values of one flow (the edge has checked the shape) and returns its canonical
 * form: addresses in the indicator normaliser's spelling, so that matching compares like with
 * like, the domain normalised the same way as a domain indicator, instants as epoch millis.
 * The first problem found is reported, with the field it concerns.
 */
export function validateFlow(raw: SubmittedFlow, index: number, now: Millis): FlowValidation {
  const fail = (field: string, reason: string): FlowValidation => ({
    ok: false,
    issue: { index, field, reason },
  });
  const src = address(raw.srcAddress);
  if (!src.ok) return fail('srcAddress', src.reason);
  const dst = address(raw.dstAddress);
  if (!dst.ok) return fail('dstAddress', dst.reason);
  if (src.value.includes(':') !== dst.value.includes(':')) {
    return fail('dstAddress', 'source and destination must both be IPv4 or both IPv6');
  }

  let protocol: number;
  if (typeof raw.protocol === 'string') {
    const n = PROTOCOL_NUMBERS[raw.protocol.trim().toLowerCase()];
    if (n === undefined) {
      return fail(
        'protocol',
        `unknown protocol name '${raw.protocol}' (use ${Object.keys(PROTOCOL_NUMBERS).join(', ')} or a number 0-255)`,
      );
    }
    protocol = n;
  } else if (Number.isInteger(raw.protocol) && raw.protocol >= 0 && raw.protocol <= 255) {
    protocol = raw.protocol;
  } else {
    return fail('protocol', 'must be an IANA protocol number 0-255 or a name such as tcp');
  }

  const srcPort = port(raw.srcPort);
  if (typeof srcPort === 'string') return fail('srcPort', srcPort);
  const dstPort = port(raw.dstPort);
  if (typeof dstPort === 'string') return fail('dstPort', dstPort);
  if (PORTED_PROTOCOLS.has(protocol)) {
    if (srcPort === null) return fail('srcPort', `required for protocol ${protocol}`);
    if (dstPort === null) return fail('dstPort', `required for protocol ${protocol}`);
  } else if (srcPort !== null || dstPort !== null) {
    return fail(srcPort !== null ? 'srcPort' : 'dstPort', `protocol ${protocol} has no ports`);
  }

  if (!Number.isSafeInteger(raw.bytes) || raw.bytes < 0) {
    return fail('bytes', 'must be a non-negative integer');
  }
  if (!Number.isSafeInteger(raw.packets) || raw.packets < 0) {
    return fail('packets', 'must be a non-negative integer');
  }
  if (raw.packets === 0 && raw.bytes > 0) return fail('packets', 'bytes without packets');

  const startedAt = instant(raw.start);
  if (startedAt === null) return fail('start', 'must be an ISO 8601 instant with a zone');
  const endedAt = instant(raw.end);
  if (endedAt === null) return fail('end', 'must be an ISO 8601 instant with a zone');
  if (endedAt < startedAt) return fail('end', 'is before start');
  if (endedAt - startedAt > MAX_FLOW_DURATION_MS) return fail('end', 'flow lasts over 7 days');
  if (endedAt > now + MAX_CLOCK_SKEW_MS) return fail('end', 'is in the future');

  const observationPoint = raw.observationPoint.trim();
  if (observationPoint.length === 0 || observationPoint.length > 128) {
    return fail('observationPoint', 'must be 1 to 128 characters');
  }

  let domain: string | null = null;
  if (raw.domain !== undefined && raw.domain !== null) {
    const d = normaliseIndicatorValue('domain', raw.domain);
    if (!d.ok) return fail('domain', d.reason);
    domain = d.value;
  }

  return {
    ok: true,
    flow: {
      index,
      srcAddress: src.value,
      srcPort,
      dstAddress: dst.value,
      dstPort,
      protocol,
      bytes: raw.bytes,
      packets: raw.packets,
      startedAt,
      endedAt,
      observationPoint,
      domain,
    },
  };
}

/** Where a flow runs, by the countries of its endpoints. */
export type FlowReach =
  /** Both ends in Japan: the law forbids analysing it; refused, counted, never stored. */
  | 'domestic'
  /** At least one end provably abroad: Japan-to-abroad or foreign-to-foreign transit. */
  | 'cross-border'
  /** No end provably abroad and not both provably in Japan (private or unallocated space). */
  | 'unlocated';

export const HOME_COUNTRY = 'JP';

export function reachOf(srcCountry: string | null, dstCountry: string | null): FlowReach {
  if (srcCountry === HOME_COUNTRY && dstCountry === HOME_COUNTRY) return 'domestic';
  const abroad = (c: string | null): boolean => c !== null && c !== HOME_COUNTRY;
  return abroad(srcCountry) || abroad(dstCountry) ? 'cross-border' : 'unlocated';
}
