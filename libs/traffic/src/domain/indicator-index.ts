import {
  breadthProblem,
  DEFAULT_INDICATOR_BREADTH,
  type IndicatorBreadth,
  type IndicatorEvent,
} from '@acd/indicators/domain';
import { parseIp, type IpAddress } from './ip-address';
import { PrefixTrie } from './prefix-trie';

/** Indicator types a flow's metadata can match; the others (hashes, URLs, e-mail) cannot. */
export const MATCHABLE_TYPES = ['ipv4', 'ipv6', 'cidr', 'domain'] as const;
export type MatchableType = (typeof MATCHABLE_TYPES)[number];

export type MatchedOn = 'address' | 'cidr' | 'domain';
/** Which end of the flow matched; null when the flow's domain matched (it names no endpoint). */
export type MatchedEndpoint = 'source' | 'destination' | 'both' | null;

export interface IndicatorEntry {
  indicatorId: string;
  type: MatchableType;
  /** Normalised value, as published. */
  value: string;
  tlp: string;
}

export interface FlowMatch {
  indicatorId: string;
  indicatorType: MatchableType;
  indicatorValue: string;
  tlp: string;
  matchedOn: MatchedOn;
  endpoint: MatchedEndpoint;
}

/** The parts of a flow that can match. Addresses and domain in their normalised spelling. */
export interface MatchableFlow {
  srcAddress: string;
  dstAddress: string;
  domain: string | null;
}

interface Known {
  version: number;
  entry: IndicatorEntry | null;
}

const isMatchable = (t: string): t is MatchableType =>
  (MATCHABLE_TYPES as readonly string[]).includes(t);

const keyOf = (a: IpAddress): ArrayLike<number> => (a.family === 4 ? [a.value] : a.words);

/**
 * The indicators currently in force that a flow can match: published and not revoked, with the
 * TLP of their latest version. Built by folding `acd.indicator.events.v1`; each indicator's
 * events apply in version order and a version already applied is ignored, so reading the log
 * again from the start (a restart, a rebalance) leaves the index as it was, never briefly
 * reviving a revoked indicator.
 *
 * Exact addresses and domains are hash look-ups; CIDRs sit in a binary trie per family; a
 * flow's domain matches an indicator for it or for any parent domain (`a.evil.example` matches
 * `evil.example`).
 *
 * An indicator too broad to be published today (a default route, a range wider than the
 * breadth bounds, a public suffix: `breadthProblem`) is never indexed, so one published before
 * that rule existed matches no flow and cannot be cited as evidence through a match.
 */
export class IndicatorIndex {
  constructor(private readonly breadth: IndicatorBreadth = DEFAULT_INDICATOR_BREADTH) {}

  private readonly known = new Map<string, Known>();
  private readonly addresses = new Map<string, Set<string>>();
  private readonly domains = new Map<string, Set<string>>();
  private readonly cidr4 = new PrefixTrie<string>(32);
  private readonly cidr6 = new PrefixTrie<string>(128);

  /** Indicators in force. */
  get size(): number {
    let n = 0;
    for (const k of this.known.values()) if (k.entry) n += 1;
    return n;
  }

  entry(indicatorId: string): IndicatorEntry | null {
    return this.known.get(indicatorId)?.entry ?? null;
  }

  /** Folds one indicator event; returns false when it changed nothing. */
  apply(event: IndicatorEvent, version: number): boolean {
    const id = event.data.indicatorId;
    const known = this.known.get(id);
    if (known && version <= known.version) return false;
    const before = known?.entry ?? null;
    let after: IndicatorEntry | null = before;
    switch (event.type) {
      case 'IndicatorPublished': {
        const d = event.data;
        after =
          isMatchable(d.indicatorType) &&
          breadthProblem(d.indicatorType, d.value, this.breadth) === null
            ? { indicatorId: id, type: d.indicatorType, value: d.value, tlp: d.tlp }
            : null;
        break;
      }
      case 'IndicatorUpdated':
        after = before ? { ...before, tlp: event.data.tlp } : null;
        break;
      case 'IndicatorRevoked':
        after = null;
        break;
      case 'IndicatorSighted':
      case 'PublisherReidentified':
        break;
      default: {
        const never: never = event;
        void never;
      }
    }
    this.known.set(id, { version, entry: after });
    if (before && (!after || after.value !== before.value || after.type !== before.type)) {
      this.unindex(before);
    }
    if (after && (!before || after.value !== before.value || after.type !== before.type)) {
      this.index(after);
    }
    return true;
  }

  /** Every indicator the flow matches, one result per indicator, ordered by indicator id. */
  match(flow: MatchableFlow): FlowMatch[] {
    // Most flows match nothing: allocate only once something is found.
    let found: Map<string, { on: MatchedOn; src: boolean; dst: boolean }> | undefined;
    const note = (id: string, on: MatchedOn, end: 'src' | 'dst' | null): void => {
      found ??= new Map();
      let f = found.get(id);
      if (!f) {
        f = { on, src: false, dst: false };
        found.set(id, f);
      }
      if (end) f[end] = true;
    };
    this.matchAddress(flow.srcAddress, 'src', note);
    this.matchAddress(flow.dstAddress, 'dst', note);
    if (flow.domain !== null && this.domains.size > 0) {
      let name = flow.domain;
      for (;;) {
        const ids = this.domains.get(name);
        if (ids) for (const id of ids) note(id, 'domain', null);
        const dot = name.indexOf('.');
        // Indicators have at least two labels; a lone top-level label is never one.
        if (dot < 0 || name.indexOf('.', dot + 1) < 0) break;
        name = name.slice(dot + 1);
      }
    }
    if (!found) return [];
    const out: FlowMatch[] = [];
    for (const [id, f] of found) {
      const e = this.known.get(id)?.entry;
      if (!e) continue;
      out.push({
        indicatorId: id,
        indicatorType: e.type,
        indicatorValue: e.value,
        tlp: e.tlp,
        matchedOn: f.on,
        endpoint: f.src && f.dst ? 'both' : f.src ? 'source' : f.dst ? 'destination' : null,
      });
    }
    return out.sort((a, b) => (a.indicatorId < b.indicatorId ? -1 : 1));
  }

  private matchAddress(
    text: string,
    end: 'src' | 'dst',
    note: (id: string, on: MatchedOn, end: 'src' | 'dst') => void,
  ): void {
    const exact = this.addresses.get(text);
    if (exact) for (const id of exact) note(id, 'address', end);
    const v6 = text.includes(':');
    const trie = v6 ? this.cidr6 : this.cidr4;
    if (trie.size === 0) return;
    const address = parseIp(text);
    if (address) trie.forEachContaining(keyOf(address), (id) => note(id, 'cidr', end));
  }

  private index(e: IndicatorEntry): void {
    switch (e.type) {
      case 'ipv4':
      case 'ipv6':
        addTo(this.addresses, e.value, e.indicatorId);
        return;
      case 'domain':
        addTo(this.domains, e.value, e.indicatorId);
        return;
      case 'cidr': {
        const c = parseCidr(e.value);
        if (c) (c.family === 4 ? this.cidr4 : this.cidr6).add(c.key, c.length, e.indicatorId);
        return;
      }
    }
  }

  private unindex(e: IndicatorEntry): void {
    switch (e.type) {
      case 'ipv4':
      case 'ipv6':
        removeFrom(this.addresses, e.value, e.indicatorId);
        return;
      case 'domain':
        removeFrom(this.domains, e.value, e.indicatorId);
        return;
      case 'cidr': {
        const c = parseCidr(e.value);
        if (c) (c.family === 4 ? this.cidr4 : this.cidr6).delete(c.key, c.length, e.indicatorId);
        return;
      }
    }
  }
}

export function parseCidr(
  value: string,
): { family: 4 | 6; key: ArrayLike<number>; length: number } | null {
  const slash = value.indexOf('/');
  if (slash < 0) return null;
  const address = parseIp(value.slice(0, slash));
  const length = Number(value.slice(slash + 1));
  if (!address || !Number.isInteger(length)) return null;
  if (length < 0 || length > (address.family === 4 ? 32 : 128)) return null;
  return { family: address.family, key: keyOf(address), length };
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let ids = map.get(key);
  if (!ids) {
    ids = new Set();
    map.set(key, ids);
  }
  ids.add(id);
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) map.delete(key);
}
