import type { ConstituteCouncilBody, PublishIndicatorBody } from '../api-client';
import { indicatorKey } from './demo-indicators';
import { actor, type DemoCast } from './demo-cast';
import { doneOrConflict, waitFor, type DemoSession } from './demo-session';

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
  // Something shared in the council, by a bound member, once the roster shows it bound.
  const sharer = members.bound[0];
  if (sharer) {
    await waitFor(
      `${sharer.id} bound on the council's roster`,
      async () => {
        const entry = await session
          .as(actor(sharer))
          .request<{ status?: string }>(
            'GET',
            `/v1/council/members/${encodeURIComponent(sharer.id)}`,
          );
        return entry.status === 'bound';
      },
      60_000,
    );
    const body = demoCouncilIndicator();
    const status = (await session.as(actor(sharer)).publishIndicator(body, indicatorKey(body)))
      .status;
    session.log(`  ${sharer.id} shared in the council: ${body.type} ${body.value} -> ${status}`);
  }
  return { council: { bound, admitted } };
}

/** An indicator shared in the council: its bound members read it, and every read is recorded. */
export function demoCouncilIndicator(): PublishIndicatorBody {
  return {
    type: 'domain',
    value: 'grid-telemetry-sync.example.org',
    tlp: 'AMBER',
    audience: { council: true },
    confidence: 80,
    description: 'Command-and-control domain of the grid intrusions, shared in the council',
  };
}
