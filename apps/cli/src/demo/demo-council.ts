import type { ConstituteCouncilBody } from '../api-client';
import { actor, type DemoCast } from './demo-cast';
import { doneOrConflict, type DemoSession } from './demo-session';

export interface CouncilDemo {
  council: { bound: string[]; admitted: string[] };
}

export const DEMO_COUNCIL = {
  name: 'Cybersecurity Council (demo)',
  purpose:
    'Share analysis of attacks on critical infrastructure among operators, telecoms and agencies; what is shared here is confidential.',
} satisfies ConstituteCouncilBody;

export const DEMO_UNDERTAKING = {
  statement:
    'I acknowledge that what is shared in the council is confidential and that leaking it is a crime; I will keep it so.',
};

/** Who sits on the demo council: the first operator bound, the telecom and the police admitted. */
export function demoCouncilMembers({ opA, telecom, police }: DemoCast) {
  return { bound: [opA], admitted: [telecom, police] };
}

/**
 * The council constituted by the office with three members; the first operator's duty officer
 * has acknowledged its confidentiality, so it reads the roster; the others are admitted only.
 */
export async function seedCouncil(session: DemoSession, cast: DemoCast): Promise<CouncilDemo> {
  const { nco } = cast;
  const members = demoCouncilMembers(cast);
  // Each step is done once; a second run is answered 409 (constituted, a member, bound).
  await doneOrConflict(
    session.send(actor(nco), 'demo-council', DEMO_COUNCIL, (c, b, k) => c.constituteCouncil(b, k)),
  );
  for (const org of [...members.bound, ...members.admitted])
    await doneOrConflict(
      session.send(actor(nco), `demo-council-admit-${org.id}`, { orgId: org.id }, (c, b, k) =>
        c.admitCouncilMember(b.orgId, k),
      ),
    );
  for (const org of members.bound)
    await doneOrConflict(
      session.send(actor(org), 'demo-council-undertaking', DEMO_UNDERTAKING, (c, b, k) =>
        c.acknowledgeCouncilConfidentiality(org.id, b, k),
      ),
    );
  const bound = members.bound.map((o) => o.id);
  const admitted = members.admitted.map((o) => o.id);
  session.log(
    `  ${nco.id}: the council constituted; ${bound.join(', ')} bound, ${admitted.join(', ')} admitted`,
  );
  return { council: { bound, admitted } };
}
