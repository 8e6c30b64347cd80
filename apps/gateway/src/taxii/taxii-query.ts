import { createHash } from 'node:crypto';
import type { FeedPosition } from '@acd/persistence';
import type { VersionMatch } from '@acd/indicators';

/** A query parameter TAXII cannot take: answered 400, naming it and why. */
export class TaxiiQueryError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const badRequest = ([issue]: { field: string; reason: string }[]) =>
  new TaxiiQueryError(issue?.field ?? '(query)', issue?.reason ?? 'invalid');

/** The most objects one page holds, whatever `limit` asks; the default when it asks nothing. */
export const TAXII_MAX_PAGE = 10_000;
export const TAXII_DEFAULT_PAGE = 100;

/** A TAXII timestamp: RFC 3339 in UTC, fractions of a second optional. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export interface TaxiiFilters {
  /** Strictly after (epoch ms, rounded down: an object added at a later millisecond is after). */
  addedAfter?: number;
  ids?: Set<string>;
  types?: Set<string>;
  versions: VersionMatch;
  specVersions?: Set<string>;
}

export interface TaxiiListQuery extends TaxiiFilters {
  limit: number;
  next?: string;
}

type RawQuery = Record<string, unknown>;

/** A query parameter, whether the framework kept `match[id]` as a name or nested it. */
function param(q: RawQuery, name: string): string | undefined {
  const nested = /^match\[(\w+)\]$/.exec(name);
  let v = q[name];
  if (v === undefined && nested) {
    const m = q.match;
    if (typeof m === 'object' && m !== null) v = (m as RawQuery)[nested[1] as string];
  }
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest([{ field: name, reason: 'give it once' }]);
  return v;
}

function list(q: RawQuery, name: string): string[] | undefined {
  const v = param(q, name);
  if (v === undefined) return undefined;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw badRequest([{ field: name, reason: 'empty' }]);
  if (items.length > 1000) throw badRequest([{ field: name, reason: 'at most 1000 values' }]);
  return items;
}

export function parseTimestamp(field: string, v: string): number {
  if (!TIMESTAMP.test(v)) {
    throw badRequest([{ field, reason: 'a timestamp like 2026-12-06T09:30:00.000Z' }]);
  }
  const ms = Date.parse(v.replace(/(\.\d{3})\d+Z$/, '$1Z'));
  if (Number.isNaN(ms)) throw badRequest([{ field, reason: 'not a valid date' }]);
  return ms;
}

/** The filters of an objects, manifest or object request, validated; 400 names what is wrong. */
export function parseFilters(q: RawQuery, defaults: { version: 'last' | 'all' }): TaxiiFilters {
  const f: TaxiiFilters = {
    versions: { last: false, first: false, all: false, at: new Set() },
  };
  const after = param(q, 'added_after');
  if (after !== undefined) f.addedAfter = parseTimestamp('added_after', after);
  const ids = list(q, 'match[id]');
  if (ids) {
    for (const id of ids) {
      if (
        !/^[a-z0-9-]{1,250}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
      ) {
        throw badRequest([{ field: 'match[id]', reason: `${id.slice(0, 80)} is not a STIX id` }]);
      }
    }
    f.ids = new Set(ids);
  }
  const types = list(q, 'match[type]');
  if (types) f.types = new Set(types);
  const specs = list(q, 'match[spec_version]');
  if (specs) f.specVersions = new Set(specs);
  const versions = list(q, 'match[version]') ?? [defaults.version];
  const at = new Set<string>();
  for (const v of versions) {
    if (v === 'last') f.versions.last = true;
    else if (v === 'first') f.versions.first = true;
    else if (v === 'all') f.versions.all = true;
    else at.add(new Date(parseTimestamp('match[version]', v)).toISOString());
  }
  f.versions = { ...f.versions, at };
  return f;
}

export function parseListQuery(q: RawQuery, defaults: { version: 'last' | 'all' }): TaxiiListQuery {
  const f = parseFilters(q, defaults);
  const rawLimit = param(q, 'limit');
  let limit = TAXII_DEFAULT_PAGE;
  if (rawLimit !== undefined) {
    if (!/^\d{1,9}$/.test(rawLimit)) {
      throw badRequest([{ field: 'limit', reason: 'a whole number' }]);
    }
    // 0 asks for nothing in particular: the default page. (A page cut short by the time budget
    // makes some clients ask for as many as they last got, and that can be none.)
    if (Number(rawLimit) > 0) limit = Math.min(Number(rawLimit), TAXII_MAX_PAGE);
  }
  const next = param(q, 'next');
  return { ...f, limit, ...(next !== undefined ? { next } : {}) };
}

/** A digest of the filters a cursor was issued under: reusing it with others is a 400. */
function filtersDigest(collection: string, f: TaxiiFilters): string {
  const canonical = JSON.stringify([
    collection,
    f.addedAfter ?? null,
    f.ids ? [...f.ids].sort() : null,
    f.types ? [...f.types].sort() : null,
    f.specVersions ? [...f.specVersions].sort() : null,
    [f.versions.last, f.versions.first, f.versions.all, [...f.versions.at].sort()],
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/**
 * `next`: where the page ended in the collection (for indicators a position per partition of its
 * log), bound to the filters it was issued under. Opaque to clients; stable while objects are
 * added, because a position in an append-only log never moves. Forging one gains nothing: every
 * entry is judged by the entitlement policy wherever a read starts.
 */
export function encodeTaxiiCursor(collection: string, f: TaxiiFilters, at: unknown): string {
  return Buffer.from(JSON.stringify({ v: 1, h: filtersDigest(collection, f), at })).toString(
    'base64url',
  );
}

const invalidCursor = () =>
  badRequest([{ field: 'next', reason: 'not a cursor this server issued' }]);

/** The place a cursor holds, once it is known to be ours and issued for these filters. */
export function decodeTaxiiCursor(collection: string, f: TaxiiFilters, s: string): unknown {
  if (s.length > 100_000 || !/^[A-Za-z0-9_-]+$/.test(s)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidCursor();
  const { v, h, at } = parsed as { v?: unknown; h?: unknown; at?: unknown };
  if (v !== 1) throw invalidCursor();
  if (h !== filtersDigest(collection, f)) {
    throw badRequest([
      { field: 'next', reason: 'issued for other filters: repeat the request that gave it' },
    ]);
  }
  return at;
}

/** A log position (partition: page and entry), or a 400. */
export function asLogPosition(at: unknown): FeedPosition {
  if (typeof at !== 'object' || at === null || Array.isArray(at)) throw invalidCursor();
  const position: FeedPosition = {};
  const entries = Object.entries(at as Record<string, unknown>);
  if (entries.length > 10_000) throw invalidCursor();
  for (const [k, x] of entries) {
    if (!/^\d{1,6}$/.test(k) || typeof x !== 'object' || x === null) throw invalidCursor();
    const { n, i } = x as { n?: unknown; i?: unknown };
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(i)) throw invalidCursor();
    if ((n as number) < 0 || (i as number) < 0) throw invalidCursor();
    position[k] = { n: n as number, i: i as number };
  }
  return position;
}

/** A place in a generation of a version log (`{g, p}`), or a 400. */
export function asLogPlace(at: unknown): { generation: number; position: FeedPosition } {
  if (typeof at !== 'object' || at === null) throw invalidCursor();
  const { g, p } = at as { g?: unknown; p?: unknown };
  if (!Number.isSafeInteger(g) || (g as number) < 0) throw invalidCursor();
  return { generation: g as number, position: asLogPosition(p) };
}

/** A place in a list ordered by change (time, then id), or a 400. */
export function asChangePlace(at: unknown): { t: number; id: string } {
  if (typeof at !== 'object' || at === null) throw invalidCursor();
  const { t, id } = at as { t?: unknown; id?: unknown };
  if (!Number.isSafeInteger(t) || typeof id !== 'string' || id.length > 200) throw invalidCursor();
  return { t: t as number, id };
}
