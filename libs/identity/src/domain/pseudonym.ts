import { createHmac } from 'node:crypto';
import type { Organisation, OrgKind } from './organisation';

/**
 * Submitter pseudonyms, as CISA AIS does it: when an operator's indicator reaches organisations
 * outside the government, the publisher appears as a stable pseudonym unless it consented to be
 * named. Government bodies, which receive reports by law, and the publisher itself see the
 * organisation; only the cabinet cyber office may re-identify a pseudonym for anyone else, and
 * each re-identification is an event with its reason.
 */
export const GOVERNMENT_KINDS: readonly OrgKind[] = [
  'cabinet-office',
  'ministry',
  'police',
  'sdf',
  'oversight-commission',
];

/**
 * A keyed hash of the organisation id: stable for as long as the key is, and without the key
 * nobody can test candidate ids against it (there are only a few hundred operators, so an
 * unkeyed hash would be reversed by trying them all).
 */
export function pseudonymFor(orgId: string, key: string): string {
  const mac = createHmac('sha256', key).update(`acd-publisher:${orgId}`).digest('base64url');
  return `anon-${mac.slice(0, 12)}`;
}

export function seesPublisher(
  viewer: Organisation,
  item: { publisherOrgId: string; disclosePublisher: boolean },
): boolean {
  return (
    item.disclosePublisher ||
    item.publisherOrgId === viewer.id ||
    GOVERNMENT_KINDS.includes(viewer.kind)
  );
}
