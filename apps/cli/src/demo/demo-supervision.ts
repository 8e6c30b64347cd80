import type { InspectionBody, RecommendationBody } from '../api-client';
import { actor, type DemoCast } from './demo-cast';
import { doneOrConflict, type DemoSession } from './demo-session';

export interface SupervisionDemo {
  supervision: { agencyId: string; inspection: string; recommendation: string };
}

export function demoSupervision() {
  return {
    inspection: {
      scope:
        'Handling of the logs seized from the disabled botnet controller: who accessed them, where copies are kept, and when they are deleted. Present the access records.',
    } satisfies InspectionBody,
    answer: {
      answer:
        'Access records presented: four named investigators read the logs; one copy is kept on the evidence server and is deleted when the case closes.',
    },
    recommendation: (inspectionId: string) =>
      ({
        recommendation:
          'Set a deletion date for the evidence copy now, rather than at the case’s close, and record each access with its purpose.',
        inspectionId,
      }) satisfies RecommendationBody,
  };
}

/**
 * The commission (its first member) inspects the police's handling of seized logs; the police
 * answer; the commission recommends a correction citing the inspection, which awaits an answer.
 */
export async function seedSupervision(
  session: DemoSession,
  cast: DemoCast,
): Promise<SupervisionDemo> {
  const { police, members } = cast;
  const [member] = members;
  if (!member) throw new Error('the commission needs a member');
  const bodies = demoSupervision();
  const inspection = (
    await session.send(member, 'demo-supervision-inspection', bodies.inspection, (c, b, k) =>
      c.openInspection(police.id, b, k),
    )
  ).id;
  await doneOrConflict(
    session.send(actor(police), 'demo-supervision-answer', bodies.answer, (c, b, k) =>
      c.answerSupervision(police.id, 'inspections', inspection, b, k),
    ),
  );
  const recommendation = (
    await session.send(
      member,
      'demo-supervision-recommendation',
      bodies.recommendation(inspection),
      (c, b, k) => c.issueRecommendation(police.id, b, k),
    )
  ).id;
  session.log(
    `  ${member.principal}: inspection of ${police.id} answered ${inspection}, recommendation ${recommendation}`,
  );
  return { supervision: { agencyId: police.id, inspection, recommendation } };
}
