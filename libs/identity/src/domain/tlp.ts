import { parsedFail, parsedOk, type Parsed } from './parsed';

/** TLP 2.0 labels, from the least to the most restrictive. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;

export type Tlp = (typeof TLP_LEVELS)[number];

export function isTlp(value: unknown): value is Tlp {
  return typeof value === 'string' && (TLP_LEVELS as readonly string[]).includes(value);
}

/** 0 for CLEAR up to 4 for RED. */
export function tlpRank(tlp: Tlp): number {
  return TLP_LEVELS.indexOf(tlp);
}

export function isMoreRestrictive(a: Tlp, b: Tlp): boolean {
  return tlpRank(a) > tlpRank(b);
}

/**
 * Accepts the canonical label, any letter case and the `TLP:` prefix used in STIX marking
 * definitions. TLP 1.0's WHITE is refused rather than mapped, so that a sender on the old
 * version learns that the label changed instead of having it silently rewritten.
 */
export function parseTlp(value: unknown): Parsed<Tlp> {
  if (typeof value !== 'string') {
    return parsedFail(`tlp: expected a string, one of ${TLP_LEVELS.join(', ')}`);
  }
  const label = value.trim().toUpperCase().replace(/^TLP:/, '');
  if (isTlp(label)) return parsedOk(label);
  if (label === 'WHITE') return parsedFail('tlp: WHITE is TLP 1.0; TLP 2.0 calls it CLEAR');
  return parsedFail(`tlp: ${JSON.stringify(value)} is not one of ${TLP_LEVELS.join(', ')}`);
}
