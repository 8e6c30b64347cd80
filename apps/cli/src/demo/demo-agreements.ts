import type { AgreementBody } from '../api-client';
import { actor, type DemoCast } from './demo-cast';
import { doneOrConflict, type DemoSession } from './demo-session';

const DAY = 86_400_000;

export interface AgreementsDemo {
  agreements: { active: string; proposed: string };
}

/** Two agreements (当事者協定) as the office proposes them `now`: one to accept, one left open. */
export function demoAgreements({ opA, opB }: DemoCast, now: number) {
  const at = (offset: number) => new Date(now + offset).toISOString();
  return {
    active: {
      operatorId: opA.id,
      networks: ['198.51.100.0/24', '2001:db8:100::/48'],
      categories: ['addresses', 'ports', 'protocols', 'volumes', 'timings'],
      validFrom: at(-DAY),
      validUntil: at(365 * DAY),
      purpose:
        'Learn of attacks on the grid control network: flow metadata of its internet links, matched against the indicators the office holds.',
    } satisfies AgreementBody,
    proposed: {
      operatorId: opB.id,
      networks: ['192.0.2.0/25'],
      categories: ['addresses', 'ports', 'attack-commands'],
      validFrom: at(DAY),
      validUntil: at(2 * 365 * DAY),
      purpose:
        'Detect command traffic towards the signalling network early; machine data only, never contents.',
    } satisfies AgreementBody,
    consent: {
      consent:
        'We consent on behalf of the company to supply flow metadata of the networks named, for the purpose stated.',
    },
  };
}

/**
 * An agreement the first operator accepted (its duty officer's consent recorded) and one the
 * office proposed to the second operator, awaiting its answer.
 */
export async function seedAgreements(
  session: DemoSession,
  cast: DemoCast,
): Promise<AgreementsDemo> {
  const { nco, opA, opB } = cast;
  const bodies = demoAgreements(cast, Date.now());
  const propose = (key: string, body: AgreementBody) =>
    session.send(actor(nco), key, body, (c, b, k) => c.proposeAgreement(b, k));
  const active = (await propose('demo-agreement-active', bodies.active)).agreementId;
  // Accepted by an earlier run: 409 is done.
  await doneOrConflict(
    session.send(actor(opA), 'demo-agreement-consent', bodies.consent, (c, b, k) =>
      c.agreementStep(active, 'acceptance', b, k),
    ),
  );
  session.log(`  ${nco.id} and ${opA.id}: agreement accepted, in force for a year ${active}`);
  const proposed = (await propose('demo-agreement-proposed', bodies.proposed)).agreementId;
  session.log(`  ${nco.id}: agreement proposed to ${opB.id}, awaiting its answer ${proposed}`);
  return { agreements: { active, proposed } };
}
