import { randomBytes } from 'node:crypto';
import { pseudonymFor, seesPublisher, type Organisation } from '@acd/identity';

/** How an indicator's publisher is shown to one viewer: by name, or by its stable pseudonym. */
export class PublisherNames {
  constructor(private readonly key: string) {}

  static withRandomKey(): PublisherNames {
    return new PublisherNames(randomBytes(32).toString('base64url'));
  }

  pseudonymOf(orgId: string): string {
    return pseudonymFor(orgId, this.key);
  }

  present(
    viewer: Organisation,
    item: { publisherOrgId: string; publisherSector: string | null; disclosePublisher: boolean },
  ): { orgId: string | null; pseudonym: string | null; sector: string | null; named: boolean } {
    const named = seesPublisher(viewer, item);
    // Name and pseudonym together are the map from pseudonyms to organisations: re-identifying
    // is the cabinet cyber office's act alone, so only the office ever receives both. Everyone
    // else gets one of the two: the name where it may know the publisher (the publisher itself,
    // other government bodies, anyone once the publisher consented), the pseudonym otherwise.
    const holdsTheMap = viewer.kind === 'cabinet-office';
    return {
      orgId: named ? item.publisherOrgId : null,
      pseudonym: named && !holdsTheMap ? null : this.pseudonymOf(item.publisherOrgId),
      sector: item.publisherSector,
      named,
    };
  }
}
