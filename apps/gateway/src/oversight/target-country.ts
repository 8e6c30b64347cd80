import type { OperationTarget, TargetBody } from '@acd/oversight';
import { countryOfAddress } from '@acd/traffic';

/** The address the dataset is asked about: the address itself, or a network's address. */
const addressOf = (t: TargetBody): string | null =>
  t.type === 'ip' ? t.value : t.type === 'cidr' ? (t.value.split('/')[0] ?? null) : null;

export type ResolvedTarget =
  | { ok: true; target: OperationTarget }
  /** 422: the declaration contradicts the dataset; 400: a country is needed and missing. */
  | { ok: false; status: 400 | 422; field: string; reason: string };

/**
 * Where a target is, which decides who may act on it (abroad: only the police, after
 * consulting the Foreign Minister). For an address or network, the IP-to-country dataset's
 * answer wins where it has one, so an agency cannot declare a foreign server domestic; a
 * declaration that contradicts it is refused (422 naming the field). Where the dataset knows
 * nothing (a domain, an unallocated or private range) the declared country stands.
 */
export function resolveTarget(
  t: TargetBody,
  field = 'target',
  lookup: (ip: string) => string | null = countryOfAddress,
): ResolvedTarget {
  const address = addressOf(t);
  const known = address === null ? null : lookup(address);
  if (known !== null) {
    if (t.country !== undefined && t.country !== known) {
      return {
        ok: false,
        status: 422,
        field: `${field}.country`,
        reason: `${t.value} is in ${known} according to the IP-to-country dataset, not ${t.country}`,
      };
    }
    return { ok: true, target: { type: t.type, value: t.value, country: known } };
  }
  if (t.country === undefined) {
    return {
      ok: false,
      status: 400,
      field: `${field}.country`,
      reason: 'required: the IP-to-country dataset does not know this address',
    };
  }
  return { ok: true, target: { type: t.type, value: t.value, country: t.country } };
}
