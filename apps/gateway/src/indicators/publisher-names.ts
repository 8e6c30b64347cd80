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
    // Those who may always know the publisher see both; anyone else sees the name (when it
    // consented) or the pseudonym, never the two together: a name next to its pseudonym would
    // unmask every indicator the publisher shared without consent.
    const privileged = seesPublisher(viewer, { ...item, disclosePublisher: false });
    return {
      orgId: named ? item.publisherOrgId : null,
      pseudonym: named && !privileged ? null : this.pseudonymOf(item.publisherOrgId),
      sector: item.publisherSector,
      named,
    };
  }
}
