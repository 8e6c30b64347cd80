import fc from 'fast-check';
import type { Reader } from '../entitlement.policy';
import type { Organisation } from '../organisation';

/**
 * Any of these organisations as a reader: bound to the council's confidentiality, not bound, or
 * with its standing not resolved at all (an `Organisation` as the registry holds it).
 */
export const asReaders = (organisations: fc.Arbitrary<Organisation>): fc.Arbitrary<Reader> =>
  fc
    .tuple(organisations, fc.constantFrom(true, false, undefined))
    .map(([o, bound]) => (bound === undefined ? o : { ...o, councilBound: bound }));
