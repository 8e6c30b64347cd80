import { TLP_LEVELS, TLP_MARKING_IDS, type Tlp } from '@acd/identity/domain';
import type { KillChainPhase } from './indicator.events';
import type { IndicatorType } from './indicator-value';

/**
 * STIX 2.1 objects into indicators the bus can publish (pure). What the bus cannot represent is
 * refused per object with its reason, never dropped in silence: the caller answers each refusal
 * (TAXII status `failures`, the CLI's per-row result).
 */

export type StixPatternResult =
  { ok: true; type: IndicatorType; value: string } | { ok: false; reason: string };

const PATHS: Record<string, IndicatorType | 'address'> = {
  'ipv4-addr:value': 'address',
  'ipv6-addr:value': 'address',
  'domain-name:value': 'domain',
  'url:value': 'url',
  'email-addr:value': 'email',
  "file:hashes.'SHA-256'": 'sha256',
  'file:hashes.SHA256': 'sha256',
  "file:hashes.'SHA-1'": 'sha1',
  'file:hashes.SHA1': 'sha1',
  'file:hashes.MD5': 'md5',
  "file:hashes.'MD5'": 'md5',
};

/**
 * The one comparison `[object-path = 'value']` the bus can hold as an indicator. Anything else (a
 * second comparison, another operator, a qualifier, an object path of no indicator type) is
 * refused with what it was.
 */
export function parseStixPattern(pattern: string): StixPatternResult {
  const m = /^\s*\[\s*([a-z0-9-]+:[A-Za-z0-9_.'-]+)\s*(\S+)\s*'((?:[^'\\]|\\.)*)'\s*\]\s*$/.exec(
    pattern,
  );
  if (!m) {
    return {
      ok: false,
      reason: "only a single comparison [object:property = 'value'] can be held as an indicator",
    };
  }
  const [, path, op, raw] = m as unknown as [string, string, string, string];
  if (op !== '=') return { ok: false, reason: `operator ${op} cannot be held; only =` };
  const kind = PATHS[path];
  if (!kind) return { ok: false, reason: `${path} is not an indicator type of the bus` };
  const value = raw.replace(/\\(.)/g, '$1');
  if (kind !== 'address') return { ok: true, type: kind, value };
  const v6 = path.startsWith('ipv6');
  return { ok: true, type: value.includes('/') ? 'cidr' : v6 ? 'ipv6' : 'ipv4', value };
}

/** STIX 2.1's own TLP 1.0 marking definitions, read as their TLP 2.0 successors. */
const TLP1_MARKING_IDS: Readonly<Record<string, Tlp>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};

const TLP_OF_MARKING: ReadonlyMap<string, Tlp> = new Map([
  ...TLP_LEVELS.map((t) => [TLP_MARKING_IDS[t], t] as const),
  ...Object.entries(TLP1_MARKING_IDS),
]);

/** A publish body as the gateway's publish schema takes it. */
/** Objects a bundle carries to describe its indicators, not to be published themselves. */
export const STIX_CONTEXT_TYPES: ReadonlySet<string> = new Set([
  'identity',
  'marking-definition',
  'extension-definition',
]);

export interface ImportedIndicator {
  type: IndicatorType;
  value: string;
  tlp: Tlp;
  confidence?: number;
  validFrom?: string;
  validUntil?: string;
  description?: string;
  cves: string[];
  killChainPhases: KillChainPhase[];
}

export type StixImportResult =
  | { ok: true; stixId: string; indicator: ImportedIndicator }
  | { ok: false; stixId: string | null; reason: string };

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * One STIX object of a bundle. Only `indicator` objects with a STIX pattern become indicators;
 * the TLP comes from the object's markings (TLP 2.0, or STIX's TLP 1.0 with WHITE read as CLEAR),
 * and the most restrictive wins when several are given; an object without one is refused rather
 * than published under a label its author never chose.
 */
export function indicatorFromStix(obj: unknown): StixImportResult {
  if (!isRecord(obj)) return { ok: false, stixId: null, reason: 'not a STIX object' };
  const stixId = typeof obj.id === 'string' ? obj.id : null;
  const refuse = (reason: string): StixImportResult => ({ ok: false, stixId, reason });
  if (obj.type !== 'indicator') return refuse(`a ${String(obj.type)} is not an indicator`);
  if (!stixId) return refuse('an indicator needs an id');
  if (obj.pattern_type !== 'stix')
    return refuse(`pattern_type ${String(obj.pattern_type)} cannot be held; only stix`);
  if (typeof obj.pattern !== 'string') return refuse('an indicator needs a pattern');
  const parsed = parseStixPattern(obj.pattern);
  if (!parsed.ok) return refuse(parsed.reason);
  const markings = Array.isArray(obj.object_marking_refs) ? obj.object_marking_refs : [];
  const tlps = markings.map((m) => TLP_OF_MARKING.get(String(m))).filter((t) => t !== undefined);
  if (tlps.length === 0) return refuse('no TLP marking: the bus publishes nothing unlabelled');
  const tlp = tlps.reduce((a, b) => (TLP_LEVELS.indexOf(b) > TLP_LEVELS.indexOf(a) ? b : a));
  const refs = Array.isArray(obj.external_references) ? obj.external_references : [];
  const cves = refs
    .filter(isRecord)
    .filter((r) => r.source_name === 'cve' && typeof r.external_id === 'string')
    .map((r) => String(r.external_id));
  const phases = Array.isArray(obj.kill_chain_phases) ? obj.kill_chain_phases : [];
  const killChainPhases = phases
    .filter(isRecord)
    .filter((p) => typeof p.kill_chain_name === 'string' && typeof p.phase_name === 'string')
    .map((p) => ({ killChainName: String(p.kill_chain_name), phaseName: String(p.phase_name) }));
  const text = (k: string) => (typeof obj[k] === 'string' ? { [k]: obj[k] as string } : {});
  return {
    ok: true,
    stixId,
    indicator: {
      type: parsed.type,
      value: parsed.value,
      tlp,
      ...(typeof obj.confidence === 'number' ? { confidence: obj.confidence } : {}),
      ...(typeof obj.valid_from === 'string' ? { validFrom: obj.valid_from } : {}),
      ...(typeof obj.valid_until === 'string' ? { validUntil: obj.valid_until } : {}),
      ...text('description'),
      cves,
      killChainPhases,
    },
  };
}
