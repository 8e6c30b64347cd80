import fc from 'fast-check';
import { ORG_KINDS, type Organisation } from '@acd/identity';
import { PublisherNames } from './publisher-names';

const names = new PublisherNames('k'.repeat(40));
const orgId = fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}$/);

describe('how a publisher is shown', () => {
  it('shows name and pseudonym together to the cabinet office alone, and no outsider the name without consent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORG_KINDS),
        orgId,
        orgId,
        fc.boolean(),
        (kind, viewerId, publisherOrgId, disclosePublisher) => {
          const viewer = { id: viewerId, name: 'v', kind } as Organisation;
          const shown = names.present(viewer, {
            publisherOrgId,
            publisherSector: 'electricity',
            disclosePublisher,
          });
          const outsideGovernment = kind === 'operator' || kind === 'telecom' || kind === 'vendor';
          const outsider = outsideGovernment && viewerId !== publisherOrgId;
          if (kind === 'cabinet-office') {
            // The office alone re-identifies, so it alone holds name and pseudonym together.
            expect(shown).toMatchObject({
              orgId: publisherOrgId,
              pseudonym: names.pseudonymOf(publisherOrgId),
            });
            return;
          }
          // Nobody else ever receives both: not outsiders, not the publisher, not the police.
          expect(shown.orgId !== null && shown.pseudonym !== null).toBe(false);
          if (outsider && !disclosePublisher) {
            expect(shown.orgId).toBeNull();
            expect(shown.pseudonym).toBe(names.pseudonymOf(publisherOrgId));
          } else {
            expect(shown.orgId).toBe(publisherOrgId);
          }
        },
      ),
    );
  });
});
